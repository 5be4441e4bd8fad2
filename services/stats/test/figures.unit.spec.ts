import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { breakdown, computeFigures, duration, people, visits, walkIns, type ActivityFact, type Facts, type OrderFact } from "../src/domain/figures.js";
import { label, themeName } from "../src/domain/labels.js";

const residents = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `r${from + i}`);
const h = (hours: number) => new Date(Date.UTC(2026, 8, 1) + hours * 3_600_000);
const order = (id: string, extra: Partial<OrderFact>): OrderFact => ({
  orderId: id, status: "SUBMITTED", theme: 3, audience: 2, format: 1, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1", campaignId: "", submittedAt: h(0), declines: 0, escalations: 0, ...extra,
});

const facts: Facts = {
  orders: [
    order("o1", { status: "RATED", dispatchedAt: h(1), acceptedAt: h(3), deliveredAt: h(48) }),
    order("o2", { status: "DELIVERED", dispatchedAt: h(2), acceptedAt: h(5), deliveredAt: h(72), declines: 1 }),
    order("o3", { status: "CANCELLED" }),
    order("o4", { status: "POOLED", escalations: 1, path: ["sz", "sz-nanshan", "sz-nanshan-s1", "sz-nanshan-s1-c1"], districtId: "sz-nanshan", streetId: "sz-nanshan-s1", communityId: "sz-nanshan-s1-c1", theme: 8 }),
  ],
  activities: [
    { activityId: "a1", theme: 3, audience: 2, format: 1, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1", campaignId: "kepu-month-2026", startsAt: h(40), sessions: 2, status: "COMPLETED", participants: 30, residents: [...residents(18), "r1", "r2"], serviceHours: 6 },
  ],
  menu: [{ itemId: "m1", theme: 3, areaOrgId: "", withdrawn: false }, { itemId: "m2", theme: 8, areaOrgId: "", withdrawn: true }],
  communities: [
    { orgId: "sz-futian-s1-c1", kind: 4, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"] },
    { orgId: "sz-futian-s1-c2", kind: 4, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c2"] },
    { orgId: "sz-nanshan-s1-c1", kind: 4, path: ["sz", "sz-nanshan", "sz-nanshan-s1", "sz-nanshan-s1-c1"] },
  ],
};
const all = { orgId: "", theme: 0, audience: 0, format: 0, campaignId: "" };

describe("figures", () => {
  it("takes medians and 90th percentiles of stage times in hours", () => {
    expect(duration(facts.orders, (o) => o.submittedAt, (o) => o.dispatchedAt)).toEqual({ medianHours: 1, p90Hours: 2, count: 2 });
  });

  it("counts orders by status, rates, activities, people, hours, coverage, demand and supply", () => {
    const f = computeFigures(facts, all, themeName);
    expect(f.ordersByStatus).toEqual({ RATED: 1, DELIVERED: 1, CANCELLED: 1, POOLED: 1 });
    expect(f.declineRate).toBe(0.5);
    expect(f.timeoutRate).toBe(0.25);
    expect(f.completionRate).toBe(0.6667);
    // 20 check-ins by 18 residents (two came to both sessions) and 10 walk-ins: 30 visits, 28 people
    expect([f.activities, f.sessions, f.participants, f.uniqueParticipants, f.serviceHours]).toEqual([1, 2, 30, 28, 6]);
    expect([f.communities, f.communitiesWithActivity, f.coverage]).toEqual([3, 1, 0.3333]);
    expect(f.demandByTheme).toEqual({ "智慧生活/数字素养": 3, 人工智能: 1 });
    expect(f.supplyByTheme).toEqual({ "智慧生活/数字素养": 1 });
    expect(f.unmetByCommunity).toEqual({ "sz-nanshan-s1-c1": 1 });
  });

  it("narrows to an org subtree and a period", () => {
    const nanshan = computeFigures(facts, { ...all, orgId: "sz-nanshan" }, themeName);
    expect([nanshan.orders, nanshan.activities, nanshan.communities]).toEqual([1, 0, 1]);
    const late = computeFigures(facts, { ...all, from: h(41) }, themeName);
    expect(late.activities).toBe(0);
  });

  it("breaks figures down by district, theme label and month", () => {
    expect(breakdown(facts, all, "district", label).map((r) => [r.key, r.orders, r.delivered, r.participants])).toEqual([
      ["sz-futian", 3, 2, 30],
      ["sz-nanshan", 1, 0, 0],
    ]);
    expect(breakdown(facts, all, "theme", label).map((r) => r.key)).toEqual(["人工智能", "智慧生活/数字素养"]);
    expect(breakdown(facts, all, "month", label).map((r) => r.key)).toEqual(["2026-09"]);
  });
});

const futianC1 = { path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1" };
const futianC2 = { path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c2"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c2" };
const activity = (id: string, extra: Partial<ActivityFact>): ActivityFact => ({
  activityId: id, theme: 3, audience: 2, format: 1, ...futianC1, campaignId: "", startsAt: h(40), sessions: 1, status: "SCHEDULED", participants: 0, residents: [], serviceHours: 0, ...extra,
});
const only = (activities: ActivityFact[]): Facts => ({ orders: [], activities, menu: [], communities: [] });

describe("honest counts: 参与人次 are visits, 参与人数 distinct people", () => {
  // activity, visits, walk-ins
  it.each([
    ["scheduled, three check-ins", activity("a", { residents: ["r1", "r2", "r1"] }), 3, 0],
    ["completed with the check-ins only", activity("a", { status: "COMPLETED", participants: 3, residents: ["r1", "r2", "r1"] }), 3, 0],
    ["completed with 5 walk-ins", activity("a", { status: "COMPLETED", participants: 8, residents: ["r1", "r2", "r1"] }), 8, 5],
    ["completed, nobody checked in, 12 walk-ins", activity("a", { status: "COMPLETED", participants: 12 }), 12, 12],
    ["a scheduled activity has no walk-ins yet", activity("a", { participants: 9, residents: ["r1"] }), 1, 0],
  ])("%s: %i visits, %i walk-ins", (_what, a, v, w) => {
    expect([visits(a), walkIns(a)]).toEqual([v, w]);
  });

  const three = [
    activity("a1", { status: "COMPLETED", participants: 3, residents: ["r1", "r2", "r3"] }),
    activity("a2", { status: "COMPLETED", participants: 4, residents: ["r1", "r4"], ...futianC2 }), // and 2 walk-ins
    activity("a3", { residents: ["r1", "r2"], startsAt: h(24 * 40) }),
  ];

  it("counts a resident at three activities once in the slice that holds all three", () => {
    expect(people(three)).toBe(4 + 2);
    const f = computeFigures(only(three), all, themeName);
    expect([f.participants, f.uniqueParticipants]).toEqual([3 + 4 + 2, 6]); // was 9 people: each activity's own count added up
    const [futian] = breakdown(only(three), all, "district", label);
    expect([futian!.key, futian!.participants, futian!.uniqueParticipants]).toEqual(["sz-futian", 9, 6]);
  });

  it("counts people distinct within each row of a breakdown, so rows need not add up to the slice", () => {
    expect(breakdown(only(three), all, "community", label).map((r) => [r.key, r.participants, r.uniqueParticipants])).toEqual([
      ["sz-futian-s1-c1", 5, 3],
      ["sz-futian-s1-c2", 4, 4],
    ]);
    expect(breakdown(only(three), all, "month", label).map((r) => [r.key, r.uniqueParticipants])).toEqual([
      ["2026-09", 6],
      ["2026-10", 2],
    ]);
    expect(computeFigures(only(three), { ...all, to: h(24 * 30) }, themeName).uniqueParticipants).toBe(6); // a1 and a2: r1..r4 and 2 walk-ins
  });
});

describe("Beijing periods", () => {
  const beijing = calendarIn("Asia/Shanghai");
  const halfPastMidnight = new Date("2027-09-28T00:30+08:00"); // 2027-09-27T16:30Z
  const newYear = new Date("2027-01-01T00:30+08:00"); // 2026-12-31T16:30Z
  const facts: Facts = {
    ...only([activity("late", { startsAt: halfPastMidnight, residents: ["r1"] }), activity("ny", { startsAt: newYear, residents: ["r2"] })]),
    orders: [order("o-ny", { submittedAt: newYear })],
  };

  // dimension, keys
  it.each([
    ["day", ["2027-01-01", "2027-09-28"]],
    ["week", ["2026-W53", "2027-W39"]],
    ["month", ["2027-01", "2027-09"]],
    ["year", ["2027"]],
  ] as const)("puts an activity and an order at 00:30 Beijing on their Beijing %s", (dimension, keys) => {
    const rows = breakdown(facts, all, dimension, label, beijing);
    expect(rows.map((r) => r.key)).toEqual(keys);
    expect(rows.reduce((sum, r) => sum + r.activities, 0)).toBe(2);
    expect(rows.find((r) => r.key === keys[0])!.orders).toBe(1);
  });

  it("takes a Beijing day as the slice from 00:00 to 24:00 Beijing", () => {
    const day = beijing.window({ year: 2027, month: 9, day: 28 }, { year: 2027, month: 9, day: 28 });
    expect(computeFigures(facts, { ...all, ...day }, themeName).activities).toBe(1);
    const dayBefore = beijing.window({ year: 2027, month: 9, day: 27 }, { year: 2027, month: 9, day: 27 });
    expect(computeFigures(facts, { ...all, ...dayBefore }, themeName).activities).toBe(0);
  });

  it("slices by another zone's days when the deployment names one", () => {
    expect(breakdown(facts, all, "day", label, calendarIn("Europe/Berlin")).map((r) => r.key)).toEqual(["2026-12-31", "2027-09-27"]);
  });
});
