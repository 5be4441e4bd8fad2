import { Binary, MongoServerError, type Collection, type Document } from "mongodb";
import { toOutgoing, type EventEnvelope } from "@kepu/bus";
import { updateIfVersion } from "@kepu/mongo";

/** An event waiting in its aggregate's document until the relay has published it. */
export interface OutboxEntry {
  id: string;
  topic: string;
  key: string;
  value: Binary;
  headers: Record<string, string>;
}

/** Fields every outbox-carrying aggregate document has, besides its own state. */
export interface OutboxFields {
  _id: string;
  version: number;
  outbox: OutboxEntry[];
  /** How many events wait in `outbox`; the relay looks for documents where it is above 0. */
  outboxCount: number;
}

export function outboxEntry(topic: string, envelope: EventEnvelope, key?: string): OutboxEntry {
  const message = toOutgoing(topic, envelope, key);
  return { id: envelope.eventId, topic, key: message.key, value: new Binary(message.value), headers: message.headers };
}

export interface AggregateWrite<S extends Document> {
  id: string;
  /** The version the caller decided on; 0 for a new aggregate. */
  expectedVersion: number;
  /** The version after this write (the last event's aggregate_version). */
  version: number;
  state: S;
  topic: string;
  events: EventEnvelope[];
  /** The Kafka key, when it is not the aggregate id (a booking's events go by its activity's). */
  key?: string;
}

export type SaveResult = "saved" | "conflict";

/**
 * Writes the new state and the events it causes in ONE document write, so they land together or
 * not at all (no dual write, no transaction). The version guard makes concurrent writers safe:
 * exactly one wins, the others get "conflict" and must reload and decide again (`updateIfVersion`
 * says how, per engine).
 */
export async function saveAggregate<S extends Document>(collection: Collection<Document>, write: AggregateWrite<S>): Promise<SaveResult> {
  const entries = write.events.map((e) => outboxEntry(write.topic, e, write.key));
  if (write.expectedVersion === 0) {
    try {
      await collection.insertOne({ ...write.state, _id: write.id, version: write.version, outbox: entries, outboxCount: entries.length } as Document);
      return "saved";
    } catch (error) {
      if (isDuplicateKey(error)) return "conflict";
      throw error;
    }
  }
  const update = {
    $set: { ...write.state, version: write.version },
    ...(entries.length > 0 ? { $push: { outbox: { $each: entries } }, $inc: { outboxCount: entries.length } } : {}),
  } as Document;
  const result = await updateIfVersion(collection, write.id, { equals: write.expectedVersion }, update);
  return result === "applied" ? "saved" : "conflict";
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
