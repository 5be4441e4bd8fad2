// Dispatch following the registry's org changes, on the real engines (Kafka, FerretDB), through
// its own registry consumer: a rename reaches the orgs read model; a move takes the community's
// open orders to the new street and district (their staff now find them) through the order's
// decider — an OrderCommunityMoved relayed to kepu.dispatch.v1 with the next version, a timeline
// step naming both places — and a done order stays; a redelivered or older move changes nothing; a closed community can no longer order and its
// order stays. The gateway's account events on the same topic are skipped, none dead-lettered.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBinary } from "@bufbuild/protobuf";
import { decodeEnvelope, EventPublisher, newEvent, toOutgoing, type EventConsumer, type EventEnvelope } from "@kepu/bus";
import { calendar } from "@kepu/calendar";
import { OrgKind, OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderCommunityMovedSchema, OrderRequestSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { isKepuError } from "@kepu/errors";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { registryConsumer } from "../src/messaging/consumers.js";
import { Orders } from "../src/orders.js";
import { CatalogStore, readModelReferences } from "../src/store/catalog-store.js";
import { OrderStore } from "../src/store/order-store.js";
import { TeamStore } from "../src/store/team-store.js";

const logger = createLogger({ service: "org-followers-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("dorgfollow"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const publisher = new EventPublisher(engines.kafka);
const topic = engines.topic("registry");
const deadlines = { default: { dispatchHours: 24, acceptHours: 48, claimHours: 24 } };
let store: OrderStore;
let catalog: CatalogStore;
let orders: Orders;
let consumer: EventConsumer;
let relay: OutboxRelay;

const futian = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-futian", "sz-futian-yuanling", "c9"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "c9" });
const luohu = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-luohu", "sz-luohu-s", "c9"], districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" });
const resident = create(ActorSchema, { id: "resident-9", role: Role.RESIDENT, orgId: "c9" });
const registryEvent = <D extends DescMessage>(schema: D, payload: MessageInitShape<D>, aggregateId: string, version: number, source = "registry") =>
  newEvent(schema, payload, { source, aggregateId, aggregateVersion: version, correlationId: `test-${version}` });
const publish = (...envelopes: EventEnvelope[]) => publisher.send(envelopes.map((e) => toOutgoing(topic, e)));
const submit = (orderId: string, community = futian) =>
  orders.handle(orderId, { kind: "submit", requesterId: resident.id, request: create(OrderRequestSchema, { title: "防汛应急讲座", community }), campaignId: "" }, resident, { correlationId: orderId });
const luohuStreetSees = async () => (await store.list({ reach: [{ withinOrgId: "sz-luohu-s" }], withinOrgIds: [], statuses: [], teamId: "", requesterId: "", page: 0, pageSize: 50 })).orders.map((o) => o.state.orderId);

/** What the gateway publishes on the same topic: dispatch has no handler for any of it. */
const gatewayEvents = () => [
  registryEvent(registry.StaffAccountCreatedSchema, { account: "li.worker", role: Role.COMMUNITY_WORKER, orgId: "c9", displayName: "李社工", createdBy: "root" }, "li.worker", 1, "gateway"),
  registryEvent(registry.StaffAccountDisabledSchema, { account: "li.worker" }, "li.worker", 2, "gateway"),
  registryEvent(registry.StaffAccountEnabledSchema, { account: "li.worker" }, "li.worker", 3, "gateway"),
  registryEvent(registry.StaffAccountPasswordResetSchema, { account: "li.worker" }, "li.worker", 4, "gateway"),
  registryEvent(registry.StaffAccountPasswordChangedSchema, { account: "li.worker" }, "li.worker", 5, "gateway"),
  registryEvent(registry.ResidentMovedCommunitySchema, { residentId: resident.id, fromCommunityId: "c8", toCommunityId: "c9", movedAt: timestampFromDate(new Date()) }, resident.id, 1, "gateway"),
];

beforeAll(async () => {
  await mongo.connect();
  const db = mongo.db(engines.database("dispatch"));
  await detectEngine(db);
  await engines.createTopics([topic, engines.topic("dispatch")]);
  await publisher.connect();
  store = new OrderStore(db, engines.topic("dispatch"));
  await store.createIndexes();
  catalog = new CatalogStore(db);
  const teams = new TeamStore(db);
  relay = new OutboxRelay({ collections: [store.orders], publisher, logger });
  relay.start();
  orders = new Orders(store, relay, deadlines, () => new Date(), logger, readModelReferences(catalog, teams), (at) => calendar.dateOf(at));
  consumer = registryConsumer(engines.kafka, `${engines.prefix}kepu.dispatch.registry`, topic, teams, catalog, logger, orders);
  await consumer.start();
});

afterAll(async () => {
  await consumer.stop();
  await relay.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("dispatch follows the registry's orgs", () => {
  it("renames, moves a community with its open orders, and closes it to new orders", async () => {
    const named = (orgId: string, name: string, kind: OrgKind) => registryEvent(registry.OrganizationRegisteredSchema, { orgId, name, kind }, orgId, 1);
    await publish(
      named("sz-futian", "福田区", OrgKind.DISTRICT),
      named("sz-futian-yuanling", "园岭街道", OrgKind.STREET),
      named("sz-luohu", "罗湖区", OrgKind.DISTRICT),
      named("sz-luohu-s", "东门街道", OrgKind.STREET),
      registryEvent(registry.OrganizationRegisteredSchema, { orgId: "c9", name: "旧名社区", kind: OrgKind.COMMUNITY, parentId: "sz-futian-yuanling", place: futian }, "c9", 1),
      ...gatewayEvents(),
    );
    await waitFor(async () => (await catalog.org("c9")) && Object.keys(await catalog.names(["sz-futian", "sz-futian-yuanling", "sz-luohu", "sz-luohu-s"])).length === 4, { what: "c9 and the districts and streets in the orgs read model" });
    await submit("o-open");
    await submit("o-done");
    await orders.handle("o-done", { kind: "cancel", reason: "改期" }, resident, { correlationId: "cancel" });

    const moved = registryEvent(registry.OrganizationMovedSchema, { orgId: "c9", parentId: "sz-luohu-s", place: luohu, fromParentId: "sz-futian-yuanling" }, "c9", 3);
    await publish(registryEvent(registry.OrganizationRenamedSchema, { orgId: "c9", name: "新名社区" }, "c9", 2), moved);
    await waitFor(async () => (await store.load("o-open", { fresh: true }))?.state.request.community?.path.includes("sz-luohu-s"), { what: "the open order at its new place" });
    expect(await catalog.org("c9")).toMatchObject({ path: luohu.path, districtId: "sz-luohu", streetId: "sz-luohu-s", closed: false });
    expect((await catalog.orgs.findOne({ _id: "c9" as never }))?.name).toBe("新名社区");
    const { state: open, timeline } = (await store.load("o-open", { fresh: true }))!;
    expect(open.request.community).toMatchObject({ path: luohu.path, districtId: "sz-luohu", streetId: "sz-luohu-s" });
    expect(open.status).toBe(OrderStatus.SUBMITTED);
    expect(open.version).toBe(2);
    expect(timeline.map((step) => step.eventType)).toEqual(["OrderSubmitted", "OrderCommunityMoved"]);
    expect(timeline[1]).toMatchObject({ actorId: "dispatch", actorRole: Role.SYSTEM, reason: expect.stringContaining("福田区 园岭街道 → 罗湖区 东门街道") });

    // The move is news on kepu.dispatch.v1: the order's next version, caused by the registry's event.
    const relayed = await engines.readTopic(engines.topic("dispatch"), (all) => all.some((m) => m.key === "o-open" && decodeEnvelope(m.value).type === OrderCommunityMovedSchema.typeName) && all.filter((m) => m.key === "o-done").length >= 2);
    const envelopes = relayed.filter((m) => m.key === "o-open").map((m) => decodeEnvelope(m.value));
    expect(envelopes.map((e) => [e.type.split(".").pop(), Number(e.aggregateVersion)])).toEqual([
      ["OrderSubmitted", 1],
      ["OrderCommunityMoved", 2],
    ]);
    const movedEvent = fromBinary(OrderCommunityMovedSchema, envelopes[1]!.payload);
    expect(movedEvent).toMatchObject({ orderId: "o-open", community: { orgId: "c9", path: luohu.path, districtId: "sz-luohu", streetId: "sz-luohu-s" }, fromPath: futian.path });
    expect(envelopes[1]).toMatchObject({ causationId: moved.eventId, actor: { role: Role.SYSTEM } });
    expect(relayed.filter((m) => m.key === "o-done").map((m) => decodeEnvelope(m.value).type.split(".").pop())).toEqual(["OrderSubmitted", "OrderCancelled"]);
    expect((await store.load("o-done", { fresh: true }))!.state.request.community?.path).toEqual(futian.path); // done: stays where it happened
    expect(await luohuStreetSees()).toEqual(["o-open"]);

    // A redelivered move and an older one, then the close: the order is not touched again.
    const stale = registryEvent(registry.OrganizationMovedSchema, { orgId: "c9", parentId: "sz-futian-yuanling", place: futian, fromParentId: "x" }, "c9", 2);
    await publish(moved, stale, registryEvent(registry.OrganizationClosedSchema, { orgId: "c9", reason: "撤并" }, "c9", 4));
    await waitFor(async () => (await catalog.org("c9"))?.closed, { what: "c9 closed in the read model" });
    expect((await store.load("o-open", { fresh: true }))!.state.version).toBe(open.version);
    expect((await store.load("o-open", { fresh: true }))!.timeline).toHaveLength(2); // no second step
    expect((await catalog.org("c9"))?.path).toEqual(luohu.path);

    const refused = await submit("o-after", luohu).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isKepuError(refused) && refused.code).toBe("COMMUNITY_CLOSED");
    expect((await store.load("o-open", { fresh: true }))!.state.status).toBe(OrderStatus.SUBMITTED); // existing orders untouched
    expect(await store.load("o-after", { fresh: true })).toBeUndefined();

    expect(consumer.counters.deadLettered).toBe(0);
    expect(consumer.counters.skipped).toBeGreaterThanOrEqual(gatewayEvents().length);
  });
});
