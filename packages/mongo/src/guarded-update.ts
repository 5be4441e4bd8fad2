import type { Collection, Db, Document, UpdateFilter } from "mongodb";
import { MongoServerError } from "mongodb";
import { serializedWrite } from "./serialized-write.js";

/** The condition on a document's `version` under which an update may apply. */
export type VersionGuard = { equals: number } | { below: number };

export type GuardedResult = "applied" | "refused";

/**
 * How this process's database engine should be asked for a guarded update. MongoDB: one
 * conditional update, atomic across processes. FerretDB v1 (SQLite): it pushes a filter down to
 * SQLite only when the filter is `_id` alone — `{_id, version}` reads and decodes every document
 * of the collection (390 ms per update at 20,000 documents) — and it does not isolate concurrent
 * updates anyway, so there the version is read by `_id`, checked here and the update written by
 * `_id`, inside the in-process serialization that already makes one document's writes safe.
 */
let versionCheckedInProcess = false;

/** Asks the server what it is, once per process, when the service connects. */
export async function detectEngine(db: Db): Promise<"mongodb" | "ferretdb"> {
  const info = await db.admin().command({ buildInfo: 1 });
  versionCheckedInProcess = typeof info.ferretdbVersion === "string";
  return versionCheckedInProcess ? "ferretdb" : "mongodb";
}

const guardFilter = (guard: VersionGuard) => ("equals" in guard ? { version: guard.equals } : { version: { $lt: guard.below } });
const guardHolds = (guard: VersionGuard, version: number | undefined) => ("equals" in guard ? version === guard.equals : version === undefined || version < guard.below);

/**
 * Applies `update` to the document `id` only if its version passes `guard`. With `upsert`, a
 * missing document is created (a `below` guard passes for it). Serialized per document in-process.
 */
export function updateIfVersion(collection: Collection<Document>, id: string, guard: VersionGuard, update: UpdateFilter<Document>, upsert = false): Promise<GuardedResult> {
  const byId = { _id: id as unknown as Document["_id"] };
  return serializedWrite(collection.namespace, id, async () => {
    if (versionCheckedInProcess) {
      const current = await collection.findOne(byId, { projection: { version: 1 } });
      if (!current && !upsert) return "refused";
      if (!guardHolds(guard, current ? Number(current.version) : undefined)) return "refused";
      const result = await collection.updateOne(byId, update, { upsert });
      return result.matchedCount + result.upsertedCount > 0 ? "applied" : "refused";
    }
    try {
      const result = await collection.updateOne({ ...byId, ...guardFilter(guard) }, update, { upsert });
      return result.matchedCount + result.upsertedCount > 0 ? "applied" : "refused";
    } catch (error) {
      // Upsert: the document exists but fails the guard, so the insert collides on _id.
      if (upsert && error instanceof MongoServerError && error.code === 11000) return "refused";
      throw error;
    }
  });
}
