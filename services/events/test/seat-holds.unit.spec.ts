import { describe, expect, it } from "vitest";
import { knownSeats } from "../src/domain/known-seats.js";
import { drawSeat, moveSeat, OPEN_SEAT, seatsLeftFor, sessionHolds, type SeatState } from "../src/domain/seat-holds.js";
import type { BookingRecord } from "../src/domain/booking.js";

const now = new Date("2027-05-01T00:00:00Z");
const until = new Date("2027-05-02T00:00:00Z");
const after = new Date(until.getTime() + 1);
const state = (over: Partial<SeatState> = {}): SeatState => ({ capacity: 10, holds: { c1: 4, c3: 3 }, used: {}, open: 0, taken: 0, priorityUntil: until, ...over });

describe("seats held for communities: which seat a booking draws on (drawSeat)", () => {
  it.each([
    { name: "a holding community draws on its own hold first", s: state(), community: "c1", at: now, draw: { ok: true, from: "c1" } },
    { name: "its hold used up: the open seats", s: state({ used: { c1: 4 }, taken: 4 }), community: "c1", at: now, draw: { ok: true, from: OPEN_SEAT } },
    { name: "a hold-less community: the open seats only", s: state(), community: "c2", at: now, draw: { ok: true, from: OPEN_SEAT } },
    { name: "open seats gone, hold-less: held for others", s: state({ open: 3, taken: 3 }), community: "c2", at: now, draw: { ok: false, reason: "held_for_others" } },
    { name: "open seats gone and own hold used up: hold used", s: state({ open: 3, used: { c1: 4 }, taken: 7 }), community: "c1", at: now, draw: { ok: false, reason: "hold_used" } },
    { name: "another community's hold left is not hers", s: state({ open: 3, used: { c1: 4 }, taken: 7 }), community: "c3", at: now, draw: { ok: true, from: "c3" } },
    { name: "after the window every free seat is open to all", s: state({ open: 3, taken: 3 }), community: "c2", at: after, draw: { ok: true, from: OPEN_SEAT } },
    { name: "the window ends at priorityUntil exactly", s: state({ open: 3, taken: 3 }), community: "c2", at: until, draw: { ok: true, from: OPEN_SEAT } },
    { name: "a full session is full for everyone", s: state({ taken: 10, open: 3, used: { c1: 4, c3: 3 } }), community: "c1", at: after, draw: { ok: false, reason: "full" } },
    { name: "one hold is the single-priority case: others get capacity − reserved", s: state({ holds: { home: 5 }, open: 5, taken: 5 }), community: "away", at: now, draw: { ok: false, reason: "held_for_others" } },
    { name: "the single priority community still draws on open seats once its hold is used", s: state({ holds: { home: 5 }, used: { home: 5 }, open: 4, taken: 9 }), community: "home", at: now, draw: { ok: true, from: OPEN_SEAT } },
    { name: "no holds: every seat open", s: state({ holds: {} }), community: "", at: now, draw: { ok: true, from: OPEN_SEAT } },
  ] as const)("$name", ({ s, community, at, draw }) => {
    expect(drawSeat(s, community, at)).toEqual(draw);
  });

  it("what is left for each community, and never more seats than capacity when all draw until refused", () => {
    expect(seatsLeftFor(state(), "c1", now)).toBe(7); // 4 held + 3 open
    expect(seatsLeftFor(state(), "c2", now)).toBe(3);
    expect(seatsLeftFor(state({ open: 3, taken: 3 }), "c2", after)).toBe(7);
    let s = state();
    const seated: Record<string, number> = {};
    for (let i = 0; i < 30; i++) {
      const community = ["c1", "c2", "c3"][i % 3]!;
      const draw = drawSeat(s, community, now);
      if (!draw.ok) continue;
      s = moveSeat(s, draw.from, 1);
      seated[community] = (seated[community] ?? 0) + 1;
    }
    expect(s.taken).toBe(10);
    // c1 and c3 drew on their holds, so the hold-less c2 took the 3 open seats; nobody took another's hold.
    expect(seated).toEqual({ c1: 4, c2: 3, c3: 3 });
    expect(seatsLeftFor(s, "c2", now)).toBe(0);
  });

  it("a cancelled seat goes back to the hold it came from", () => {
    const s = moveSeat(moveSeat(state(), "c1", 1), "c1", -1);
    expect(s).toEqual(state({ used: { c1: 0 } }));
    expect(moveSeat(state({ open: 2, taken: 2 }), OPEN_SEAT, -1)).toMatchObject({ open: 1, taken: 1 });
  });
});

describe("the holds of one session (sessionHolds)", () => {
  it.each([
    { name: "an ordered activity: the ordering community's share", input: { capacity: 30, priorityCommunityId: "c1", priorityShare: 0.5 }, holds: [{ communityId: "c1", seats: 15 }] },
    { name: "nobody ordered it: no hold", input: { capacity: 30, priorityCommunityId: "", priorityShare: 0.5 }, holds: [] },
    { name: "a merge group: its holds, the share not applied", input: { capacity: 50, priorityCommunityId: "c1", priorityShare: 0.5, merged: { capacity: 50, holds: [{ communityId: "c1", seats: 20 }, { communityId: "c3", seats: 30 }] } }, holds: [{ communityId: "c1", seats: 20 }, { communityId: "c3", seats: 30 }] },
    { name: "a merge group's holds scaled to a smaller session", input: { capacity: 25, priorityCommunityId: "c1", priorityShare: 0.5, merged: { capacity: 50, holds: [{ communityId: "c1", seats: 20 }, { communityId: "c3", seats: 30 }] } }, holds: [{ communityId: "c1", seats: 10 }, { communityId: "c3", seats: 15 }] },
  ])("$name", ({ input, holds }) => {
    expect(sessionHolds(input)).toEqual(holds);
  });
});

describe("rebuilding a session from the store (knownSeats)", () => {
  const booking = (id: string, status: BookingRecord["status"], over: Partial<BookingRecord> = {}): BookingRecord => ({ bookingId: id, activityId: "a", sessionId: "s1", residentId: `r-${id}`, communityId: "c1", status, waitlistPosition: 0, bookedAt: now, version: 1, ...over });
  it("keeps seats (with their hold), checked-in seats, the waitlist in order; leaves cancelled ones and other sessions", () => {
    const known = knownSeats(
      [
        booking("b1", "SEATED", { seatFrom: "c1" }),
        booking("b2", "CHECKED_IN"),
        booking("b3", "WAITLISTED", { waitlistPosition: 2 }),
        booking("b4", "WAITLISTED", { waitlistPosition: 1, attendeeId: "stu-1" }),
        booking("b5", "CANCELLED"),
        booking("b6", "SEATED", { sessionId: "s2" }),
      ],
      "s1",
    );
    expect(known.seated).toEqual([
      { attendeeId: "r-b1", bookingId: "b1", communityId: "c1", from: "c1" },
      { attendeeId: "r-b2", bookingId: "b2", communityId: "c1", from: OPEN_SEAT },
    ]);
    expect(known.waiting.map((w) => [w.attendeeId, w.bookingId])).toEqual([
      ["stu-1", "b4"],
      ["r-b3", "b3"],
    ]);
  });
});
