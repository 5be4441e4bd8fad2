// Durable timers with an injected clock: the deadlines live in the order documents, so a dispatch
// process started later — nothing carried over in memory — escalates what timed out meanwhile.
import { create } from "@bufbuild/protobuf";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { EventPublisher } from "@kepu/bus";
import { calendar } from "@kepu/calendar";
import { OrgKind, OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder, OrderRequestSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Orders } from "../src/orders.js";
import { CatalogStore, readModelReferences } from "../src/store/catalog-store.js";
import { OrderStore } from "../src/store/order-store.js";
import { TeamStore } from "../src/store/team-store.js";
import { EscalationTimer } from "../src/timers.js";

const logger = createLogger({ service: "timers-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("timers"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const publisher = new EventPublisher(engines.kafka);
const deadlines = { default: { dispatchHours: 24, acceptHours: 48, claimHours: 24 } };
const hours = (n: number) => n * 3_600_000;
const t0 = new Date("2026-09-07T08:00:00Z");

afterAll(async () => {
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

/** One dispatch process: its own Orders and timer over the shared database, reading `now`. */
function dispatchProcess(now: () => Date) {
  const db = mongo.db(engines.database("dispatch"));
  const store = new OrderStore(db, engines.topic("dispatch"));
  const catalog = new CatalogStore(db);
  const relay = new OutboxRelay({ collections: [store.orders], publisher, logger });
  const orders = new Orders(store, relay, deadlines, now, logger, readModelReferences(catalog, new TeamStore(db)), (at) => calendar.dateOf(at));
  return { store, catalog, orders, timer: new EscalationTimer(store, orders, now, logger) };
}

describe("escalation timers", () => {
  it("fire in a later process: community → association pool → district association, each by the system", async () => {
    await mongo.connect();
    await detectEngine(mongo.db(engines.database("dispatch")));
    const community = create(OrgPlaceSchema, { orgId: "sz-futian-s1-c1", path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1" });
    const resident = create(ActorSchema, { id: "resident-1", role: Role.RESIDENT, orgId: community.orgId });
    const first = dispatchProcess(() => t0);
    await first.store.createIndexes();
    await first.catalog.orgChanged(community.orgId, 1, { kind: OrgKind.COMMUNITY, path: community.path }); // as the registry's event would
    await first.orders.handle("order-t1", { kind: "submit", requesterId: "resident-1", request: create(OrderRequestSchema, { title: "防诈骗讲座", community }), campaignId: "" }, resident, { correlationId: "c1" });

    let now = new Date(t0.getTime() + hours(23));
    const later = dispatchProcess(() => now); // the first process is gone; nothing of it in memory
    expect(await later.timer.tick()).toBe(0); // not yet due

    now = new Date(t0.getTime() + hours(24) + 1);
    expect(await later.timer.tick()).toBe(1);
    const pooled = (await later.store.load("order-t1", { fresh: true }))!.state;
    expect([pooled.status, pooled.holder]).toEqual([OrderStatus.POOLED, OrderHolder.ASSOCIATION_POOL]);

    now = new Date(now.getTime() + hours(24) + 1);
    expect(await later.timer.tick()).toBe(1);
    const { state, timeline } = (await later.store.load("order-t1", { fresh: true }))!;
    expect(state.holder).toBe(OrderHolder.DISTRICT_ASSOCIATION);
    expect(timeline.filter((step) => step.actorRole === Role.SYSTEM).map((step) => step.eventType)).toEqual(["OrderEscalated", "OrderEscalated"]);
    expect(await later.timer.tick()).toBe(0); // nothing left due
  });
});
