import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { v7 as uuidv7 } from "uuid";
import { ActorSchema, EventEnvelopeSchema, type Actor, type EventEnvelope } from "@kepu/contracts/common/v1/envelope_pb";
import { readEnvelope, writeEnvelope } from "./envelope-wire.js";

export { EventEnvelopeSchema, ActorSchema, type EventEnvelope, type Actor };

export interface EventMeta {
  source: string;
  aggregateId: string;
  aggregateVersion: number | bigint;
  correlationId: string;
  causationId?: string;
  actor?: MessageInitShape<typeof ActorSchema>;
  occurredAt?: Date;
}

/** Wraps a payload message in the envelope: a new UUIDv7, the type name, and who/when/why. */
export function newEvent<D extends DescMessage>(schema: D, payload: MessageInitShape<D>, meta: EventMeta): EventEnvelope {
  return create(EventEnvelopeSchema, {
    eventId: uuidv7(),
    type: schema.typeName,
    source: meta.source,
    aggregateId: meta.aggregateId,
    aggregateVersion: BigInt(meta.aggregateVersion),
    occurredAt: timestampFromDate(meta.occurredAt ?? new Date()),
    actor: meta.actor ? create(ActorSchema, meta.actor) : undefined,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? "",
    payload: toBinary(schema, create(schema, payload)),
  });
}

export function encodeEnvelope(envelope: EventEnvelope): Uint8Array {
  return writeEnvelope(envelope) ?? toBinary(EventEnvelopeSchema, envelope);
}

/** Throws on bytes that are not an envelope; the consumer dead-letters those. */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  const envelope = readEnvelope(bytes) ?? fromBinary(EventEnvelopeSchema, bytes);
  if (!envelope.eventId || !envelope.type || !envelope.aggregateId) {
    throw new Error("envelope lacks event_id, type or aggregate_id");
  }
  return envelope;
}

export function occurredAt(envelope: EventEnvelope): Date {
  return envelope.occurredAt ? timestampDate(envelope.occurredAt) : new Date(0);
}
