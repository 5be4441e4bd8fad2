import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { calendar } from "@kepu/calendar";
import { contractsRegistry } from "@kepu/contracts";
import { createKafka, decodeEnvelope, EventPublisher, newEvent } from "@kepu/bus";
import { OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderAcceptedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { BookingStatus, EventsService, type Booking } from "@kepu/contracts/events/v1/service_pb";
import { ResourceKind, ResourceListedSchema, VolunteerJoinedTeamSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestClock, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("events"));
const logger = createLogger({ service: "events-e2e", level: "silent" });
const publisher = new EventPublisher(createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "events-e2e", logger }));
const clock = new TestClock();
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof EventsService>>;

const community = create(OrgPlaceSchema, { orgId: "sz-futian-yuanling-hongli", path: ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "sz-futian-yuanling-hongli" });
const resident = (n: number) => ({ id: `resident-${n}`, role: Role.RESIDENT, orgId: community.orgId });
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: community.orgId };
const inDays = (days: number, hour = 9) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};

async function activityEvents(activityId: string, enough: (types: string[]) => boolean) {
  const messages = await engines.readTopic(engines.topic("events"), (all) => enough(all.filter((m) => m.key === activityId).map((m) => decodeEnvelope(m.value).type)));
  return messages.filter((m) => m.key === activityId).map((m) => decodeEnvelope(m.value));
}

beforeAll(async () => {
  await engines.createTopics([engines.topic("events"), engines.topic("dispatch"), engines.topic("registry")]);
  service = await ServiceProcess.start("events", engines.serviceEnv({ WAITLIST_MAX: "100", PRIORITY_SHARE: "0", TEST_CLOCK_FILE: clock.file }));
  client = createRpcClient(EventsService, service.grpcAddress, { signer: testSigner() });
  // What the registry says: vol-1 is in team-a, and the 福田科技馆's hall is in the 名录.
  await publisher.publish(engines.topic("registry"), [
    newEvent(VolunteerJoinedTeamSchema, { teamId: "team-a", volunteerId: "vol-1" }, { source: "registry", aggregateId: "team-a", aggregateVersion: 2, correlationId: "seed" }),
    newEvent(ResourceListedSchema, { resourceId: "venue-futian-kjg", kind: ResourceKind.VENUE, name: "福田科技馆报告厅", ownerOrgId: "sz-futian", capacity: 80, available: true }, { source: "registry", aggregateId: "venue-futian-kjg", aggregateVersion: 1, correlationId: "seed" }),
  ]);
});

afterEach(() => clock.reset());

afterAll(async () => {
  client?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
  clock.remove();
});

