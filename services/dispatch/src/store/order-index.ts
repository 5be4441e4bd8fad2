// Dispatch's lists without a scan (issue 20; docs/decisions/query-side.md). FerretDB v1 serves a
// find by anything but a lone `_id` by reading the whole collection, so every list of orders is
// answered from Redis sorted sets (order-keys.ts says which) and the orders are then read one by
// one by `_id`. The store stays the truth; the sets are a superset of it:
//   - a save adds the order to its new keys BEFORE the store's write and takes it out of the keys
//     it left AFTER, so a crash in between leaves only extra entries;
//   - a read re-checks each order against the list's filter, drops (and removes) the extra ones and
//     reads further ids when the page came up short — removes them only if no write of that order
//     came since it looked (a write mark each save moves on: @kepu/redis's WriteMarks), or it could
//     take out an entry that a save it raced had just put back;
//   - the `index-built` marker is set by a rebuild (one scan of the store); when it is missing
//     (Redis lost its data, or the first start on older data) the next read rebuilds, and reads
//     meanwhile wait for it. No start needs a scan otherwise.
// The deadline sweep reads `due` (score: the hop's deadline) by ZRANGEBYSCORE: its scores are never
// later than the order's deadline (ZADD LT), so a sweep may look at an order early (and then
// re-scores it), never late.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Collection, Document } from "mongodb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { execPipeline as run, WriteMarks } from "@kepu/redis";
import { intersectionKeys, listKeysOf, matchesQuery, planList, ratedKeyOf, withStatus, type IndexedOrder } from "./order-keys.js";
import type { OrderQuery } from "./order-store.js";

type Pipeline = ReturnType<Redis["pipeline"]>;

/** The fields the index reads from a stored order (the rebuild's projection). */
export const indexedFields = { status: 1, requesterId: 1, communityPath: 1, invitedTeamIds: 1, declinedTeamIds: 1, acceptedTeamId: 1, rating: 1, submittedAt: 1, dueAt: 1 } as const;

export function indexedOf(doc: Document): IndexedOrder {
  return {
    orderId: String(doc._id),
    status: doc.status as OrderStatus,
    requesterId: (doc.requesterId as string) ?? "",
    communityPath: (doc.communityPath as string[]) ?? [],
    invitedTeamIds: (doc.invitedTeamIds as string[]) ?? [],
    declinedTeamIds: (doc.declinedTeamIds as string[]) ?? [],
    acceptedTeamId: (doc.acceptedTeamId as string) ?? "",
    rating: (doc.rating as number) ?? 0,
    submittedAt: doc.submittedAt as Date,
    dueAt: (doc.dueAt as Date | null) ?? null,
  };
}

/** What the suggestions count of one team's work. */
export interface TeamCounts {
  teamId: string;
  /** Accepted and not yet held (ACCEPTED or SCHEDULED). */
  openOrders: number;
  accepted: number;
  declined: number;
  rated: number;
  ratingSum: number;
}

export class OrderIndex {
  private building: Promise<number> | undefined;
  private readonly marks: WriteMarks;

  constructor(
    private readonly redis: Redis,
    private readonly orders: Collection<Document>,
    /** Key prefix, e.g. `<KEPU_PREFIX>kepu:dispatch:`. */
    private readonly prefix: string,
  ) {
    this.marks = new WriteMarks(redis, `${prefix}order-written:`);
  }

  private key(suffix: string): string {
    return `${this.prefix}orders:${suffix}`;
  }

  private get builtKey(): string {
    return this.key("index-built");
  }

  /**
   * Before the store's write: each order joins the lists of its new state (and `due` no later than
   * its deadline). Many at once (an import; the bench's seeding) cost one pipeline, one ZADD per key.
   */
  async adding(...orders: IndexedOrder[]): Promise<void> {
    await run(this.marked(orders, this.addAll(orders)));
  }

  /** Each order's write mark moved on, in the same pipeline as its entries (see WriteMarks). */
  private marked(orders: IndexedOrder[], pipeline: Pipeline): Pipeline {
    for (const { orderId } of orders) this.marks.moveOn(pipeline, orderId);
    return pipeline;
  }

