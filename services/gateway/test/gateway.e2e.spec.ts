import { SignJWT } from "jose";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ServiceProcess, TestClock, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { seedShenzhen } from "./platform.js";

const engines = new TestEngines(uniquePrefix("gateway"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const clock = new TestClock(); // the events service's: 签到, hours and completion happen on the session's day
const redis = new Redis(engines.urls.redisUrl);
const secret = "kepu-dev-jwt-secret-change-me-0123456789";
const phone = "13912345678";

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text, headers: response.headers };
}
const signIn = async (account: string) => (await call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" })).body.accessToken as string;

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch", "events", "stats"], () => engines.serviceEnv({ TEST_CLOCK_FILE: clock.file }))));
  const [registry, dispatch, events, stats] = services.map((s) => s.grpcAddress);
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "60", LOG_LEVEL: "info", REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, STATS_GRPC: stats! }));
  await seedShenzhen(registry!);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await engines.cleanup();
  clock.remove();
});

afterEach(() => clock.reset());

describe("the gateway", () => {
  it("signs staff in with a password and residents with a one-time code; refresh tokens work once", async () => {
    expect((await call("POST", "/api/v1/auth/sign-in", undefined, { account: "worker", password: "wrong" })).body).toMatchObject({ code: "WRONG_CREDENTIALS", messageZh: "账号或密码错误" });
    const worker = await signIn("worker");
    expect((await call("GET", "/api/v1/me", worker)).body).toMatchObject({ role: "COMMUNITY_WORKER", orgId: "sz-futian-yuanling-c1" });

    await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    const code = await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code: "000000" === code ? "111111" : "000000", communityId: "sz-futian-yuanling-c1" });
    expect(wrong.status).toBe(401);
    const pair = (await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: "sz-futian-yuanling-c1", displayName: "王阿姨" })).body;
    const me = (await call("GET", "/api/v1/me", pair.accessToken)).body;
    expect(me).toMatchObject({ role: "RESIDENT", orgId: "sz-futian-yuanling-c1" });
    expect(JSON.stringify(me)).not.toContain(phone);

    const tooSoon = await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    expect(tooSoon).toMatchObject({ status: 429, body: { code: "CODE_TOO_SOON" } });

    const rotated = await call("POST", "/api/v1/auth/refresh", undefined, { refreshToken: pair.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await call("POST", "/api/v1/auth/refresh", undefined, { refreshToken: pair.refreshToken })).status).toBe(401);
  });

  it("voids a one-time code after 5 wrong tries, so it cannot be guessed", async () => {
    const guessed = "13600003333";
    await call("POST", "/api/v1/auth/resident-code", undefined, { phone: guessed });
    const code = (await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${guessed}`))!;
    const wrongCode = code === "999999" ? "999998" : "999999";
    for (let i = 0; i < 5; i++) expect((await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone: guessed, code: wrongCode, communityId: "sz-futian-yuanling-c1" })).status).toBe(401);
    const late = await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone: guessed, code, communityId: "sz-futian-yuanling-c1" });
    expect(late).toMatchObject({ status: 401, body: { code: "WRONG_CODE" } });
  });

  it("rejects tampered, unsigned, expired and foreign-audience tokens", async () => {
    const worker = await signIn("worker");
    const [header, payload, signature] = worker.split(".");
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), role: Role.ADMIN })).toString("base64url");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    const key = new TextEncoder().encode(secret);
    const expired = await new SignJWT({ role: Role.ADMIN, org: "sz" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuer("kepu-gateway").setAudience("kepu-app").setIssuedAt(0).setExpirationTime(60).sign(key);
    const foreign = await new SignJWT({ role: Role.ADMIN, org: "sz" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuer("kepu-gateway").setAudience("someone-else").setExpirationTime("5m").sign(key);
    for (const token of [`${header}.${promoted}.${signature}`, none, expired, foreign]) {
      const answer = await call("GET", "/api/v1/me", token);
      expect(answer.status, token.slice(0, 20)).toBe(401);
      expect(answer.body).toMatchObject({ code: "TOKEN_INVALID" });
    }
  });

  it("carries a resident's order through dispatch and acceptance, and a booking, over HTTP", async () => {
    await call("POST", "/api/v1/auth/resident-code", undefined, { phone: "13700001111" });
    const code = await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:13700001111`);
    const resident = (await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone: "13700001111", code, communityId: "sz-futian-yuanling-c1" })).body.accessToken;
    const menu = await call("GET", "/api/v1/menu?communityId=sz-futian-yuanling-c1", resident);
    expect(menu.body.items.map((i: { title: string }) => i.title)).toEqual(["健康养生讲座"]);

    const placed = await call("POST", "/api/v1/orders", resident, { menuItemId: "menu-health", title: "健康养生讲座", theme: "THEME_HEALTH", expectedParticipants: 10, communityId: "sz-futian-yuanling-c1" });
    expect(placed.status).toBe(200);
    const orderId = placed.body.order.orderId;
    const worker = await signIn("worker");
    const suggestions = await waitFor(async () => (await call("GET", `/api/v1/orders/${orderId}/suggestions`, worker)).body.suggestions?.[0], { what: "suggestions" });
    expect(suggestions.teamId).toBe("team-futian");
    expect((await call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian"] })).body.order.status).toBe("ORDER_STATUS_DISPATCHED");
    expect((await call("POST", `/api/v1/orders/${orderId}/accept`, await signIn("leader"), {})).body.order.status).toBe("ORDER_STATUS_ACCEPTED");

    const activity = await waitFor(async () => (await call("GET", `/api/v1/activities/act-${orderId}`, resident)).body.activity, { what: "the activity" });
    const booked = await call("POST", `/api/v1/activities/${activity.activityId}/sessions/${activity.sessions[0].session.sessionId}/bookings`, resident);
    expect(booked.body.booking.status).toBe("BOOKING_STATUS_SEATED");

    // The team leader's inbox is their team's; the worker runs the day: attendance, 签到, 总结, 完成.
    const inbox = await waitFor(async () => (await call("GET", "/api/v1/orders?status=ACCEPTED,SCHEDULED", await signIn("leader"))).body.orders?.map((o: { orderId: string }) => o.orderId).includes(orderId), { what: "the leader's inbox" });
    expect(inbox).toBe(true);
    expect((await call("GET", "/api/v1/orders?status=NOPE", worker))).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    const activityPath = `/api/v1/activities/${activity.activityId}`;
    expect((await call("GET", `${activityPath}/attendance`, worker)).body.bookings).toHaveLength(1);
    clock.to(new Date(activity.sessions[0].session.startsAt)); // the day comes
    expect((await call("POST", "/api/v1/check-ins", worker, { bookingId: booked.body.booking.bookingId })).status).toBe(200);
    clock.to(new Date(Date.parse(activity.sessions[0].session.endsAt) + 60_000)); // and the session is over
    expect((await call("POST", `${activityPath}/complete`, worker, { walkIns: 2 })).body).toMatchObject({ code: "SUMMARY_MISSING" });
    expect((await call("POST", `${activityPath}/summary`, worker, { text: "讲座很受欢迎，现场答疑半小时。" })).body.activity.summaryFiled).toBe(true);
    expect((await call("POST", `${activityPath}/complete`, worker, { walkIns: 2 })).body.activity).toMatchObject({ status: "ACTIVITY_STATUS_COMPLETED", participants: 3 });
    clock.reset();
    const published = await call("POST", "/api/v1/activities", worker, {
      title: "社区开放日：家庭急救",
      theme: "THEME_DISASTER_PREVENTION",
      orgId: "sz-futian-yuanling-c1",
      sessions: [{ startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), endsAt: new Date(Date.now() + 3 * 86_400_000 + 7_200_000).toISOString(), place: "社区活动室", capacity: 30 }],
    });
    expect(published.body.activity).toMatchObject({ title: "社区开放日：家庭急救", status: "ACTIVITY_STATUS_SCHEDULED" });
    const byStreet = await waitFor(async () => (await call("GET", "/api/v1/stats/breakdown?dimension=street", await signIn("viewer"))).body.rows?.find((r: { key: string; participants: number }) => r.key === "sz-futian-yuanling" && r.participants === 3), { what: "the street breakdown" });
    expect(byStreet.activities).toBeGreaterThanOrEqual(1);

    const figures = await waitFor(async () => {
      const f = (await call("GET", "/api/v1/stats/figures", await signIn("viewer"))).body.figures;
      return f?.orders >= 1 && f;
    }, { what: "figures for the viewer" });
    expect(figures.ordersByStatus).toBeDefined();
  });

  // Who may reach which route and record is the generated matrix: access-matrix.e2e.spec.ts.
  it("refuses every route to a caller who is not signed in", async () => {
    expect((await call("GET", "/api/v1/orders", undefined)).status).toBe(401);
    expect((await call("GET", "/api/v1/photos/ph-x", undefined)).status).toBe(401);
  });

  it("answers 429 in Chinese to a flooding user while another user is unaffected", async () => {
    const flooder = await signIn("member");
    const statuses = [];
    for (let i = 0; i < 75; i++) statuses.push((await call("GET", "/api/v1/me", flooder)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await call("GET", "/api/v1/me", flooder);
    expect(limited.body).toMatchObject({ code: "RATE_LIMITED", messageZh: "请求过于频繁，请稍后再试" });
    expect((await call("GET", "/api/v1/me", await signIn("base"))).status).toBe(200);
  });

  it("takes summary photos as images from the organizers and serves them back; other files are refused", async () => {
    const worker = await signIn("worker");
    const day = new Date(Date.now() + 7 * 86_400_000).setUTCHours(2, 0, 0, 0); // 10:00–12:00 Beijing time, a week ahead
    const [startsAt, endsAt] = [new Date(day).toISOString(), new Date(day + 7_200_000).toISOString()];
    const published = await call("POST", "/api/v1/activities", worker, { title: "防灾减灾演练", theme: "THEME_DISASTER_PREVENTION", orgId: "sz-futian-yuanling-c1", teamId: "team-futian", sessions: [{ startsAt, endsAt, capacity: 30 }] });
    expect(published.status).toBe(200);
    const activityId = published.body.activity.activityId as string;
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0c6b50000000049454e44ae426082", "hex");
    const upload = (type: string, token = worker) => fetch(`${gateway.httpUrl}/api/v1/activities/${activityId}/photos`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body: png });
    const uploaded = await upload("image/png");
    expect(uploaded.status).toBe(200);
    const { url } = (await uploaded.json()) as { url: string };
    const served = await fetch(`${gateway.httpUrl}${url}`, { headers: { authorization: `Bearer ${await signIn("district")}` } });
    expect([served.status, served.headers.get("content-type"), Buffer.from(await served.arrayBuffer()).equals(png)]).toEqual([200, "image/png", true]);
    const notAnImage = await upload("text/plain");
    expect([notAnImage.status, ((await notAnImage.json()) as { code: string }).code]).toEqual([400, "BAD_PHOTO_TYPE"]);
    expect((await upload("image/png", await signIn("viewer"))).status).toBe(403); // a dashboard viewer only reads figures
    clock.to(new Date(Date.parse(endsAt) + 60_000)); // hours are recorded once served
    const hours = await call("POST", `/api/v1/activities/${activityId}/hours`, await signIn("leader"), { volunteerId: "vol-1", serviceContent: "演练讲解", startedAt: startsAt, endedAt: endsAt });
    expect(hours).toMatchObject({ status: 200, body: { hours: 2 } });
    const schedule = await call("GET", "/api/v1/activities?teamId=mine", await signIn("leader"));
    expect(schedule.body.activities.map((a: { activityId: string }) => a.activityId)).toContain(activityId);
  });

  it("sends security headers and serves its OpenAPI at /docs", async () => {
    const answer = await call("GET", "/healthz");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await call("GET", "/docs/json")).body.paths["/api/v1/orders"]).toBeDefined();
  });

  it("never writes a phone number in clear to its logs, nor into a viewer's export", async () => {
    const exported = await fetch(`${gateway.httpUrl}/api/v1/stats/export?format=csv`, { headers: { authorization: `Bearer ${await signIn("viewer")}` } });
    expect(exported.status).toBe(200);
    const csv = await exported.text();
    expect(csv).toContain("点单数");
    expect(csv).not.toMatch(/1[3-9]\d{9}/);
    expect(gateway.logs()).not.toContain(phone);
    expect(gateway.logs()).not.toContain("13700001111");
  });
});
