// Activities in a subtree (and by status, team, campaign, theme, date window) without a scan
// (issue 20; docs/decisions/query-side.md): one Redis sorted set per key of activity-keys.ts
// (score: starts-at), the page's ids by ZRANGE BYSCORE (its total by ZCOUNT), each activity then
// read by `_id`. The store stays the truth and the sets are a superset of it:
//   - a save adds the activity to the keys of its new state BEFORE the store's write, and takes it
//     out of the keys its old state was in AFTER (adding the new ones again, which repairs a read's
//     removal of an id whose first write was still in flight);
//   - a read re-checks each activity against the query, drops (and removes) the ids that no
//     longer match or are gone, and reads further ids when the page came up short — repairing an
//     entry only if no write of that activity came since it looked (its write mark, @kepu/redis's
//     WriteMarks), or it could take out an entry that a write it raced had just put back;
//   - the `built` marker is set by a rebuild (one scan); when it is missing, reads wait for one.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Collection, Document } from "mongodb";
import { activityKeysOf, matchesActivity, planActivities, type IndexedActivity } from "./activity-keys.js";
import type { ActivityQuery } from "./activity-store.js";
import { execPipeline as run, WriteMarks } from "@kepu/redis";
import { SortedIndex, type Pipeline } from "./sorted-index.js";

const indexedOf = (doc: Document): IndexedActivity => ({
  activityId: String(doc._id),
  status: doc.status as IndexedActivity["status"],
  teamId: (doc.teamId as string) ?? "",
  campaignId: (doc.campaignId as string) ?? "",
  theme: (doc.theme as number) ?? 0,
  startsAt: doc.startsAt as Date,
  place: { path: ((doc.place as { path?: string[] } | undefined)?.path ?? []) as string[] },
});

export class ActivityIndex extends SortedIndex {
  protected readonly builtKey = "index-built";
  private readonly marks: WriteMarks;

  constructor(
    redis: Redis,
    activities: Collection<Document>,
    /** Key prefix, e.g. `<KEPU_PREFIX>kepu:events:`. */
    prefix: string,
    /** How long a write may be in flight before a read takes its entries for a crash's leftovers and repairs them. */
    private readonly settleMs = 30_000,
  ) {
    super(redis, activities, `${prefix}activities:`, { status: 1, teamId: 1, campaignId: 1, theme: 1, startsAt: 1, "place.path": 1 });
    this.marks = new WriteMarks(redis, `${prefix}activity-written:`);
  }

  protected addTo(pipeline: Pipeline, doc: Document): void {
    const activity = indexedOf(doc);
    const score = new Date(activity.startsAt).getTime();
    for (const key of activityKeysOf(activity)) pipeline.zadd(this.key(key), score, activity.activityId);
  }

  /**
   * Before the store's write: the activity joins the lists of its new state, and the write is noted
   * in `pending` (score: now) with every key it touches, until `added` — a note a crash leaves
   * behind is how a later read finds the entries to repair, so totals stay exact.
   */
  async adding(before: IndexedActivity | undefined, after: IndexedActivity): Promise<void> {
    const pipeline = this.redis.multi().zadd(this.key("pending"), Date.now(), pendingOf(before, after));
    this.marks.moveOn(pipeline, after.activityId);
    this.addTo(pipeline, { ...after, _id: after.activityId });
    await run(pipeline);
  }

  /** After the store's write: out of the lists its old state was in and the new one is not; the note gone. */
  async added(before: IndexedActivity | undefined, after: IndexedActivity): Promise<void> {
    const pipeline = this.marks.moveOn(this.redis.multi(), after.activityId);
    const now = new Set(activityKeysOf(after));
    for (const key of before ? activityKeysOf(before) : []) if (!now.has(key)) pipeline.zrem(this.key(key), after.activityId);
    this.addTo(pipeline, { ...after, _id: after.activityId });
    pipeline.zrem(this.key("pending"), pendingOf(before, after));
    await run(pipeline);
  }

