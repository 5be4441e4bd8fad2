// The notifications service as its own process on the real engines. The test plays the other
// services: it publishes their events (the contracts' messages in the envelope) onto their topics,
// each one TWICE (a redelivery), and reads what each person is told through the signed gRPC API.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { Redis } from "@kepu/redis";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { calendar } from "@kepu/calendar";
import { Role, type ActorSchema } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderAcceptedSchema, OrderCommunityMovedSchema, OrderDeclinedSchema, OrderDeliveredSchema, OrderDispatchedSchema, OrderEscalatedSchema, OrderPooledSchema, OrderRatedSchema, OrderSubmittedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { ActivityCompletedSchema, ActivityScheduledSchema, BookingCancelledSchema, BookingMadeSchema, BookingPromotedSchema, SummaryFiledSchema } from "@kepu/contracts/events/v1/events_pb";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { OrganizationRegisteredSchema, TeamRegisteredSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("notify"));
const publisher = new EventPublisher(engines.kafka);
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl, { lazyConnect: true });
const clockDir = mkdtempSync(join(tmpdir(), "kepu-notify-clock-"));
const clockFile = join(clockDir, "offset");
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof NotificationsService>>;

const hour = 3_600_000;
const community = { orgId: "c-hongli", path: ["sz", "sz-futian", "sz-futian-yuanling", "c-hongli"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "c-hongli" };
const resident = (id: string) => ({ id, role: Role.RESIDENT, orgId: community.orgId, displayName: id });
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: community.orgId, displayName: "李社工" };
const leader = (teamId: string) => ({ id: `leader-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId, displayName: "队长" });

/** Sets the service's clock (TEST_CLOCK_FILE holds the offset from the machine's time). */
const setClock = (at: Date) => {
  // Written aside and renamed: the service never reads a half-written file.
  writeFileSync(`${clockFile}.next`, String(at.getTime() - Date.now()));
  renameSync(`${clockFile}.next`, clockFile);
};
/** 10:00 Beijing time, `days` from today. */
const beijing10 = (days: number) => new Date(calendar.startOf("day", new Date(Date.now() + days * 24 * hour)).getTime() + 10 * hour);

function event<D extends DescMessage>(schema: D, payload: MessageInitShape<D>, aggregateId: string, version: number, actor = worker): EventEnvelope {
  return newEvent(schema, payload, { source: "e2e", aggregateId, aggregateVersion: version, correlationId: `e2e-${aggregateId}`, actor });
}

/** Every event delivered twice: the same envelope (same event id) published again right after. */
const twice = (envelopes: EventEnvelope[]) => envelopes.flatMap((e) => [e, e]);

async function inbox(actor: MessageInitShape<typeof ActorSchema>) {
  const { notifications, unread } = await client.listInbox({ pageSize: 100 }, { actor });
  return { kinds: notifications.map((n) => n.kind).sort(), unread, notifications };
}

async function smsTo(phone: string): Promise<{ phone: string; text: string; at: string }[]> {
  const all = (await redis.lrange(`${engines.prefix}sms-outbox`, 0, -1)).map((line) => JSON.parse(line) as { phone: string; text: string; at: string });
  return all.filter((m) => m.phone === phone);
}

const db = () => mongo.db(engines.database("notifications"));

beforeAll(async () => {
  await mongo.connect();
  await redis.connect();
  await engines.createTopics([engines.topic("registry"), engines.topic("dispatch"), engines.topic("events")]);
  await publisher.publish(engines.topic("registry"), [
    event(OrganizationRegisteredSchema, { orgId: community.orgId, name: "红荔社区", place: community }, community.orgId, 1),
    event(TeamRegisteredSchema, { teamId: "team-a", name: "福田区科技志愿服务队", serviceAreaOrgIds: ["sz-futian"] }, "team-a", 1),
    event(TeamRegisteredSchema, { teamId: "team-b", name: "园岭街道健康科普队", serviceAreaOrgIds: ["sz-futian-yuanling"] }, "team-b", 1),
  ]);
  setClock(beijing10(2));
  service = await ServiceProcess.start("notifications", engines.serviceEnv({ TEST_CLOCK_FILE: clockFile, SMS_DAILY_CAP: "5" }));
  client = createRpcClient(NotificationsService, service.grpcAddress, { signer: testSigner() });
  await engines.waitForDocuments("notifications", "names", ["team:team-a", "team:team-b"]);
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
  await mongo.close();
  redis.disconnect();
  rmSync(clockDir, { recursive: true, force: true });
});

describe("the notifications service", () => {
  it("tells each person exactly what concerns her over one order's whole life — every event delivered twice, the service SIGKILLed mid-life", async () => {
    const t0 = beijing10(2);
    setClock(t0);
    const startsAt = new Date(t0.getTime() + 30 * hour); // 16:00 Beijing the next day: reminded at 16:00 today
    const phone = "13800138000";
    await client.setSettings({ settings: { smsEnabled: true, phone } }, { actor: resident("r1") });
    expect((await client.getSettings({}, { actor: resident("r1") })).settings).toMatchObject({ smsEnabled: true, phone: "138****8000" });

    const request = { title: "垃圾分类科普讲座", community };
    const first = [
      event(OrderSubmittedSchema, { orderId: "o1", requesterId: "r1", request }, "o1", 1, resident("r1")),
      event(OrderDispatchedSchema, { orderId: "o1", teamIds: ["team-a", "team-b"] }, "o1", 2),
      event(OrderDeclinedSchema, { orderId: "o1", teamId: "team-a", reason: "本周队员不足", stillOpen: true }, "o1", 3, leader("team-a")),
      event(OrderAcceptedSchema, { orderId: "o1", teamId: "team-b", requesterId: "r1", request }, "o1", 4, leader("team-b")),
    ];
    await publisher.publish(engines.topic("dispatch"), twice(first));
    await waitFor(async () => (await inbox(resident("r1"))).kinds.length >= 1, { what: "the first notification" });
    await service.kill(); // mid-life: some of the events above may not be handled (or committed) yet

    const session = { sessionId: "s1", startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 2 * hour)), place: "红荔社区党群服务中心", capacity: 2 };
    const activity = [
      event(ActivityScheduledSchema, { activityId: "a1", orderId: "o1", title: request.title, organizerOrgId: community.orgId, place: community, teamId: "team-b", sessions: [session] }, "a1", 1),
      event(BookingMadeSchema, { activityId: "a1", sessionId: "s1", bookingId: "b2", residentId: "r2" }, "a1", 2, resident("r2")),
      event(BookingMadeSchema, { activityId: "a1", sessionId: "s1", bookingId: "b4", residentId: "r4" }, "a1", 3, resident("r4")),
      event(BookingMadeSchema, { activityId: "a1", sessionId: "s1", bookingId: "b3", residentId: "r3", waitlisted: true, waitlistPosition: 1 }, "a1", 4, resident("r3")),
      event(BookingCancelledSchema, { activityId: "a1", sessionId: "s1", bookingId: "b4", residentId: "r4" }, "a1", 5, resident("r4")),
      event(BookingPromotedSchema, { activityId: "a1", sessionId: "s1", bookingId: "b3", residentId: "r3" }, "a1", 6),
    ];
    await publisher.publish(engines.topic("events"), twice(activity)); // published while the service is down
    await service.launch();
    await waitFor(async () => (await inbox(resident("r3"))).kinds.includes("booking.promoted"), { what: "r3 promoted", timeoutMs: 30_000 });

    // 24 h before the session: the reminder, to everyone seated then (and the requester).
    setClock(new Date(t0.getTime() + 6 * hour + 5_000));
    await waitFor(async () => (await inbox(resident("r2"))).kinds.includes("activity.reminder"), { what: "the reminder", timeoutMs: 30_000 });

    await publisher.publish(engines.topic("events"), twice([event(ActivityCompletedSchema, { activityId: "a1", orderId: "o1", participants: 2, uniqueParticipants: 2, serviceHours: 4, volunteers: 2 }, "a1", 7)]));
    await publisher.publish(engines.topic("dispatch"), twice([event(OrderDeliveredSchema, { orderId: "o1", activityId: "a1", participants: 2, serviceHours: 4 }, "o1", 5)]));
    await publisher.publish(engines.topic("events"), twice([event(SummaryFiledSchema, { activityId: "a1", textLength: 300, photoCount: 3 }, "a1", 8)]));
    await publisher.publish(engines.topic("dispatch"), twice([event(OrderRatedSchema, { orderId: "o1", score: 5 }, "o1", 6, resident("r1"))]));

    const r1Kinds = ["activity.reminder", "activity.summaryPublished", "order.accepted", "order.dispatched", "order.pleaseRate", "order.scheduled"];
    await waitFor(async () => (await inbox(resident("r1"))).kinds.length === r1Kinds.length, { what: "r1's six notifications", timeoutMs: 30_000 });
    // The rating (the last event, on r1's partition) is handled once r1 has the summary: every earlier event was handled too.
    const r1 = await inbox(resident("r1"));
    expect(r1.kinds).toEqual(r1Kinds);
    expect(r1.unread).toBe(6);
    expect(r1.notifications.find((n) => n.kind === "order.accepted")!.body).toContain("园岭街道健康科普队");
    expect(r1.notifications.find((n) => n.kind === "order.scheduled")!.body).toContain("红荔社区党群服务中心");
    expect((await inbox(worker)).kinds).toEqual(["activity.summaryDue", "order.declined"]);
    expect((await inbox(leader("team-a"))).kinds).toEqual(["order.offered"]);
    expect((await inbox(leader("team-b"))).kinds).toEqual(["order.offered"]);
    expect((await inbox(resident("r2"))).kinds).toEqual(["activity.reminder"]);
    expect((await inbox(resident("r3"))).kinds).toEqual(["activity.reminder", "booking.promoted"]);
    expect((await inbox(resident("r4"))).kinds).toEqual([]); // cancelled before the reminder
    // None twice, in the store either: one document per (event, mailbox).
    expect(await db().collection("notifications").countDocuments()).toBe(6 + 2 + 1 + 1 + 1 + 2);

    // SMS, opted in by r1 only: accepted, scheduled, reminder — each once.
    await waitFor(async () => (await smsTo(phone)).length >= 3, { what: "r1's three SMS" });
    const texts = (await smsTo(phone)).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts.every((t) => t.startsWith("【科普服务平台】"))).toBe(true);

    // Mark read: one, then the rest.
    const accepted = r1.notifications.find((n) => n.kind === "order.accepted")!;
    expect((await client.markRead({ notificationIds: [accepted.notificationId] }, { actor: resident("r1") })).unread).toBe(5);
    expect((await client.listInbox({ pageSize: 100 }, { actor: resident("r1") })).notifications.find((n) => n.notificationId === accepted.notificationId)!.read).toBe(true);
    // Someone else's notification id changes nothing of hers.
    expect((await client.markRead({ notificationIds: [accepted.notificationId] }, { actor: resident("r2") })).unread).toBe(1);
    expect((await client.markRead({}, { actor: resident("r1") })).unread).toBe(0);
    expect((await client.unreadCount({}, { actor: resident("r1") })).unread).toBe(0);

    // Paged, newest first.
    const page1 = await client.listInbox({ pageSize: 4 }, { actor: resident("r1") });
    const page2 = await client.listInbox({ pageSize: 4, pageToken: page1.nextPageToken }, { actor: resident("r1") });
    expect(page1.notifications).toHaveLength(4);
    expect(page2.notifications).toHaveLength(2);
    expect(page2.nextPageToken).toBe("");
    const times = [...page1.notifications, ...page2.notifications].map((n) => Number(n.occurredAt!.seconds));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("defers an SMS due at 23:00 Beijing time to 08:00 the next morning (fixed clock), pushing the in-app one live at once", async () => {
    const night = new Date(beijing10(4).getTime() + 13 * hour); // 23:00 Beijing
    const morning = new Date(beijing10(5).getTime() - 2 * hour); // 08:00 Beijing the next day
    setClock(night);
    const phone = "13900139000";
    await client.setSettings({ settings: { smsEnabled: true, phone } }, { actor: resident("r5") });
    const controller = new AbortController();
    const pushed: string[] = [];
    let opened = false;
    const watching = (async () => {
      for await (const message of client.watchInbox({}, { actor: resident("r5"), signal: controller.signal })) {
        opened = true; // the first message: the unread count as watching starts
        if (message.notification) pushed.push(message.notification.kind);
      }
    })().catch(() => undefined);
    await waitFor(() => opened, { what: "the live feed open" });

    const request = { title: "智慧生活讲座", community };
    await publisher.publish(engines.topic("dispatch"), twice([
      event(OrderSubmittedSchema, { orderId: "o2", requesterId: "r5", request }, "o2", 1, resident("r5")),
      event(OrderAcceptedSchema, { orderId: "o2", teamId: "team-b", requesterId: "r5", request }, "o2", 2, leader("team-b")),
    ]));
    await waitFor(() => pushed.includes("order.accepted"), { what: "the live push" });
    const [notification] = (await client.listInbox({}, { actor: resident("r5") })).notifications;
    const sms = await waitFor(async () => (await db().collection<{ _id: string; status: string; dueAt: Date }>("sms").findOne({ _id: notification!.notificationId })) ?? undefined, { what: "the queued SMS" });
    expect(sms).toMatchObject({ status: "due", dueAt: morning });
    // A timer pass at 23:00 went by (its cursor is at that minute) and sent nothing.
    await waitFor(async () => ((await db().collection<{ _id: string; minute: Date }>("due_cursors").findOne({ _id: "sms" }))?.minute.getTime() ?? 0) >= night.getTime() - 60_000, { what: "a pass at 23:00" });
    expect(await smsTo(phone)).toEqual([]);

    setClock(new Date(morning.getTime() - 30_000)); // 07:59:30: still quiet
    await waitFor(async () => ((await db().collection<{ _id: string; minute: Date }>("due_cursors").findOne({ _id: "sms" }))?.minute.getTime() ?? 0) >= morning.getTime() - 60_000, { what: "a pass at 07:59" });
    expect(await smsTo(phone)).toEqual([]);

    setClock(new Date(morning.getTime() + 1_000)); // 08:00:01
    const [sent] = await waitFor(async () => ((await smsTo(phone)).length > 0 ? smsTo(phone) : undefined), { what: "the SMS at 08:00" });
    expect(new Date(sent!.at).getTime()).toBeGreaterThanOrEqual(morning.getTime());
    expect(sent!.text).toContain("园岭街道健康科普队");
    expect(await smsTo(phone)).toHaveLength(1);
    controller.abort();
    await watching;
  });

  it("tells the new community's staff and the teams serving its new place once an order's community moved", async () => {
    setClock(beijing10(6));
    const moved = { orgId: "c-lianhua", path: ["sz", "sz-futian", "sz-futian-lianhua", "c-lianhua"], districtId: "sz-futian", streetId: "sz-futian-lianhua", communityId: "c-lianhua" };
    await publisher.publish(engines.topic("dispatch"), twice([
      event(OrderSubmittedSchema, { orderId: "o7", requesterId: "r7", request: { title: "防溺水安全课", community } }, "o7", 1, resident("r7")),
      event(OrderCommunityMovedSchema, { orderId: "o7", community: moved, fromPath: community.path, reason: "红荔社区并入莲花社区" }, "o7", 2),
      event(OrderEscalatedSchema, { orderId: "o7", toOrgId: "sz-futian-lianhua", reason: "超时未派单" }, "o7", 3),
      event(OrderPooledSchema, { orderId: "o7", poolOrgId: "sz-futian" }, "o7", 4),
    ]));
    const aboutO7 = async (actor: MessageInitShape<typeof ActorSchema>) => (await inbox(actor)).notifications.filter((n) => n.orderId === "o7").map((n) => n.kind).sort();
    // team-a serves the whole district, the new place included; team-b only the old street.
    await waitFor(async () => (await aboutO7(leader("team-a"))).includes("order.poolInArea"), { what: "the pooled order in team-a's area" });
    expect(await aboutO7(leader("team-b"))).toEqual([]);
    expect(await aboutO7({ ...worker, orgId: moved.orgId })).toContain("order.escalated");
    expect(await aboutO7(worker)).toEqual([]); // the old community's staff: no longer theirs
  });

  it("reads nothing for a caller who is not signed in, and refuses a bad phone", async () => {
    await expect(client.listInbox({})).rejects.toThrow(/sign in|登录/i);
    await expect(client.setSettings({ settings: { smsEnabled: true, phone: "12345" } }, { actor: resident("r6") })).rejects.toThrow(/BAD_PHONE|11 位/);
    await expect(client.setSettings({ settings: { smsEnabled: true } }, { actor: resident("r6") })).rejects.toThrow(/PHONE_REQUIRED|手机号/);
  });
});
