import type { DescMessage } from "@bufbuild/protobuf";
import { getTextEncoding } from "@bufbuild/protobuf/wire";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { ActorSchema, EventEnvelopeSchema, type Actor, type EventEnvelope } from "@kepu/contracts/common/v1/envelope_pb";

// The envelope's wire form, written and read directly (issue 20, bench/bus). protobuf-es works by
// reflection — a writer that pushes every byte into an array, TextEncoder/TextDecoder calls for
// each short string — and took ~9 µs to encode and ~6 µs to decode one envelope, as much as
// kafkajs spends sending it. Here one pass measures, one writes into a single array.
//
// Only the canonical form is handled: what protobuf-es itself writes, with ids and versions in the
// ranges events have. Anything else (a field number or wire type it does not know, fields out of
// order or repeated, unknown fields kept on a message, a negative or huge number, a value of the
// wrong type) gives `undefined`, and the caller uses protobuf-es — so bytes and messages are
// exactly those of toBinary/fromBinary (the unit test compares them on many envelopes).
// Should the envelope's schema ever gain or change a field, `fastPath` is false and protobuf-es
// does all the work.

/** The fields this file writes and reads, as [number, name, kind] — checked against the schemas at load. */
export const knownFields: Record<string, [number, string, string][]> = {
  [EventEnvelopeSchema.typeName]: [
    [1, "eventId", "string"],
    [2, "type", "string"],
    [3, "source", "string"],
    [4, "aggregateId", "string"],
    [5, "aggregateVersion", "int64"],
    [6, "occurredAt", "google.protobuf.Timestamp"],
    [7, "actor", "kepu.common.v1.Actor"],
    [8, "correlationId", "string"],
    [9, "causationId", "string"],
    [10, "payload", "bytes"],
  ],
  [ActorSchema.typeName]: [
    [1, "id", "string"],
    [2, "role", "enum"],
    [3, "orgId", "string"],
    [4, "displayName", "string"],
  ],
  [TimestampSchema.typeName]: [
    [1, "seconds", "int64"],
    [2, "nanos", "int32"],
  ],
};

const scalarNames: Record<number, string> = { 3: "int64", 5: "int32", 9: "string", 12: "bytes" };

/** The [number, name, kind] of each field of a schema, in the form of `knownFields`. */
export function fieldsOf(schema: DescMessage): [number, string, string][] {
  return schema.fields.map((f) => {
    const kind = f.fieldKind === "scalar" ? (scalarNames[f.scalar] ?? `scalar ${f.scalar}`) : f.fieldKind === "message" ? f.message.typeName : f.fieldKind;
    return [f.number, f.localName, kind];
  });
}

const fastPath = [EventEnvelopeSchema, ActorSchema, TimestampSchema].every((schema) => JSON.stringify(fieldsOf(schema)) === JSON.stringify(knownFields[schema.typeName]));

const utf8 = getTextEncoding();

/** A string to write: itself when ASCII (one byte a character), else its UTF-8 bytes; `length` is the byte length either way. */
type Text = string | Uint8Array;

