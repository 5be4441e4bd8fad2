import { describe, expect, it } from "vitest";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { ActorSchema, EventEnvelopeSchema, type EventEnvelope } from "@kepu/contracts/common/v1/envelope_pb";
import { decodeEnvelope, encodeEnvelope } from "../src/envelope.js";
import { fieldsOf, knownFields, readEnvelope, writeEnvelope } from "../src/envelope-wire.js";

/** A small seeded generator, so a failing envelope is the same on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const texts = ["", "a", "0192f3a4-1234-7abc-8def-0123456789ab", "kepu.dispatch.v1.OrderSubmitted", "王小明", "科普 team 🚀", "lone \ud800 surrogate", "\u007f\u0080", "x".repeat(200), "长".repeat(500), "y".repeat(2000)];
const versions = [0n, 1n, 127n, 128n, 16_383n, 16_384n, 2n ** 31n, 2n ** 32n + 5n, 2n ** 49n, BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 63n - 1n, -1n, -(2n ** 63n)];
const nanos = [0, 1, 999_999_999, 2 ** 31 - 1, -1];
const roles = [0, 1, 11, 127, 128, 300, -5];

function envelopeFrom(next: () => number): EventEnvelope {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const envelope = create(EventEnvelopeSchema, {
    eventId: pick(texts),
    type: pick(texts),
    source: pick(texts),
    aggregateId: pick(texts),
    aggregateVersion: pick(versions),
    correlationId: pick(texts),
    causationId: pick(texts),
    payload: Uint8Array.from({ length: pick([0, 1, 5, 200, 1024]) }, () => Math.floor(next() * 256)),
  });
  const shape = next();
  if (shape < 0.7) envelope.occurredAt = create(TimestampSchema, { seconds: pick([0n, 1n, 1_764_600_000n, 2n ** 40n, -62_135_596_800n]), nanos: pick(nanos) });
  if (next() < 0.5) envelope.actor = create(ActorSchema, { id: pick(texts), role: pick(roles), orgId: pick(texts), displayName: pick(texts) });
  if (next() < 0.05) envelope.$unknown = [{ no: 20, wireType: 0, data: new Uint8Array([7]) }];
  if (envelope.actor && next() < 0.05) envelope.actor.$unknown = [{ no: 9, wireType: 0, data: new Uint8Array([1]) }];
  return envelope;
}

const envelopes = Array.from({ length: 1_000 }, (_, i) => envelopeFrom(random(i + 1)));

describe("the envelope's own wire code", () => {
  it("knows exactly the fields the schemas have (a field added to envelope.proto turns it off until taught)", () => {
    for (const schema of [EventEnvelopeSchema, ActorSchema, TimestampSchema]) expect(fieldsOf(schema)).toEqual(knownFields[schema.typeName]);
  });

  it("writes the bytes toBinary writes, and leaves what it does not handle to protobuf-es", () => {
    let written = 0;
    for (const envelope of envelopes) {
      const expected = toBinary(EventEnvelopeSchema, envelope);
      const fast = writeEnvelope(envelope);
      if (fast) {
        written++;
        expect(Buffer.from(fast).equals(Buffer.from(expected))).toBe(true);
      }
      expect(Buffer.from(encodeEnvelope(envelope)).equals(Buffer.from(expected))).toBe(true);
    }
    // Many take the fast way; negative or huge numbers and unknown fields do not.
    expect(written).toBeGreaterThan(envelopes.length / 4);
    expect(written).toBeLessThan(envelopes.length);
  });

  it("reads the message fromBinary reads, keys in the same order, from a Buffer or a plain array", () => {
    let read = 0;
    for (const envelope of envelopes) {
      const bytes = toBinary(EventEnvelopeSchema, envelope);
      for (const input of [bytes, Buffer.from(bytes)]) {
        const expected = fromBinary(EventEnvelopeSchema, input);
        const fast = readEnvelope(input);
        if (fast) {
          read++;
          expect(fast).toStrictEqual(expected);
          expect(Object.keys(fast)).toEqual(Object.keys(expected));
          for (const key of ["occurredAt", "actor"] as const) if (fast[key]) expect(Object.keys(fast[key])).toEqual(Object.keys(expected[key]!));
          expect(fast.payload.constructor).toBe(expected.payload.constructor);
        }
      }
    }
    expect(read).toBeGreaterThan(envelopes.length / 2);
  });

  it("gives way to protobuf-es on bytes out of the canonical form: fields repeated, out of order, unknown, cut short", () => {
    const envelope = create(EventEnvelopeSchema, { eventId: "e1", type: "t", aggregateId: "a", aggregateVersion: 3n, payload: new Uint8Array([1, 2]) });
    const bytes = toBinary(EventEnvelopeSchema, envelope);
    const eventIdAgain = Uint8Array.from([...bytes, 0x0a, 2, 0x65, 0x32]); // last one wins
    const typeFirst = Uint8Array.from([0x12, 1, 0x74, 0x0a, 2, 0x65, 0x31, 0x22, 1, 0x61]);
    const unknownField = Uint8Array.from([...bytes, 0xa0, 0x01, 0x07]); // field 20, varint
    const emptyPayload = Uint8Array.from([...toBinary(EventEnvelopeSchema, { ...envelope, payload: new Uint8Array(0) }), 0x52, 0]);
    for (const odd of [eventIdAgain, typeFirst, unknownField, emptyPayload]) {
      expect(readEnvelope(odd)).toBeUndefined();
      expect(decodeEnvelope(odd)).toStrictEqual(fromBinary(EventEnvelopeSchema, odd));
    }
    expect(decodeEnvelope(eventIdAgain).eventId).toBe("e2");
    const cut = bytes.subarray(0, bytes.length - 1);
    expect(readEnvelope(cut)).toBeUndefined();
    expect(() => decodeEnvelope(cut)).toThrow();
    expect(() => fromBinary(EventEnvelopeSchema, cut)).toThrow();
  });
});
