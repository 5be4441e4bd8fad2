import mongoose, { type Connection } from "mongoose";

export type { Connection };

/** One database per service; the prefix isolates tests and parallel stacks on one server. */
export function databaseName(service: string, prefix = ""): string {
  return `${prefix}kepu_${service}`;
}

/** Opens the service's own database and waits until the server answers. */
export async function connectMongo(url: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
    // Indexes are created explicitly at start (FerretDB lacks TTL and partial indexes).
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  return connection;
}

export async function mongoReady(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.command({ ping: 1 });
    return connection.readyState === 1;
  } catch {
    return false;
  }
}

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
