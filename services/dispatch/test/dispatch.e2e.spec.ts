import { create, fromBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, decodeEnvelope, EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { ActivityCompletedSchema, ActivityScheduledSchema } from "@kepu/contracts/events/v1/events_pb";
import { OrganizationRegisteredSchema, TeamRegisteredSchema, VolunteerJoinedTeamSchema } from "@kepu/contracts/registry/v1/events_pb";
import { contractsRegistry } from "@kepu/contracts";
import { createLogger } from "@kepu/log";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { request } from "./order-fixtures.js";

const engines = new TestEngines(uniquePrefix("dispatch"));
const logger = createLogger({ service: "dispatch-e2e", level: "silent" });
const publisher = new EventPublisher(createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "dispatch-e2e", logger }));
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof DispatchService>>;

const resident = { id: "resident-1", role: Role.RESIDENT, orgId: "sz-futian-yuanling-hongli", displayName: "王女士" };
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-hongli", displayName: "李社工" };
const districtStaff = { id: "kx-1", role: Role.DISTRICT_STAFF, orgId: "sz-futian", displayName: "区科协" };
const leader = (teamId: string) => ({ id: `leader-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId, displayName: `${teamId} 队长` });
const fast = create(OrgPlaceSchema, { orgId: "sz-fast-c1", path: ["sz", "sz-fast", "sz-fast-s1", "sz-fast-c1"], districtId: "sz-fast", streetId: "sz-fast-s1", communityId: "sz-fast-c1" });

function event<D extends DescMessage>(schema: D, payload: MessageInitShape<D>, aggregateId: string, version: number): EventEnvelope {
  return newEvent(schema, payload, { source: "e2e", aggregateId, aggregateVersion: version, correlationId: `e2e-${aggregateId}` });
}

async function dispatchEvents(orderId: string, count: number): Promise<EventEnvelope[]> {
  const messages = await engines.readTopic(engines.topic("dispatch"), (all) => all.filter((m) => m.key === orderId).length >= count);
  return messages.filter((m) => m.key === orderId).map((m) => decodeEnvelope(m.value));
}

/** Distinct events by id, in version order: redelivery after a crash may repeat, never skip. */
function distinct(envelopes: EventEnvelope[]): EventEnvelope[] {
  const byId = new Map(envelopes.map((e) => [e.eventId, e]));
  return [...byId.values()].sort((a, b) => Number(a.aggregateVersion - b.aggregateVersion));
}

const typeNames = (envelopes: EventEnvelope[]) => distinct(envelopes).map((e) => e.type.replace("kepu.dispatch.v1.", ""));

beforeAll(async () => {
  await engines.createTopics([engines.topic("dispatch"), engines.topic("registry"), engines.topic("events")]);
  await publisher.publish(engines.topic("registry"), [
    ...[request.community!, fast].map((place) => event(OrganizationRegisteredSchema, { orgId: place.orgId, name: place.orgId, kind: OrgKind.COMMUNITY, place }, place.orgId, 1)),
    event(TeamRegisteredSchema, { teamId: "team-a", name: "福田区科技志愿服务队", themes: [Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"] }, "team-a", 1),
    event(TeamRegisteredSchema, { teamId: "team-b", name: "园岭街道健康科普队", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian-yuanling"] }, "team-b", 1),
    event(TeamRegisteredSchema, { teamId: "team-c", name: "南山区人工智能科普队", themes: [Theme.ARTIFICIAL_INTELLIGENCE], serviceAreaOrgIds: ["sz-nanshan"] }, "team-c", 1),
    event(TeamRegisteredSchema, { teamId: "team-d", name: "福田区新成立的队", themes: [Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"] }, "team-d", 1), // nobody joined yet
    ...["team-a", "team-b", "team-c"].map((teamId) => event(VolunteerJoinedTeamSchema, { teamId, volunteerId: `vol-${teamId}` }, teamId, 2)),
  ]);
  service = await ServiceProcess.start(
    "dispatch",
    engines.serviceEnv({
      TIMER_INTERVAL_MS: "100",
      DISPATCH_DEADLINES: JSON.stringify({ default: { dispatchHours: 24, acceptHours: 48, claimHours: 24 }, "sz-fast": { dispatchHours: 0.0003, acceptHours: 0.0003, claimHours: 0.0003 } }),
    }),
  );
  client = createRpcClient(DispatchService, service.grpcAddress, { signer: testSigner() });
  await engines.waitForDocuments("dispatch", "orgs", [request.community!.orgId, fast.orgId]);
  await engines.waitForDocuments("dispatch", "teams", ["team-a", "team-b", "team-c"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  await engines.waitForDocuments("dispatch", "teams", ["team-d"]);
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
});

describe("the order's life through the dispatch service", () => {
  it("dispatches, is declined with a reason, is re-dispatched, accepted, scheduled, delivered and rated — surviving a crash", async () => {
    const { order } = await client.submitOrder({ request, orderId: "order-1" }, { actor: resident, correlationId: "corr-order-1" });
    expect(order?.status).toBe(OrderStatus.SUBMITTED);

    // Only the teams that can take it: team-c serves another district, team-d has no members.
    const { suggestions } = await client.suggestTeams({ orderId: "order-1", limit: 3 }, { actor: worker });
    expect(suggestions.map((s) => s.teamId)).toEqual(["team-a", "team-b"]);
    expect(suggestions[0]!.parts.map((p) => p.reasonZh)).toContain("擅长该主题");

    await client.dispatchOrder({ orderId: "order-1", teamIds: ["team-a"], note: "请周末安排" }, { actor: worker });
    const declined = await client.declineOrder({ orderId: "order-1", teamId: "team-a", reason: "本周队员不足" }, { actor: leader("team-a") });
    expect(declined.order).toMatchObject({ status: OrderStatus.SUBMITTED, declinedTeamIds: ["team-a"] });

    await service.kill(); // a crash mid-flow
    await service.launch();

    await client.dispatchOrder({ orderId: "order-1", teamIds: ["team-b"] }, { actor: worker });
    const accepted = await client.acceptOrder({ orderId: "order-1", teamId: "team-b" }, { actor: leader("team-b") });
    expect(accepted.order).toMatchObject({ status: OrderStatus.ACCEPTED, acceptedTeamId: "team-b" });

    const scheduled = event(ActivityScheduledSchema, { activityId: "act-1", orderId: "order-1", title: request.title }, "act-1", 1);
    const completed = event(ActivityCompletedSchema, { activityId: "act-1", orderId: "order-1", participants: 38, uniqueParticipants: 35, serviceHours: 6, volunteers: 3 }, "act-1", 5);
    await publisher.publish(engines.topic("events"), [scheduled, completed, completed]); // the completion twice
    await waitFor(async () => (await client.getOrder({ orderId: "order-1" }, { actor: resident })).order?.status === OrderStatus.DELIVERED, { what: "DELIVERED" });
    const rated = await client.rateOrder({ orderId: "order-1", score: 5, comment: "讲得很好" }, { actor: resident });
    expect(rated.order?.status).toBe(OrderStatus.RATED);

    const events = await dispatchEvents("order-1", 8);
    expect(typeNames(events)).toEqual(["OrderSubmitted", "OrderDispatched", "OrderDeclined", "OrderDispatched", "OrderAccepted", "OrderScheduled", "OrderDelivered", "OrderRated"]);
    const versions = distinct(events).map((e) => Number(e.aggregateVersion));
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const envelope of distinct(events)) {
      expect(envelope).toMatchObject({ source: "dispatch", aggregateId: "order-1" });
      expect(envelope.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(envelope.occurredAt).toBeDefined();
      expect(envelope.actor?.id).toBeTruthy();
      expect(envelope.correlationId).toBeTruthy();
      expect(contractsRegistry.getMessage(envelope.type)).toBeDefined();
    }
    expect(distinct(events)[0]!.correlationId).toBe("corr-order-1");
    const decline = distinct(events)[2]!;
    const schema = contractsRegistry.getMessage(decline.type)!;
    expect(fromBinary(schema, decline.payload)).toMatchObject({ teamId: "team-a", reason: "本周队员不足" });
    expect(decline.actor).toMatchObject({ id: "leader-team-a", role: Role.TEAM_LEADER, orgId: "team-a" });
    expect(distinct(events)[6]!.causationId).toBe(completed.eventId);
  });

  it("goes through the association pool: pooled, claimed, dispatched and accepted", async () => {
    await client.submitOrder({ request, orderId: "order-2" }, { actor: resident });
    await client.poolOrder({ orderId: "order-2", reason: "社区暂无合适队伍" }, { actor: worker });
    const foreign = await client.claimOrder({ orderId: "order-2" }, { actor: { ...districtStaff, orgId: "sz-nanshan" } }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: "OUTSIDE_YOUR_SCOPE" });
    await client.claimOrder({ orderId: "order-2" }, { actor: districtStaff });
    await client.dispatchOrder({ orderId: "order-2", teamIds: ["team-a"] }, { actor: districtStaff });
    await client.acceptOrder({ orderId: "order-2", teamId: "team-a" }, { actor: leader("team-a") });
    expect(typeNames(await dispatchEvents("order-2", 5))).toEqual(["OrderSubmitted", "OrderPooled", "OrderClaimed", "OrderDispatched", "OrderAccepted"]);
  });

  it("escalates an order nobody dispatched in time: community → association pool → district association", async () => {
    await client.submitOrder({ request: { ...request, community: fast }, orderId: "order-3" }, { actor: { ...resident, orgId: "sz-fast-c1" } }); // a resident orders for her own community
    const events = await dispatchEvents("order-3", 3);
    expect(typeNames(events)).toEqual(["OrderSubmitted", "OrderEscalated", "OrderEscalated"]);
    const { order } = await client.getOrder({ orderId: "order-3" }, { actor: districtStaff.orgId === "sz-fast" ? districtStaff : { ...districtStaff, orgId: "sz-fast" } });
    expect(order).toMatchObject({ status: OrderStatus.POOLED, holder: OrderHolder.DISTRICT_ASSOCIATION });
    expect(distinct(events)[1]!.actor?.role).toBe(Role.SYSTEM);
  });

  it("is cancelled by its requester with a reason, and then refuses to move", async () => {
    await client.submitOrder({ request, orderId: "order-4" }, { actor: resident });
    const { order } = await client.cancelOrder({ orderId: "order-4", reason: "临时有事" }, { actor: resident });
    expect(order?.status).toBe(OrderStatus.CANCELLED);
    const refused = await client.dispatchOrder({ orderId: "order-4", teamIds: ["team-a"] }, { actor: worker }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "ORDER_WRONG_STATUS", kind: "conflict" });
    expect(typeNames(await dispatchEvents("order-4", 2))).toEqual(["OrderSubmitted", "OrderCancelled"]);
  });

  it("answers bad commands with a bilingual error naming the field, and changes nothing", async () => {
    const noCommunity = await client.submitOrder({ request: { ...request, community: undefined } }, { actor: resident }).catch((e: unknown) => e);
    expect(noCommunity).toMatchObject({ code: "COMMUNITY_REQUIRED", field: "request.community", zh: "请选择所在社区" });
    const noReason = await client.declineOrder({ orderId: "order-2", teamId: "team-a", reason: "" }, { actor: leader("team-a") }).catch((e: unknown) => e);
    expect(noReason).toMatchObject({ code: "TEXT_REQUIRED", field: "reason" });
    const stranger = await client.getOrder({ orderId: "order-1" }, { actor: { ...resident, id: "resident-9" } }).catch((e: unknown) => e);
    expect(stranger).toMatchObject({ code: "ORDER_NOT_FOUND" });
    const { orders } = await client.listOrders({}, { actor: { ...worker, orgId: "sz-luohu-x" } });
    expect(orders).toEqual([]);
    const mine = await client.listOrders({}, { actor: worker });
    expect(mine.orders.map((o) => o.orderId).sort()).toEqual(["order-1", "order-2", "order-4"]);
  });
});
