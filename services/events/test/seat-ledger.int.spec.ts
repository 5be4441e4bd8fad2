import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import type { SeatHold } from "../src/domain/merge-seats.js";
import { drawSeat, moveSeat, type SeatState } from "../src/domain/seat-holds.js";
import { SeatLedger, type SessionSeats } from "../src/store/seat-ledger.js";

const engines = new TestEngines(uniquePrefix("seats"));
const redis = new Redis(engines.urls.redisUrl);
const ledger = new SeatLedger(redis, engines.prefix);
const now = new Date("2026-09-01T00:00:00Z");
const limits = { waitlist: 1_000, perPerson: 5 };
const open = (capacity: number, holds: SeatHold[] = [], priorityUntil = now, holdsFrom: "merge" | "priority" = "priority"): SessionSeats => ({ capacity, holds, holdsFrom, priorityUntil });

afterAll(async () => {
  redis.disconnect();
  await engines.cleanup();
});

describe("the seat ledger", () => {
  it("never seats more than capacity under 600 simultaneous attempts, and keeps the waitlist first-come", async () => {
    await ledger.openSession("s-storm", open(100));
    const residents = Array.from({ length: 600 }, (_, i) => `r-${i}`);
    const outcomes = await Promise.all(residents.map((r) => ledger.book("s-storm", r, `b-${r}`, "c-1", now, limits)));
    expect(outcomes.filter((o) => o.kind === "seated")).toHaveLength(100);
    expect(outcomes.filter((o) => o.kind === "waitlisted")).toHaveLength(500);
    expect((await ledger.counts("s-storm")).taken).toBe(100);
    const positions = outcomes.flatMap((o, i) => (o.kind === "waitlisted" ? [{ position: o.position, bookingId: `b-r-${i}` }] : []));
    expect(positions.map((p) => p.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const byPosition = [...positions].sort((a, b) => a.position - b.position).map((p) => p.bookingId);
    expect(await ledger.waitlist("s-storm")).toEqual(byPosition);
  });

  it("gives a freed seat to the first in line", async () => {
    await ledger.openSession("s-small", open(2));
    for (const r of ["a", "b", "c", "d"]) await ledger.book("s-small", r, `b-${r}`, "c-1", now, limits);
    expect(await ledger.cancel("s-small", "a", now)).toEqual({ kind: "cancelled", bookingId: "b-a", promoted: { bookingId: "b-c", attendeeId: "c", from: "*" } });
    expect(await ledger.waitlist("s-small")).toEqual(["b-d"]);
    expect(await ledger.cancel("s-small", "d", now)).toEqual({ kind: "cancelled", bookingId: "b-d" });
    expect(await ledger.waitlist("s-small")).toEqual([]);
    expect(await ledger.cancel("s-small", "nobody", now)).toEqual({ kind: "none" });
  });

  it("answers a repeated booking with the same booking, and enforces the per-person limit", async () => {
    await ledger.openSession("s-limit-1", open(10));
    await ledger.openSession("s-limit-2", open(10));
    expect(await ledger.book("s-limit-1", "p", "b-1", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "seated", bookingId: "b-1", from: "*" });
    expect(await ledger.book("s-limit-1", "p", "b-other", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "seated", bookingId: "b-1", from: "*" });
    expect(await ledger.book("s-limit-2", "p", "b-2", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "limit" });
  });

  it("keeps reserved seats for the ordering community until the priority period ends", async () => {
    const until = new Date(now.getTime() + 3_600_000);
    await ledger.openSession("s-prio", open(4, [{ communityId: "home", seats: 2 }], until));
    const other = async (r: string, at: Date) => (await ledger.book("s-prio", r, `b-${r}`, "elsewhere", at, limits)).kind;
    expect([await other("o1", now), await other("o2", now), await other("o3", now)]).toEqual(["seated", "seated", "waitlisted"]);
    expect((await ledger.book("s-prio", "h1", "b-h1", "home", now, limits)).kind).toBe("seated");
    expect(await other("o4", new Date(until.getTime() + 1))).toBe("seated");
  });

  it("holds seats per community: the ledger seats exactly whom the pure rule (drawSeat) seats, in any order of arrival", async () => {
    const until = new Date(now.getTime() + 3_600_000);
    const holds = [{ communityId: "c1", seats: 4 }, { communityId: "c3", seats: 3 }];
    await ledger.openSession("s-holds", open(10, holds, until, "merge"));
    let state: SeatState = { capacity: 10, holds: { c1: 4, c3: 3 }, used: {}, open: 0, taken: 0, priorityUntil: until };
    const arrivals = ["c2", "c2", "c2", "c2", "c1", "c1", "c3", "c1", "c1", "c1", "c3", "c3", "c3", "c2"];
    for (const [i, community] of arrivals.entries()) {
      const expected = drawSeat(state, community, now);
      const outcome = await ledger.book("s-holds", `h-${i}`, `b-h-${i}`, community, now, limits);
      expect({ i, kind: outcome.kind, why: outcome.kind === "waitlisted" ? outcome.reason : outcome.kind === "seated" ? outcome.from : "" }).toEqual({ i, kind: expected.ok ? "seated" : "waitlisted", why: expected.ok ? expected.from : expected.reason });
      if (expected.ok) state = moveSeat(state, expected.from, 1);
    }
    expect((await ledger.counts("s-holds")).taken).toBe(10);
    // A c1 seat freed inside the window goes back to c1's hold: the first c1 in line takes it, not the c2 before her.
    const waiting = await ledger.waitlist("s-holds");
    expect(waiting).toEqual(["b-h-3", "b-h-9", "b-h-12", "b-h-13"]);
    expect(await ledger.cancel("s-holds", "h-4", now)).toEqual({ kind: "cancelled", bookingId: "b-h-4", promoted: { bookingId: "b-h-9", attendeeId: "h-9", from: "c1" } });
    // After the window a freed seat goes to the first in line, whoever she is.
    expect(await ledger.cancel("s-holds", "h-6", new Date(until.getTime() + 1))).toEqual({ kind: "cancelled", bookingId: "b-h-6", promoted: { bookingId: "b-h-3", attendeeId: "h-3", from: "*" } });
    // The waitlist full: refused, and told why.
    expect(await ledger.book("s-holds", "late", "b-late", "c2", now, { waitlist: 1, perPerson: 5 })).toEqual({ kind: "full", reason: "full" });
  });

  it("loads a merge group's holds over a single-priority hold on reopening, and otherwise opens a session once", async () => {
    const until = new Date(now.getTime() + 3_600_000);
    expect(await ledger.openSession("s-reopen", open(4, [{ communityId: "c1", seats: 2 }], until))).toBe("opened");
    expect(await ledger.openSession("s-reopen", open(4, [{ communityId: "c9", seats: 4 }], until))).toBe("open");
    expect(await ledger.openSession("s-reopen", open(4, [{ communityId: "c1", seats: 2 }, { communityId: "c3", seats: 2 }], until, "merge"))).toBe("holds");
    expect(await ledger.openSession("s-reopen", open(4, [{ communityId: "c1", seats: 4 }], until, "merge"))).toBe("open");
    const kinds = [];
    for (const [r, c] of [["x1", "c2"], ["x2", "c1"], ["x3", "c1"], ["x4", "c1"], ["x5", "c3"]] as const) kinds.push((await ledger.book("s-reopen", r, `b-${r}`, c, now, limits)).kind);
    expect(kinds).toEqual(["waitlisted", "seated", "seated", "waitlisted", "seated"]);
  });

  it("rebuilds a lost session from what the store knows: its seats (with their holds), its waitlist, each attendee's limit", async () => {
    const until = new Date(now.getTime() + 3_600_000);
    const known = {
      seated: [{ attendeeId: "m", bookingId: "b-m", communityId: "c1", from: "c1" }, { attendeeId: "stu-k", bookingId: "b-k", communityId: "c1", from: "*" }],
      waiting: [{ attendeeId: "w", bookingId: "b-w", communityId: "c2" }],
    };
    await ledger.openSession("s-rebuilt", open(2, [{ communityId: "c1", seats: 1 }], until), known);
    expect(await ledger.counts("s-rebuilt")).toEqual({ taken: 2, waiting: 1 });
    expect(await ledger.book("s-rebuilt", "stu-k", "b-again", "c1", now, limits)).toEqual({ kind: "seated", bookingId: "b-k", from: "*" });
    expect(await ledger.book("s-rebuilt", "stu-k", "b-x", "c1", now, { waitlist: 10, perPerson: 1 }).then((o) => o.kind)).toBe("seated"); // the same seat, not a second
    expect(await ledger.cancel("s-rebuilt", "m", now)).toEqual({ kind: "cancelled", bookingId: "b-m" }); // c1's held seat is not c2's inside the window
    expect(await ledger.book("s-rebuilt", "n", "b-n", "c1", now, limits)).toEqual({ kind: "seated", bookingId: "b-n", from: "c1" });
  });

  it("keys a seat by the attendee: a parent and her child in one session, each with her own limit", async () => {
    await ledger.openSession("s-family-1", open(5));
    await ledger.openSession("s-family-2", open(5));
    const one = { waitlist: 10, perPerson: 1 };
    expect(await ledger.book("s-family-1", "mum", "b-mum", "c1", now, one)).toMatchObject({ kind: "seated", bookingId: "b-mum" });
    expect(await ledger.book("s-family-1", "stu-kid", "b-kid", "c1", now, one)).toMatchObject({ kind: "seated", bookingId: "b-kid" });
    expect(await ledger.book("s-family-2", "stu-kid", "b-kid-2", "c1", now, one)).toEqual({ kind: "limit" });
    expect(await ledger.cancel("s-family-1", "stu-kid", now)).toMatchObject({ kind: "cancelled", bookingId: "b-kid" });
    expect((await ledger.counts("s-family-1")).taken).toBe(1);
  });

  it("cancels a seat booked before holds were kept (entry without its hold) as an open one", async () => {
    await ledger.openSession("s-old", open(2));
    await redis.hset(`${engines.prefix}seats:s-old:booked`, "old", "b-old|c1");
    await redis.hincrby(`${engines.prefix}seats:s-old:meta`, "open", 1);
    expect(await ledger.book("s-old", "old", "b-new", "c1", now, limits)).toEqual({ kind: "seated", bookingId: "b-old", from: "*" });
    expect(await ledger.cancel("s-old", "old", now)).toEqual({ kind: "cancelled", bookingId: "b-old" });
    expect(await redis.hget(`${engines.prefix}seats:s-old:meta`, "open")).toBe("0");
  });
});
