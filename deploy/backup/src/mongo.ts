// The services' databases: every database of the platform, every collection, every document as
// canonical Extended JSON (one per line: ObjectId, Date, Long, Decimal128 and binary keep their
// types), and each collection's indexes. Written with the mongodb driver (no mongodump here).
import { BSON, MongoClient, type Document } from "mongodb";
import type { Workdir } from "./archive.js";
import type { Scope } from "./scope.js";

export interface IndexSpec {
  name: string;
  key: Document;
  unique?: boolean;
  sparse?: boolean;
}

export interface CollectionPart {
  database: string;
  collection: string;
  documents: number;
  indexes: IndexSpec[];
  /** The file in the archive, documents sorted by _id. */
  file: string;
}

export interface MongoPart {
  /** The server's version (FerretDB's own version too, when it is FerretDB). */
  version: string;
  collections: CollectionPart[];
}

const batchSize = 500;

export async function platformDatabases(client: MongoClient, scope: Scope): Promise<string[]> {
  const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name).filter(scope.database).sort();
}

/** Collections of a database (views and system collections left out), by name. */
export async function collectionsOf(client: MongoClient, database: string): Promise<string[]> {
  const listed = await client.db(database).listCollections({}, { nameOnly: true }).toArray();
  return listed.filter((c) => c.type !== "view" && !c.name.startsWith("system.")).map((c) => c.name).sort();
}

/** Every document of a collection in _id order, as canonical Extended JSON. */
export async function* documentsOf(client: MongoClient, database: string, collection: string): AsyncIterable<string> {
  for await (const doc of client.db(database).collection(collection).find({}, { sort: { _id: 1 } })) {
    yield BSON.EJSON.stringify(doc, { relaxed: false });
  }
}

export async function dumpMongo(url: string, scope: Scope, work: Workdir): Promise<MongoPart> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    const parts: CollectionPart[] = [];
    for (const database of await platformDatabases(client, scope)) {
      for (const collection of await collectionsOf(client, database)) {
        const file = `mongo/${database}/${collection}.ejson`;
        const out = await work.lines(file);
        let documents = 0;
        for await (const line of documentsOf(client, database, collection)) {
          await out.write(line);
          documents++;
        }
        await out.close();
        const indexes = (await client.db(database).collection(collection).listIndexes().toArray())
          .filter((i) => i.name !== "_id_")
          .map((i): IndexSpec => ({ name: i.name, key: i.key, ...(i.unique ? { unique: true } : {}), ...(i.sparse ? { sparse: true } : {}) }));
        parts.push({ database, collection, documents, indexes, file });
      }
    }
    const info = await client.db().admin().buildInfo();
    return { version: [info.version, info.ferretdbVersion && info.ferretdbVersion !== "unknown" ? `FerretDB ${info.ferretdbVersion}` : ""].filter(Boolean).join(" "), collections: parts };
  } finally {
    await client.close();
  }
}

export async function restoreMongo(url: string, mongo: MongoPart, work: Workdir): Promise<number> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  let restored = 0;
  try {
    for (const part of mongo.collections) {
      const db = client.db(part.database);
      await db.createCollection(part.collection);
      const target = db.collection(part.collection);
      let batch: Document[] = [];
      for await (const line of work.readLines(part.file)) {
        batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
        if (batch.length >= batchSize) {
          await target.insertMany(batch, { ordered: true });
          restored += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await target.insertMany(batch, { ordered: true });
      restored += batch.length;
      for (const index of part.indexes) {
        await target.createIndex(index.key, { name: index.name, ...(index.unique ? { unique: true } : {}), ...(index.sparse ? { sparse: true } : {}) });
      }
      const count = await target.countDocuments();
      if (count !== part.documents) throw new Error(`${part.database}.${part.collection}: ${count} documents after restore, the backup has ${part.documents}`);
    }
    return restored;
  } finally {
    await client.close();
  }
}
