// The rotation planner of a mobile resource (科普大篷车), as table tests: September over 12
// communities, travel days respected, nothing double-booked, the least recently visited first.
import { describe, expect, it } from "vitest";
import { calendar } from "@kepu/calendar";
import type { Reservation } from "../src/domain/calendar.js";
import { editRotation, proposeRotation, stayReservations, type RotationCommunity, type RotationPlan, type RotationRules } from "../src/domain/rotation.js";

const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
/** 00:00 Beijing of a day, written out (UTC+8) rather than computed by the code under test. */
const beijingMidnight = (d: string) => new Date(Date.parse(`${d}T00:00:00+08:00`));
const held = (title: string, from: string, to: string): Reservation => ({ sessionId: `s-${title}`, activityId: `a-${title}`, title, startsAt: new Date(Date.parse(`${from}T09:00:00+08:00`)), endsAt: new Date(Date.parse(`${to}T17:00:00+08:00`)) });

// 12 communities; c01 was visited longest ago, c12 most recently, and c07 and c10 never.
const visits: Record<string, string> = { c01: "2027-01-05", c02: "2027-02-11", c03: "2027-03-02", c04: "2027-03-20", c05: "2027-04-08", c06: "2027-05-01", c07: "", c08: "2027-06-18", c09: "2027-07-07", c10: "", c11: "2027-08-02", c12: "2027-08-20" };
// Given shuffled, so the order of the plan comes from the rule and not from the input.
const communities: RotationCommunity[] = ["c05", "c12", "c01", "c09", "c07", "c03", "c11", "c02", "c10", "c06", "c04", "c08"].map((id) => ({ communityId: id, lastVisit: visits[id]! }));
const fairest = ["c07", "c10", "c01", "c02", "c03", "c04", "c05", "c06", "c08", "c09", "c11", "c12"];

/** The rules every plan keeps, checked independently of the planner's own check. */
function expectSound(plan: RotationPlan, reserved: readonly Reservation[]) {
  const stays = [...plan.stays].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  for (const s of stays) {
    expect(s.firstDay.startsWith(plan.month) && s.lastDay.startsWith(plan.month)).toBe(true);
    expect(day(s.lastDay) - day(s.firstDay) + 1).toBe(plan.stayDays);
  }
  for (let i = 1; i < stays.length; i++) expect(day(stays[i]!.firstDay) - day(stays[i - 1]!.lastDay) - 1).toBeGreaterThanOrEqual(plan.travelDays);
  // Never double-booked: no stay's days (with travel to and from) touch what the calendar already holds.
  for (const s of stays) {
    for (const r of reserved) {
      const [from, to] = [day(calendar.dayKey(r.startsAt)), day(calendar.dayKey(new Date(r.endsAt.getTime() - 1)))];
      expect(day(s.lastDay) + plan.travelDays < from || day(s.firstDay) > to + plan.travelDays).toBe(true);
    }
  }
}

/** Fairness: a community that had the caravan less recently never comes later, nor is left out while a more recent one got in. */
function expectFair(plan: RotationPlan) {
  const order = (id: string) => fairest.indexOf(id);
  const placed = [...plan.stays].sort((a, b) => a.firstDay.localeCompare(b.firstDay)).map((s) => order(s.communityId));
  expect(placed).toEqual([...placed].sort((a, b) => a - b));
  for (const left of plan.unplaced) for (const p of placed) expect(order(left)).toBeGreaterThan(p);
}

