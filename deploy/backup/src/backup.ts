// `npm run backup`: a consistent snapshot of one platform (its prefix) on the engines — every
// database, every Redis key, every topic's events and every consumer group's offsets — in one
// .tar.gz with a manifest of versions, counts and checksums.
//
// Consistent because nothing writes while it runs: it refuses while a service of the platform
// consumes (a consumer group has members), and it compares every partition's end offset before and
// after the dump, discarding the archive if anything was published meanwhile. The CLI's
// --stop-services stops the local services first and starts them again afterwards.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { archiveFormat, manifestFile, pack, Workdir, type FileEntry } from "./archive.js";
import type { Config } from "./config.js";
import { activeGroups, connectKafka, dumpKafka, endOffsets, type KafkaPart } from "./kafka.js";
import { dumpMongo, type MongoPart } from "./mongo.js";
import { dumpRedis, type RedisPart } from "./redis.js";
import { offsetsKept, scopeOf } from "./scope.js";

export interface Manifest {
  format: string;
  createdAt: string;
  prefix: string;
  versions: { kepu: string; node: string; mongo: string; redis: string };
  counts: { databases: number; collections: number; documents: number; redisKeys: number; topics: number; records: number; groups: number };
  /** Partitions whose offsets did not start at 0 without gaps: a restore renumbers them (and moves the groups' offsets). */
  renumbered: string[];
  mongo: MongoPart;
  redis: RedisPart;
  kafka: KafkaPart;
  files: Record<string, FileEntry>;
}

export async function backup(config: Config, out: string): Promise<Result<Manifest>> {
  const scope = scopeOf(config.KEPU_PREFIX);
  const kafka = connectKafka(config.KAFKA_BROKERS);
  const running = await activeGroups(kafka, scope);
  if (running.length > 0) return fail(servicesRunning(running));
  const before = await endOffsets(kafka, scope);
  const work = await Workdir.create();
  try {
    const mongo = await dumpMongo(config.MONGO_URL, scope, work);
    const redis = await dumpRedis(config.REDIS_URL, scope, work);
    const events = await dumpKafka(kafka, scope, work);
    const after = await endOffsets(kafka, scope);
    const moved = Object.keys({ ...before, ...after }).filter((p) => before[p] !== after[p]);
    if (moved.length > 0) {
      return fail(kepuError("conflict", "WRITTEN_DURING_BACKUP", `备份期间有服务写入了事件（${moved.slice(0, 3).join("、")}），备份作废：请先停止所有服务再备份`, `events were published during the backup (${moved.slice(0, 3).join(", ")}), so it is discarded: stop every service first`));
    }
    const partitions = events.topics.flatMap((t) => t.partitions.map((p) => ({ ...p, topic: t.topic })));
    const manifest: Manifest = {
      format: archiveFormat,
      createdAt: new Date().toISOString(),
      prefix: config.KEPU_PREFIX,
      versions: { kepu: await commit(), node: process.version, mongo: mongo.version, redis: redis.version },
      counts: {
        databases: new Set(mongo.collections.map((c) => c.database)).size,
        collections: mongo.collections.length,
        documents: mongo.collections.reduce((n, c) => n + c.documents, 0),
        redisKeys: redis.keys,
        topics: events.topics.length,
        records: partitions.reduce((n, p) => n + p.records, 0),
        groups: events.groups.length,
      },
      renumbered: partitions.filter((p) => !offsetsKept(p)).map((p) => `${p.topic}/${p.partition}`),
      mongo,
      redis,
      kafka: events,
      files: await work.inventory(),
    };
    await work.writeJson(manifestFile, manifest);
    await pack(work, out);
    return ok(manifest);
  } finally {
    await work.dispose();
  }
}

export function servicesRunning(groups: string[]) {
  return kepuError(
    "conflict",
    "SERVICES_RUNNING",
    `平台的服务仍在运行（消费组 ${groups.slice(0, 3).join("、")} 有成员），备份不会一致：请先停止服务（bash deploy/local/services.sh stop），或用 --stop-services 让备份先停后启`,
    `the platform's services are running (consumer groups ${groups.slice(0, 3).join(", ")} have members), so a snapshot would not be consistent: stop them first (bash deploy/local/services.sh stop), or pass --stop-services to have the backup stop and restart them`,
  );
}

async function commit(): Promise<string> {
  const { stdout } = await promisify(execFile)("git", ["rev-parse", "--short", "HEAD"], { cwd: new URL(".", import.meta.url) }).catch(() => ({ stdout: "unknown" }));
  return stdout.trim();
}
