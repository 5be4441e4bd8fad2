// What belongs to one platform on shared engines, and how offsets move when a partition is
// written again from its first record. Pure functions: the adapters (mongo.ts, redis.ts,
// kafka.ts) and the tests use them.
import { databaseName } from "@kepu/mongo";
import { topicFor } from "@kepu/bus";

/**
 * A platform's names all start with its prefix followed by "kepu": databases `<prefix>kepu_<service>`
 * (databaseName), topics `<prefix>kepu.<context>.v1` and dead-letter topics `<prefix>kepu.<service>.<purpose>.dlq`
 * (topicFor, groupFor, deadLetterTopicFor), consumer groups `<prefix>kepu.<service>.<purpose>`, Redis keys
 * `<prefix>kepu:<service>:…`.
 */
export interface Scope {
  prefix: string;
  database(name: string): boolean;
  topic(name: string): boolean;
  group(name: string): boolean;
  /** A SCAN MATCH pattern (the prefix has only [a-z0-9_], nothing a glob would read as special). */
  redisPattern: string;
}

export function scopeOf(prefix: string): Scope {
  const databases = databaseName("", prefix); // "<prefix>kepu_"
  const kafkaNames = topicFor("", prefix).replace(/\.v1$/, ""); // "<prefix>kepu."
  return {
    prefix,
    database: (name) => name.startsWith(databases),
    topic: (name) => name.startsWith(kafkaNames),
    group: (name) => name.startsWith(kafkaNames),
    redisPattern: `${prefix}kepu:*`,
  };
}

/** How one partition looked when it was read: its offsets span [low, high), `offsets` are those of the records read. */
export interface PartitionShape {
  low: string;
  high: string;
  records: number;
}

/** True when the records are exactly 0, 1, …, high-1: written again in order, each keeps its offset. */
export function offsetsKept(shape: PartitionShape): boolean {
  return shape.low === "0" && BigInt(shape.high) === BigInt(shape.records);
}

/**
 * Where a committed offset lands once the partition's records are written again from offset 0:
 * the number of records that came before it. `offsets` are the source records' offsets, ascending.
 * Identity when the source had no gaps; with gaps (retention deleted the head, compaction, transaction
 * markers) the group resumes at the same record it would have read next.
 */
export function restoredOffset(offsets: readonly bigint[], committed: bigint): bigint {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! < committed) lo = mid + 1;
    else hi = mid;
  }
  return BigInt(lo);
}
