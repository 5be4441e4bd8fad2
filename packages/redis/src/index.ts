import { Redis } from "ioredis";

export { Redis };

/** A Redis client that fails fast while the server is down instead of queueing forever. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false });
  await redis.connect();
  return redis;
}

export async function redisReady(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  }
}

type Pipeline = ReturnType<Redis["pipeline"]>;

/**
 * Runs a pipeline (or a MULTI) and returns each command's reply. ioredis returns a command's error
 * beside the others instead of throwing it: here the first one fails the whole.
 */
export async function execPipeline(pipeline: Pipeline): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}

export { WriteMarks } from "./write-marks.js";
