// The order's whole life across the running services, carried by events only:
// registry → (TeamRegistered) → dispatch → (OrderAccepted) → events → (ActivityScheduled,
// ActivityCompleted) → dispatch; and every event → stats.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme, Format, Audience } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { Platform } from "../src/platform.js";

const engines = new TestEngines(uniquePrefix("workflow"));
let platform: Platform;
const admin = { id: "admin", role: Role.ADMIN };
const resident = { id: "resident-wang", role: Role.RESIDENT, orgId: "sz-futian-yuanling-hongli", displayName: "王阿姨" };
const worker = { id: "worker-li", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-hongli", displayName: "李社工" };
const leader = { id: "leader-zhang", role: Role.TEAM_LEADER, orgId: "team-futian", displayName: "张队长" };

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await engines.cleanup();
});

describe("the platform, end to end", () => {
  it("点单 → 派单 → 接单 → activity → booking → check-in → completion → DELIVERED → rated, and the figures follow", async () => {
    const registry = createRpcClient(RegistryService, platform.address("registry"), { signer: testSigner() });
    const dispatch = createRpcClient(DispatchService, platform.address("dispatch"), { signer: testSigner() });
    const events = createRpcClient(EventsService, platform.address("events"), { signer: testSigner() });
    const stats = createRpcClient(StatsService, platform.address("stats"), { signer: testSigner() });

    for (const [orgId, name, kind, parentId] of [
      ["sz", "深圳市", OrgKind.CITY, ""],
      ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"],
      ["sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian"],
      ["sz-futian-yuanling-hongli", "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
    ] as const) {
      await registry.registerOrganization({ orgId, name, kind, parentId }, { actor: admin });
    }
    await registry.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"], leaderId: leader.id }, { actor: admin });
    await registry.addVolunteer({ teamId: "team-futian", volunteerId: "vol-futian-1", realName: "张志愿", phone: "13800000001", skills: [Theme.DIGITAL_LITERACY] }, { actor: admin });
    const community = (await registry.getOrganization({ orgId: "sz-futian-yuanling-hongli" })).organization!.place!;

    // Taken once dispatch has heard of the community (its read model of the registry's events).
    const order = await waitFor(
      async () => (await dispatch.submitOrder({ request: { title: "老年人智能手机课", theme: Theme.DIGITAL_LITERACY, format: Format.HANDS_ON, audience: Audience.ELDERLY, expectedParticipants: 20, community } }, { actor: resident })).order,
      { what: "dispatch learning the community" },
    );
    const orderId = order!.orderId;
    const suggestions = await waitFor(async () => (await dispatch.suggestTeams({ orderId }, { actor: worker })).suggestions.find((s) => s.teamId === "team-futian"), { what: "the registry's team reaching dispatch" });
    expect(suggestions.score).toBeGreaterThan(60);
    await dispatch.dispatchOrder({ orderId, teamIds: ["team-futian"] }, { actor: worker });
    await dispatch.acceptOrder({ orderId, teamId: "team-futian" }, { actor: leader });

    const activityId = `act-${orderId}`;
    const activity = await waitFor(async () => (await events.getActivity({ activityId }, { actor: worker }).catch(() => undefined))?.activity, { what: "the activity created from OrderAccepted" });
    await waitFor(async () => (await dispatch.getOrder({ orderId }, { actor: resident })).order?.status === OrderStatus.SCHEDULED, { what: "SCHEDULED from ActivityScheduled" });

    const { booking } = await events.book({ activityId, sessionId: activity.sessions[0]!.session!.sessionId }, { actor: resident });
    const { token } = await events.getCheckInToken({ bookingId: booking!.bookingId }, { actor: resident });
    const session = activity.sessions[0]!.session!;
    platform.clock.to(timestampDate(session.startsAt!)); // the day comes: 签到 at the start…
    await events.checkIn({ token }, { actor: worker });
    platform.clock.to(new Date(timestampDate(session.endsAt!).getTime() + 60_000)); // …总结 and 完成 once it is over
    await events.fileSummary({ activityId, text: "讲解了手机挂号、防诈骗等内容，老人们学得很认真。" }, { actor: worker });
    await events.completeActivity({ activityId, walkIns: 15 }, { actor: worker });

    await waitFor(async () => (await dispatch.getOrder({ orderId }, { actor: resident })).order?.status === OrderStatus.DELIVERED, { what: "DELIVERED from ActivityCompleted" });
    await dispatch.rateOrder({ orderId, score: 5, comment: "非常实用" }, { actor: resident });

    const figures = await waitFor(async () => {
      const f = (await stats.getFigures({ slice: { orgId: "sz-futian" } }, { actor: admin })).figures!;
      return f.ordersByStatus.RATED === 1 && f.participants === 16 && f;
    }, { what: "the figures of the whole journey" });
    expect(figures).toMatchObject({ orders: 1, activities: 1, participants: 16, uniqueParticipants: 16, communities: 1, communitiesWithActivity: 1, coverage: 1, completionRate: 1 });
    expect(figures.timeToAccept?.count).toBe(1);

    const timeline = (await dispatch.getOrder({ orderId }, { actor: resident })).order!.timeline.map((s) => s.eventType);
    expect(timeline).toEqual(["OrderSubmitted", "OrderDispatched", "OrderAccepted", "OrderScheduled", "OrderDelivered", "OrderRated"]);
    for (const c of [registry, dispatch, events, stats]) c.close();
  });
});
