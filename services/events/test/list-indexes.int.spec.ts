// Events' list indexes (store/booking-index.ts, store/activity-index.ts) on the real engines: the
// same answers as the store's scans, pages included; an entry left by a write that never reached
// the store (a crash between the two) dropped on read and removed; a rebuild from the store when
// the `built` marker is gone (Redis lost its data).
import { MongoClient, type Document } from "mongodb";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import type { ActivityRecord } from "../src/domain/activity.js";
import type { BookingRecord } from "../src/domain/booking.js";
import { ActivityIndex } from "../src/store/activity-index.js";
import { ActivityStore, type ActivityQuery } from "../src/store/activity-store.js";
import { BookingIndex } from "../src/store/booking-index.js";

const engines = new TestEngines(uniquePrefix("listindex"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const db = mongo.db(engines.database("events"));
const keyPrefix = `${engines.prefix}kepu:events:`;
const bookingIndex = new BookingIndex(redis, db.collection("bookings"), keyPrefix);
const activityIndex = new ActivityIndex(redis, db.collection("activities"), keyPrefix, 0); // settled at once: no write runs beside the reads here
const indexed = new ActivityStore(db, engines.topic("events"), { bookings: bookingIndex, activities: activityIndex });
const scanning = new ActivityStore(db, engines.topic("events")); // today's way, the reference
const residents = ["r-1", "r-2", "r-3", "r-4"];
const t0 = Date.UTC(2026, 8, 1);
const communities = [
  ["sz", "d1", "d1-s1", "c1"],
  ["sz", "d1", "d1-s1", "c2"],
  ["sz", "d1", "d1-s2", "c3"],
  ["sz", "d2", "d2-s1", "c4"],
];
const statuses = ["SCHEDULED", "SCHEDULED", "COMPLETED", "CANCELLED"] as const;

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

const activity = (i: number): ActivityRecord => {
  const path = communities[i % communities.length]!;
  return {
    activityId: `act-${String(i).padStart(3, "0")}`,
    orderId: `o-${i}`,
    requesterId: "r-1",
    title: "科普讲座",
    theme: 1 + (i % 3),
    format: 1,
    audience: 1,
    organizerOrgId: path[3]!,
    place: { orgId: path[3]!, path, districtId: path[1]!, streetId: path[2]!, communityId: path[3]! },
    teamId: i % 5 === 0 ? "" : `t-${i % 2}`,
    campaignId: i % 4 === 0 ? "camp-1" : "",
    sessions: [],
    priorityCommunityId: "",
    status: statuses[Math.floor(i / 4) % statuses.length]!,
    summaryFiled: false,
    participants: 0,
    uniqueParticipants: 0,
    serviceHours: 0,
    startsAt: new Date(t0 + ((i * 53) % 97) * 3_600_000), // distinct, out of insertion order
    version: 1,
  };
};

const query = (over: Partial<ActivityQuery>): ActivityQuery => ({ withinOrgIds: [], teamId: "", theme: 0, campaignId: "", status: "", from: undefined, to: undefined, page: 0, pageSize: 7, ...over });
const answer = (r: { activities: ActivityRecord[]; total: number }) => ({ ids: r.activities.map((a) => a.activityId), total: r.total });
/** The lists a user opens, first and later pages: subtrees at each level × status, a team's, a campaign's, a theme's, a date window. */
const queries: ActivityQuery[] = [
  query({}),
  ...["sz", "d1", "d1-s1", "c3", "nowhere"].flatMap((org) => ["", "SCHEDULED", "COMPLETED"].map((status) => query({ withinOrgIds: [org], status: status as ActivityQuery["status"] }))),
  query({ withinOrgIds: ["d1", "sz"], status: "SCHEDULED" }),
  query({ withinOrgIds: ["c4", "d1"] }),
  query({ teamId: "t-1" }),
  query({ teamId: "t-0", withinOrgIds: ["d1"], status: "SCHEDULED" }),
  query({ campaignId: "camp-1" }),
  query({ theme: 2, withinOrgIds: ["sz"] }),
  query({ status: "CANCELLED" }),
  query({ withinOrgIds: ["sz"], from: new Date(t0 + 20 * 3_600_000), to: new Date(t0 + 60 * 3_600_000) }),
].flatMap((q) => [0, 2].map((page) => ({ ...q, page })));
/** A few of them, where the cases below make a difference. */
const some = [queries[0]!, queries[1]!, queries[2]!, queries[5]!, queries[8]!, ...queries.filter((q) => q.status === "CANCELLED" || q.teamId === "t-1")];

async function expectSameAsScan(asked = queries): Promise<void> {
  for (const q of asked) expect(answer(await indexed.list(q)), JSON.stringify(q)).toEqual(answer(await scanning.list(q)));
}

const dropIndexKeys = async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
};

beforeAll(async () => {
  await mongo.connect();
  // Marked built before any write: what the index answers below came from the writes alone.
  await redis.set(`${keyPrefix}bookings:index-built:2`, "test");
  await redis.set(`${keyPrefix}activities:index-built`, "test");
  for (let i = 0; i < 60; i++) await indexed.saveBooking(undefined, booking(i, residents[i % residents.length]!), []);
  // A later write (a status change) is not a new booking: the index needs nothing from it.
  const first = booking(0, "r-1");
  await indexed.saveBooking(first, { ...first, status: "CANCELLED", version: 2 }, []);
  for (let i = 0; i < 40; i++) expect(await indexed.save(undefined, activity(i), [])).toBe("saved");
});

afterAll(async () => {
  await mongo.close();
  redis.disconnect();
  await engines.cleanup();
});

describe("the booking index (我的预约, an activity's attendance)", () => {
  it("answers each resident and each activity with what the store's scan answers, oldest first", async () => {
    for (const residentId of [...residents, "r-nobody"]) expect(await indexed.bookingsOf({ residentId })).toEqual(await scanning.bookingsOf({ residentId }));
    for (const activityId of ["a-0", "a-1", "a-2", "a-none"]) expect(await indexed.bookingsOf({ activityId })).toEqual(await scanning.bookingsOf({ activityId }));
    expect(await indexed.bookingsOf({ activityId: "a-1", residentId: "r-2" })).toEqual(await scanning.bookingsOf({ activityId: "a-1", residentId: "r-2" }));
    const mine = await indexed.bookingsOf({ residentId: "r-1" });
    expect(mine).toHaveLength(15);
    expect(mine.find((b) => b.bookingId === "bk-0")?.status).toBe("CANCELLED"); // read from the store, current
    expect(mine.map((b) => new Date(b.bookedAt).getTime())).toEqual(mine.map((b) => new Date(b.bookedAt).getTime()).sort((a, b) => a - b));
    expect(await indexed.bookingsOf({ activityId: "a-0" })).toHaveLength(20);
  });

  it("pages 我的预约 as the store's scan pages it: each page the slice of her whole list, with her total", async () => {
    for (const residentId of residents) {
      const all = await scanning.bookingsOf({ residentId });
      for (const page of [0, 1, 2, 3]) {
        const want = { bookings: all.slice(page * 4, page * 4 + 4), total: all.length };
        expect(await indexed.bookingsPageOf(residentId, page, 4)).toEqual(want);
        expect(await scanning.bookingsPageOf(residentId, page, 4)).toEqual(want);
      }
    }
    expect(await indexed.bookingsPageOf("r-nobody", 0, 4)).toEqual({ bookings: [], total: 0 });
  });

  it("skips an id whose booking never reached the store (a crash after the index's write)", async () => {
    await bookingIndex.adding(booking(900, "r-2")); // indexed, never stored
    expect(await redis.zscore(`${keyPrefix}bookings:resident:r-2`, "bk-900")).not.toBeNull();
    expect(await indexed.bookingsOf({ residentId: "r-2" })).toEqual(await scanning.bookingsOf({ residentId: "r-2" }));
    expect(await indexed.bookingsOf({ activityId: "a-0" })).toEqual(await scanning.bookingsOf({ activityId: "a-0" }));
  });

  it("re-indexes a stored booking the resident asks again for (its first attempt failed at the index)", async () => {
    const lost = booking(501, "r-4");
    await scanning.saveBooking(undefined, lost, []); // stored, never indexed
    expect((await indexed.bookingsOf({ residentId: "r-4" })).map((b) => b.bookingId)).not.toContain("bk-501");
    await indexed.reindexBooking((await indexed.booking("bk-501"))!);
    expect(await indexed.bookingsOf({ residentId: "r-4" })).toEqual(await scanning.bookingsOf({ residentId: "r-4" }));
  });
});

describe("the activity index (activities in a subtree)", () => {
  it("answers every list, page and total as the store's scan does", async () => {
    await expectSameAsScan();
    expect(answer(await indexed.list(query({ withinOrgIds: ["d1"], status: "SCHEDULED" }))).total).toBe(18);
    expect(answer(await indexed.list(query({ withinOrgIds: ["d1"], status: "SCHEDULED", page: 2 }))).ids).toHaveLength(4);
  });

  it("moves an activity between lists as its status and place change", async () => {
    const before = (await indexed.load("act-001"))!; // SCHEDULED in c2
    const moved: ActivityRecord = { ...before, status: "COMPLETED", place: { ...before.place, orgId: "c4", path: communities[3]!, districtId: "d2", streetId: "d2-s1", communityId: "c4" }, version: before.version + 1 };
    expect(await indexed.save(before, moved, [])).toBe("saved");
    expect(await redis.zscore(`${keyPrefix}activities:org:c2`, "act-001")).toBeNull(); // the old key: left after the write
    expect(await redis.zscore(`${keyPrefix}activities:org:d1:SCHEDULED`, "act-001")).toBeNull();
    await expectSameAsScan(some);
  });

  it("repairs the entries of a write that never reached the store (its note left in `pending`): totals and pages as the scan's", async () => {
    // A crash between the index's write (the new state's keys) and the store's: stored SCHEDULED, listed CANCELLED too.
    for (const i of [6, 22, 38]) {
      const stored = (await indexed.load(activity(i).activityId))!;
      await activityIndex.adding(stored, { ...stored, status: "CANCELLED", teamId: "t-9", startsAt: new Date(stored.startsAt.getTime() + 1) });
    }
    await activityIndex.adding(undefined, { ...activity(990), activityId: "act-ghost" }); // never stored at all
    expect(await redis.zcard(`${keyPrefix}activities:team:t-9`)).toBe(3);
    expect(await redis.zcard(`${keyPrefix}activities:pending`)).toBe(4);
    await expectSameAsScan(some);
    expect(await redis.zcard(`${keyPrefix}activities:pending`)).toBe(0);
    for (const key of ["team:t-9", "status:CANCELLED", "org:sz:CANCELLED"]) for (const id of ["act-006", "act-022", "act-038"]) expect(await redis.zscore(`${keyPrefix}activities:${key}`, id), key).toBeNull();
    expect(await redis.zscore(`${keyPrefix}activities:all`, "act-ghost")).toBeNull();
    expect(await redis.zscore(`${keyPrefix}activities:all`, "act-006")).toBe(String(activity(6).startsAt.getTime())); // re-scored to the stored starts-at
  });

  it("drops and removes, on read, entries no note accounts for, reading further ids to fill the page", async () => {
    const cancelled = await scanning.list(query({ status: "CANCELLED", pageSize: 100 }));
    const scheduled = (await scanning.list(query({ status: "SCHEDULED", pageSize: 1 }))).activities[0]!;
    const first = cancelled.activities[0]!.startsAt.getTime();
    await redis.zadd(`${keyPrefix}activities:status:CANCELLED`, first - 1, scheduled.activityId, first - 2, "act-ghost-2"); // ahead of page 0's first
    const page = await indexed.list(query({ status: "CANCELLED" }));
    expect(answer(page).ids).toEqual(cancelled.activities.slice(0, 7).map((a) => a.activityId));
    expect(await redis.zscore(`${keyPrefix}activities:status:CANCELLED`, scheduled.activityId)).toBeNull();
    expect(await redis.zscore(`${keyPrefix}activities:status:CANCELLED`, "act-ghost-2")).toBeNull();
    await expectSameAsScan(some);
  });

  it("keeps a moved activity in its new lists when a read between the index's write and the store's saw the old document", async () => {
    const before = (await indexed.load("act-009"))!;
    const moved: ActivityRecord = { ...before, teamId: "t-race", version: before.version + 1 };
    let landed = false;
    // The reader reads the old document; the write then lands (the store, then the index's `added`)
    // before the reader's repair of the entry it took for stale.
    class RacedIndex extends ActivityIndex {
      protected override async read(id: string): Promise<Document | null> {
        const doc = await super.read(id);
        if (id === moved.activityId && !landed) {
          landed = true;
          await db.collection("activities").updateOne({ _id: id as never }, { $set: { teamId: moved.teamId, version: moved.version } });
          await activityIndex.added(before, moved);
        }
        return doc;
      }
    }
    const raced = new RacedIndex(redis, db.collection("activities"), keyPrefix);
    await raced.adding(before, moved);
    // Its first read was the old team's; the write's mark moved meanwhile, so the entry stays and the page's second read finds it.
    expect((await raced.list(query({ teamId: "t-race" }))).docs.map((doc) => doc._id)).toEqual(["act-009"]);
    expect(landed).toBe(true);
    expect(answer(await indexed.list(query({ teamId: "t-race" }))).ids).toEqual(["act-009"]);
    await expectSameAsScan(some);
  });

  it("rebuilds both indexes from the store when Redis lost them, reads waiting for it", async () => {
    await dropIndexKeys();
    const [rebuilt] = await Promise.all([bookingIndex.rebuild(), expectSameAsScan(some)]);
    expect(rebuilt).toBe(61);
    for (const residentId of residents) expect(await indexed.bookingsOf({ residentId })).toEqual(await scanning.bookingsOf({ residentId }));
    expect(await redis.exists(`${keyPrefix}bookings:index-built:2`, `${keyPrefix}activities:index-built`)).toBe(2);
    expect((await indexed.bookingsOf({ residentId: "r-4" })).map((b) => b.bookingId)).toContain("bk-501");
  });
});