  /**
   * After the store's write: the order leaves the lists its old state was in and the new one is not,
   * and joins its new ones again — a read between `adding` and the store's write saw the old
   * document and dropped the new entries as stale.
   */
  async added(before: IndexedOrder | undefined, after: IndexedOrder): Promise<void> {
    const pipeline = this.marked([after], this.addAll([after], this.redis.multi()));
    const now = new Set(listKeysOf(after));
    for (const key of before ? listKeysOf(before) : []) if (!now.has(key)) pipeline.zrem(this.key(key), after.orderId);
    const rated = ratedKeyOf(after);
    const wasRated = before && ratedKeyOf(before);
    if (wasRated && wasRated.key !== rated?.key) pipeline.zrem(this.key(wasRated.key), after.orderId);
    if (!after.dueAt) pipeline.zrem(this.key("due"), after.orderId);
    await run(pipeline);
  }

  /** Waits for the index to be built (a rebuild when its marker is missing). */
  async ready(): Promise<void> {
    if (this.building) await this.building;
    else if (!(await this.redis.exists(this.builtKey))) await this.rebuild();
  }

  /**
   * A page of the list, newest first, with its total: the documents as stored (by `_id`). `read`
   * fetches one document; an id whose document no longer matches is dropped from the keys it was
   * read from and the page is filled from further ids. Most lists are one sorted set; a union of a
   * few (a team's list: offered, accepted, the pool of its areas) is merged here from each set's
   * first ids, its size counted from the narrowed intersections (intersectionKeys); anything else
   * (an intersection: a requested org inside the caller's, a requester and a team) is combined by
   * Redis into a short-lived key, which costs the smallest set's size.
   */
  async list(query: OrderQuery, read: (id: string) => Promise<Document | null>): Promise<{ docs: Document[]; total: number }> {
    if (this.building) await this.building;
    const plan = planList(query);
    const keys = [...new Set(plan.flat())];
    const [built, ...sizes] = (await run(keys.reduce((p, k) => p.zcard(this.key(k)), this.redis.pipeline().exists(this.builtKey)))) as number[];
    if (!built) {
      await this.rebuild();
      return this.list(query, read);
    }
    const size = new Map(keys.map((k, i) => [k, sizes[i]!]));
    const terms = plan.map((term) => term.filter((k) => size.get(k)! > 0));
    if (terms.length === 0 || terms.some((t) => t.length === 0)) return { docs: [], total: 0 };
    const sources = [...new Set(terms.flat())].map((k) => this.key(k));
    if (terms.length === 1 && terms[0]!.length === 1) {
      const key = sources[0]!;
      return this.page(query, size.get(terms[0]![0]!)!, (from, count) => this.redis.zrevrange(key, from, from + count - 1), sources, read);
    }
    if (terms.length === 1 && terms[0]!.length <= 4) {
      const total = await this.unionSize(terms[0]!, size);
      return this.page(query, total, (from, count) => this.merged(sources, from, count), sources, read);
    }
    const temp = this.key(`tmp:${randomUUID()}`);
    try {
      const total = await this.combine(terms, temp);
      return await this.page(query, total, (from, count) => this.redis.zrevrange(temp, from, from + count - 1), [...sources, temp], read);
    } finally {
      this.redis.del(temp).catch(() => undefined); // expires in a minute anyway
    }
  }

  /** Ids from..from+count-1 of the union of the keys, newest first (each key's first from+count ids hold them). */
  private async merged(keys: string[], from: number, count: number): Promise<string[]> {
    const ranges = (await run(keys.reduce((p, k) => p.zrevrange(k, 0, from + count - 1, "WITHSCORES"), this.redis.pipeline()))) as string[][];
    const scores = new Map<string, number>();
    for (const range of ranges) for (let i = 0; i < range.length; i += 2) scores.set(range[i]!, Number(range[i + 1]));
    const ids = [...scores.keys()].sort((a, b) => scores.get(b)! - scores.get(a)! || (a < b ? 1 : a > b ? -1 : 0));
    return ids.slice(from, from + count);
  }

