// Redis: every key of the platform's prefix as DUMP's serialized value with its expiry, restored
// with RESTORE … REPLACE ABSTTL. Chosen over copying the RDB file: the engines are shared by
// several stacks (a prefix each) and DUMP copies only this platform's keys, over the network,
// without touching the server's files or restarting it; every type (strings, hashes, sorted sets,
// streams) and its encoding round-trips exactly.
import { Redis } from "ioredis";
import type { Workdir } from "./archive.js";
import type { Scope } from "./scope.js";

export interface RedisPart {
  keys: number;
  /** redis_version of the source: RESTORE needs a server at least as new (the payload carries the RDB version). */
  version: string;
  file: string;
}

interface KeyLine {
  /** The key's bytes, base64. */
  key: string;
  /** DUMP's payload, base64. */
  dump: string;
  /** When the key expires (Unix ms), or 0 for never. */
  expiresAt: number;
}

export async function platformKeys(redis: Redis, scope: Scope): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scanBuffer(cursor, "MATCH", scope.redisPattern, "COUNT", 1000);
    keys.push(...batch);
    cursor = String(next);
  } while (cursor !== "0");
  return keys.sort(Buffer.compare);
}

export async function serverVersion(redis: Redis): Promise<string> {
  return /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "unknown";
}

export async function dumpRedis(url: string, scope: Scope, work: Workdir): Promise<RedisPart> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    const file = "redis/keys.jsonl";
    const out = await work.lines(file);
    let keys = 0;
    for (const key of await platformKeys(redis, scope)) {
      const [[, dump], [, pttl]] = (await redis.multi().dumpBuffer(key).pttl(key).exec()) as [[null, Buffer | null], [null, number]];
      if (dump === null || pttl === -2) continue; // expired between SCAN and DUMP
      const line: KeyLine = { key: key.toString("base64"), dump: dump.toString("base64"), expiresAt: pttl > 0 ? Date.now() + pttl : 0 };
      await out.write(JSON.stringify(line));
      keys++;
    }
    await out.close();
    return { keys, version: await serverVersion(redis), file };
  } finally {
    redis.disconnect();
  }
}

/** Restores every key; one whose expiry has passed since the backup is not created (as Redis would have dropped it). */
export async function restoreRedis(url: string, part: RedisPart, work: Workdir): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let restored = 0;
  try {
    for await (const text of work.readLines(part.file)) {
      const line = JSON.parse(text) as KeyLine;
      if (line.expiresAt !== 0 && line.expiresAt <= Date.now()) continue;
      try {
        await redis.restore(Buffer.from(line.key, "base64"), line.expiresAt, Buffer.from(line.dump, "base64"), "REPLACE", "ABSTTL");
      } catch (error) {
        throw new Error(`Redis refused RESTORE (backup from Redis ${part.version}, this server ${await serverVersion(redis)}; RESTORE needs the same or a newer version): ${(error as Error).message}`);
      }
      restored++;
    }
    return restored;
  } finally {
    redis.disconnect();
  }
}
