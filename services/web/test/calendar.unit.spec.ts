import { describe, expect, it } from "vitest";
import { byDay, conflictWords, fairnessReason, fairOrder, lastVisits, monthDays, moveStay, planRows, shiftMonth, stayCommunity, timeSpan, withNames, type Plan, type Reservation } from "../src/domain/calendar";

const talk: Reservation = { sessionId: "act-o1-s1", activityId: "act-o1", title: "星空观测夜", startsAt: "2027-09-05T02:00:00Z", endsAt: "2027-09-05T03:30:00Z" };
// A stay of 2 days: 00:00 Beijing on the 7th (16:00 UTC the 6th) to 24:00 on the 8th.
const stay: Reservation = { sessionId: "rot:res-car:2027-09:sz-futian-yuanling-c1", activityId: "", title: "驻留 sz-futian-yuanling-c1 / stay at sz-futian-yuanling-c1", startsAt: "2027-09-06T16:00:00Z", endsAt: "2027-09-08T16:00:00Z" };

describe("a month of a resource's calendar", () => {
  it("has its days, leap years and year ends included", () => {
    expect(monthDays("2027-09")).toHaveLength(30);
    expect(monthDays("2028-02").at(-1)).toBe("2028-02-29");
    expect(shiftMonth("2027-12", 1)).toBe("2028-01");
    expect(shiftMonth("2027-01", -1)).toBe("2026-12");
  });

  it("puts a session on its Beijing day and a stay on every day it holds, not the day it ends at 00:00", () => {
    const late: Reservation = { ...talk, sessionId: "s-late", title: "夜场", startsAt: "2027-09-05T15:30:00Z", endsAt: "2027-09-05T16:00:00Z" }; // 23:30–24:00 Beijing
    const days = byDay([late, talk, stay], "2027-09");
    expect(days.get("2027-09-05")!.map((r) => r.title)).toEqual(["星空观测夜", "夜场"]);
    expect(days.get("2027-09-06")).toEqual([]);
    expect([...days].filter(([, rs]) => rs.includes(stay)).map(([d]) => d)).toEqual(["2027-09-07", "2027-09-08"]);
    expect(timeSpan(talk, "zh")).toBe("10:00–11:30");
    expect(timeSpan(stay, "zh")).toBe("全天");
  });

  it("knows a rotation's stay by its session, and an activity's session is none", () => {
    expect(stayCommunity(stay)).toBe("sz-futian-yuanling-c1");
    expect(stayCommunity(talk)).toBe("");
  });
});

describe("a rotation plan", () => {
  const plan: Plan = { month: "2027-09", stayDays: 2, travelDays: 1, saved: false, unplaced: [], stays: [{ communityId: "c3", firstDay: "2027-09-01", lastDay: "2027-09-02" }, { communityId: "c1", firstDay: "2027-09-07", lastDay: "2027-09-08" }, { communityId: "c2", firstDay: "2027-09-04", lastDay: "2027-09-05" }] };

  it("reads as stays by date with the travel days between them, each with its turn", () => {
    const rows = planRows(plan, ["c3", "c2", "c1"]);
    expect(rows).toEqual([
      { kind: "stay", communityId: "c3", firstDay: "2027-09-01", lastDay: "2027-09-02", days: 2, rank: 1 },
      { kind: "travel", firstDay: "2027-09-03", lastDay: "2027-09-03", days: 1 },
      { kind: "stay", communityId: "c2", firstDay: "2027-09-04", lastDay: "2027-09-05", days: 2, rank: 2 },
      { kind: "travel", firstDay: "2027-09-06", lastDay: "2027-09-06", days: 1 },
      { kind: "stay", communityId: "c1", firstDay: "2027-09-07", lastDay: "2027-09-08", days: 2, rank: 3 },
    ]);
  });

  it("moves a stay keeping its length, in date order", () => {
    const moved = moveStay(plan, "c3", "2027-09-20");
    expect(moved.stays.map((s) => `${s.communityId} ${s.firstDay}–${s.lastDay}`)).toEqual(["c2 2027-09-04–2027-09-05", "c1 2027-09-07–2027-09-08", "c3 2027-09-20–2027-09-21"]);
  });

  it("puts the least recently visited first, never visited before all (the events service's rule), and says why", () => {
    expect(fairOrder([{ communityId: "b", lastVisit: "2027-06-01" }, { communityId: "a", lastVisit: "2027-08-01" }, { communityId: "c", lastVisit: "" }])).toEqual(["c", "b", "a"]);
    expect(fairnessReason(1, "", "zh")).toBe("第 1 位：从未驻留（最久未到的社区优先）");
    expect(fairnessReason(2, "2027-06-01", "en")).toBe("Turn 2: last stay 2027-06-01 (least recently visited first)");
    expect(lastVisits([{ stays: [{ communityId: "a", firstDay: "2027-07-01", lastDay: "2027-07-02" }] }, { stays: [{ communityId: "a", firstDay: "2027-08-10", lastDay: "2027-08-11" }] }])).toEqual({ a: "2027-08-11" });
  });
});

describe("the API's words, with names", () => {
  it("replaces ids by names, the longer id first", () => {
    const names = { "sz-futian-yuanling-c1": "红荔社区", "sz-futian-yuanling-c10": "园东社区" };
    expect(withNames("社区 sz-futian-yuanling-c10（至 2027-09-08）与社区 sz-futian-yuanling-c1 之间须留 1 天路途", names)).toBe("社区 园东社区（至 2027-09-08）与社区 红荔社区 之间须留 1 天路途");
  });

  it("names the resource, the activity in the way and its Beijing time before 派单", () => {
    const zh = conflictWords({ resourceName: "福田天文台报告厅", title: "星空观测夜（第一场）", startsAt: talk.startsAt, endsAt: talk.endsAt }, "zh");
    expect(zh).toBe("「福田天文台报告厅」在北京时间 2027-09-05 10:00–11:30 已被「星空观测夜（第一场）」占用：这时派单，队伍接单后活动将无法排期。请先与居民另约时间。");
    expect(conflictWords({ resourceName: "", title: "X", startsAt: talk.startsAt }, "en")).toContain("“a resource it uses” is held 2027-09-05 10:00");
  });
});