  /** |A ∪ B ∪ …| by inclusion–exclusion, each intersection counted on its narrowed keys (mostly empty or small). */
  private async unionSize(keys: string[], size: Map<string, number>): Promise<number> {
    const pipeline = this.redis.pipeline();
    const signs: number[] = [];
    for (let mask = 1; mask < 1 << keys.length; mask++) {
      const subset = keys.filter((_, i) => mask & (1 << i));
      if (subset.length < 2) continue;
      const narrowed = intersectionKeys(subset);
      if (!narrowed) continue;
      pipeline.call("ZINTERCARD", narrowed.length, ...narrowed.map((k) => this.key(k)));
      signs.push(subset.length % 2 === 0 ? -1 : 1);
    }
    const counts = signs.length > 0 ? ((await run(pipeline)) as number[]) : [];
    return keys.reduce((sum, k) => sum + size.get(k)!, 0) + counts.reduce((sum, n, i) => sum + signs[i]! * n, 0);
  }

  /** The plan's orders into `temp` (unions of its terms, then their intersection); returns how many. */
  private async combine(terms: string[][], temp: string): Promise<number> {
    const pipeline = this.redis.multi();
    const sets = terms.map((term, i) => {
      if (term.length === 1) return this.key(term[0]!);
      const union = `${temp}:u${i}`;
      pipeline.zunionstore(union, term.length, ...term.map((k) => this.key(k)), "AGGREGATE", "MAX");
      return union;
    });
    if (sets.length > 1) pipeline.zinterstore(temp, sets.length, ...sets, "AGGREGATE", "MAX");
    else pipeline.zunionstore(temp, 1, sets[0]!);
    pipeline.pexpire(temp, 60_000); // gone even if this process dies before its DEL
    const unions = sets.filter((k) => k.startsWith(`${temp}:u`));
    if (unions.length > 0) pipeline.del(...unions);
    pipeline.zcard(temp);
    const results = await run(pipeline);
    return results.at(-1) as number;
  }

  private async page(
    query: OrderQuery,
    total: number,
    range: (from: number, count: number) => Promise<string[]>,
    sources: string[],
    read: (id: string) => Promise<Document | null>,
  ): Promise<{ docs: Document[]; total: number }> {
    const docs: Document[] = [];
    let stale = 0;
    let from = query.page * query.pageSize;
    while (docs.length < query.pageSize && from < total - stale) {
      const ids = await range(from, query.pageSize - docs.length);
      if (ids.length === 0) break;
      const marks = await this.marks.read(ids); // before the documents are read
      const found = await Promise.all(ids.map(read));
      const drop = this.redis.pipeline();
      let dropped = 0;
      found.forEach((doc, i) => {
        if (doc && matchesQuery(indexedOf(doc), query)) return docs.push(doc);
        dropped++;
        // Out of the keys its order is no longer in (the set being paged among them), so the ids after it move up.
        const current = doc ? new Set(listKeysOf(indexedOf(doc)).map((k) => this.key(k))) : new Set<string>();
        for (const key of sources) if (!current.has(key)) this.marks.removeUnlessWritten(drop, key, ids[i]!, marks[i]!);
      });
      if (dropped > 0) await run(drop);
      stale += dropped;
      from += ids.length - dropped;
    }
    return { docs, total: total - stale };
  }

  /**
   * Orders whose deadline may have passed by `now`, earliest first, each checked against its
   * document: those not due yet are re-scored to their deadline, those without one removed.
   */
  async due(now: Date, limit: number, read: (id: string) => Promise<Document | null>): Promise<string[]> {
    await this.ready();
    const due: string[] = [];
    const ids = await this.redis.zrangebyscore(this.key("due"), "-inf", now.getTime(), "LIMIT", 0, limit);
    const marks = await this.marks.read(ids); // a save meanwhile may have moved the deadline earlier: it wins
    const docs = await Promise.all(ids.map(read));
    const fix = this.redis.pipeline();
    docs.forEach((doc, i) => {
      const dueAt = (doc?.dueAt as Date | null | undefined) ?? null;
      if (dueAt && dueAt.getTime() <= now.getTime()) due.push(ids[i]!);
      else if (dueAt) this.marks.rescoreUnlessWritten(fix, this.key("due"), ids[i]!, dueAt.getTime(), marks[i]!);
      else this.marks.removeUnlessWritten(fix, this.key("due"), ids[i]!, marks[i]!);
    });
    if (fix.length > 0) await run(fix);
    return due;
  }

