// An accepted order whose activity could not be scheduled, on the real engines (Kafka, FerretDB),
// through dispatch's own activity consumer: the events service's OrderSchedulingConflicted becomes
// one timeline step in words (by the system, naming the activity in the way and the Beijing time),
// once however often it is delivered; the order stays where it was, and a later command of the
// same process (whose cached copy predates the step) keeps the step.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent, toOutgoing, type EventConsumer } from "@kepu/bus";
import { calendar } from "@kepu/calendar";
import { OrgKind, OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderRequestSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { OrderSchedulingConflictedSchema } from "@kepu/contracts/events/v1/events_pb";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { activityConsumer } from "../src/messaging/consumers.js";
import { Orders } from "../src/orders.js";
import { CatalogStore, readModelReferences } from "../src/store/catalog-store.js";
import { OrderStore } from "../src/store/order-store.js";
import { TeamStore } from "../src/store/team-store.js";

const logger = createLogger({ service: "scheduling-conflicts-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("dconflict"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const publisher = new EventPublisher(engines.kafka);
const topic = engines.topic("events");
const deadlines = { default: { dispatchHours: 24, acceptHours: 48, claimHours: 24 } };
const community = create(OrgPlaceSchema, { orgId: "c7", path: ["sz", "sz-futian", "sz-futian-yuanling", "c7"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "c7" });
const resident = create(ActorSchema, { id: "resident-7", role: Role.RESIDENT, orgId: "c7" });
let store: OrderStore;
let orders: Orders;
let relay: OutboxRelay;
let consumer: EventConsumer;

beforeAll(async () => {
  await mongo.connect();
  const db = mongo.db(engines.database("dispatch"));
  await detectEngine(db);
  await engines.createTopics([topic, engines.topic("dispatch")]);
  await publisher.connect();
  store = new OrderStore(db, engines.topic("dispatch"));
  await store.createIndexes();
  const catalog = new CatalogStore(db);
  await catalog.orgChanged("c7", 1, { kind: OrgKind.COMMUNITY, path: community.path, districtId: "sz-futian", streetId: "sz-futian-yuanling" }); // as the registry's event would
  relay = new OutboxRelay({ collections: [store.orders], publisher, logger });
  relay.start();
  orders = new Orders(store, relay, deadlines, () => new Date(), logger, readModelReferences(catalog, new TeamStore(db)), (at) => calendar.dateOf(at));
  consumer = activityConsumer(engines.kafka, `${engines.prefix}kepu.dispatch.activities`, topic, orders, logger, store);
  await consumer.start();
});

afterAll(async () => {
  await consumer.stop();
  await relay.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("an order's activity that could not be scheduled", () => {
  it("is one timeline step in words, once per event; the order keeps its status and later commands keep the step", async () => {
    const before = await orders.handle("o-conflict", { kind: "submit", requesterId: resident.id, request: create(OrderRequestSchema, { title: "星空观测夜（第二场）", community }), campaignId: "" }, resident, { correlationId: "c1" });
    const startsAt = new Date("2027-09-05T02:30:00Z"); // 10:30 Beijing
    const payload = { orderId: "o-conflict", activityId: "act-o-conflict", resourceId: "res-venue", heldBySessionId: "act-o-first-s1", heldByTitle: "星空观测夜（第一场）", startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 90 * 60_000)), messageZh: "资源 res-venue 已被占用", messageEn: "Resource res-venue is held" };
    const conflict = newEvent(OrderSchedulingConflictedSchema, payload, { source: "events", aggregateId: "act-o-conflict", aggregateVersion: 1, correlationId: "c2" });
    // Delivered twice (a redelivery), an activity published directly (no order) beside it, and
    // then a later one of the same activity (same key, so read after the repeat): only the repeat adds nothing.
    const direct = newEvent(OrderSchedulingConflictedSchema, { orderId: "", activityId: "act-direct", heldByTitle: "开放日" }, { source: "events", aggregateId: "act-direct", aggregateVersion: 1, correlationId: "c3" });
    const later = newEvent(OrderSchedulingConflictedSchema, { ...payload, heldByTitle: "科普开放日" }, { source: "events", aggregateId: "act-o-conflict", aggregateVersion: 1, correlationId: "c5" });
    await publisher.send([conflict, direct, conflict, later].map((e) => toOutgoing(topic, e)));

    const noted = await waitFor(async () => {
      const stored = await store.load("o-conflict", { fresh: true });
      return stored?.timeline.some((s) => s.eventId === later.eventId) ? stored : undefined;
    }, { what: "the later conflict's step on the order's timeline" });
    const steps = noted.timeline.filter((s) => s.eventType === "OrderSchedulingConflicted");
    expect(steps.map((s) => s.eventId)).toEqual([conflict.eventId, later.eventId]);
    expect(steps[0]).toMatchObject({ actorRole: Role.SYSTEM, teamIds: [] });
    expect(steps[0]!.reason).toContain("「星空观测夜（第一场）」");
    expect(steps[0]!.reason).toContain("2027-09-05 10:30–12:00");
    expect(steps[0]!.reason).not.toContain("res-venue");
    expect(steps[1]!.reason).toContain("「科普开放日」");
    expect(noted.state.status).toBe(OrderStatus.SUBMITTED);
    expect(noted.state.version).toBe(before.state.version + 2);

    // Orders' cached copy predates the step: the next command reads again and keeps it.
    const cancelled = await orders.handle("o-conflict", { kind: "cancel", reason: "改期再约" }, resident, { correlationId: "c4" });
    expect(cancelled.timeline.map((s) => s.eventType)).toEqual(["OrderSubmitted", "OrderSchedulingConflicted", "OrderSchedulingConflicted", "OrderCancelled"]);
    expect((await store.load("o-conflict", { fresh: true }))!.timeline.map((s) => s.eventType)).toEqual(["OrderSubmitted", "OrderSchedulingConflicted", "OrderSchedulingConflicted", "OrderCancelled"]);
  }, 90_000);
});
