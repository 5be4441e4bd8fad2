// Dispatch's lists from the order index (store/order-index.ts) on the real engines: every page and
// total equals the store's scan; a rebuild restores a lost index and orders stored without their
// entries; extra entries (a crash between the index's write and the store's) are dropped on read
// and removed; a read between the two writes does not lose an order from its new lists; the deadline
// sweep and the suggestions' counts equal the scan's.
import { create } from "@bufbuild/protobuf";
import { MongoClient } from "mongodb";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderHolder, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import type { OrderState } from "../src/domain/order.js";
import { indexedOf, OrderIndex } from "../src/store/order-index.js";
import { OrderStore, type OrderQuery } from "../src/store/order-store.js";
import { request } from "./order-fixtures.js";

const engines = new TestEngines(uniquePrefix("ordindex"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const db = mongo.db(engines.database("dispatch"));
const keyPrefix = `${engines.prefix}kepu:dispatch:`;
const index = new OrderIndex(redis, db.collection("orders"), keyPrefix);
const indexed = new OrderStore(db, engines.topic("dispatch"), index);
const scanning = new OrderStore(db, engines.topic("dispatch")); // today's way, the reference
const t0 = Date.UTC(2026, 8, 1);
const now = new Date(t0 + 30 * 3_600_000);
const paths = [
  ["sz", "ft", "ft-s1", "ft-s1-c1"],
  ["sz", "ft", "ft-s2", "ft-s2-c2"],
  ["sz", "ns", "ns-s1", "ns-s1-c3"],
];
const statuses = [OrderStatus.SUBMITTED, OrderStatus.DISPATCHED, OrderStatus.POOLED, OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.RATED];
const teams = ["team-1", "team-2", "team-3"];

const state = (i: number, over: Partial<OrderState> = {}): OrderState => {
  const path = paths[i % paths.length]!;
  const status = statuses[(i * 7) % statuses.length]!;
  const invited = status === OrderStatus.SUBMITTED || status === OrderStatus.POOLED ? [] : [teams[i % 3]!, teams[(i + 1) % 3]!];
  const accepted = status === OrderStatus.ACCEPTED || status === OrderStatus.SCHEDULED || status === OrderStatus.RATED ? invited[0]! : "";
  return {
    orderId: `o-${i}`,
    status,
    requesterId: `r-${i % 5}`,
    request: { ...request, community: create(OrgPlaceSchema, { orgId: path[3]!, path, districtId: path[1]!, streetId: path[2]!, communityId: path[3]! }) },
    campaignId: "",
    holder: OrderHolder.COMMUNITY,
    invitedTeamIds: invited,
    declinedTeamIds: status === OrderStatus.DISPATCHED && i % 2 === 0 ? [invited[1]!] : [],
    acceptedTeamId: accepted,
    claimedByOrgId: "",
    activityId: "",
    rating: status === OrderStatus.RATED ? 1 + (i % 5) : 0,
    version: 1,
    // Saved out of time order, so the order of the answer comes from submitted-at, not from insertion.
    submittedAt: new Date(t0 + ((i * 37) % 101) * 60_000),
    dueAt: status === OrderStatus.RATED ? undefined : new Date(t0 + ((i * 13) % 60) * 3_600_000),
    dueStage: 0,
    onBehalf: undefined,
    ...over,
  };
};

const ids = (r: { orders: { state: OrderState }[]; total: number }) => ({ ids: r.orders.map((o) => o.state.orderId), total: r.total });
const q = (over: Partial<OrderQuery>): OrderQuery => ({ reach: [], withinOrgIds: [], statuses: [], teamId: "", requesterId: "", page: 0, pageSize: 4, ...over });
const queries: OrderQuery[] = [
  q({ reach: [{ requesterId: "r-1" }] }),
  q({ reach: [{ requesterId: "r-2" }], statuses: [OrderStatus.RATED, OrderStatus.SUBMITTED] }),
  q({ reach: [{ withinOrgId: "ft" }] }),
  q({ reach: [{ withinOrgId: "ft" }], withinOrgIds: ["ft-s2-c2"], statuses: [OrderStatus.DISPATCHED] }),
  q({ withinOrgIds: ["sz"], statuses: [OrderStatus.ACCEPTED] }),
  q({ reach: [{ offeredTo: "team-2" }, { acceptedBy: "team-2" }, { pooledWithin: ["ft"] }] }),
  q({ reach: [{ offeredTo: "team-1" }, { acceptedBy: "team-1" }, { pooledWithin: ["ft", "ns"] }], statuses: [OrderStatus.POOLED] }),
  q({ reach: [{ offeredTo: "team-3" }, { acceptedBy: "team-3" }], teamId: "team-3" }),
  q({ requesterId: "r-3", teamId: "team-1" }),
  q({}),
];

/** Every page of every query, indexed and scanned side by side. */
async function expectSameAsScan(): Promise<number> {
  let pages = 0;
  for (const query of queries) {
    const scanned = ids(await scanning.list(query));
    for (let page = 0; page * query.pageSize < Math.max(scanned.total, 1); page++) {
      const p = { ...query, page };
      expect(ids(await indexed.list(p)), JSON.stringify(p)).toEqual(ids(await scanning.list(p)));
      pages++;
    }
  }
  return pages;
}

const indexKeys = () => redis.keys(`${keyPrefix}orders:*`);

beforeAll(async () => {
  await mongo.connect();
  for (let i = 0; i < 40; i++) await indexed.save(undefined, state(i), [], []);
  // Later writes move orders between lists: a status, a team's decline, a rating, a moved community.
  for (const i of [1, 2, 3]) {
    const before = (await indexed.load(`o-${i}`, { fresh: true }))!;
    const after = state(i + 1, { orderId: `o-${i}`, requesterId: before.state.requesterId, submittedAt: before.state.submittedAt, version: before.state.version + 1 });
    expect(await indexed.save(before, after, [], [])).toBe("saved");
  }
  await redis.set(`${keyPrefix}orders:index-built`, "test"); // what it answers next came from the writes alone
});

afterAll(async () => {
  await mongo.close();
  redis.disconnect();
  await engines.cleanup();
});

describe("the order index (dispatch's lists without a scan)", () => {
  it("answers every page of every list with what the store's scan answers", async () => {
    expect(await expectSameAsScan()).toBeGreaterThan(queries.length);
  });

  it("rebuilds from one scan when its marker is gone, with orders stored without their entries", async () => {
    const keysBefore = (await indexKeys()).length;
    await db.collection("orders").insertOne({ ...(await db.collection("orders").findOne({ _id: "o-5" as never }, { projection: { _id: 0, outbox: 0 } })), _id: "o-unindexed" as never, submittedAt: new Date(t0 + 500 * 60_000) });
    const keys = await indexKeys();
    await redis.del(...keys);
    expect(await expectSameAsScan()).toBeGreaterThan(queries.length);
    expect(await redis.exists(`${keyPrefix}orders:index-built`)).toBe(1);
    expect((await indexKeys()).length).toBeGreaterThanOrEqual(keysBefore);
    expect((await indexed.list(q({ reach: [{ requesterId: "r-0" }] }))).orders[0]?.state.orderId).toBe("o-unindexed");
  });

  it("drops and removes entries for orders that left the list or were never stored, and fills the page from further ids", async () => {
    const key = `${keyPrefix}orders:req:r-1`;
    const mine = q({ reach: [{ requesterId: "r-1" }], pageSize: 3 });
    const first = ids(await indexed.list(mine));
    // A crash after the index's write: ids newer than all of hers, of an order never stored and of another resident's.
    await redis.zadd(key, t0 + 10_000 * 60_000, "o-ghost", t0 + 10_001 * 60_000, "o-7");
    expect(ids(await indexed.list(mine))).toEqual(first);
    expect(await redis.zscore(key, "o-ghost")).toBeNull();
    expect(await redis.zscore(key, "o-7")).toBeNull();
    expect(await expectSameAsScan()).toBeGreaterThan(queries.length);
  });

  it("sweeps the same due orders as the scan, re-scoring those looked at early", async () => {
    // An entry scored earlier than its order's deadline (a hop moved on): looked at, not due, re-scored.
    const notDue = (await db.collection("orders").findOne({ dueAt: { $gt: now } }))!;
    await redis.zadd(`${keyPrefix}orders:due`, t0, String(notDue._id));
    expect((await indexed.due(now, 1_000)).sort()).toEqual((await scanning.due(now, 1_000)).sort());
    expect(Number(await redis.zscore(`${keyPrefix}orders:due`, String(notDue._id)))).toBe((notDue.dueAt as Date).getTime());
  });

  it("keeps a deadline a save moved earlier while the sweep was looking at the old one", async () => {
    const id = String((await db.collection("orders").findOne({ dueAt: { $gt: now } }))!._id);
    const stored = (await indexed.load(id, { fresh: true }))!;
    await redis.zadd(`${keyPrefix}orders:due`, t0, id); // to be looked at early
    // The sweep reads the old deadline (not due); the save of an earlier one lands before the sweep re-scores.
    const raced = async (orderId: string) => {
      const doc = await db.collection("orders").findOne({ _id: orderId as never });
      if (orderId === id) expect(await indexed.save(stored, { ...stored.state, dueAt: new Date(now.getTime() - 60_000), version: stored.state.version + 1 }, [], [])).toBe("saved");
      return doc;
    };
    expect(await index.due(now, 1_000, raced)).not.toContain(id);
    expect(await indexed.due(now, 1_000)).toContain(id); // the next sweep: due, not pushed back to the old deadline
  });

  it("counts each team's work for the suggestions as the scan does", async () => {
    expect(await indexed.teamCounts([...teams, "team-none"])).toEqual(await scanning.teamCounts([...teams, "team-none"]));
  });

  it("finds a community's open orders as the scan does", async () => {
    for (const path of paths) expect((await indexed.openOrdersOf(path[3]!)).sort()).toEqual((await scanning.openOrdersOf(path[3]!)).sort());
  });

  it("keeps a moved order in its new lists when a read between the index's write and the store's saw the old document", async () => {
    const orders = db.collection("orders");
    const stored = (await orders.findOne({ _id: "o-6" as never }))!;
    const old = indexedOf(stored);
    const moved = { ...old, communityPath: ["sz", "ns", "ns-s9", "ns-s9-c9"] };
    const newStreet = q({ withinOrgIds: ["ns-s9"], pageSize: 10 });
    await index.adding(moved);
    // The street's staff read meanwhile: the store still holds the old path, so the entry looks stale and is dropped.
    expect((await index.list(newStreet, async () => stored)).docs).toEqual([]);
    await orders.updateOne({ _id: "o-6" as never }, { $set: { communityPath: moved.communityPath } });
    await index.added(old, moved);
    expect((await indexed.list(newStreet)).orders.map((o) => o.state.orderId)).toEqual(["o-6"]);
    expect(await expectSameAsScan()).toBeGreaterThan(queries.length);
  });
});