  /** Candidate ids of the open orders placed in the community (checked by the caller against the documents). */
  async openIn(communityId: string, openStatuses: readonly OrderStatus[]): Promise<string[]> {
    await this.ready();
    const found = (await run(openStatuses.reduce((p, s) => p.zrange(this.key(withStatus(`org:${communityId}`, s)), 0, -1), this.redis.pipeline()))) as string[][];
    return [...new Set(found.flat())];
  }

  /** Per team: its accepted, open, declined and rated orders, counted from the index (no document read). */
  async teamCounts(teamIds: readonly string[]): Promise<TeamCounts[]> {
    await this.ready();
    const pipeline = this.redis.pipeline();
    for (const team of teamIds) {
      pipeline.zcard(this.key(withStatus(`acc:${team}`, OrderStatus.ACCEPTED)));
      pipeline.zcard(this.key(withStatus(`acc:${team}`, OrderStatus.SCHEDULED)));
      pipeline.zcard(this.key(`acc:${team}`));
      pipeline.zcard(this.key(`dec:${team}`));
      for (let score = 1; score <= 5; score++) pipeline.zcount(this.key(`rated:${team}`), score, score);
    }
    const counts = (await run(pipeline)) as number[];
    return teamIds.map((teamId, t) => {
      const [accepted, scheduled, all, declined, ...byScore] = counts.slice(t * 9, t * 9 + 9) as number[];
      return {
        teamId,
        openOrders: accepted! + scheduled!,
        accepted: all!,
        declined: declined!,
        rated: byScore.reduce((sum, n) => sum + n, 0),
        ratingSum: byScore.reduce((sum, n, i) => sum + n * (i + 1), 0),
      };
    });
  }

  /**
   * Adds every stored order to its keys (one scan of the store; per 1,000 orders one pipeline of one
   * variadic ZADD per key, sent while the next 1,000 are read) and marks the index built. Writes
   * meanwhile add themselves; both are idempotent, so they mix safely. One rebuild at a time:
   * callers that arrive meanwhile share it. Returns how many orders.
   */
  rebuild(): Promise<number> {
    this.building ??= this.fill().finally(() => (this.building = undefined));
    return this.building;
  }

  private async fill(): Promise<number> {
    let count = 0;
    let batch: IndexedOrder[] = [];
    let sending: Promise<unknown> = Promise.resolve();
    const send = async () => {
      await sending;
      sending = run(this.addAll(batch));
      batch = [];
    };
    for await (const doc of this.orders.find({}, { projection: indexedFields, batchSize: 2_000 })) {
      batch.push(indexedOf(doc));
      if (++count % 1_000 === 0) await send();
    }
    await send();
    await sending;
    await this.redis.set(this.builtKey, new Date().toISOString());
    return count;
  }

  /** Adds the orders to their keys, one ZADD per key, to `pipeline` (a new one by default). */
  private addAll(orders: IndexedOrder[], pipeline: Pipeline = this.redis.pipeline()): Pipeline {
    const byKey = new Map<string, (string | number)[]>();
    const put = (key: string, score: number, id: string) => {
      const args = byKey.get(key);
      if (args) args.push(score, id);
      else byKey.set(key, [score, id]);
    };
    const due: (string | number)[] = [];
    for (const order of orders) {
      const score = order.submittedAt.getTime();
      for (const key of listKeysOf(order)) put(key, score, order.orderId);
      const rated = ratedKeyOf(order);
      if (rated) put(rated.key, rated.score, order.orderId);
      if (order.dueAt) due.push(order.dueAt.getTime(), order.orderId);
    }
    for (const [key, args] of byKey) pipeline.zadd(this.key(key), ...args);
    if (due.length > 0) pipeline.zadd(this.key("due"), "LT", ...due);
    return pipeline;
  }
}
