// 代点单 (issue 19) through the gateway, one platform: a community worker orders for a resident of
// her community — one with an account (found by name, phone masked) and a person without one who
// gave a phone — with consent 电话 / 口头; each is told by SMS; the resident sees the order in her
// 我的点单 with the placer's name; the order is dispatched, accepted and its activity held like any
// other. A worker of another community, a resident ordering for someone else and an order without
// consent are refused.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestClock, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { community, menuOrder, seedShenzhen } from "./platform.js";

const engines = new TestEngines(uniquePrefix("gwproxy"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const eventsClock = new TestClock(); // the events service's: the activity is held on its day
const smsClock = new TestClock(); // the notifications service's: 10:00 Beijing, outside the SMS quiet hours
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
const signIn = async (account: string, password = "kepu-demo") => (await call("POST", "/api/v1/auth/sign-in", undefined, { account, password })).body.accessToken as string;
async function resident(phone: string, displayName: string, communityId = community): Promise<string> {
  await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  return (await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId, displayName })).body.accessToken as string;
}
/** The SMS the notifications service handed to its sender (locally: a Redis list), to one phone. */
async function smsTo(phone: string): Promise<{ phone: string; text: string }[]> {
  return (await redis.lrange(`${engines.prefix}sms-outbox`, 0, -1)).map((line) => JSON.parse(line) as { phone: string; text: string }).filter((m) => m.phone === phone);
}
/** The next 10:00 in Beijing (02:00 UTC; China keeps no daylight saving). */
function nextBeijingTen(): Date {
  const at = new Date();
  at.setUTCHours(2, 0, 0, 0);
  if (at.getTime() <= Date.now()) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

beforeAll(async () => {
  smsClock.to(nextBeijingTen());
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  const clockOf = (name: string): Record<string, string> => (name === "events" ? { TEST_CLOCK_FILE: eventsClock.file } : name === "notifications" ? { TEST_CLOCK_FILE: smsClock.file } : {});
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch", "events", "notifications"], (name) => engines.serviceEnv(clockOf(name)))));
  const [registry, dispatch, events, notifications] = services.map((s) => s.grpcAddress);
  gateway = await ServiceProcess.start(
    "gateway",
    engines.serviceEnv({ DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000", REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, NOTIFICATIONS_GRPC: notifications! }),
  );
  await seedShenzhen(registry!);
  // Ready once dispatch has heard of the menu item, the orgs and the team's volunteer (its read model of the registry).
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"], () => true, 30_000);
  await engines.waitForDocuments("dispatch", "orgs", [community, "sz-luohu-s-c"], () => true, 30_000);
  await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1, 30_000);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await engines.cleanup();
  eventsClock.remove();
  smsClock.remove();
});

describe("代点单: an order placed on behalf of a resident", () => {
  it("lives its whole life for a resident of the worker's community, who is told and sees it as hers", async () => {
    const phone = "13700008801";
    const li = await resident(phone, "李桂英");
    expect((await call("PUT", "/api/v1/me/notification-settings", li, { smsEnabled: true, phone })).status).toBe(200); // her phone is known: she opted in
    const worker = await signIn("worker");
    const workerName = (await call("GET", "/api/v1/me", worker)).body.displayName as string;

    // The worker finds her by name within her community; the phone is masked.
    const found = await call("GET", `/api/v1/residents?communityId=${community}&name=${encodeURIComponent("桂英")}`, worker);
    expect(found.status).toBe(200);
    expect(found.body.residents).toHaveLength(1);
    const picked = found.body.residents[0];
    expect(picked).toMatchObject({ displayName: "李桂英", phoneMasked: "137****8801", communityId: community });
    expect(JSON.stringify(found.body)).not.toContain(phone);

    // Without consent: 400, the field named in Chinese, and no order.
    const noConsent = await call("POST", "/api/v1/orders", worker, { ...menuOrder, onBehalfOf: { residentId: picked.residentId } });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body).toMatchObject({ code: "CONSENT_REQUIRED", field: "onBehalfOf.consent" });
    expect(noConsent.body.messageZh).toContain("同意方式");

    const placed = await call("POST", "/api/v1/orders", worker, { ...menuOrder, onBehalfOf: { residentId: picked.residentId, consent: "CONSENT_METHOD_PHONE", capacity: "PLACER_CAPACITY_GRID_WORKER" } });
    expect(placed.status).toBe(200);
    const order = placed.body.order;
    expect(order).toMatchObject({ status: "ORDER_STATUS_SUBMITTED", requesterId: picked.residentId });
    expect(order.onBehalf).toMatchObject({ placedByName: workerName, residentName: "李桂英", residentHasAccount: true, consent: "CONSENT_METHOD_PHONE", capacity: "PLACER_CAPACITY_GRID_WORKER", residentPhoneMasked: "137****8801" });
    expect(order.timeline[0].reason).toMatch(new RegExp(`^由 ${workerName} 代为点单（电话确认）`));

    // In her 我的点单, with the placer's name.
    const mine = (await call("GET", "/api/v1/orders", li)).body.orders as { orderId: string; onBehalf?: { placedByName: string } }[];
    expect(mine.find((o) => o.orderId === order.orderId)?.onBehalf?.placedByName).toBe(workerName);

    // Told by SMS at her number (and in her inbox).
    const sms = await waitFor(async () => (await smsTo(phone)).find((m) => m.text.includes("代为点单")), { what: "the 代点单 SMS to her phone", timeoutMs: 30_000 });
    expect(sms.text).toContain(`${workerName}已为您代为点单「健康养生讲座」（电话确认）`);
    const inbox = await waitFor(async () => (await call("GET", "/api/v1/me/notifications", li)).body.notifications?.find((n: { kind: string }) => n.kind === "order.placedForYou"), { what: "the notice in her inbox" });
    expect(inbox.orderId).toBe(order.orderId);

    // The rest of its life is unchanged: 派单, 接单, the activity held.
    expect((await call("POST", `/api/v1/orders/${order.orderId}/dispatch`, worker, { teamIds: ["team-futian"] })).body.order?.status).toBe("ORDER_STATUS_DISPATCHED");
    expect((await call("POST", `/api/v1/orders/${order.orderId}/accept`, await signIn("leader"), {})).body.order?.status).toBe("ORDER_STATUS_ACCEPTED");
    const activity = await waitFor(async () => (await call("GET", `/api/v1/activities/act-${order.orderId}`, worker)).body.activity, { what: "the order's activity" });
    const session = activity.sessions[0].session;
    const path = `/api/v1/activities/${activity.activityId}`;
    eventsClock.to(new Date(Date.parse(session.endsAt) + 60_000)); // the session is over
    expect((await call("POST", `${path}/summary`, worker, { text: "为老年居民讲解健康养生知识，现场答疑。" })).status).toBe(200);
    expect((await call("POST", `${path}/complete`, worker, { walkIns: 12 })).body.activity).toMatchObject({ status: "ACTIVITY_STATUS_COMPLETED", participants: 12 });
    eventsClock.reset();
    const delivered = await waitFor(async () => {
      const o = (await call("GET", `/api/v1/orders/${order.orderId}`, li)).body.order;
      return o?.status === "ORDER_STATUS_DELIVERED" && o;
    }, { what: "her order delivered" });
    expect(delivered.onBehalf.placedByName).toBe(workerName);
    expect(delivered.timeline.map((s: { eventType: string }) => s.eventType)).toEqual(expect.arrayContaining(["OrderSubmitted", "OrderDispatched", "OrderAccepted", "OrderDelivered"]));
    // She rates it as her own.
    expect((await call("POST", `/api/v1/orders/${order.orderId}/rate`, li, { score: 5 })).body.order?.status).toBe("ORDER_STATUS_RATED");
  });

  it("orders for a person without an account: told by SMS at the phone the worker gave, which stays out of the order", async () => {
    const worker = await signIn("worker");
    const phone = "13700008802";
    const placed = await call("POST", "/api/v1/orders", worker, { ...menuOrder, onBehalfOf: { name: "张大爷", phone, consent: "CONSENT_METHOD_ORAL", consentNote: "入户走访时当面确认" } });
    expect(placed.status).toBe(200);
    const order = placed.body.order;
    expect(order.onBehalf).toMatchObject({ residentName: "张大爷", residentHasAccount: false, residentPhoneMasked: "137****8802", consent: "CONSENT_METHOD_ORAL" });
    expect(JSON.stringify(order)).not.toContain(phone);
    expect(order.timeline[0].reason).toContain("代为点单（口头确认：入户走访时当面确认）");
    const sms = await waitFor(async () => (await smsTo(phone)).find((m) => m.text.includes("代为点单")), { what: "the SMS to the phone given", timeoutMs: 30_000 });
    expect(sms.text).toContain("口头确认");

    // When he later signs in with that phone, the order is his.
    const zhang = await resident(phone, "张大爷");
    expect(((await call("GET", "/api/v1/orders", zhang)).body.orders as { orderId: string }[]).map((o) => o.orderId)).toContain(order.orderId);
  });

  it("refuses a worker of another community, a resident ordering for someone else, and a resident she cannot find", async () => {
    const li = await resident("13700008803", "王秀兰");
    const picked = (await call("GET", `/api/v1/residents?communityId=${community}&name=${encodeURIComponent("秀兰")}`, await signIn("worker"))).body.residents[0];
    const admin = await signIn("admin");
    const made = await call("POST", "/api/v1/accounts", admin, { account: "luohu-worker", displayName: "罗湖社工", role: "COMMUNITY_WORKER", orgId: "sz-luohu-s-c", mustChangePassword: false });
    expect(made.status).toBe(200);
    const foreign = await signIn("luohu-worker", made.body.initialPassword);

    const consent = { residentId: picked.residentId, consent: "CONSENT_METHOD_PHONE" };
    expect(await call("GET", `/api/v1/residents?communityId=${community}`, foreign)).toMatchObject({ status: 403 });
    expect(await call("POST", "/api/v1/orders", foreign, { ...menuOrder, onBehalfOf: consent })).toMatchObject({ status: 403 });
    // Naming her own community does not help: the resident lives elsewhere.
    expect(await call("POST", "/api/v1/orders", foreign, { ...menuOrder, communityId: "sz-luohu-s-c", onBehalfOf: consent })).toMatchObject({ status: 403, body: { code: "RESIDENT_NOT_IN_YOUR_COMMUNITY" } });
    // A resident orders for herself only.
    expect(await call("GET", `/api/v1/residents?communityId=${community}`, li)).toMatchObject({ status: 403 });
    expect(await call("POST", "/api/v1/orders", li, { ...menuOrder, onBehalfOf: { name: "邻居", consent: "CONSENT_METHOD_ORAL" } })).toMatchObject({ status: 403, body: { code: "RESIDENT_CANNOT_ORDER_FOR_OTHERS" } });
    expect(await call("POST", "/api/v1/orders", await signIn("worker"), { ...menuOrder, onBehalfOf: { residentId: "resident-nobody", consent: "CONSENT_METHOD_PHONE" } })).toMatchObject({ status: 400, body: { code: "RESIDENT_NOT_FOUND" } });
    // A phone number is never a name (it would travel in the order's events).
    expect(await call("POST", "/api/v1/orders", await signIn("worker"), { ...menuOrder, onBehalfOf: { name: "13700008809", consent: "CONSENT_METHOD_ORAL" } })).toMatchObject({ status: 400, body: { code: "PHONE_IN_NAME", field: "onBehalfOf.name" } });
    // None of these made an order for her.
    expect((await call("GET", "/api/v1/orders", li)).body.orders).toEqual([]);
  });
});
