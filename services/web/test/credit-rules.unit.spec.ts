// The credit rules page's pure part (src/domain/credit-rules.ts): rules in words (names, never codes),
// the server's checks in the browser, and the whole set a change sends.
import { describe, expect, it } from "vitest";
import { bodyOf, draftOf, keepsCreditRules, ruleProblem, ruleWords, scopeWords, withoutRule, withRule, type RuleDraft } from "../src/domain/credit-rules";

const rule = (r: Partial<RuleDraft>): RuleDraft => ({ campaignId: "", theme: "", format: "", hoursPerCredit: 1, capPerActivity: 3, ...r });
const names = (id: string) => ({ "cmp-1": "福田少年科学节" })[id] ?? "";

describe("credit rules in words", () => {
  it("names the campaign, theme and format, or every activity", () => {
    expect(scopeWords(rule({ campaignId: "cmp-1", theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK" }), names, "zh")).toBe("福田少年科学节 · 卫生健康 · 专家讲座");
    expect(scopeWords(rule({ theme: "THEME_HEALTH" }), names, "en")).toBe("Health");
    expect(scopeWords(rule({}), names, "zh")).toBe("所有活动");
    expect(scopeWords(rule({}), names, "en")).toBe("Every activity");
    expect(ruleWords({ hoursPerCredit: 2, capPerActivity: 2 }, "zh")).toBe("每 2 小时 1 学分，每次活动至多 2 学分");
    expect(ruleWords({ hoursPerCredit: 1.5, capPerActivity: 3 }, "en")).toBe("1 credit per 1.5 h, at most 3 per activity");
  });

  it("reads the API's unspecified enums as any, and sends any as nothing", () => {
    const listed = draftOf({ campaignId: "", theme: "THEME_UNSPECIFIED", format: "FORMAT_HANDS_ON", hoursPerCredit: 1, capPerActivity: 2 });
    expect(listed).toEqual({ campaignId: "", theme: "", format: "FORMAT_HANDS_ON", hoursPerCredit: 1, capPerActivity: 2 });
    expect(bodyOf(listed)).toEqual({ format: "FORMAT_HANDS_ON", hoursPerCredit: 1, capPerActivity: 2 });
    expect(bodyOf(rule({ campaignId: "cmp-1", theme: "THEME_HEALTH" }))).toEqual({ campaignId: "cmp-1", theme: "THEME_HEALTH", hoursPerCredit: 1, capPerActivity: 3 });
  });
});

describe("a rule checked in the browser as the events service checks it", () => {
  it.each([
    ["hours per credit 0", rule({ hoursPerCredit: 0 }), "每学分所需小时数须大于 0 且不超过 24"],
    ["hours per credit 25", rule({ hoursPerCredit: 25 }), "每学分所需小时数须大于 0 且不超过 24"],
    ["a cap of 0", rule({ capPerActivity: 0 }), "每次活动学分上限须大于 0 且不超过 10"],
    ["a cap of 11", rule({ capPerActivity: 11 }), "每次活动学分上限须大于 0 且不超过 10"],
    ["the same scope as another rule", rule({ theme: "THEME_HEALTH" }), "已有适用范围相同"],
  ])("refuses %s", (_what, given, zh) => {
    expect(ruleProblem(given, [rule({ theme: "THEME_HEALTH", hoursPerCredit: 2 })], "zh")).toContain(zh);
    expect(ruleProblem(given, [rule({ theme: "THEME_HEALTH", hoursPerCredit: 2 })], "en")).not.toBe("");
  });
  it("takes a good rule, and the edited one is not its own duplicate; at most 50", () => {
    const set = [rule({ theme: "THEME_HEALTH" }), rule({ campaignId: "cmp-1" })];
    expect(ruleProblem(rule({ format: "FORMAT_ONLINE", hoursPerCredit: 0.5, capPerActivity: 10 }), set, "zh")).toBe("");
    expect(ruleProblem(rule({ theme: "THEME_HEALTH", hoursPerCredit: 4 }), withoutRule(set, 0), "zh")).toBe("");
    const full = Array.from({ length: 50 }, (_, i) => rule({ hoursPerCredit: 1 + i / 100, campaignId: `cmp-${i + 10}` }));
    expect(ruleProblem(rule({ theme: "THEME_WATER" }), full, "zh")).toBe("学分规则至多 50 条");
  });
  it("adds, replaces and removes a rule of the whole set", () => {
    const set = [rule({ theme: "THEME_HEALTH" })];
    expect(withRule(set, -1, rule({ format: "FORMAT_ONLINE" }))).toHaveLength(2);
    expect(withRule(set, 0, rule({ theme: "THEME_WATER" }))).toEqual([rule({ theme: "THEME_WATER" })]);
    expect(withoutRule(set, 0)).toEqual([]);
  });
  it("is for the city and district associations and admins", () => {
    expect(["DISTRICT_STAFF", "CITY_STAFF", "ADMIN"].every(keepsCreditRules)).toBe(true);
    expect(["COMMUNITY_WORKER", "STREET_STAFF", "RESIDENT", "TEAM_LEADER"].some(keepsCreditRules)).toBe(false);
  });
});