describe("a caravan's September rotation over 12 communities", () => {
  const cases: { name: string; rules: RotationRules; reserved: Reservation[]; placed: number; stays?: [string, string, string][] }[] = [
    {
      name: "one-day stays, one travel day: all twelve fit, every other day",
      rules: { month: "2027-09", stayDays: 1, travelDays: 1 },
      reserved: [],
      placed: 12,
      stays: fairest.map((id, i) => [id, `2027-09-${String(1 + 2 * i).padStart(2, "0")}`, `2027-09-${String(1 + 2 * i).padStart(2, "0")}`]),
    },
    {
      name: "two-day stays, one travel day: ten fit; the two visited most recently wait for October",
      rules: { month: "2027-09", stayDays: 2, travelDays: 1 },
      reserved: [],
      placed: 10,
    },
    {
      name: "a science-festival booking on 9–11 September is worked around, with travel days either side",
      rules: { month: "2027-09", stayDays: 1, travelDays: 1 },
      reserved: [held("科普日主场", "2027-09-09", "2027-09-11")],
      placed: 12,
      stays: [
        ["c07", "2027-09-01", "2027-09-01"], ["c10", "2027-09-03", "2027-09-03"], ["c01", "2027-09-05", "2027-09-05"], ["c02", "2027-09-07", "2027-09-07"],
        // 8 September is the travel day to the festival, 12 September the one back.
        ["c03", "2027-09-13", "2027-09-13"], ["c04", "2027-09-15", "2027-09-15"], ["c05", "2027-09-17", "2027-09-17"], ["c06", "2027-09-19", "2027-09-19"],
        ["c08", "2027-09-21", "2027-09-21"], ["c09", "2027-09-23", "2027-09-23"], ["c11", "2027-09-25", "2027-09-25"], ["c12", "2027-09-27", "2027-09-27"],
      ],
    },
    {
      name: "three-day stays, two travel days, two bookings: fewer fit, none collides",
      rules: { month: "2027-09", stayDays: 3, travelDays: 2 },
      reserved: [held("基地开放日", "2027-09-06", "2027-09-06"), held("国庆前展览", "2027-09-25", "2027-09-30")],
      placed: 4,
      // 1–3; then past the open day on the 6th and its travel days (from the 9th); the exhibition from the 25th keeps the last stay to the 21st.
      stays: [["c07", "2027-09-01", "2027-09-03"], ["c10", "2027-09-09", "2027-09-11"], ["c01", "2027-09-14", "2027-09-16"], ["c02", "2027-09-19", "2027-09-21"]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = proposeRotation(communities, c.reserved, c.rules);
      if (!result.ok) throw result.error;
      const plan = result.value;
      expect(plan.stays).toHaveLength(c.placed);
      expect(plan.stays.length + plan.unplaced.length).toBe(12);
      if (c.stays) expect(plan.stays.map((s) => [s.communityId, s.firstDay, s.lastDay])).toEqual(c.stays);
      expectSound(plan, c.reserved);
      expectFair(plan);
    });
  }

  it("refuses rules that cannot make a plan", () => {
    for (const rules of [{ month: "2027-13", stayDays: 1, travelDays: 0 }, { month: "2027-09", stayDays: 0, travelDays: 0 }, { month: "2027-09", stayDays: 1, travelDays: -1 }]) {
      const result = proposeRotation(communities, [], rules);
      expect(result.ok ? undefined : result.error.code).toBe("BAD_ROTATION_RULES");
    }
  });
});

describe("editing a plan", () => {
  const reserved = [held("科普日主场", "2027-09-20", "2027-09-20")];
  const proposed = proposeRotation(communities.slice(0, 4), reserved, { month: "2027-09", stayDays: 2, travelDays: 1 });
  if (!proposed.ok) throw proposed.error;
  const plan = proposed.value; // c01 1–2, c05 4–5, c09 7–8, c12 10–11 (September)

  const cases: { name: string; edit: Parameters<typeof editRotation>[1]; code?: string; stays?: string[] }[] = [
    { name: "moving a stay to a free time keeps its length", edit: { kind: "move", communityId: "c12", firstDay: "2027-09-14" }, stays: ["c01 09-01..09-02", "c05 09-04..09-05", "c09 09-07..09-08", "c12 09-14..09-15"] },
    { name: "moving a stay onto a booking is refused, naming it", edit: { kind: "move", communityId: "c12", firstDay: "2027-09-19" }, code: "RESOURCE_BUSY" },
    { name: "moving a stay onto a booking's travel day is refused", edit: { kind: "move", communityId: "c12", firstDay: "2027-09-21" }, code: "RESOURCE_BUSY" },
    { name: "moving a stay without a travel day before the next is refused", edit: { kind: "move", communityId: "c01", firstDay: "2027-09-02" }, code: "TRAVEL_DAYS_TOO_FEW" },
    { name: "moving a stay past the month's end is refused", edit: { kind: "move", communityId: "c12", firstDay: "2027-09-30" }, code: "STAY_OUTSIDE_MONTH" },
    { name: "a day that does not exist is refused", edit: { kind: "move", communityId: "c12", firstDay: "2027-09-31" }, code: "BAD_DAY" },
    { name: "removing a stay frees its days and puts the community back in line", edit: { kind: "remove", communityId: "c05" }, stays: ["c01 09-01..09-02", "c09 09-07..09-08", "c12 09-10..09-11"] },
    { name: "a community not in the plan cannot be edited", edit: { kind: "remove", communityId: "c99" }, code: "STAY_NOT_FOUND" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = editRotation(plan, c.edit, reserved);
      if (c.code) {
        expect(result.ok ? "accepted" : result.error.code).toBe(c.code);
        return;
      }
      if (!result.ok) throw result.error;
      expect(result.value.stays.map((s) => `${s.communityId} ${s.firstDay.slice(5)}..${s.lastDay.slice(5)}`)).toEqual(c.stays);
      expectSound(result.value, reserved);
      if (c.edit.kind === "remove") expect(result.value.unplaced).toContain(c.edit.communityId);
    });
  }

  it("names the booking a stay would collide with", () => {
    const result = editRotation(plan, { kind: "move", communityId: "c12", firstDay: "2027-09-19" }, reserved);
    expect(result.ok ? "" : result.error.zh).toContain("科普日主场");
  });

  it("holds whole Beijing days on the calendar, one reservation per stay", () => {
    const [first] = stayReservations("caravan-1", plan);
    expect(first).toMatchObject({ sessionId: "rot:caravan-1:2027-09:c01", startsAt: beijingMidnight("2027-09-01"), endsAt: beijingMidnight("2027-09-03") });
  });
});
