// 合并需求 (issue 19) through the gateway, one platform: three residents of three communities of one
// street order the same health talk for dates a few days apart. The suggestion groups the three; the
// street proposes the merge; two requesters consent and one keeps her own order; the street confirms.
// The group is dispatched and accepted once, through its lead order; one activity holds seats for
// the two consenting communities (enforced at booking: the third community's resident waits inside
// the priority window, is seated after it); when it is held both consenting orders are delivered, and the
// third is untouched (still submitted, in no group).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestClock, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { community, menuOrder, seedShenzhen } from "./platform.js";

const street = "sz-futian-yuanling";
const [c1, c2, c3] = [community, `${street}-c2`, `${street}-c3`];
const engines = new TestEngines(uniquePrefix("gwmerge"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const eventsClock = new TestClock(); // the events service's: the activity is held on its day
const redis = new Redis(engines.urls.redisUrl);

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON the route answers
}
async function call(method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}
const signIn = async (account: string) => (await call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" })).body.accessToken as string;
async function resident(phone: string, displayName: string, communityId: string): Promise<string> {
  await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  return (await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId, displayName })).body.accessToken as string;
}
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch", "events", "notifications"], (name) => engines.serviceEnv(name === "events" ? { TEST_CLOCK_FILE: eventsClock.file } : {}))));
  const [registry, dispatch, events, notifications] = services.map((s) => s.grpcAddress);
  gateway = await ServiceProcess.start(
    "gateway",
    engines.serviceEnv({ DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000", REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, NOTIFICATIONS_GRPC: notifications! }),
  );
  await seedShenzhen(registry!);
  // Two more communities of the same street.
  const client = createRpcClient(RegistryService, registry!, { signer: testSigner() });
  for (const [orgId, name] of [[c2, "园岭二社区"], [c3, "园岭三社区"]]) await client.registerOrganization({ orgId: orgId!, name: name!, kind: OrgKind.COMMUNITY, parentId: street }, { actor: { id: "admin", role: Role.ADMIN } });
  client.close();
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"], () => true, 30_000);
  await engines.waitForDocuments("dispatch", "orgs", [c1, c2, c3], () => true, 30_000);
  await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1, 30_000);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await engines.cleanup();
  eventsClock.remove();
});

