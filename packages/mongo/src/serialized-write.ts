const writeTails = new Map<string, Promise<unknown>>();

/**
 * Runs writes to one document one after another within this process. FerretDB (SQLite) does
 * not isolate concurrent updates of one document: two `updateOne({_id, version: 1})` racing can
 * BOTH match, and a concurrent $push and $pullAll can lose one of them. Serialized, each update
 * sees the result of the one before, so version guards and outbox counters hold. (On MongoDB
 * proper this costs little and changes nothing.) Across processes, run one writer per aggregate.
 */
export async function serializedWrite<T>(namespace: string, id: string, write: () => Promise<T>): Promise<T> {
  const key = `${namespace}/${id}`;
  const previous = writeTails.get(key) ?? Promise.resolve();
  const current = previous.then(write, write);
  const tail = current.catch(() => undefined);
  writeTails.set(key, tail);
  try {
    return await current;
  } finally {
    if (writeTails.get(key) === tail) writeTails.delete(key);
  }
}
