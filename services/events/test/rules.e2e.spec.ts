// Issue 14's examples for the events service, tried as a new user would, through the gateway's
// HTTP API: each one refused with a clear bilingual error, and nothing stored.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestClock, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("evrules"));
const clock = new TestClock();
const redis = new Redis(engines.urls.redisUrl);
const mongo = new MongoClient(engines.urls.mongoUrl);
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const db = () => mongo.db(engines.database("events"));

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json", "idempotency-key": randomUUID() } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
}
const signIn = async (account: string) => (await call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" })).body.accessToken as string;
async function residentToken(phone: string) {
  await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`);
  return (await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: "sz-futian-yuanling-c1" })).body.accessToken as string;
}

/** Everything the events service keeps about an activity: the activity, its bookings, hours and summary. */
async function stored(activityId: string) {
  const [activity, bookings, hours, summaries] = await Promise.all([
    db().collection("activities").findOne({ _id: activityId as never }, { projection: { outbox: 0, outboxCount: 0 } }),
    db().collection("bookings").find({ activityId }, { projection: { outbox: 0, outboxCount: 0 } }).toArray(),
    db().collection("service_hours").find({ activityId }).toArray(),
    db().collection("summaries").find({ _id: activityId as never }).toArray(),
  ]);
  return { activity, bookings, hours, summaries };
}

/** The answer is a refusal with this code, in Chinese then English, and the store is as it was. */
async function refused(answer: Promise<{ status: number; body: Record<string, string> }>, status: number, code: string, activityId?: string) {
  const before = activityId ? await stored(activityId) : undefined;
  const { status: got, body } = await answer;
  expect({ status: got, code: body.code }).toEqual({ status, code });
  expect(body.messageZh).toMatch(/[\u4e00-\u9fff]/);
  expect(body.messageEn).toMatch(/[a-z]/);
  expect(body.message).toBe(`${body.messageZh} / ${body.messageEn}`);
  if (activityId) expect(await stored(activityId)).toEqual(before);
}

const day = 86_400_000;
/** 10:00–12:00 Beijing time (02:00–04:00 UTC), `days` from today. */
const sessionIn = (days: number) => {
  const startsAt = new Date(Date.now() + days * day);
  startsAt.setUTCHours(2, 0, 0, 0);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3_600_000) };
};

let worker: string;
let leader: string;
let resident: string;

async function publishWithBooking(days: number) {
  const { startsAt, endsAt } = sessionIn(days);
  const published = await call("POST", "/api/v1/activities", worker, { title: `家庭急救 ${days} 天后`, theme: "THEME_HEALTH", orgId: "sz-futian-yuanling-c1", teamId: "team-futian", sessions: [{ startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: 30 }] });
  expect(published.status).toBe(200);
  const activity = published.body.activity;
  const booked = await call("POST", `/api/v1/activities/${activity.activityId}/sessions/${activity.sessions[0].session.sessionId}/bookings`, resident);
  expect(booked.body.booking.status).toBe("BOOKING_STATUS_SEATED");
  return { activityId: activity.activityId as string, bookingId: booked.body.booking.bookingId as string, startsAt, endsAt };
}

beforeAll(async () => {
  await mongo.connect();
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "events"], (name) => engines.serviceEnv(name === "events" ? { TEST_CLOCK_FILE: clock.file } : {}))));
  const [registry, events] = services.map((s) => s.grpcAddress);
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "600", REGISTRY_GRPC: registry!, EVENTS_GRPC: events!, DISPATCH_GRPC: "127.0.0.1:9", STATS_GRPC: "127.0.0.1:9" }));
  // The registry, as an admin seeds it: the community, and 福田区's team with one volunteer.
  const client = createRpcClient(RegistryService, registry!, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"], ["sz-futian-yuanling", OrgKind.STREET, "sz-futian"], ["sz-futian-yuanling-c1", OrgKind.COMMUNITY, "sz-futian-yuanling"]] as const) {
    await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  }
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-1", realName: "刘同学", phone: "13800138000", skills: [Theme.HEALTH] }, admin);
  client.close();
  // The events service knows the team's member once it has read the registry's news.
  await waitFor(async () => (await db().collection("registry_members").findOne({ _id: "team-futian:vol-1" as never }))?.member === true, { what: "vol-1's membership in events' read model" });
  [worker, leader, resident] = [await signIn("worker"), await signIn("leader"), await residentToken("13700002222")];
}, 180_000);

afterEach(() => clock.reset());

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
  clock.remove();
});

describe("the events service's rules, over HTTP", () => {
  it("refuses a session created in 2020 (or for a campaign that does not exist), and nothing is stored", async () => {
    const count = await db().collection("activities").countDocuments();
    const session = { startsAt: "2020-09-12T02:00:00.000Z", endsAt: "2020-09-12T04:00:00.000Z", capacity: 30 };
    await refused(call("POST", "/api/v1/activities", worker, { title: "穿越到 2020", theme: "THEME_HEALTH", orgId: "sz-futian-yuanling-c1", sessions: [session] }), 400, "SESSION_IN_PAST");
    await refused(call("POST", "/api/v1/activities", worker, { title: "不存在的节点", theme: "THEME_HEALTH", orgId: "sz-futian-yuanling-c1", campaignId: "kepu-decade-2026", sessions: [{ ...session, ...Object.fromEntries(Object.entries(sessionIn(7)).map(([k, v]) => [k, v.toISOString()])) }] }), 400, "CAMPAIGN_NOT_FOUND");
    expect(await db().collection("activities").countDocuments()).toBe(count);
    // An admin recording what was held before (the demo's past 科普月) may.
    const history = await call("POST", "/api/v1/activities", await signIn("admin"), { title: "2020 年科普月 回顾", theme: "THEME_HEALTH", orgId: "sz-futian-yuanling-c1", campaignId: "kepu-month-2020", sessions: [session] });
    expect(history.body.activity).toMatchObject({ title: "2020 年科普月 回顾", campaignId: "kepu-month-2020" });
  });

  for (const [when, days] of [["a week", 7], ["a year", 365]] as const) {
    it(`refuses check-in, service hours and completion ${when} before the session, and stores nothing`, async () => {
      const { activityId, bookingId, startsAt, endsAt } = await publishWithBooking(days);
      const path = `/api/v1/activities/${activityId}`;
      await refused(call("POST", "/api/v1/check-ins", worker, { bookingId }), 409, "CHECK_IN_NOT_OPEN", activityId);
      // Hours for the session's own times, which have not come yet; or for today, which is not its day.
      await refused(call("POST", `${path}/hours`, leader, { volunteerId: "vol-1", serviceContent: "讲解", startedAt: startsAt.toISOString(), endedAt: endsAt.toISOString() }), 400, "HOURS_IN_FUTURE", activityId);
      const now = Date.now();
      await refused(call("POST", `${path}/hours`, leader, { volunteerId: "vol-1", serviceContent: "讲解", startedAt: new Date(now - 3_600_000).toISOString(), endedAt: new Date(now - 60_000).toISOString() }), 400, "HOURS_OUTSIDE_SESSION_DAY", activityId);
      await refused(call("POST", `${path}/complete`, worker, { walkIns: 5 }), 409, "ACTIVITY_NOT_YET_HELD", activityId);
      expect((await stored(activityId)).bookings.map((b) => b.status)).toEqual(["SEATED"]);
    });
  }

  it("takes check-in on the session's day, hours once served — and refuses hours for a volunteer who is not in the team", async () => {
    const { activityId, bookingId, startsAt, endsAt } = await publishWithBooking(14);
    const path = `/api/v1/activities/${activityId}`;
    const activity = (await call("GET", path, worker)).body.activity;
    const late = await call("POST", `${path}/sessions/${activity.sessions[0].session.sessionId}/bookings`, await residentToken("13700003333"));
    clock.to(new Date(startsAt.getTime() - 15 * 60_000)); // a quarter of an hour before the start
    expect((await call("POST", "/api/v1/check-ins", worker, { bookingId })).body.booking.status).toBe("BOOKING_STATUS_CHECKED_IN");
    clock.to(new Date(endsAt.getTime() + 30 * 60_000));
    const served = { serviceContent: "讲解心肺复苏", startedAt: startsAt.toISOString(), endedAt: endsAt.toISOString() };
    await refused(call("POST", `${path}/hours`, leader, { ...served, volunteerId: "vol-ghost" }), 400, "VOLUNTEER_NOT_IN_TEAM", activityId);
    expect(await call("POST", `${path}/hours`, leader, { ...served, volunteerId: "vol-1" })).toMatchObject({ status: 200, body: { hours: 2 } });
    clock.to(new Date(endsAt.getTime() + 3 * 3_600_000)); // the session is over: check-in closed
    await refused(call("POST", "/api/v1/check-ins", worker, { bookingId: late.body.booking.bookingId }), 409, "CHECK_IN_CLOSED", activityId);
  });

  it("refuses to complete an activity nobody checked in to, and stores nothing", async () => {
    const { activityId, endsAt } = await publishWithBooking(21);
    const path = `/api/v1/activities/${activityId}`;
    clock.to(new Date(endsAt.getTime() + 3_600_000));
    expect((await call("POST", `${path}/summary`, worker, { text: "活动如期举行。" })).body.activity).toMatchObject({ summaryFiled: true, summaryLate: false });
    await refused(call("POST", `${path}/complete`, worker, {}), 400, "NO_ATTENDANCE", activityId);
    expect((await stored(activityId)).activity).toMatchObject({ status: "SCHEDULED", participants: 0 });
    // With the people who came without booking, it completes.
    expect((await call("POST", `${path}/complete`, worker, { walkIns: 3 })).body.activity).toMatchObject({ status: "ACTIVITY_STATUS_COMPLETED", participants: 3 });
  });

  it("completes an activity nobody came to when the organizer says why", async () => {
    const { activityId, endsAt } = await publishWithBooking(28);
    const path = `/api/v1/activities/${activityId}`;
    clock.to(new Date(endsAt.getTime() + 3_600_000));
    await call("POST", `${path}/summary`, worker, { text: "台风停课，活动未能举行。" });
    const done = await call("POST", `${path}/complete`, worker, { noAttendanceReason: "台风红色预警，全市停课停工" });
    expect(done.body.activity).toMatchObject({ status: "ACTIVITY_STATUS_COMPLETED", participants: 0, noAttendanceReason: "台风红色预警，全市停课停工" });
  });
});