function textOf(s: string): Text {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8.encodeUtf8(s);
  return s;
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
/** An int64 written here: from 0 up to 2^53 (a negative one takes ten bytes; left to protobuf-es). */
const int64Small = (v: unknown): v is bigint => typeof v === "bigint" && v >= 0n && v <= maxSafe;
const int32Small = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x7fffffff;
const noUnknown = (m: { $unknown?: unknown[] }) => m.$unknown === undefined || m.$unknown.length === 0;
const isText = (...values: unknown[]) => values.every((v) => typeof v === "string");

/** Size of a field: tag byte, then the varint, or the length and the bytes. Defaults are left out, as protobuf does for implicit presence. */
const varintField = (n: number) => (n === 0 ? 0 : 1 + varintSize(n));
const lengthField = (length: number, always = false) => (length === 0 && !always ? 0 : 1 + varintSize(length) + length);

interface Prepared {
  eventId: Text;
  type: Text;
  source: Text;
  aggregateId: Text;
  version: number;
  /** Present (possibly empty) when the envelope has a timestamp. */
  occurredAt: { seconds: number; nanos: number; size: number } | undefined;
  actor: { id: Text; role: number; orgId: Text; displayName: Text; size: number } | undefined;
  correlationId: Text;
  causationId: Text;
  payload: Uint8Array;
  size: number;
}

function prepare(e: EventEnvelope): Prepared | undefined {
  if (e.$typeName !== EventEnvelopeSchema.typeName || !noUnknown(e) || !int64Small(e.aggregateVersion) || !(e.payload instanceof Uint8Array)) return undefined;
  if (!isText(e.eventId, e.type, e.source, e.aggregateId, e.correlationId, e.causationId)) return undefined;
  let occurredAt: Prepared["occurredAt"];
  if (e.occurredAt !== undefined) {
    const t = e.occurredAt;
    if (!noUnknown(t) || !int64Small(t.seconds) || !int32Small(t.nanos)) return undefined;
    const seconds = Number(t.seconds);
    occurredAt = { seconds, nanos: t.nanos, size: varintField(seconds) + varintField(t.nanos) };
  }
  let actor: Prepared["actor"];
  if (e.actor !== undefined) {
    const a = e.actor;
    if (!noUnknown(a) || !int32Small(a.role) || !isText(a.id, a.orgId, a.displayName)) return undefined;
    const [id, orgId, displayName] = [textOf(a.id), textOf(a.orgId), textOf(a.displayName)];
    actor = { id, role: a.role, orgId, displayName, size: lengthField(id.length) + varintField(a.role) + lengthField(orgId.length) + lengthField(displayName.length) };
  }
  const [eventId, type, source, aggregateId] = [textOf(e.eventId), textOf(e.type), textOf(e.source), textOf(e.aggregateId)];
  const [correlationId, causationId] = [textOf(e.correlationId), textOf(e.causationId)];
  const version = Number(e.aggregateVersion);
  const size =
    lengthField(eventId.length) +
    lengthField(type.length) +
    lengthField(source.length) +
    lengthField(aggregateId.length) +
    varintField(version) +
    (occurredAt ? lengthField(occurredAt.size, true) : 0) +
    (actor ? lengthField(actor.size, true) : 0) +
    lengthField(correlationId.length) +
    lengthField(causationId.length) +
    lengthField(e.payload.length);
  // One literal, not a spread of another: the spread cost more than the rest of the encoding.
  return { eventId, type, source, aggregateId, version, occurredAt, actor, correlationId, causationId, payload: e.payload, size };
}

/** Writes fields one after the other into an array of exactly the right size. */
class Writer {
  pos = 0;
  constructor(readonly out: Uint8Array) {}

  private raw(n: number): void {
    while (n > 0x7f) {
      this.out[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.out[this.pos++] = n;
  }

  varint(tag: number, n: number): void {
    if (n === 0) return;
    this.out[this.pos++] = tag;
    this.raw(n);
  }

  /** A sub-message's tag and length; its fields follow. */
  message(tag: number, size: number): void {
    this.out[this.pos++] = tag;
    this.raw(size);
  }

  text(tag: number, t: Text): void {
    if (t.length === 0) return;
    this.out[this.pos++] = tag;
    this.raw(t.length);
    if (typeof t !== "string") return this.bytes(t);
    for (let i = 0; i < t.length; i++) this.out[this.pos++] = t.charCodeAt(i);
  }

  private bytes(b: Uint8Array): void {
    this.out.set(b, this.pos);
    this.pos += b.length;
  }

  payload(tag: number, b: Uint8Array): void {
    if (b.length === 0) return;
    this.out[this.pos++] = tag;
    this.raw(b.length);
    this.bytes(b);
  }
}

/** The envelope's bytes as toBinary writes them, or `undefined` when it is not in the canonical form. */
export function writeEnvelope(envelope: EventEnvelope): Uint8Array | undefined {
  if (!fastPath) return undefined;
  const p = prepare(envelope);
  if (!p) return undefined;
  // From Node's buffer pool: a fresh ArrayBuffer for each envelope cost a microsecond. Every byte is written.
  const w = new Writer(Buffer.allocUnsafe(p.size));
  w.text(0x0a, p.eventId);
  w.text(0x12, p.type);
  w.text(0x1a, p.source);
  w.text(0x22, p.aggregateId);
  w.varint(0x28, p.version);
  if (p.occurredAt) {
    w.message(0x32, p.occurredAt.size);
    w.varint(0x08, p.occurredAt.seconds);
    w.varint(0x10, p.occurredAt.nanos);
  }
  if (p.actor) {
    w.message(0x3a, p.actor.size);
    w.text(0x0a, p.actor.id);
    w.varint(0x10, p.actor.role);
    w.text(0x1a, p.actor.orgId);
    w.text(0x22, p.actor.displayName);
  }
  w.text(0x42, p.correlationId);
  w.text(0x4a, p.causationId);
  w.payload(0x52, p.payload);
  if (w.pos !== p.size) throw new Error(`envelope written short: ${w.pos} of ${p.size} bytes`);
  return w.out;
}

/** Reads fields in increasing order; any surprise ends the read with `undefined`. */
class Reader {
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
    public pos = 0,
  ) {}

  /** A varint of at most 7 bytes (49 bits: exact as a number), or -1. */
  varint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 7 && this.pos < this.end; i++) {
      const b = this.bytes[this.pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
    return -1;
  }

  /** The end of a length-delimited field starting here, or -1. */
  delimited(): number {
    const length = this.varint();
    return length < 0 || this.pos + length > this.end ? -1 : this.pos + length;
  }

  text(): string | undefined {
    const end = this.delimited();
    if (end < 0) return undefined;
    const start = this.pos;
    this.pos = end;
    const bytes = this.bytes;
    for (let i = start; i < end; i++) if (bytes[i]! > 0x7f) return utf8.decodeUtf8(bytes.subarray(start, end));
    // ASCII reads the same as latin1, which a Buffer (what kafkajs hands over) decodes without a view.
    if (Buffer.isBuffer(bytes)) return bytes.toString("latin1", start, end);
    return end - start > 1024 ? utf8.decodeUtf8(bytes.subarray(start, end)) : String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
}

/** Field number and wire type of the next field if it comes after `after` (fields in order, none twice), else 0. */
function nextTag(r: Reader, after: number): number {
  const tag = r.varint();
  return tag > 0 && tag >>> 3 > after && tag < 0x80 ? tag : 0;
}

function readTimestamp(r: Reader): Timestamp | undefined {
  const t: Timestamp = { $typeName: TimestampSchema.typeName, seconds: 0n, nanos: 0 };
  for (let last = 0; r.pos < r.end; ) {
    const tag = nextTag(r, last);
    last = tag >>> 3;
    const n = tag === 0x08 || tag === 0x10 ? r.varint() : -1;
    if (n < 0 || (tag === 0x10 && n > 0x7fffffff)) return undefined;
    if (tag === 0x08) t.seconds = BigInt(n);
    else t.nanos = n;
  }
  return t;
}

function readActor(r: Reader): Actor | undefined {
  const a: Actor = { $typeName: ActorSchema.typeName, id: "", role: 0, orgId: "", displayName: "" };
  for (let last = 0; r.pos < r.end; ) {
    const tag = nextTag(r, last);
    last = tag >>> 3;
    if (tag === 0x10) {
      const n = r.varint();
      if (n < 0 || n > 0x7fffffff) return undefined;
      a.role = n;
      continue;
    }
    const s = tag === 0x0a || tag === 0x1a || tag === 0x22 ? r.text() : undefined;
    if (s === undefined) return undefined;
    if (tag === 0x0a) a.id = s;
    else if (tag === 0x1a) a.orgId = s;
    else a.displayName = s;
  }
  return a;
}

const textFields: Record<number, "eventId" | "type" | "source" | "aggregateId" | "correlationId" | "causationId"> = {
  0x0a: "eventId",
  0x12: "type",
  0x1a: "source",
  0x22: "aggregateId",
  0x42: "correlationId",
  0x4a: "causationId",
};

/** A stand-in while reading: each envelope without a payload gets an empty array of its own, as from fromBinary. */
const noPayload = new Uint8Array(0);

/** The envelope fromBinary reads from these bytes, or `undefined` when they are not in the canonical form. */
export function readEnvelope(bytes: Uint8Array): EventEnvelope | undefined {
  if (!fastPath) return undefined;
  // Keys in the order fromBinary gives them: the zero message's fields, then the messages read.
  const e: EventEnvelope = {
    $typeName: EventEnvelopeSchema.typeName,
    eventId: "",
    type: "",
    source: "",
    aggregateId: "",
    aggregateVersion: 0n,
    correlationId: "",
    causationId: "",
    payload: noPayload,
  };
  const r = new Reader(bytes, bytes.length);
  for (let last = 0; r.pos < r.end; ) {
    const tag = nextTag(r, last);
    last = tag >>> 3;
    const name = textFields[tag];
    if (name !== undefined) {
      const s = r.text();
      if (s === undefined) return undefined;
      e[name] = s;
    } else if (tag === 0x28) {
      const n = r.varint();
      if (n < 0) return undefined;
      e.aggregateVersion = BigInt(n);
    } else if (tag === 0x32 || tag === 0x3a || tag === 0x52) {
      const end = r.delimited();
      if (end < 0) return undefined;
      if (tag === 0x52) {
        if (end === r.pos) return undefined; // protobuf-es leaves no empty payload on the wire
        e.payload = bytes.subarray(r.pos, end);
        r.pos = end;
        continue;
      }
      const inner = new Reader(bytes, end, r.pos);
      r.pos = end;
      if (tag === 0x32) {
        const timestamp = readTimestamp(inner);
        if (!timestamp) return undefined;
        e.occurredAt = timestamp;
      } else {
        const actor = readActor(inner);
        if (!actor) return undefined;
        e.actor = actor;
      }
    } else {
      return undefined;
    }
  }
  if (e.payload === noPayload) e.payload = new Uint8Array(0);
  return e;
}
