// The Activities use cases on the real engines, where the order of writes matters.
import { create } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { EventPublisher } from "@kepu/bus";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MergedOrderSchema, OrderAcceptedSchema, OrderRequestSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Activities } from "../src/activities.js";
import { groupAcceptance, MergeHoldStore } from "../src/merged-activity.js";
import { ActivityStore, type BookingRecord } from "../src/store/activity-store.js";
import { CalendarStore } from "../src/store/calendar-store.js";
import { RegistryStore } from "../src/store/registry-store.js";
import { SeatLedger } from "../src/store/seat-ledger.js";

const logger = createLogger({ service: "activities-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("activities"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const publisher = new EventPublisher(engines.kafka);
const rules = { cancelCutoffHours: 2, waitlistMax: 10, perPersonMax: 5, priorityShare: 0, priorityHoursBeforeStart: 24, checkInSecret: "activities-test-secret-0123456789", bookingCutoffMinutes: 30, checkInOpensMinutes: 60 };

afterAll(async () => {
  await publisher.disconnect();
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
});

/** The use cases on this file's database and Redis prefix. */
async function useCases(over: Partial<typeof rules> = {}) {
  await mongo.connect();
  const db = mongo.db(engines.database("events"));
  await detectEngine(db);
  const store = new ActivityStore(db, engines.topic("events"));
  await store.createIndexes();
  const relay = new OutboxRelay({ collections: [store.activities, store.bookings], publisher, logger });
  const activities = new Activities(store, new SeatLedger(redis, engines.prefix), relay, { ...rules, ...over }, () => new Date(), new RegistryStore(db), new CalendarStore(db));
  return { db, store, activities };
}

describe("an activity made from an accepted order", () => {
  it("can be booked the moment it can be read: its seats are open before it is saved", async () => {
    const { store, activities } = await useCases();

    // A resident who books as soon as the new activity is in the database, as a fast client would.
    let earliest: Promise<BookingRecord> | undefined;
    const save = store.save.bind(store);
    store.save = async (...args: Parameters<ActivityStore["save"]>) => {
      const result = await save(...args);
      if (!args[0]) {
        // …and whose booking is answered before the use case goes on (the worst interleaving).
        earliest = activities.book(args[1].activityId, args[1].sessions[0]!.sessionId, { id: "resident-1", role: Role.RESIDENT, orgId: "c1" } as never, { correlationId: "early" });
        await earliest.catch(() => undefined);
      }
      return result;
    };

    const community = create(OrgPlaceSchema, { orgId: "c1", path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1" });
    const accepted = create(OrderAcceptedSchema, { orderId: "o-early", teamId: "t1", requesterId: "resident-9", request: create(OrderRequestSchema, { title: "天文科普夜", community, expectedParticipants: 20 }) });
    await activities.createFromOrder(accepted, undefined, { correlationId: "accepted" });

    const booking = await earliest!;
    expect(booking.status).toBe("SEATED");
  });
});

describe("a merge group's activity: seats held per ordering community", () => {
  it("enforces the holds at booking, and keeps them (and every seat) after a redelivered OrderAccepted and after Redis lost its keys", async () => {
    const { db, store, activities } = await useCases({ priorityShare: 0.5 });
    const holds = new MergeHoldStore(db);
    const place = (c: string) => create(OrgPlaceSchema, { orgId: c, path: ["sz", "d1", "s1", c], districtId: "d1", streetId: "s1", communityId: c });
    const preferredDate = timestampFromDate(new Date(Date.now() + 10 * 86_400_000)); // inside the window (it ends 24 h before)
    const request = create(OrderRequestSchema, { title: "健康讲座", community: place("c1"), expectedParticipants: 1, preferredDate });
    const mergedOrders = [create(MergedOrderSchema, { orderId: "o-m1", community: place("c1"), expectedParticipants: 1 }), create(MergedOrderSchema, { orderId: "o-m3", community: place("c3"), expectedParticipants: 1 })];
    const accepted = create(OrderAcceptedSchema, { orderId: "o-m1", teamId: "t1", requesterId: "r-1", mergeId: "m-1", mergedOrders, request });
    const deliver = () => activities.createFromOrder(groupAcceptance(accepted), undefined, { correlationId: "accepted" }, (activity) => holds.record(activity, accepted));
    const activity = (await deliver())!;
    const sessionId = activity.sessions[0]!.sessionId;
    expect((await holds.of(activity.activityId))?.holds).toEqual([{ communityId: "c1", seats: 1 }, { communityId: "c3", seats: 1 }]);
    const book = (resident: string, community: string) => activities.book(activity.activityId, sessionId, { id: resident, role: Role.RESIDENT, orgId: community } as never, { correlationId: resident });

    const li = await book("r-li", "c1");
    expect(li).toMatchObject({ status: "SEATED", seatFrom: "c1", attendeeId: "r-li" });
    expect(await book("r-wang", "c2")).toMatchObject({ status: "WAITLISTED", waitReason: "held_for_others" });
    expect(await book("r-li-2", "c1")).toMatchObject({ status: "WAITLISTED", waitReason: "hold_used" });

    // Delivered again: nothing changes. Redis loses the session's keys: the next booking rebuilds it from the store.
    await deliver();
    expect(await activities.book(activity.activityId, sessionId, { id: "r-li", role: Role.RESIDENT, orgId: "c1" } as never, { correlationId: "again" })).toMatchObject({ bookingId: li.bookingId });
    const lost = await redis.keys(`${engines.prefix}seats:${sessionId}:*`);
    expect(lost.length).toBeGreaterThan(0);
    await redis.del(...lost);
    expect(await book("r-zhao", "c3")).toMatchObject({ status: "SEATED", seatFrom: "c3" });
    expect(await book("r-li", "c1")).toMatchObject({ bookingId: li.bookingId, status: "SEATED" }); // her seat survived
    // The waitlist survived too, in its order: li's cancellation seats the first in line who may take c1's seat (r-li-2, not r-wang).
    const { promoted } = await activities.cancelBooking(li.bookingId, "", { id: "r-li", role: Role.RESIDENT, orgId: "c1" } as never, { correlationId: "cancel" });
    expect((await store.booking(promoted))?.residentId).toBe("r-li-2");

    // Lost again, and the order redelivered before anyone books: the seats and the holds come back with it.
    await redis.del(...(await redis.keys(`${engines.prefix}seats:${sessionId}:*`)));
    await deliver();
    expect(await redis.hgetall(`${engines.prefix}seats:${sessionId}:holds`)).toEqual({ c1: "1", c3: "1" });
    expect(await redis.hlen(`${engines.prefix}seats:${sessionId}:booked`)).toBe(2);
    expect(await redis.lrange(`${engines.prefix}seats:${sessionId}:wait`, 0, -1)).toHaveLength(1);
  });
});
