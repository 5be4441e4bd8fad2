import { describe, expect, it } from "vitest";
import { breakdown, computeFigures, duration, type Facts, type OrderFact } from "../src/domain/figures.js";
import { label, themeName } from "../src/domain/labels.js";

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
    { activityId: "a1", theme: 3, audience: 2, format: 1, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1", campaignId: "kepu-month-2026", startsAt: h(40), sessions: 2, status: "COMPLETED", participants: 30, uniqueParticipants: 25, checkIns: 20, residents: [], serviceHours: 6 },
  ],
  menu: [{ itemId: "m1", theme: 3, path: [], withdrawn: false }, { itemId: "m2", theme: 8, path: [], withdrawn: true }],
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
    expect([f.activities, f.sessions, f.participants, f.uniqueParticipants, f.serviceHours]).toEqual([1, 2, 30, 25, 6]);
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
