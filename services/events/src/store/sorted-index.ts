// What events' Redis indexes share (issue 20; docs/decisions/query-side.md): a sorted set per list
// key under one prefix, a `built` marker, and the rebuild from one scan of the store when the
// marker is missing (Redis lost its data, or the first start on older data). The indexes are
// supersets of the store: an entry is added before the store's write, and the store's document,
// read by `_id`, decides whether it is shown — so no start needs a scan otherwise.
import type { Redis } from "ioredis";
import type { Collection, Document } from "mongodb";
import { execPipeline as run } from "@kepu/redis";

export type Pipeline = ReturnType<Redis["pipeline"]>;

export abstract class SortedIndex {
  private building: Promise<number> | undefined;

  constructor(
    protected readonly redis: Redis,
    /** The collection the index lists (and is rebuilt from). */
    protected readonly collection: Collection<Document>,
    /** `<service prefix>kepu:events:<list>:`: each key is this plus a key of the list. */
    private readonly prefix: string,
    /** The fields a rebuild reads from each document. */
    private readonly projection: Record<string, 1>,
  ) {}

  protected key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  /** Present once a rebuild has filled the sets; named per version of the key plan. */
  protected abstract readonly builtKey: string;

  /** Adds one stored document's entries (the rebuild's step; writes add theirs the same way). */
  protected abstract addTo(pipeline: Pipeline, doc: Document): void;

  /** Waits for the index to be built: a rebuild when its marker is missing, shared with any running. */
  async ready(): Promise<void> {
    if (this.building) await this.building;
    else if (!(await this.redis.exists(this.key(this.builtKey)))) await this.rebuild();
  }

  /**
   * Adds every stored document to its keys (one scan of the store, in pipelines of 1,000) and marks
   * the index built. Writes meanwhile add themselves; both are idempotent, so they mix safely. One
   * rebuild at a time: callers that arrive meanwhile share it. Returns how many documents.
   */
  rebuild(): Promise<number> {
    this.building ??= this.fill().finally(() => (this.building = undefined));
    return this.building;
  }

  private async fill(): Promise<number> {
    let count = 0;
    let pipeline = this.redis.pipeline();
    for await (const doc of this.collection.find({}, { projection: this.projection })) {
      this.addTo(pipeline, doc);
      if (++count % 1_000 === 0) {
        await run(pipeline);
        pipeline = this.redis.pipeline();
      }
    }
    await run(pipeline);
    await this.redis.set(this.key(this.builtKey), new Date().toISOString());
    return count;
  }

  /** One document by `_id` without its outbox (FerretDB serves a lone `_id` without a scan). */
  protected read(id: string): Promise<Document | null> {
    return this.collection.findOne({ _id: id as never }, { projection: { outbox: 0 } });
  }
}
