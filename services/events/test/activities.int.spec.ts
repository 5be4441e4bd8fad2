// The Activities use cases on the real engines, where the order of writes matters.
import { create } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { EventPublisher } from "@kepu/bus";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderAcceptedSchema, OrderRequestSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { createLogger } from "@kepu/log";
import { detectEngine } from "@kepu/mongo";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Activities } from "../src/activities.js";
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

describe("an activity made from an accepted order", () => {
  it("can be booked the moment it can be read: its seats are open before it is saved", async () => {
    await mongo.connect();
    const db = mongo.db(engines.database("events"));
    await detectEngine(db);
    const store = new ActivityStore(db, engines.topic("events"));
    await store.createIndexes();
    const relay = new OutboxRelay({ collections: [store.activities, store.bookings], publisher, logger });
    const activities = new Activities(store, new SeatLedger(redis, engines.prefix), relay, rules, () => new Date(), new RegistryStore(db), new CalendarStore(db));

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
