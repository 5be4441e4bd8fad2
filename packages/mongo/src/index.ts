// The official driver (mongodb), no ODM: the services read and write documents through `Db` and never
// used mongoose's models; mongoose only opened the connection, and loading it cost every service
// ~4 MB of memory at rest (issue 20: each service ≤ 150 MB; measured 2 Dec, +27.3 MB RSS for
// mongoose against +22.8 for the driver alone, both loaded into an empty node).
import { MongoClient, type Db } from "mongodb";
import { detectEngine } from "./guarded-update.js";

export { serializedWrite } from "./serialized-write.js";
export { detectEngine, updateIfVersion, type VersionGuard, type GuardedResult } from "./guarded-update.js";

/** A service's own database on its server. */
export interface Connection {
  readonly name: string;
  readonly db: Db;
  close(): Promise<void>;
}

/** One database per service; the prefix isolates tests and parallel stacks on one server. */
export function databaseName(service: string, prefix = ""): string {
  return `${prefix}kepu_${service}`;
}

/** Opens the service's own database and waits until the server answers. Indexes are created explicitly at start (FerretDB lacks TTL and partial indexes). */
export async function connectMongo(url: string, dbName: string): Promise<Connection> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 20 });
  await client.connect();
  const db = client.db(dbName);
  try {
    await detectEngine(db);
  } catch (error) {
    await client.close();
    throw error;
  }
  return { name: dbName, db, close: () => client.close() };
}

export async function mongoReady(connection: Connection): Promise<boolean> {
  try {
    await connection.db.command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
