import { MongoServerError, type Collection, type Document, type UpdateFilter } from "mongodb";
import { updateIfVersion } from "@kepu/mongo";

export type ApplyResult = "applied" | "duplicate";

/**
 * Applies an update to a read-model document only if the event is newer than what the document
 * has seen. Kafka keeps one aggregate's events in order, so "newer" is its aggregate version:
 * a redelivered or replayed event changes nothing.
 */
export async function applyVersioned(
  collection: Collection<Document>,
  id: string,
  version: number,
  update: UpdateFilter<Document>,
): Promise<ApplyResult> {
  const set = { ...((update.$set as Document | undefined) ?? {}), version };
  const result = await updateIfVersion(collection, id, { below: version }, { ...update, $set: set }, true);
  return result === "applied" ? "applied" : "duplicate";
}

/**
 * Inserts a document whose _id is derived from what caused it (an event id, an order id), so
 * that doing it twice leaves one document. Returns false when it was already there.
 */
export async function insertOnce(collection: Collection<Document>, doc: Document & { _id: string }): Promise<boolean> {
  try {
    await collection.insertOne(doc as unknown as Document);
    return true;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 11000) return false;
    throw error;
  }
}
export { applyUpdate, applyVersionedBatch, type VersionedChange } from "./versioned-batch.js";
