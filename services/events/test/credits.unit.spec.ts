// 科普教育学分: what a check-in earns, as a table (services/events/src/domain/credits.ts).
import { describe, expect, it } from "vitest";
import { applicableRules, creditsFor, decideCredit, defaultCreditRules, ruleFor, validateCreditRules, validateStudent, type CreditFacts, type CreditRule, type CreditRuleSet, type Student } from "../src/domain/credits.js";

const student: Student = { studentId: "res-1", name: "王小明", schoolId: "sz-futian-school-1", schoolName: "福田实验小学", schoolPath: ["sz", "sz-futian", "sz-futian-school-1"], grade: "五年级", guardianId: "" };
const at = (iso: string) => new Date(iso);
const base: CreditFacts = {
  activity: { activityId: "act-1", title: "天文观测夜", forCredit: true, campaignId: "", theme: 1, format: 1 },
  session: { startsAt: at("2027-09-05T01:00:00Z"), endsAt: at("2027-09-05T04:00:00Z") },
  booking: { bookingId: "bk-1", residentId: "res-1", status: "CHECKED_IN" },
  student,
  existing: undefined,
  confirmedBy: "worker",
  now: at("2027-09-05T02:00:00Z"),
};
const facts = (change: Partial<CreditFacts>): CreditFacts => ({ ...base, ...change });
const rules: CreditRule[] = [
  { campaignId: "", theme: 0, format: 0, hoursPerCredit: 2, capPerActivity: 2 },
  { campaignId: "", theme: 3, format: 0, hoursPerCredit: 1, capPerActivity: 1 },
  { campaignId: "cmp-kepu-month", theme: 0, format: 0, hoursPerCredit: 1, capPerActivity: 4 },
];

describe("a check-in's credit", () => {
  const first = decideCredit(base, rules)!;
  it.each([
    ["a confirmed attendance at a for-credit activity: 3 hours at 1 per 2 hours", base, { hours: 3, credits: 1.5 }],
    ["no check-in (only booked): none", facts({ booking: { ...base.booking, status: "SEATED" } }), undefined],
    ["an activity not marked for credit: none", facts({ activity: { ...base.activity, forCredit: false } }), undefined],
    ["a resident who is not a student: none", facts({ student: undefined }), undefined],
    ["the cap per activity: 8 hours give 2, not 4", facts({ session: { startsAt: at("2027-09-05T00:00:00Z"), endsAt: at("2027-09-05T08:00:00Z") } }), { hours: 8, credits: 2 }],
    ["the theme's rule: 1 per hour, at most 1", facts({ activity: { ...base.activity, theme: 3 } }), { hours: 3, credits: 1 }],
    ["the campaign's rule comes before the theme's: 1 per hour, at most 4", facts({ activity: { ...base.activity, theme: 3, campaignId: "cmp-kepu-month" } }), { hours: 3, credits: 3 }],
    ["the same check-in twice: the record is there, no second one", facts({ existing: first }), undefined],
  ])("%s", (_what, given, expected) => {
    const credit = decideCredit(given, rules);
    if (expected === undefined) expect(credit).toBeUndefined();
    else expect(credit).toMatchObject({ ...expected, creditId: "act-1:res-1", studentId: "res-1", schoolId: "sz-futian-school-1", activityId: "act-1", confirmedBy: "worker", confirmedAt: base.now });
  });

  it("counts credits in halves rounded down, none without a rule", () => {
    expect(creditsFor(0.9, rules[0]!)).toBe(0);
    expect(creditsFor(1, rules[0]!)).toBe(0.5);
    expect(creditsFor(2.9, rules[0]!)).toBe(1);
    expect(ruleFor(rules.slice(1), { campaignId: "", theme: 1, format: 1 })).toBeUndefined();
    expect(decideCredit(base, [])).toBeUndefined();
  });

  it("takes a student with a name, a school and a grade", () => {
    expect(validateStudent({ name: " 王小明 ", schoolId: "s1", schoolName: "福田实验小学", schoolPath: ["s1"], grade: "五年级" })).toMatchObject({ ok: true, value: { name: "王小明" } });
    for (const bad of [{ name: "" }, { schoolId: "" }, { grade: "" }]) {
      const result = validateStudent({ name: "王小明", schoolId: "s1", schoolName: "", schoolPath: [], grade: "五年级", ...bad });
      expect(result.ok).toBe(false);
    }
  });
});

// Stored rule sets: the city's apply city-wide, a district's in its district; most specific rule first,
// the deeper owner first among equals, the built-in default where nothing fits.
const setOf = (ownerPath: string[], rules: Partial<CreditRule>[]): CreditRuleSet => ({
  ownerOrgId: ownerPath.at(-1)!,
  ownerPath,
  rules: rules.map((r) => ({ campaignId: "", theme: 0, format: 0, hoursPerCredit: 1, capPerActivity: 3, ...r })),
  version: 1,
  changedBy: "x",
  changedAt: at("2027-09-01T00:00:00Z"),
});
const cityGeneral = setOf(["sz"], [{ hoursPerCredit: 3, capPerActivity: 1 }]);
const futian = setOf(["sz", "sz-futian"], [{ campaignId: "cmp-futian", hoursPerCredit: 1, capPerActivity: 3 }, { theme: 3, hoursPerCredit: 0.5, capPerActivity: 5 }]);
const cityTheme = setOf(["sz"], [{ theme: 3, hoursPerCredit: 1, capPerActivity: 1 }]);
const inFutian = ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-c1"];
const inLuohu = ["sz", "sz-luohu", "sz-luohu-s", "sz-luohu-s-c"];

