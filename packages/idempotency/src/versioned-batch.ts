import type { Collection, Document, UpdateFilter } from "mongodb";
import { serializedWrite } from "@kepu/mongo";

/** One event's change to one read-model document. */
export interface VersionedChange {
  id: string;
  /** The event's aggregate version: the change applies only if the document has seen less. */
  version: number;
  update: UpdateFilter<Document>;
}

const isDate = (value: unknown): value is Date => value instanceof Date;
const lessThan = (a: unknown, b: unknown) => (isDate(a) && isDate(b) ? a.getTime() < b.getTime() : (a as number) < (b as number));

/**
 * A read-model update applied in memory, as the database would apply it. Only the operators
 * projections use are supported ($set, $inc, $min); anything else is a programming error.
 */
export function applyUpdate(doc: Document, update: UpdateFilter<Document>): Document {
  const next: Document = { ...doc };
  for (const [operator, fields] of Object.entries(update)) {
    for (const [field, value] of Object.entries(fields as Document)) {
      if (operator === "$set") next[field] = value;
      else if (operator === "$inc") next[field] = ((next[field] as number | undefined) ?? 0) + (value as number);
      else if (operator === "$min") next[field] = next[field] === undefined || lessThan(value, next[field]) ? value : next[field];
      else throw new Error(`applyUpdate: ${operator} is not supported`);
    }
  }
  return next;
}

/**
 * Applies many events' changes with one read and one write per document instead of one write per
 * event: a replay of a million events touches each document many times. Each document keeps
 * the last version it applied, so redelivered or replayed changes are skipped, as in
 * `applyVersioned`. One writer per document is assumed (a Kafka partition's consumer), and the
 * writes to one document are serialized in-process. Returns how many changes were applied.
 */
export async function applyVersionedBatch(collection: Collection<Document>, changes: VersionedChange[]): Promise<number> {
  const byDocument = new Map<string, VersionedChange[]>();
  for (const change of changes) (byDocument.get(change.id) ?? byDocument.set(change.id, []).get(change.id)!).push(change);
  const applied = await Promise.all(
    [...byDocument].map(([id, list]) =>
      serializedWrite(collection.namespace, id, async () => {
        const byId = { _id: id as unknown as Document["_id"] };
        let doc: Document | null = await collection.findOne(byId);
        let count = 0;
        for (const change of list) {
          if (doc && Number(doc.version) >= change.version) continue;
          doc = { ...applyUpdate(doc ?? byId, change.update), version: change.version };
          count++;
        }
        if (count > 0) await collection.replaceOne(byId, doc!, { upsert: true });
        return count;
      }),
    ),
  );
  return applied.reduce((sum, n) => sum + n, 0);
}
