import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import type { ActivityFact } from "../src/domain/figures.js";
import { planProgress } from "../src/domain/plan-progress.js";

const HEALTH = 5;
const DIGITAL = 3;
const beijing = calendarIn("Asia/Shanghai");
const hongli = ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"];
const nantou = ["sz", "sz-nanshan", "sz-nanshan-nantou", "sz-nanshan-nantou-c1"];

let n = 0;
const activity = (over: Partial<ActivityFact> & { at: string; path?: string[] }): ActivityFact => {
  const path = over.path ?? hongli;
  return {
    activityId: `a${++n}`,
    theme: HEALTH,
    audience: 0,
    format: 0,
    path,
    districtId: path[1]!,
    streetId: path[2]!,
    communityId: path[3]!,
    campaignId: "",
    startsAt: new Date(over.at),
    sessions: 1,
    status: "COMPLETED",
    participants: 10,
    residents: [],
    serviceHours: 0,
    ...over,
  };
};

describe("plan against done: completed activities per community × theme × Beijing month", () => {
  it("counts completed activities only, by community, theme and month", () => {
    const facts = [
      activity({ at: "2026-09-10T10:00:00+08:00" }),
      activity({ at: "2026-09-20T10:00:00+08:00" }),
      activity({ at: "2026-09-21T10:00:00+08:00", theme: DIGITAL }),
      activity({ at: "2026-05-01T10:00:00+08:00" }),
      activity({ at: "2026-09-22T10:00:00+08:00", status: "PUBLISHED" }),
      activity({ at: "2026-09-23T10:00:00+08:00", status: "CANCELLED" }),
      activity({ at: "2026-09-24T10:00:00+08:00", path: nantou }),
    ];
    expect(planProgress(facts, "", 2026, beijing)).toEqual([
      { communityId: "sz-futian-yuanling-hongli", streetId: "sz-futian-yuanling", districtId: "sz-futian", theme: DIGITAL, month: 9, done: 1 },
      { communityId: "sz-futian-yuanling-hongli", streetId: "sz-futian-yuanling", districtId: "sz-futian", theme: HEALTH, month: 5, done: 1 },
      { communityId: "sz-futian-yuanling-hongli", streetId: "sz-futian-yuanling", districtId: "sz-futian", theme: HEALTH, month: 9, done: 2 },
      { communityId: "sz-nanshan-nantou-c1", streetId: "sz-nanshan-nantou", districtId: "sz-nanshan", theme: HEALTH, month: 9, done: 1 },
    ]);
  });

  it("keeps to the org's subtree", () => {
    const facts = [activity({ at: "2026-09-10T10:00:00+08:00" }), activity({ at: "2026-09-10T10:00:00+08:00", path: nantou })];
    expect(planProgress(facts, "sz-futian", 2026, beijing).map((r) => r.communityId)).toEqual(["sz-futian-yuanling-hongli"]);
    expect(planProgress(facts, "sz-futian-yuanling-hongli", 2026, beijing)).toHaveLength(1);
    expect(planProgress(facts, "sz-luohu", 2026, beijing)).toEqual([]);
  });

  it("puts an activity in the Beijing month and year it was held (00:30 on 1 January is January's, not December's)", () => {
    const facts = [activity({ at: "2026-12-31T16:30:00Z" }), activity({ at: "2026-10-31T23:00:00+08:00" })];
    expect(planProgress(facts, "", 2027, beijing)).toMatchObject([{ month: 1, done: 1 }]);
    expect(planProgress(facts, "", 2026, beijing)).toMatchObject([{ month: 10, done: 1 }]);
  });
});