  /** Repairs the entries of writes noted longer than `settleMs` ago and never finished (a crash, a failed write). */
  private async settle(): Promise<void> {
    const notes = await this.redis.zrangebyscore(this.key("pending"), "-inf", Date.now() - this.settleMs, "LIMIT", 0, 100);
    if (notes.length === 0) return;
    const repair = this.redis.multi();
    for (const note of notes) {
      const { id, keys } = JSON.parse(note) as { id: string; keys: string[] };
      const [mark] = await this.marks.read([id]);
      const doc = await this.read(id);
      const current = new Set(doc ? activityKeysOf(indexedOf(doc)) : []);
      for (const key of keys) if (!current.has(key)) this.marks.removeUnlessWritten(repair, this.key(key), id, mark!);
      if (doc) this.addTo(repair, doc);
      repair.zrem(this.key("pending"), note);
    }
    await run(repair);
  }

  /** A page of the list, by starts-at, with its total: the documents as stored (by `_id`). */
  async list(query: ActivityQuery): Promise<{ docs: Document[]; total: number }> {
    await this.ready();
    await this.settle();
    const keys = planActivities(query).map((k) => this.key(k));
    let source = keys[0]!;
    if (keys.length > 1) {
      source = this.key(`tmp:${randomUUID()}`);
      // A short-lived intersection (cost ~ the smallest set); it expires even if this process dies before its DEL.
      await run(this.redis.multi().zinterstore(source, keys.length, ...keys, "AGGREGATE", "MAX").pexpire(source, 60_000));
    }
    try {
      return await this.page(source, keys, query);
    } finally {
      if (source !== keys[0]) await this.redis.del(source);
    }
  }

  /**
   * Reads the page's ids and their activities; an id whose activity is gone or no longer matches is
   * repaired — out of the query's keys it left, re-scored where only its starts-at moved — and the
   * page is read again (at most twice: each repair removes what it found).
   */
  private async page(source: string, keys: string[], query: ActivityQuery): Promise<{ docs: Document[]; total: number }> {
    const min = query.from ? query.from.getTime() : "-inf";
    const max = query.to ? query.to.getTime() : "+inf";
    for (let attempt = 0; ; attempt++) {
      const [total, ids] = (await run(this.redis.pipeline().zcount(source, min, max).zrange(source, min, max, "BYSCORE", "LIMIT", query.page * query.pageSize, query.pageSize))) as [number, string[]];
      const marks = await this.marks.read(ids); // before the documents are read
      const found = await Promise.all(ids.map((id) => this.read(id)));
      const docs = found.filter((doc): doc is Document => doc !== null && matchesActivity(indexedOf(doc), query));
      if (docs.length === ids.length || attempt === 2) return { docs, total: total - (ids.length - docs.length) };
      const repair = this.redis.pipeline();
      found.forEach((doc, i) => {
        const id = ids[i]!;
        if (doc && matchesActivity(indexedOf(doc), query)) return;
        const activity = doc ? indexedOf(doc) : undefined;
        const current = new Set(activity ? activityKeysOf(activity).map((k) => this.key(k)) : []);
        const stays = keys.every((key) => current.has(key));
        const mark = marks[i]!;
        for (const key of keys) if (!current.has(key)) this.marks.removeUnlessWritten(repair, key, id, mark);
        if (!stays && source !== keys[0]) repair.zrem(source, id); // the read's own intersection: no write adds to it
        if (activity && stays) for (const key of new Set([...keys, source])) this.marks.rescoreUnlessWritten(repair, key, id, new Date(activity.startsAt).getTime(), mark);
      });
      await run(repair);
    }
  }
}

/** The note of one write in flight: the activity and every key its old and new states are in. */
const pendingOf = (before: IndexedActivity | undefined, after: IndexedActivity): string =>
  JSON.stringify({ id: after.activityId, keys: [...new Set([...(before ? activityKeysOf(before) : []), ...activityKeysOf(after)])] });