describe("activities and booking", () => {
  it("turns an accepted order into one activity, books to full, waitlists, promotes, checks in by QR and completes", async () => {
    const accepted = newEvent(
      OrderAcceptedSchema,
      { orderId: "order-e1", teamId: "team-a", requesterId: "resident-1", campaignId: "kepu-month-2026", request: { title: "垃圾分类与再生资源", theme: Theme.RECYCLING, expectedParticipants: 3, community, preferredDate: timestampFromDate(inDays(10)) } },
      { source: "dispatch", aggregateId: "order-e1", aggregateVersion: 5, correlationId: "corr-e1" },
    );
    await publisher.publish(engines.topic("dispatch"), [accepted, accepted]); // delivered twice
    const activity = await waitFor(async () => (await client.getActivity({ activityId: "act-order-e1" }, { actor: worker }).catch(() => undefined))?.activity, { what: "the activity" });
    expect(activity).toMatchObject({ orderId: "order-e1", title: "垃圾分类与再生资源", teamId: "team-a" });
    const sessionId = activity.sessions[0]!.session!.sessionId;

    const booked: Booking[] = [];
    for (const n of [1, 2, 3, 4, 5]) booked.push((await client.book({ activityId: activity.activityId, sessionId }, { actor: resident(n) })).booking!);
    expect(booked.map((b) => b.status)).toEqual([BookingStatus.SEATED, BookingStatus.SEATED, BookingStatus.SEATED, BookingStatus.WAITLISTED, BookingStatus.WAITLISTED]);
    expect(booked.map((b) => b.waitlistPosition)).toEqual([0, 0, 0, 1, 2]);
    const again = await client.book({ activityId: activity.activityId, sessionId }, { actor: resident(1) });
    expect(again.booking?.bookingId).toBe(booked[0]!.bookingId);

    const cancelled = await client.cancelBooking({ bookingId: booked[0]!.bookingId, reason: "临时有事" }, { actor: resident(1) });
    expect(cancelled.promotedBookingId).toBe(booked[3]!.bookingId);
    const mine = await client.listMyBookings({}, { actor: resident(4) });
    expect(mine.bookings[0]).toMatchObject({ status: BookingStatus.SEATED, activityTitle: "垃圾分类与再生资源" });

    // The day of the session: check-in opens before the start.
    const session = activity.sessions[0]!.session!;
    const early = await client.checkIn({ bookingId: booked[1]!.bookingId }, { actor: worker }).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: "CHECK_IN_NOT_OPEN" });
    clock.to(new Date(Number(session.startsAt!.seconds) * 1000 - 10 * 60_000));
    const { token } = await client.getCheckInToken({ bookingId: booked[1]!.bookingId }, { actor: resident(2) });
    const stolen = await client.getCheckInToken({ bookingId: booked[1]!.bookingId }, { actor: resident(3) }).catch((e: unknown) => e);
    expect(stolen).toMatchObject({ code: "BOOKING_NOT_FOUND" });
    await client.checkIn({ token }, { actor: worker });
    await client.checkIn({ token }, { actor: worker }); // scanned twice, counted once
    const forged = await client.checkIn({ token: `${booked[2]!.bookingId}.forged` }, { actor: worker }).catch((e: unknown) => e);
    expect(forged).toMatchObject({ code: "BAD_CHECK_IN_TOKEN" });
    await client.checkIn({ bookingId: booked[3]!.bookingId }, { actor: worker }); // from the staff list
    const attendance = await client.listAttendance({ activityId: activity.activityId }, { actor: worker });
    expect(attendance.checkedIn).toBe(2);

    const notYet = await client.completeActivity({ activityId: activity.activityId }, { actor: worker }).catch((e: unknown) => e);
    expect(notYet).toMatchObject({ code: "ACTIVITY_NOT_YET_HELD" });
    clock.to(new Date(Number(session.endsAt!.seconds) * 1000 + 60 * 60_000)); // an hour after it ended
    const noSummary = await client.completeActivity({ activityId: activity.activityId }, { actor: worker }).catch((e: unknown) => e);
    expect(noSummary).toMatchObject({ code: "SUMMARY_MISSING" });
    const hours = await client.recordServiceHours(
      { activityId: activity.activityId, volunteerId: "vol-1", teamId: "team-a", serviceContent: "主讲垃圾分类", startedAt: timestampFromDate(inDays(10, 9)), endedAt: timestampFromDate(new Date(inDays(10, 9).getTime() + 150 * 60_000)) },
      { actor: { id: "leader-a", role: Role.TEAM_LEADER, orgId: "team-a" } },
    );
    expect(hours.hours).toBe(2.5);
    await client.fileSummary({ activityId: activity.activityId, text: "本次活动讲解了垃圾分类知识，居民积极参与互动。", photoUrls: ["https://example.invalid/1.jpg"] }, { actor: worker });
    const done = await client.completeActivity({ activityId: activity.activityId, walkIns: 4 }, { actor: worker });
    expect(done.activity).toMatchObject({ participants: 6, uniqueParticipants: 6, serviceHours: 2.5 });

    const events = await activityEvents(activity.activityId, (types) => types.includes("kepu.events.v1.ActivityCompleted"));
    const types = events.map((e) => e.type.replace("kepu.events.v1.", ""));
    expect(types.filter((t) => t === "ActivityScheduled")).toHaveLength(1);
    expect(types).toEqual(expect.arrayContaining(["AttendeeCheckedIn", "ServiceHoursRecorded", "SummaryFiled", "ActivityCompleted"]));
    // Every event of the activity is keyed by it, bookings' too (each booking its own aggregate).
    const ofBooking = (bookingId: string) => events.filter((e) => e.aggregateId === bookingId).map((e) => e.type.replace("kepu.events.v1.", ""));
    expect(ofBooking(booked[0]!.bookingId)).toEqual(["BookingMade", "BookingCancelled"]);
    expect(ofBooking(booked[3]!.bookingId)).toEqual(["BookingMade", "BookingPromoted"]);
    expect(types.filter((t) => t === "AttendeeCheckedIn")).toHaveLength(2);
    const completed = events.find((e) => e.type.endsWith("ActivityCompleted"))!;
    expect(fromBinary(contractsRegistry.getMessage(completed.type)!, completed.payload)).toMatchObject({ orderId: "order-e1", participants: 6, serviceHours: 2.5, volunteers: 1 });
    const ofActivity = events.filter((e) => e.aggregateId === activity.activityId);
    expect(ofActivity.map((e) => Number(e.aggregateVersion))).toEqual(ofActivity.map((_, i) => i + 1));
  });

  it("never books more than the seats when 300 residents try at once; the rest wait first-come or hear it is full", async () => {
    const { activity } = await client.publishActivity(
      { title: "科普月 亲子实验课", theme: Theme.DIGITAL_LITERACY, place: community, campaignId: "kepu-month-2026", sessions: [{ startsAt: timestampFromDate(inDays(20, 9)), endsAt: timestampFromDate(inDays(20, 11)), place: "党群服务中心二楼", capacity: 50 }] },
      { actor: worker },
    );
    const sessionId = activity!.sessions[0]!.session!.sessionId;
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, n) =>
        client
          .book({ activityId: activity!.activityId, sessionId }, { actor: resident(1000 + n), timeoutMs: 60_000 })
          .then((r) => ({ status: r.booking!.status, position: r.booking!.waitlistPosition, code: "" }))
          .catch((e: { code: string }) => ({ status: BookingStatus.UNSPECIFIED, position: 0, code: e.code })),
      ),
    );
    expect(outcomes.filter((o) => o.status === BookingStatus.SEATED)).toHaveLength(50);
    const waiting = outcomes.filter((o) => o.status === BookingStatus.WAITLISTED);
    expect(waiting.map((o) => o.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(outcomes.filter((o) => o.code === "WAITLIST_FULL")).toHaveLength(150);
    const view = await client.getActivity({ activityId: activity!.activityId }, { actor: worker });
    expect(view.activity?.sessions[0]).toMatchObject({ seatsTaken: 50, seatsLeft: 0, waitlistLength: 100 });
  });

  it("refuses overlapping sessions on one venue with a clear error", async () => {
    const session = (fromHour: number, toHour: number, resourceId = "venue-futian-kjg") => ({ startsAt: timestampFromDate(inDays(30, fromHour)), endsAt: timestampFromDate(inDays(30, toHour)), resourceId, place: "福田科技馆报告厅", capacity: 80 });
    const unlisted = await client.publishActivity({ title: "基地开放日 无名场地", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: community, sessions: [session(9, 11, "venue-nowhere")] }, { actor: worker }).catch((e: unknown) => e);
    expect(unlisted).toMatchObject({ code: "RESOURCE_NOT_LISTED", zh: "场地/资源 venue-nowhere 不在科普资源名录中" });
    // The 名录's hall, once this service has read the registry's news of it.
    await waitFor(() => client.publishActivity({ title: "基地开放日 上午场", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: community, sessions: [session(9, 11)] }, { actor: worker }).catch(() => undefined), { what: "the listed venue" });
    const clash = await client.publishActivity({ title: "基地开放日 冲突场", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: community, sessions: [session(10, 12)] }, { actor: worker }).catch((e: unknown) => e);
    // Named by the session in the way: its activity's title and its Beijing time.
    const beijing = (at: Date) => `${calendar.dayKey(at)} ${String((at.getUTCHours() + 8) % 24).padStart(2, "0")}:00`;
    expect(clash).toMatchObject({ code: "RESOURCE_BUSY", zh: expect.stringContaining(`已被「基地开放日 上午场」占用（北京时间 ${beijing(inDays(30, 9))} 至 ${beijing(inDays(30, 11))}`), en: expect.stringContaining('by "基地开放日 上午场"') });
    const afterwards = await client.publishActivity({ title: "基地开放日 下午场", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: community, sessions: [session(11, 13)] }, { actor: worker });
    expect(afterwards.activity?.activityId).toBeTruthy();
    // The hall's calendar for that month holds both sessions, by start; a resident may not read it.
    const month = calendar.monthKey(inDays(30, 9));
    const { reservations } = await client.getResourceCalendar({ resourceId: "venue-futian-kjg", month }, { actor: worker });
    expect(reservations.filter((r) => r.title.startsWith("基地开放日")).map((r) => r.title)).toEqual(["基地开放日 上午场", "基地开放日 下午场"]);
    const refused = await client.getResourceCalendar({ resourceId: "venue-futian-kjg", month }, { actor: resident(1) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "STAFF_ONLY" });
    const conflict = await client.checkResourceConflict({ resourceIds: ["venue-futian-kjg"], startsAt: timestampFromDate(inDays(30, 12)), endsAt: timestampFromDate(inDays(30, 14)) }, { actor: worker });
    expect(conflict).toMatchObject({ resourceId: "venue-futian-kjg", heldBy: { title: "基地开放日 下午场" } });
    const free = await client.checkResourceConflict({ resourceIds: ["venue-futian-kjg"], startsAt: timestampFromDate(inDays(30, 13)), endsAt: timestampFromDate(inDays(30, 14)) }, { actor: worker });
    expect(free.resourceId).toBe("");
  });

  it("lists 科普月 activities whose summary is past the 28 September deadline until it is filed", async () => {
    const session = { startsAt: timestampFromDate(inDays(3)), endsAt: timestampFromDate(inDays(3, 11)), place: "红荔社区党群服务中心", capacity: 20 };
    const { activity } = await client.publishActivity({ title: "科普月 家庭用药安全", theme: Theme.HEALTH, place: community, campaignId: "kepu-month-2026", sessions: [session] }, { actor: worker });
    const overdue = async () => (await client.listOverdueSummaries({ orgId: community.orgId, campaignId: "kepu-month-2026" }, { actor: worker })).activities.map((a) => a.activityId);
    // Today (after 28 September 2026) every 2026 science-month activity without a summary is overdue.
    expect(await overdue()).toContain(activity!.activityId);
    await client.fileSummary({ activityId: activity!.activityId, text: "讲解了家庭常备药的保存与用法。" }, { actor: worker });
    expect(await overdue()).not.toContain(activity!.activityId);
  });

  it("takes ratings only from attendees who checked in, each as an ActivityRated event", async () => {
    const session = { startsAt: timestampFromDate(inDays(4)), endsAt: timestampFromDate(inDays(4, 11)), place: "红荔社区活动室", capacity: 10 };
    const { activity } = await client.publishActivity({ title: "无人机科普体验", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: community, sessions: [session] }, { actor: worker });
    const activityId = activity!.activityId;
    const bystander = await client.rateActivity({ activityId, score: 5 }, { actor: resident(901) }).catch((e: unknown) => e);
    expect(bystander).toMatchObject({ code: "CANNOT_RATE", zh: "只有签到的参与者或点单人可以评价" });
    const badScore = await client.rateActivity({ activityId, score: 9 }, { actor: resident(902) }).catch((e: unknown) => e);
    expect(badScore).toMatchObject({ code: "BAD_SCORE", field: "score" });

    const { booking } = await client.book({ activityId, sessionId: activity!.sessions[0]!.session!.sessionId }, { actor: resident(902) });
    clock.to(new Date(Number(session.startsAt!.seconds) * 1000));
    await client.checkIn({ bookingId: booking!.bookingId }, { actor: worker });
    await client.rateActivity({ activityId, score: 4, comment: "孩子很喜欢" }, { actor: resident(902) });
    const rated = (await activityEvents(activityId, (types) => types.some((t) => t.endsWith("ActivityRated")))).filter((e) => e.type.endsWith("ActivityRated"));
    expect(rated).toHaveLength(1);
    expect(fromBinary(contractsRegistry.getMessage(rated[0]!.type)!, rated[0]!.payload)).toMatchObject({ raterId: "resident-902", score: 4, byRequester: false });
  });
  it("keeps summary photos for the organizers to add, refuses other files, and lists a team's schedule", async () => {
    const session = { startsAt: timestampFromDate(inDays(5)), endsAt: timestampFromDate(inDays(5, 11)), place: "红荔社区党群服务中心", capacity: 20 };
    const { activity } = await client.publishActivity({ title: "家庭急救进社区", theme: Theme.HEALTH, place: community, teamId: "team-photo", sessions: [session] }, { actor: worker });
    const activityId = activity!.activityId;
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0c6b50000000049454e44ae426082", "hex");
    const leader = { id: "leader-photo", role: Role.TEAM_LEADER, orgId: "team-photo" };
    const uploaded = await client.uploadPhoto({ activityId, contentType: "image/png", content: png }, { actor: leader });
    expect(uploaded.url).toBe(`/api/v1/photos/${uploaded.photoId}`);
    const back = await client.getPhoto({ photoId: uploaded.photoId }, { actor: worker });
    expect([back.contentType, Buffer.from(back.content).equals(png), back.activityId]).toEqual(["image/png", true, activityId]);
    // Residents see the photos once the summary (图文总结) is filed, not before.
    expect(await client.getPhoto({ photoId: uploaded.photoId }, { actor: resident(7) }).catch((e: unknown) => (e as { code: string }).code)).toBe("PHOTO_NOT_FOUND");
    await client.fileSummary({ activityId, text: "家庭急救培训顺利完成", photoUrls: [uploaded.url] }, { actor: worker });
    expect((await client.getPhoto({ photoId: uploaded.photoId }, { actor: resident(7) })).activityId).toBe(activityId);

    const refusals = await Promise.all([
      client.uploadPhoto({ activityId, contentType: "application/pdf", content: png }, { actor: leader }).catch((e: unknown) => e),
      client.uploadPhoto({ activityId, contentType: "image/jpeg", content: Buffer.alloc(2 * 1024 * 1024 + 1) }, { actor: leader }).catch((e: unknown) => e),
      client.uploadPhoto({ activityId, contentType: "image/png", content: png }, { actor: { id: "leader-other", role: Role.TEAM_LEADER, orgId: "team-other" } }).catch((e: unknown) => e),
      client.getPhoto({ photoId: "ph-missing" }, { actor: worker }).catch((e: unknown) => e),
    ]);
    expect(refusals.map((e) => (e as { code: string }).code)).toEqual(["BAD_PHOTO_TYPE", "BAD_PHOTO_SIZE", "OUTSIDE_YOUR_SCOPE", "PHOTO_NOT_FOUND"]);

    const schedule = await client.listActivities({ teamId: "team-photo" }, { actor: leader });
    expect(schedule.activities.map((a) => a.activityId)).toEqual([activityId]);
  });
});
