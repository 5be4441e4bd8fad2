// `npm run restore -- <file>`: brings a platform back from a backup onto engines that hold nothing
// of it yet (an empty machine), before its services start: databases, Redis keys, topics with their
// events in the same partitions and order, and the consumer groups' offsets, so every service
// resumes exactly where the backup left it.
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { unpack } from "./archive.js";
import type { Manifest } from "./backup.js";
import type { Config } from "./config.js";
import { connectKafka, platformGroups, platformTopics, restoreKafka } from "./kafka.js";
import { platformDatabases, restoreMongo } from "./mongo.js";
import { platformKeys, restoreRedis } from "./redis.js";
import { scopeOf, type Scope } from "./scope.js";

export interface Restored {
  manifest: Manifest;
  documents: number;
  redisKeys: number;
  records: number;
  groups: number;
  /** Partitions written with new offsets (see Manifest.renumbered). */
  renumbered: string[];
}

export async function restore(config: Config, file: string): Promise<Result<Restored>> {
  const unpacked = await unpack<Manifest>(file);
  if (!unpacked.ok) return unpacked;
  const { work, manifest } = unpacked.value;
  try {
    if (manifest.prefix !== config.KEPU_PREFIX) {
      return fail(kepuError("invalid", "PREFIX_MISMATCH", `备份属于前缀「${manifest.prefix}」的平台，当前 KEPU_PREFIX 为「${config.KEPU_PREFIX}」：请以 KEPU_PREFIX=${manifest.prefix} 恢复`, `the backup is of the platform with prefix "${manifest.prefix}", KEPU_PREFIX is "${config.KEPU_PREFIX}": restore with KEPU_PREFIX=${manifest.prefix}`));
    }
    const scope = scopeOf(config.KEPU_PREFIX);
    const kafka = connectKafka(config.KAFKA_BROKERS);
    const present = await whatIsThere(config, scope);
    if (present.length > 0) {
      return fail(kepuError("conflict", "NOT_EMPTY", `目标引擎上已有该平台的数据（${present.slice(0, 3).join("、")}）：恢复只写入空的引擎，且须在服务启动之前`, `the engines already hold this platform's data (${present.slice(0, 3).join(", ")}): a restore only writes to empty engines, before the services start`));
    }
    const documents = await restoreMongo(config.MONGO_URL, manifest.mongo, work);
    const redisKeys = await restoreRedis(config.REDIS_URL, manifest.redis, work);
    const { records, renumbered } = await restoreKafka(kafka, manifest.kafka, work);
    return ok({ manifest, documents, redisKeys, records, groups: manifest.kafka.groups.length, renumbered });
  } finally {
    await work.dispose();
  }
}

/** The platform's databases, topics, consumer groups and Redis keys already on the engines. */
async function whatIsThere(config: Config, scope: Scope): Promise<string[]> {
  const mongo = new MongoClient(config.MONGO_URL, { serverSelectionTimeoutMS: 10_000 });
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const admin = connectKafka(config.KAFKA_BROKERS).admin();
  try {
    await Promise.all([mongo.connect(), redis.connect(), admin.connect()]);
    const databases = (await platformDatabases(mongo, scope)).map((d) => `database ${d}`);
    const topics = (await platformTopics(admin, scope)).map((t) => `topic ${t}`);
    const groups = (await platformGroups(admin, scope)).map((g) => `group ${g}`);
    const keys = (await platformKeys(redis, scope)).slice(0, 3).map((k) => `key ${k.toString()}`);
    return [...databases, ...topics, ...groups, ...keys];
  } finally {
    await Promise.allSettled([mongo.close(), admin.disconnect()]);
    redis.disconnect();
  }
}
