// Dispatch's lists without a scan (issue 20; docs/decisions/query-side.md). FerretDB v1 serves a
// find by anything but a lone `_id` by reading the whole collection, so every list of orders is
// answered from Redis sorted sets (order-keys.ts says which) and the orders are then read one by
// one by `_id`. The store stays the truth; the sets are a superset of it:
//   - a save adds the order to its new keys BEFORE the store's write and takes it out of the keys
//     it left AFTER, so a crash in between leaves only extra entries;
//   - a read re-checks each order against the list's filter, drops (and removes) the extra ones and
//     reads further ids when the page came up short;
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
import { listKeysOf, matchesQuery, planList, ratedKeyOf, withStatus, type IndexedOrder } from "./order-keys.js";
import type { OrderQuery } from "./order-store.js";

type Pipeline = ReturnType<Redis["pipeline"]>;

/** Runs a pipeline; a command's error (returned, not thrown, by ioredis) fails the whole. */
async function run(pipeline: Pipeline): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}

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

  constructor(
    private readonly redis: Redis,
    private readonly orders: Collection<Document>,
    /** Key prefix, e.g. `<KEPU_PREFIX>kepu:dispatch:`. */
    private readonly prefix: string,
  ) {}

  private key(suffix: string): string {
    return `${this.prefix}orders:${suffix}`;
  }

  private get builtKey(): string {
    return this.key("index-built");
  }

  /** Before the store's write: the order joins the lists of its new state (and `due` no later than its deadline). */
  async adding(after: IndexedOrder): Promise<void> {
    const pipeline = this.redis.pipeline();
    this.add(pipeline, after);
    await run(pipeline);
  }

  /** After the store's write: the order leaves the lists its old state was in and the new one is not. */
  async added(before: IndexedOrder | undefined, after: IndexedOrder): Promise<void> {
    const pipeline = this.redis.multi();
    const now = new Set(listKeysOf(after));
    for (const key of before ? listKeysOf(before) : []) if (!now.has(key)) pipeline.zrem(this.key(key), after.orderId);
    const rated = ratedKeyOf(after);
    const wasRated = before && ratedKeyOf(before);
    if (wasRated && wasRated.key !== rated?.key) pipeline.zrem(this.key(wasRated.key), after.orderId);
    if (after.dueAt) pipeline.zadd(this.key("due"), "LT", after.dueAt.getTime(), after.orderId);
    else pipeline.zrem(this.key("due"), after.orderId);
    await run(pipeline);
  }

  private add(pipeline: Pipeline, order: IndexedOrder): void {
    const score = order.submittedAt.getTime();
    for (const key of listKeysOf(order)) pipeline.zadd(this.key(key), score, order.orderId);
    const rated = ratedKeyOf(order);
    if (rated) pipeline.zadd(this.key(rated.key), rated.score, order.orderId);
    if (order.dueAt) pipeline.zadd(this.key("due"), "LT", order.dueAt.getTime(), order.orderId);
  }

  /** Waits for the index to be built (a rebuild when its marker is missing). */
  async ready(): Promise<void> {
    if (this.building) await this.building;
    else if (!(await this.redis.exists(this.builtKey))) await this.rebuild();
  }

  /**
   * A page of the list, newest first, with its total: the documents as stored (by `_id`). `read`
   * fetches one document; an id whose document no longer matches is dropped from the keys it was
   * read from and the page is filled from further ids.
   */
  async list(query: OrderQuery, read: (id: string) => Promise<Document | null>): Promise<{ docs: Document[]; total: number }> {
    await this.ready();
    const plan = planList(query);
    const keys = [...new Set(plan.flat())];
    const sizes = keys.length > 0 ? ((await run(keys.reduce((p, k) => p.zcard(this.key(k)), this.redis.pipeline()))) as number[]) : [];
    const size = new Map(keys.map((k, i) => [k, sizes[i]!]));
    const terms = plan.map((term) => term.filter((k) => size.get(k)! > 0));
    if (terms.length === 0 || terms.some((t) => t.length === 0)) return { docs: [], total: 0 };
    const temp: string[] = [];
    try {
      const source = await this.combined(terms, temp);
      return await this.page(source, query, read, (id) => [...new Set(terms.flat())].map((k) => [this.key(k), id] as const));
    } finally {
      if (temp.length > 0) await this.redis.del(...temp);
    }
  }

  /** One key holding the plan's orders: a list key itself, or short-lived unions and an intersection of them. */
  private async combined(terms: string[][], temp: string[]): Promise<string> {
    if (terms.length === 1 && terms[0]!.length === 1) return this.key(terms[0]![0]!);
    const tempKey = () => {
      const key = this.key(`tmp:${randomUUID()}`);
      temp.push(key);
      return key;
    };
    const pipeline = this.redis.multi();
    const sets = terms.map((term) => {
      if (term.length === 1) return this.key(term[0]!);
      const union = tempKey();
      pipeline.zunionstore(union, term.length, ...term.map((k) => this.key(k)), "AGGREGATE", "MAX");
      return union;
    });
    let result = sets[0]!;
    if (sets.length > 1) {
      result = tempKey();
      pipeline.zinterstore(result, sets.length, ...sets, "AGGREGATE", "MAX");
    }
    for (const key of temp) pipeline.pexpire(key, 60_000); // gone even if this process dies before its DEL
    await run(pipeline);
    return result;
  }

  private async page(
    source: string,
    query: OrderQuery,
    read: (id: string) => Promise<Document | null>,
    sourcesOf: (id: string) => (readonly [string, string])[],
  ): Promise<{ docs: Document[]; total: number }> {
    const docs: Document[] = [];
    let stale = 0;
    let from = query.page * query.pageSize;
    const [total] = (await run(this.redis.pipeline().zcard(source))) as number[];
    while (docs.length < query.pageSize && from < total! - stale) {
      const want = query.pageSize - docs.length;
      const ids = await this.redis.zrevrange(source, from, from + want - 1);
      if (ids.length === 0) break;
      const found = await Promise.all(ids.map(read));
      const drop = this.redis.pipeline();
      let dropped = 0;
      found.forEach((doc, i) => {
        if (doc && matchesQuery(indexedOf(doc), query)) return docs.push(doc);
        dropped++;
        // Out of the list keys its order is no longer in, and out of the set being paged, so the ids after it move up.
        const current = doc ? new Set(listKeysOf(indexedOf(doc)).map((k) => this.key(k))) : new Set<string>();
        for (const [key, id] of sourcesOf(ids[i]!)) if (!current.has(key)) drop.zrem(key, id);
        drop.zrem(source, ids[i]!);
      });
      if (dropped > 0) await run(drop);
      stale += dropped;
      from += ids.length - dropped;
    }
    return { docs, total: total! - stale };
  }

  /**
   * Orders whose deadline may have passed by `now`, earliest first, each checked against its
   * document: those not due yet are re-scored to their deadline, those without one removed.
   */
  async due(now: Date, limit: number, read: (id: string) => Promise<Document | null>): Promise<string[]> {
    await this.ready();
    const due: string[] = [];
    const ids = await this.redis.zrangebyscore(this.key("due"), "-inf", now.getTime(), "LIMIT", 0, limit);
    const docs = await Promise.all(ids.map(read));
    const fix = this.redis.pipeline();
    docs.forEach((doc, i) => {
      const dueAt = (doc?.dueAt as Date | null | undefined) ?? null;
      if (dueAt && dueAt.getTime() <= now.getTime()) due.push(ids[i]!);
      else if (dueAt) fix.zadd(this.key("due"), "XX", dueAt.getTime(), ids[i]!);
      else fix.zrem(this.key("due"), ids[i]!);
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
   * Adds every stored order to its keys (one scan of the store, in pipelines of 1,000) and marks
   * the index built. Writes meanwhile add themselves; both are idempotent, so they mix safely. One
   * rebuild at a time: callers that arrive meanwhile share it. Returns how many orders.
   */
  rebuild(): Promise<number> {
    this.building ??= this.fill().finally(() => (this.building = undefined));
    return this.building;
  }

  private async fill(): Promise<number> {
    let count = 0;
    let pipeline = this.redis.pipeline();
    for await (const doc of this.orders.find({}, { projection: indexedFields })) {
      this.add(pipeline, indexedOf(doc));
      if (++count % 1_000 === 0) {
        await run(pipeline);
        pipeline = this.redis.pipeline();
      }
    }
    await run(pipeline);
    await this.redis.set(this.builtKey, new Date().toISOString());
    return count;
  }
}
