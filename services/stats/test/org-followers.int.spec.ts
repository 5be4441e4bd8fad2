// Stats following the registry's org renames and moves, on the real engines (Kafka, FerretDB),
// through its own projector: a renamed district is named anew in the annual return; a moved
// community counts under its new district from then on, an order done before the move stays in
// the old district's figures, one still open follows it (dispatch's OrderCommunityMoved), one
// placed after counts in the new one; a redelivered or older move changes nothing; a closed
// community is left out of the communities and coverage, its figures kept. The gateway's account events on the registry topic are left out, none
// dead-lettered.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent, toOutgoing, type EventEnvelope } from "@kepu/bus";
import { OrgKind, OrgPlaceSchema, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderCancelledSchema, OrderCommunityMovedSchema, OrderDispatchedSchema, OrderSubmittedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { computeFigures } from "../src/domain/figures.js";
import { Projector } from "../src/messaging/projector.js";
import { FactStore } from "../src/store/fact-store.js";

const logger = createLogger({ service: "stats-org-followers-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("sorgfollow"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const publisher = new EventPublisher(engines.kafka);
const registryTopic = engines.topic("registry");
const dispatchTopic = engines.topic("dispatch");
let store: FactStore;
let projector: Projector;

const place = (orgId: string, path: string[], districtId = "", streetId = "", communityId = "") => create(OrgPlaceSchema, { orgId, path, districtId, streetId, communityId });
const inFutian = place("c9", ["sz", "sz-futian", "sz-futian-s", "c9"], "sz-futian", "sz-futian-s", "c9");
const inLuohu = place("c9", ["sz", "sz-luohu", "sz-luohu-s", "c9"], "sz-luohu", "sz-luohu-s", "c9");
const event = <D extends DescMessage>(schema: D, payload: MessageInitShape<D>, aggregateId: string, version: number, source = "registry") =>
  newEvent(schema, payload, { source, aggregateId, aggregateVersion: version, correlationId: `test-${aggregateId}-${version}` });
const publish = (topic: string, ...envelopes: EventEnvelope[]) => publisher.send(envelopes.map((e) => toOutgoing(topic, e)));
const registered = (orgId: string, name: string, kind: OrgKind, at: OrgPlace) => event(registry.OrganizationRegisteredSchema, { orgId, name, kind, parentId: at.path.at(-2) ?? "", place: at }, orgId, 1);
const submitted = (orderId: string, community: OrgPlace) => event(OrderSubmittedSchema, { orderId, request: { title: "讲座", community } }, orderId, 1, "dispatch");
const ordersIn = async (orgId: string) => (await store.load({ orgId, theme: 0, audience: 0, format: 0, campaignId: "" })).orders.map((o) => o.orderId).sort();
const figuresIn = async (orgId: string) => computeFigures(await store.load({ orgId, theme: 0, audience: 0, format: 0, campaignId: "" }), { orgId, theme: 0, audience: 0, format: 0, campaignId: "" }, String);
const communitiesIn = async (orgId: string) => (await store.load({ orgId, theme: 0, audience: 0, format: 0, campaignId: "" })).communities.map((c) => c.orgId);

beforeAll(async () => {
  await mongo.connect();
  const db = mongo.db(engines.database("stats"));
  await engines.createTopics([registryTopic, dispatchTopic]);
  await publisher.connect();
  store = new FactStore(db);
  await store.createIndexes();
  projector = new Projector(engines.kafka, store, [registryTopic, dispatchTopic], (g) => `${engines.prefix}kepu.stats.projector-g${g}`, logger);
  await projector.start();
});

afterAll(async () => {
  await projector.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("stats follows the registry's orgs", () => {
  it("names a renamed district anew and rolls a moved community's later figures up under its new district", async () => {
    await publish(
      registryTopic,
      registered("sz-futian", "福田区", OrgKind.DISTRICT, place("sz-futian", ["sz", "sz-futian"], "sz-futian")),
      registered("sz-luohu", "罗湖区", OrgKind.DISTRICT, place("sz-luohu", ["sz", "sz-luohu"], "sz-luohu")),
      registered("c9", "九号社区", OrgKind.COMMUNITY, inFutian),
      // The gateway's events: no figure uses them.
      event(registry.StaffAccountCreatedSchema, { account: "li.worker", role: Role.COMMUNITY_WORKER, orgId: "c9", displayName: "李社工", createdBy: "root" }, "li.worker", 1, "gateway"),
      event(registry.StaffAccountDisabledSchema, { account: "li.worker" }, "li.worker", 2, "gateway"),
      event(registry.StaffAccountPasswordResetSchema, { account: "li.worker" }, "li.worker", 3, "gateway"),
      event(registry.ResidentMovedCommunitySchema, { residentId: "resident-9", fromCommunityId: "c8", toCommunityId: "c9", movedAt: timestampFromDate(new Date()) }, "resident-9", 1, "gateway"),
    );
    await publish(dispatchTopic, submitted("o-before", inFutian), event(OrderCancelledSchema, { orderId: "o-before", reason: "改期" }, "o-before", 2, "dispatch"), submitted("o-open", inFutian));
    await waitFor(async () => (await ordersIn("sz-futian")).length === 2 && (await communitiesIn("sz-futian")).includes("c9"), { what: "the orders and c9 under Futian" });

    const moved = event(registry.OrganizationMovedSchema, { orgId: "c9", parentId: "sz-luohu-s", place: inLuohu, fromParentId: "sz-futian-s" }, "c9", 2);
    await publish(registryTopic, event(registry.OrganizationRenamedSchema, { orgId: "sz-futian", name: "福田区（新）" }, "sz-futian", 2), moved);
    await waitFor(async () => (await communitiesIn("sz-luohu")).includes("c9"), { what: "c9 counted under Luohu" });
    // Dispatch takes the open order along: its own event, its next version.
    const followed = event(OrderCommunityMovedSchema, { orderId: "o-open", community: inLuohu, fromPath: inFutian.path }, "o-open", 2, "dispatch");
    await publish(dispatchTopic, followed, submitted("o-after", inLuohu));
    await waitFor(async () => (await ordersIn("sz-luohu")).length === 2, { what: "the open and the later order under Luohu" });

    expect(await communitiesIn("sz-futian")).toEqual([]);
    expect(await ordersIn("sz-futian")).toEqual(["o-before"]); // a done order stays where it happened
    expect(await ordersIn("sz-luohu")).toEqual(["o-after", "o-open"]);
    const luohu = await figuresIn("sz-luohu");
    expect(luohu.ordersByStatus).toEqual({ SUBMITTED: 2 });
    expect(luohu.unmetByCommunity).toEqual({ c9: 2 });
    expect((await store.facts.orders.findOne({ _id: "o-open" as never }))).toMatchObject({ districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" });
    expect(await store.orgPath("c9")).toEqual(inLuohu.path); // the scope a figure is asked for
    const annual = await store.loadAnnualReturn("");
    expect(annual.districts).toEqual([
      { orgId: "sz-futian", name: "福田区（新）" },
      { orgId: "sz-luohu", name: "罗湖区" },
    ]);

    // A redelivered move, an older one, then a rename of c9 itself: the place stays the newest.
    const stale = event(registry.OrganizationMovedSchema, { orgId: "c9", parentId: "sz-futian-s", place: inFutian, fromParentId: "x" }, "c9", 1);
    await publish(registryTopic, moved, stale, event(registry.OrganizationRenamedSchema, { orgId: "c9", name: "九号社区（新）" }, "c9", 3));
    await waitFor(async () => (await store.facts.orgs.findOne({ _id: "c9" as never }))?.name === "九号社区（新）", { what: "c9's new name" });
    expect(await store.orgPath("c9")).toEqual(inLuohu.path);

    // The open order's move redelivered and an older event of it, then its next one (same key, so
    // handled after them): it stays under Luohu.
    await publish(dispatchTopic, followed, submitted("o-open", inFutian), event(OrderDispatchedSchema, { orderId: "o-open", teamIds: ["t1"] }, "o-open", 3, "dispatch"));
    await waitFor(async () => (await store.facts.orders.findOne({ _id: "o-open" as never }))?.status === "DISPATCHED", { what: "o-open dispatched" });
    expect(await store.facts.orders.findOne({ _id: "o-open" as never })).toMatchObject({ path: inLuohu.path, districtId: "sz-luohu" });
    // Closed: c9 no longer counts among Luohu's communities; the orders placed there stay.
    await publish(registryTopic, event(registry.OrganizationClosedSchema, { orgId: "c9", reason: "撤并" }, "c9", 4));
    await waitFor(async () => (await figuresIn("sz-luohu")).communities === 0, { what: "closed c9 left out of Luohu's communities" });
    const closed = await figuresIn("sz-luohu");
    expect([closed.coverage, closed.orders]).toEqual([0, 2]);
    expect(await ordersIn("sz-luohu")).toEqual(["o-after", "o-open"]);

    expect(projector.counters.deadLettered).toBe(0);
  });
});
