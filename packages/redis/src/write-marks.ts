import type { Redis } from "ioredis";

type Pipeline = ReturnType<Redis["pipeline"]>;

/**
 * A change to a sorted-set entry, made only if the record was not written since the reader looked
 * (KEYS[1]: its write mark; KEYS[2]: the set; ARGV: the mark the reader saw, the id, and a score for
 * a re-score, none for a removal).
 */
const unlessWritten =
  "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end " +
  "if ARGV[3] then return redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[2]) end " +
  "return redis.call('ZREM', KEYS[2], ARGV[2])";

/**
 * Per-record write marks for Redis indexes that are supersets of a store (docs/decisions/query-side.md).
 * Every write of a record moves its mark on, in the pipeline of its index entries. A reader that
 * finds an entry stale read the record's document at some moment; a write may have landed since
 * and put the entry back. So the reader takes the marks BEFORE it reads the documents, and its
 * repairs apply only where the mark has not moved — else it could take out an entry a raced
 * write had just added.
 */
export class WriteMarks {
  constructor(
    private readonly redis: Redis,
    /** Key prefix of the marks, beside the index keys, not among them (a rebuild writes none). */
    private readonly prefix: string,
    /** How long a mark lives: the race it guards lasts milliseconds. */
    private readonly ttlSeconds = 60,
  ) {}

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }

  /** The record was written (or is about to be): its mark moves on, in the writer's pipeline. */
  moveOn(pipeline: Pipeline, id: string): Pipeline {
    return pipeline.incr(this.key(id)).expire(this.key(id), this.ttlSeconds);
  }

  /** Each record's mark now ("" for none): read before the records' documents. */
  async read(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.redis.mget(ids.map((id) => this.key(id)))).map((mark) => mark ?? "");
  }

  /** ZREM of the record's entry in `set`, unless it was written since `mark` was read. */
  removeUnlessWritten(pipeline: Pipeline, set: string, id: string, mark: string): Pipeline {
    return pipeline.eval(unlessWritten, 2, this.key(id), set, mark, id);
  }

  /** ZADD XX (a re-score of an entry that is there), unless the record was written since `mark` was read. */
  rescoreUnlessWritten(pipeline: Pipeline, set: string, id: string, score: number, mark: string): Pipeline {
    return pipeline.eval(unlessWritten, 2, this.key(id), set, mark, id, score);
  }
}
