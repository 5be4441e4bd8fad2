// 科普教育学分: what a check-in earns, as a table (services/events/src/domain/credits.ts).
import { describe, expect, it } from "vitest";
import { creditsFor, decideCredit, ruleFor, validateStudent, type CreditFacts, type CreditRule, type Student } from "../src/domain/credits.js";

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
