// 我的预约 from the booking index (store/booking-index.ts) on the real engines: the same answer as
// the store's scan, and a rebuild from the store restores what Redis lost or never got.
import { MongoClient } from "mongodb";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import type { BookingRecord } from "../src/domain/booking.js";
import { ActivityStore } from "../src/store/activity-store.js";
import { BookingIndex } from "../src/store/booking-index.js";

const engines = new TestEngines(uniquePrefix("bkindex"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const db = mongo.db(engines.database("events"));
const keyPrefix = `${engines.prefix}kepu:events:`;
const index = new BookingIndex(redis, db.collection("bookings"), keyPrefix);
const indexed = new ActivityStore(db, engines.topic("events"), index);
const scanning = new ActivityStore(db, engines.topic("events")); // today's way, the reference
const residents = ["r-1", "r-2", "r-3", "r-4"];
const t0 = Date.UTC(2026, 8, 1);

const booking = (i: number, residentId: string): BookingRecord => ({
  bookingId: `bk-${i}`,
  activityId: `a-${i % 3}`,
  sessionId: `s-${i % 3}`,
  residentId,
  communityId: "c-1",
  status: "SEATED",
  waitlistPosition: 0,
  // Saved out of time order, so the order of the answer comes from booked-at, not from insertion.
  bookedAt: new Date(t0 + ((i * 37) % 101) * 60_000),
  version: 1,
});

const dropIndexKeys = async () => {
  const keys = await redis.keys(`${keyPrefix}bookings:*`);
  if (keys.length > 0) await redis.del(...keys);
};

beforeAll(async () => {
  await mongo.connect();
  for (let i = 0; i < 60; i++) await indexed.saveBooking(undefined, booking(i, residents[i % residents.length]!), []);
  // A later write (a status change) is not a new booking: the index needs nothing from it.
  const first = booking(0, "r-1");
  await indexed.saveBooking(first, { ...first, status: "CANCELLED", version: 2 }, []);
});

afterAll(async () => {
  await mongo.close();
  redis.disconnect();
  await engines.cleanup();
});

describe("the booking index (我的预约 without a scan)", () => {
  it("answers each resident with what the store's scan answers, oldest first", async () => {
    // Marked built without a rebuild: what it answers here came from the writes alone.
    await redis.set(`${keyPrefix}bookings:index-built`, "test");
    for (const residentId of [...residents, "r-nobody"]) {
      const scan = await scanning.bookingsOf({ residentId });
      expect(await indexed.bookingsOf({ residentId })).toEqual(scan);
    }
    const mine = await indexed.bookingsOf({ residentId: "r-1" });
    expect(mine).toHaveLength(15);
    expect(mine.find((b) => b.bookingId === "bk-0")?.status).toBe("CANCELLED"); // read from the store, current
    expect(mine.map((b) => new Date(b.bookedAt).getTime())).toEqual(mine.map((b) => new Date(b.bookedAt).getTime()).sort((a, b) => a - b));
  });

  it("rebuilds from the store when Redis lost the index", async () => {
    await dropIndexKeys();
    expect(await redis.keys(`${keyPrefix}bookings:*`)).toEqual([]);
    // The built mark is gone with the sets: the first read rebuilds, and answers in full.
    expect(await indexed.bookingsOf({ residentId: "r-2" })).toEqual(await scanning.bookingsOf({ residentId: "r-2" }));
    expect(await redis.exists(`${keyPrefix}bookings:index-built`)).toBe(1);
  });

  it("repairs a booking stored without its index entry (a crash between the two writes) by the rebuild at start", async () => {
    const lost = booking(500, "r-3");
    await scanning.saveBooking(undefined, lost, []); // stored, never indexed
    const missing = await indexed.bookingsOf({ residentId: "r-3" });
    expect(missing.map((b) => b.bookingId)).not.toContain("bk-500");
    expect(await index.rebuild()).toBe(61);
    expect(await indexed.bookingsOf({ residentId: "r-3" })).toEqual(await scanning.bookingsOf({ residentId: "r-3" }));
    expect((await indexed.bookingsOf({ residentId: "r-3" })).map((b) => b.bookingId)).toContain("bk-500");
  });

  it("repairs it too when the resident asks again (the booking use case re-indexes what it finds stored)", async () => {
    const lost = booking(501, "r-4");
    await scanning.saveBooking(undefined, lost, []); // stored, never indexed: her first attempt failed after the store's write
    expect((await indexed.bookingsOf({ residentId: "r-4" })).map((b) => b.bookingId)).not.toContain("bk-501");
    await indexed.reindexBooking((await indexed.booking("bk-501"))!);
    expect((await indexed.bookingsOf({ residentId: "r-4" })).map((b) => b.bookingId)).toContain("bk-501");
  });
});
