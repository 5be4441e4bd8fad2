import mongoose, { type Connection } from "mongoose";
import { detectEngine } from "./guarded-update.js";

export { serializedWrite } from "./serialized-write.js";
export { detectEngine, updateIfVersion, type VersionGuard, type GuardedResult } from "./guarded-update.js";

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
  await detectEngine(connection.db!);
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

