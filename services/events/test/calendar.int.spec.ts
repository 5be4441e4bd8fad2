// Resources' calendars on the real engines: an order's activity shaped by its menu item, its
// resources reserved, a collision refused (and told) at scheduling, a cancellation freeing them.
import { create, fromBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope, EventPublisher } from "@kepu/bus";
import { calendar } from "@kepu/calendar";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderAcceptedSchema, OrderRequestSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { OrderSchedulingConflictedSchema } from "@kepu/contracts/events/v1/events_pb";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { Activities } from "../src/activities.js";
import { Rotations } from "../src/rotations.js";
import { ActivityStore } from "../src/store/activity-store.js";
import { CalendarStore } from "../src/store/calendar-store.js";
import { RegistryStore } from "../src/store/registry-store.js";
import { SeatLedger } from "../src/store/seat-ledger.js";

const logger = createLogger({ service: "calendar-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("calendar"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const publisher = new EventPublisher(engines.kafka);
const rules = { cancelCutoffHours: 2, waitlistMax: 10, perPersonMax: 5, priorityShare: 0, priorityHoursBeforeStart: 24, checkInSecret: "calendar-test-secret-0123456789ab", bookingCutoffMinutes: 30, checkInOpensMinutes: 60 };
const community = create(OrgPlaceSchema, { orgId: "c1", path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1" });
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: "c1" } as never;
// 10:00 Beijing, 20 days from now.
const at = calendar.startOfDate(calendar.dateOf(new Date(Date.now() + 20 * 86_400_000)));
const tenOClock = new Date(at.getTime() + 10 * 3_600_000);
const month = calendar.monthKey(tenOClock);

let activities: Activities;
let store: ActivityStore;
let calendars: CalendarStore;
let relay: OutboxRelay;
let rotations: Rotations;

const order = (orderId: string, startsAt: Date, expectedParticipants = 20) =>
  create(OrderAcceptedSchema, { orderId, teamId: "t1", requesterId: "worker-1", request: create(OrderRequestSchema, { menuItemId: "item-stars", title: `天文科普夜 ${orderId}`, community, expectedParticipants, preferredDate: timestampFromDate(startsAt) }) });

beforeAll(async () => {
  await engines.createTopics([engines.topic("events")]);
  await mongo.connect();
  const db = mongo.db(engines.database("events"));
  await detectEngine(db);
  store = new ActivityStore(db, engines.topic("events"));
  await store.createIndexes();
  calendars = new CalendarStore(db);
  const registry = new RegistryStore(db);
  relay = new OutboxRelay({ collections: [store.activities, store.bookings, store.conflicts], publisher, logger });
  relay.start();
  activities = new Activities(store, new SeatLedger(redis, engines.prefix), relay, rules, () => new Date(), registry, calendars);
  // What the registry said: a listed hall and telescope, and a 90-minute item for 60 using both (and one resource never listed).
  await registry.applyResource("hall-1", 1, { available: true, ownerOrgId: "base-1" });
  await registry.applyResource("scope-1", 1, { available: true, ownerOrgId: "base-1" });
  rotations = new Rotations(calendars, registry);
  await registry.applyResource("caravan-1", 1, { available: true, ownerOrgId: "assoc-futian" });
  await registry.applyMenuItem("item-stars", 1, { durationMinutes: 90, capacity: 60, resourceIds: ["hall-1", "scope-1", "never-listed"], withdrawn: false });
});

afterAll(async () => {
  await relay.stop();
  await publisher.disconnect();
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("an order's activity from its menu item", () => {
  it("runs the item's duration, opens the item's capacity and reserves the item's listed resources", async () => {
    const activity = await activities.createFromOrder(order("o-1", tenOClock), undefined, { correlationId: "o-1" });
    const session = activity!.sessions[0]!;
    expect(session.endsAt.getTime() - session.startsAt.getTime()).toBe(90 * 60_000);
    expect(session.capacity).toBe(60);
    expect(session.resourceId).toBe("hall-1");
    for (const resourceId of ["hall-1", "scope-1"]) {
      expect(await calendars.month(resourceId, month)).toEqual([{ sessionId: "act-o-1-s1", activityId: "act-o-1", title: "天文科普夜 o-1", startsAt: tenOClock, endsAt: new Date(tenOClock.getTime() + 90 * 60_000) }]);
    }
    expect(await calendars.month("never-listed", month)).toEqual([]);
  });

  it("refuses an overlapping order at scheduling: no activity, the conflict told once, the calendar unchanged", async () => {
    const halfPast = new Date(tenOClock.getTime() + 30 * 60_000);
    // Flagged before 派单 from the item alone (its resources and duration), and free just after.
    expect(await activities.conflictAt([], "item-stars", halfPast, undefined)).toMatchObject({ resourceId: "hall-1", with: { sessionId: "act-o-1-s1" } });
    expect(await activities.conflictAt([], "item-stars", new Date(tenOClock.getTime() + 90 * 60_000), undefined)).toBeUndefined();
    const made = await activities.createFromOrder(order("o-2", halfPast), undefined, { correlationId: "o-2" });
    expect(made).toBeUndefined();
    expect(await store.load("act-o-2")).toBeUndefined();
    // Delivered again: still none, still one conflict.
    expect(await activities.createFromOrder(order("o-2", halfPast), undefined, { correlationId: "o-2" })).toBeUndefined();
    expect(await activities.conflictOf("o-2")).toMatchObject({ orderId: "o-2", resourceId: "hall-1", heldBySessionId: "act-o-1-s1", heldByTitle: "天文科普夜 o-1" });
    const messages = await engines.readTopic(engines.topic("events"), (all) => all.some((m) => m.key === "act-o-2"));
    const told = messages.filter((m) => m.key === "act-o-2").map((m) => decodeEnvelope(m.value));
    expect(told.map((e) => e.type)).toEqual(["kepu.events.v1.OrderSchedulingConflicted"]);
    const payload = fromBinary(OrderSchedulingConflictedSchema, told[0]!.payload);
    expect(payload.messageZh).toContain("天文科普夜 o-1");
    expect(payload.messageEn).toContain("Beijing time");
    expect((await calendars.month("hall-1", month)).map((r) => r.sessionId)).toEqual(["act-o-1-s1"]);
    expect((await calendars.month("scope-1", month)).map((r) => r.sessionId)).toEqual(["act-o-1-s1"]);
  });

  it("takes the next free time, and a cancelled order frees what its activity held", async () => {
    const later = new Date(tenOClock.getTime() + 90 * 60_000);
    expect(await activities.createFromOrder(order("o-3", later), undefined, { correlationId: "o-3" })).toBeDefined();
    await activities.cancelForOrder("o-1", "社区取消", undefined, { correlationId: "cancel-o-1" });
    expect((await calendars.month("hall-1", month)).map((r) => r.sessionId)).toEqual(["act-o-3-s1"]);
    expect((await calendars.month("scope-1", month)).map((r) => r.sessionId)).toEqual(["act-o-3-s1"]);
    const publicView = await activities.calendarOf("hall-1", month, worker);
    expect(publicView.map((r) => r.title)).toEqual(["天文科普夜 o-3"]);
  });

  it("lets only one of two orders racing for the same time hold the hall", async () => {
    const evening = new Date(tenOClock.getTime() + 9 * 3_600_000);
    const results = await Promise.all(["o-4", "o-5"].map((id) => activities.createFromOrder(order(id, evening), undefined, { correlationId: id })));
    expect(results.filter(Boolean)).toHaveLength(1);
    await waitFor(async () => ((await calendars.month("hall-1", month)).filter((r) => r.startsAt.getTime() === evening.getTime()).length === 1 ? true : undefined), { what: "one evening reservation" });
  });
});

describe("a caravan's rotation saved onto its calendar", () => {
  const owner = { id: "assoc-1", role: Role.DISTRICT_STAFF, orgId: "assoc-futian" } as never;
  const communities = ["c1", "c2", "c3"].map((communityId, i) => ({ communityId, lastVisit: `2027-0${i + 1}-01` }));
  const rules = { month: "2027-09", stayDays: 2, travelDays: 1 };

  it("is planned by the owning association only", async () => {
    const refused = await rotations.propose("caravan-1", communities, rules, worker).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "NOT_RESOURCE_OWNER" });
    const unlisted = await rotations.propose("nowhere", communities, rules, owner).catch((e: unknown) => e);
    expect(unlisted).toMatchObject({ code: "RESOURCE_NOT_LISTED" });
  });

  it("reserves each stay as whole days, is edited stay by stay, and frees what an edit moved away from", async () => {
    // A booking already on the caravan's calendar: 4 September.
    await calendars.reserve("caravan-1", [{ sessionId: "open-day", activityId: "act-x", title: "科普开放日", startsAt: new Date("2027-09-04T02:00:00Z"), endsAt: new Date("2027-09-04T08:00:00Z") }]);
    const plan = await rotations.propose("caravan-1", communities, rules, owner);
    // c1 1–2; then past the open day and its travel days: c2 6–7, c3 9–10.
    expect(plan.stays.map((s) => `${s.communityId} ${s.firstDay}`)).toEqual(["c1 2027-09-01", "c2 2027-09-06", "c3 2027-09-09"]);
    await rotations.save("caravan-1", plan, owner);
    expect((await calendars.month("caravan-1", "2027-09")).map((r) => r.sessionId)).toEqual(["rot:caravan-1:2027-09:c1", "open-day", "rot:caravan-1:2027-09:c2", "rot:caravan-1:2027-09:c3"]);
    const edited = await rotations.edit("caravan-1", "2027-09", { kind: "move", communityId: "c3", firstDay: "2027-09-20" }, owner);
    expect(edited.stays.at(-1)).toEqual({ communityId: "c3", firstDay: "2027-09-20", lastDay: "2027-09-21" });
    const held = await calendars.month("caravan-1", "2027-09");
    expect(held.find((r) => r.sessionId === "rot:caravan-1:2027-09:c3")).toMatchObject({ startsAt: new Date("2027-09-19T16:00:00Z"), endsAt: new Date("2027-09-21T16:00:00Z") });
    expect(held).toHaveLength(4);
    // A move onto the open day is refused; the saved plan and the calendar stay as they were.
    const clash = await rotations.edit("caravan-1", "2027-09", { kind: "move", communityId: "c2", firstDay: "2027-09-03" }, owner).catch((e: unknown) => e);
    expect(clash).toMatchObject({ code: "RESOURCE_BUSY", zh: expect.stringContaining("科普开放日") });
    expect((await rotations.get("caravan-1", "2027-09", owner))?.stays.map((s) => s.firstDay)).toEqual(["2027-09-01", "2027-09-06", "2027-09-20"]);
    // A session wanting the caravan during a stay is refused, naming the stay.
    const busy = await calendars.reserve("caravan-1", [{ sessionId: "late", activityId: "act-y", title: "晚到的活动", startsAt: new Date("2027-09-20T02:00:00Z"), endsAt: new Date("2027-09-20T04:00:00Z") }]).catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: "RESOURCE_BUSY", zh: expect.stringContaining("驻留 c3") });
  });
});