describe("合并需求: three orders of one street, two consent", () => {
  it("merges the two consenting orders into one activity that delivers both and leaves the third untouched", async () => {
    const [li, wang, zhao] = [await resident("13700009901", "李桂英", c1), await resident("13700009902", "王秀兰", c2), await resident("13700009903", "赵淑珍", c3)];
    const placed = [];
    for (const [token, communityId, days] of [[li, c1, 10], [wang, c2, 12], [zhao, c3, 14]] as const) {
      const answer = await call("POST", "/api/v1/orders", token, { ...menuOrder, communityId, expectedParticipants: communityId === c1 ? 20 : communityId === c2 ? 10 : 30, preferredDate: inDays(days) });
      expect(answer.status).toBe(200);
      placed.push(answer.body.order.orderId as string);
    }
    const [a, b, c] = placed as [string, string, string];
    const streetStaff = await signIn("street");

    // The suggestion groups the three (a resident is not offered suggestions).
    const suggested = await call("GET", `/api/v1/orders/merge-suggestions?orgId=${street}`, streetStaff);
    expect(suggested.status).toBe(200);
    expect(suggested.body.suggestions).toHaveLength(1);
    expect(suggested.body.suggestions[0]).toMatchObject({ orderIds: [a, b, c], theme: "THEME_HEALTH", communityIds: [c1, c2, c3] });
    expect(suggested.body.suggestions[0].reasonZh).toContain("3 个社区");
    expect(await call("GET", `/api/v1/orders/merge-suggestions?orgId=${street}`, li)).toMatchObject({ status: 403, body: { code: "MERGE_ONLY_WORKERS_OR_STREETS" } });

    // The street proposes; each requester sees it on her order and answers for her own only.
    const proposed = await call("POST", "/api/v1/merges", streetStaff, { orderIds: [a, b, c], note: "三个社区一起办" });
    expect(proposed.status).toBe(200);
    const mergeId = proposed.body.merge.mergeId as string;
    expect(proposed.body.merge).toMatchObject({ status: "MERGE_STATUS_PROPOSED" });
    expect(proposed.body.merge.members.map((m: { answer: string }) => m.answer)).toEqual(["MERGE_ANSWER_PENDING", "MERGE_ANSWER_PENDING", "MERGE_ANSWER_PENDING"]);
    expect((await call("GET", `/api/v1/orders/${b}/merge`, wang)).body.merge?.mergeId).toBe(mergeId);
    expect(await call("POST", `/api/v1/merges/${mergeId}/consent`, wang, { orderId: a })).toMatchObject({ status: 403, body: { code: "NOT_REQUESTER" } });
    expect((await call("POST", `/api/v1/merges/${mergeId}/consent`, li, { orderId: a })).status).toBe(200);
    expect((await call("POST", `/api/v1/merges/${mergeId}/decline`, wang, { orderId: b, reason: "想在本社区单独办" })).status).toBe(200);
    const answered = await call("POST", `/api/v1/merges/${mergeId}/consent`, zhao, { orderId: c });
    expect(answered.body.merge.members.map((m: { orderId: string; answer: string }) => [m.orderId, m.answer])).toEqual([
      [a, "MERGE_ANSWER_CONSENTED"],
      [b, "MERGE_ANSWER_DECLINED"],
      [c, "MERGE_ANSWER_CONSENTED"],
    ]);

    // The street confirms: the two consenting orders become one group led by the first.
    const confirmed = await call("POST", `/api/v1/merges/${mergeId}/confirm`, streetStaff, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.merge).toMatchObject({ status: "MERGE_STATUS_MERGED", leadOrderId: a });
    const worker = await signIn("worker");
    expect((await call("GET", `/api/v1/orders/${c}`, zhao)).body.order).toMatchObject({ mergeId, leadOrderId: a, status: "ORDER_STATUS_SUBMITTED" });
    expect((await call("GET", `/api/v1/orders/${b}`, wang)).body.order.mergeId ?? "").toBe("");

    // Dispatched and accepted once, through the lead; a follower is never dispatched on its own.
    expect(await call("POST", `/api/v1/orders/${c}/dispatch`, await signIn("admin"), { teamIds: ["team-futian"] })).toMatchObject({ status: 409, body: { code: "ORDER_MERGED_INTO_GROUP" } });
    expect((await call("POST", `/api/v1/orders/${a}/dispatch`, worker, { teamIds: ["team-futian"] })).body.order?.status).toBe("ORDER_STATUS_DISPATCHED");
    expect((await call("POST", `/api/v1/orders/${a}/accept`, await signIn("leader"), {})).body.order?.status).toBe("ORDER_STATUS_ACCEPTED");

    // One activity, with seats held for the two consenting communities (in proportion to 20 and 30 of the item's 50).
    const activity = await waitFor(async () => (await call("GET", `/api/v1/activities/act-${a}`, worker)).body.activity, { what: "the group's activity" });
    let holds: { communityId: string; seats: number }[] = [];
    await engines.waitForDocuments("events", "merge_seat_holds", [activity.activityId], (doc) => ((holds = doc.holds as typeof holds), true));
    expect(holds).toEqual([
      { communityId: c1, seats: 20 },
      { communityId: c3, seats: 30 },
    ]);
    expect((await call("GET", `/api/v1/activities/act-${c}`, worker)).status).toBe(404);
    await waitFor(async () => (await call("GET", `/api/v1/orders/${c}`, zhao)).body.order?.status === "ORDER_STATUS_SCHEDULED", { what: "the follower scheduled with the lead" });

    // The holds are enforced at booking: inside the priority window (until 48 hours before the start)
    // a resident of the declining, hold-less community gets none of the held seats — she is
    // waitlisted and told why — while the holding communities' residents are seated from their holds.
    const session = activity.sessions[0].session;
    const bookings = `/api/v1/activities/${activity.activityId}/sessions/${session.sessionId}/bookings`;
    const wangWaits = await call("POST", bookings, wang, {});
    expect(wangWaits.status).toBe(200);
    expect(wangWaits.body.booking).toMatchObject({ status: "BOOKING_STATUS_WAITLISTED", waitlistPosition: 1, waitReasonZh: "剩余名额为下单社区预留，预留期结束后开放" });
    expect(wangWaits.body.booking.waitReasonEn).toContain("reserved for the ordering communities");
    for (const token of [li, zhao]) expect((await call("POST", bookings, token, {})).body.booking?.status).toBe("BOOKING_STATUS_SEATED");
    const mine = (await call("GET", "/api/v1/me/bookings", wang)).body.bookings;
    expect(mine.map((bk: { bookingId: string; status: string; waitReasonZh?: string }) => [bk.bookingId, bk.status, bk.waitReasonZh])).toEqual([[wangWaits.body.booking.bookingId, "BOOKING_STATUS_WAITLISTED", "剩余名额为下单社区预留，预留期结束后开放"]]);
    // After the window every free seat is open to all: she leaves the line and books again, seated.
    eventsClock.to(new Date(Date.parse(session.startsAt) - 47 * 3_600_000));
    expect((await call("POST", `/api/v1/bookings/${wangWaits.body.booking.bookingId}/cancel`, wang, {})).body.booking?.status).toBe("BOOKING_STATUS_CANCELLED");
    const wangSeated = await call("POST", bookings, wang, {});
    expect(wangSeated.body.booking).toMatchObject({ status: "BOOKING_STATUS_SEATED" });
    expect(wangSeated.body.booking.waitReasonZh ?? "").toBe("");

    // Held: both consenting orders are delivered; the third is untouched.
    eventsClock.to(new Date(Date.parse(session.endsAt) + 60_000));
    expect((await call("POST", `/api/v1/activities/${activity.activityId}/summary`, worker, { text: "两个社区的居民一起听健康养生讲座。" })).status).toBe(200);
    expect((await call("POST", `/api/v1/activities/${activity.activityId}/complete`, worker, { walkIns: 30 })).body.activity).toMatchObject({ status: "ACTIVITY_STATUS_COMPLETED" });
    eventsClock.reset();
    for (const [orderId, token] of [[a, li], [c, zhao]] as const) {
      await waitFor(async () => (await call("GET", `/api/v1/orders/${orderId}`, token)).body.order?.status === "ORDER_STATUS_DELIVERED", { what: `order ${orderId} delivered` });
    }
    const delivered = (await call("GET", `/api/v1/orders/${c}`, zhao)).body.order;
    expect(delivered.timeline.map((s: { eventType: string }) => s.eventType)).toEqual(["OrderSubmitted", "OrdersMerged", "OrderScheduled", "OrderDelivered"]);
    const third = (await call("GET", `/api/v1/orders/${b}`, wang)).body.order;
    expect(third.status).toBe("ORDER_STATUS_SUBMITTED");
    expect(third.activityId ?? "").toBe("");
    expect(third.timeline.map((s: { eventType: string }) => s.eventType)).toEqual(["OrderSubmitted"]);
  });
});