describe("stored credit rules at a check-in (3 hours)", () => {
  it.each([
    ["nothing stored: the built-in default, 1 per 2 hours → 1.5", [], inFutian, {}, 1.5],
    ["the district's campaign rule in its district: 1 per hour, cap 3 → 3", [futian], inFutian, { campaignId: "cmp-futian" }, 3],
    ["an activity outside that campaign in the district: the default → 1.5", [futian], inFutian, {}, 1.5],
    ["the district's rule does not reach another district: the default → 1.5", [futian], inLuohu, { campaignId: "cmp-futian" }, 1.5],
    ["the city's general rule reaches every district: 1 per 3 hours, cap 1 → 1", [cityGeneral], inLuohu, {}, 1],
    ["the district's campaign rule before the city's general one → 3", [cityGeneral, futian], inFutian, { campaignId: "cmp-futian" }, 3],
    ["the district's theme rule before the city's for the same theme: 1 per half hour, cap 5 → 5", [cityTheme, futian], inFutian, { theme: 3 }, 5],
    ["the city's theme rule where the district has none → 1", [cityTheme, futian], inLuohu, { theme: 3 }, 1],
    ["a campaign rule before a theme rule → 3", [futian], inFutian, { campaignId: "cmp-futian", theme: 3 }, 3],
  ])("%s", (_what, sets: CreditRuleSet[], path: string[], activity: Partial<CreditFacts["activity"]>, credits: number) => {
    const credit = decideCredit(facts({ activity: { ...base.activity, theme: 1, ...activity } }), applicableRules(sets, path));
    expect(credit?.credits).toBe(credits);
  });

  it("ends with the built-in default, whatever is stored", () => {
    expect(applicableRules([futian], inFutian).at(-1)).toEqual(defaultCreditRules[0]);
    expect(applicableRules([], inLuohu)).toEqual(defaultCreditRules);
  });
});

describe("a rule set as given", () => {
  const known = { campaignIds: new Set(["cmp-futian"]), themes: new Set([1, 2, 3]), formats: new Set([1, 2]) };
  const rule = (r: Partial<CreditRule>): CreditRule => ({ campaignId: "", theme: 0, format: 0, hoursPerCredit: 1, capPerActivity: 3, ...r });
  it("takes positive numbers within bounds, a known campaign, catalog themes and formats", () => {
    const result = validateCreditRules([rule({ campaignId: "cmp-futian" }), rule({ theme: 3, format: 2, hoursPerCredit: 0.5, capPerActivity: 10 }), rule({})], known);
    expect(result).toMatchObject({ ok: true, value: { length: 3 } });
    expect(validateCreditRules([], known)).toMatchObject({ ok: true, value: [] });
  });
  it.each([
    ["hours per credit 0", rule({ hoursPerCredit: 0 }), "BAD_HOURS_PER_CREDIT", "每学分所需小时数"],
    ["hours per credit negative", rule({ hoursPerCredit: -1 }), "BAD_HOURS_PER_CREDIT", "每学分所需小时数"],
    ["hours per credit over a day", rule({ hoursPerCredit: 25 }), "BAD_HOURS_PER_CREDIT", "不超过 24"],
    ["a cap of 0", rule({ capPerActivity: 0 }), "BAD_CREDIT_CAP", "学分上限"],
    ["a cap over 10", rule({ capPerActivity: 11 }), "BAD_CREDIT_CAP", "不超过 10"],
    ["a cap that is not a number", rule({ capPerActivity: Number.NaN }), "BAD_CREDIT_CAP", "学分上限"],
    ["an unknown campaign", rule({ campaignId: "cmp-none" }), "CREDIT_RULE_CAMPAIGN_UNKNOWN", "活动节点 cmp-none 不存在"],
    ["an unknown theme", rule({ theme: 99 }), "CREDIT_RULE_THEME_UNKNOWN", "主题"],
    ["an unknown format", rule({ format: 99 }), "CREDIT_RULE_FORMAT_UNKNOWN", "形式"],
  ])("refuses %s, in Chinese first and English", (_what, bad, code, zh) => {
    const result = validateCreditRules([rule({ theme: 1 }), bad], known);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.zh).toContain("第 2 条规则");
    expect(result.error.zh).toContain(zh);
    expect(result.error.en).toMatch(/^Rule 2: /);
  });
  it("refuses two rules for the same campaign, theme and format, and more than 50", () => {
    expect(validateCreditRules([rule({ theme: 2 }), rule({ theme: 2, hoursPerCredit: 3 })], known)).toMatchObject({ ok: false, error: { code: "CREDIT_RULE_DUPLICATE" } });
    expect(validateCreditRules(Array.from({ length: 51 }, (_, i) => rule({ hoursPerCredit: 1 + i / 100 })), known)).toMatchObject({ ok: false, error: { code: "TOO_MANY_CREDIT_RULES" } });
  });
});
