// 科普教育学分 (the Shenzhen 2023 work points' 科普教育学分制): a student's attendance at an activity
// its organizer marked 计学分, confirmed by the organizer's check-in, becomes one credit record.
// Pure rules: which credit rule applies (per campaign, then per activity type: theme/format) and
// what a check-in earns.
import { fail, kepuError, ok, type Result } from "@kepu/errors";

/** Hours → credits: one credit per `hoursPerCredit` hours, at most `capPerActivity` for one activity. */
export interface CreditRule {
  /** The campaign the rule is for; "" for any. */
  campaignId: string;
  /** The activity type it is for (catalog enums); 0 for any. */
  theme: number;
  format: number;
  hoursPerCredit: number;
  capPerActivity: number;
}

/** The rules as data, most specific first when matched. The default: 1 credit per 2 hours, at most 2 per activity. */
export const defaultCreditRules: readonly CreditRule[] = [{ campaignId: "", theme: 0, format: 0, hoursPerCredit: 2, capPerActivity: 2 }];

export interface Student {
  studentId: string;
  name: string;
  schoolId: string;
  schoolName: string;
  schoolPath: string[];
  grade: string;
  /** The parent who added the child; "" for a resident herself. */
  guardianId: string;
}

export interface CreditRecord {
  /** `${activityId}:${studentId}`: one record per activity and student. */
  creditId: string;
  studentId: string;
  studentName: string;
  schoolId: string;
  schoolName: string;
  schoolPath: string[];
  grade: string;
  activityId: string;
  activityTitle: string;
  bookingId: string;
  hours: number;
  credits: number;
  confirmedBy: string;
  confirmedAt: Date;
}

/** What the rule needs of the activity and the check-in. */
export interface CreditFacts {
  activity: { activityId: string; title: string; forCredit: boolean; campaignId: string; theme: number; format: number };
  /** The attended session's times. */
  session: { startsAt: Date; endsAt: Date };
  /** The booking as the check-in left it ("CHECKED_IN" when the organizer confirmed attendance). */
  booking: { bookingId: string; residentId: string; status: string };
  /** The student the booking's resident is, if she said she is one. */
  student: Student | undefined;
  /** The credit already recorded for this activity and student (a check-in seen twice). */
  existing: CreditRecord | undefined;
  confirmedBy: string;
  now: Date;
}

export const creditId = (activityId: string, studentId: string) => `${activityId}:${studentId}`;

/**
 * One association's credit rules as stored (collection `credit_rules`, `_id` = the owner's org id):
 * the city's apply city-wide, a district's to activities placed in its district.
 */
export interface CreditRuleSet {
  ownerOrgId: string;
  /** The owner and its ancestors in the org tree. */
  ownerPath: string[];
  rules: CreditRule[];
  version: number;
  changedBy: string;
  changedAt: Date;
}

/**
 * The rules for an activity placed at `path` (its org and ancestors), in the order `ruleFor` breaks
 * ties: the sets of owners on the path, the deepest owner first (a district's before the city's),
 * then the built-in default.
 */
export function applicableRules(sets: readonly CreditRuleSet[], path: readonly string[]): CreditRule[] {
  const depth = (s: CreditRuleSet) => path.indexOf(s.ownerOrgId);
  const owners = sets.filter((s) => depth(s) >= 0).sort((a, b) => depth(b) - depth(a));
  return [...owners.flatMap((s) => s.rules), ...defaultCreditRules];
}

/** The rule for an activity: its campaign's and type's, its campaign's, its type's, its theme's, then the general one; among equals, the first given. */
export function ruleFor(rules: readonly CreditRule[], activity: { campaignId: string; theme: number; format: number }): CreditRule | undefined {
  const fits = (r: CreditRule) => (!r.campaignId || r.campaignId === activity.campaignId) && (!r.theme || r.theme === activity.theme) && (!r.format || r.format === activity.format);
  const weight = (r: CreditRule) => (r.campaignId ? 4 : 0) + (r.theme ? 2 : 0) + (r.format ? 1 : 0);
  return rules.filter(fits).sort((a, b) => weight(b) - weight(a))[0];
}

/** Credits for hours under a rule: in halves, rounded down, capped. */
export function creditsFor(hours: number, rule: CreditRule): number {
  if (!(rule.hoursPerCredit > 0) || !(hours > 0)) return 0;
  return Math.min(rule.capPerActivity, Math.floor((hours / rule.hoursPerCredit) * 2) / 2);
}

/** Hours of a session, to the quarter hour. */
export const sessionHours = (session: { startsAt: Date; endsAt: Date }) => Math.max(0, Math.round(((session.endsAt.getTime() - session.startsAt.getTime()) / 3_600_000) * 4) / 4);

/**
 * The credit record a check-in makes, or undefined when it makes none: no confirmed attendance,
 * an activity not for credit, a resident who is not a student, no rule, or the record is there already.
 */
export function decideCredit(facts: CreditFacts, rules: readonly CreditRule[] = defaultCreditRules): CreditRecord | undefined {
  const { activity, booking, student } = facts;
  if (booking.status !== "CHECKED_IN" || !activity.forCredit || !student || facts.existing) return undefined;
  const rule = ruleFor(rules, activity);
  if (!rule) return undefined;
  const hours = sessionHours(facts.session);
  return {
    creditId: creditId(activity.activityId, student.studentId),
    studentId: student.studentId,
    studentName: student.name,
    schoolId: student.schoolId,
    schoolName: student.schoolName,
    schoolPath: student.schoolPath,
    grade: student.grade,
    activityId: activity.activityId,
    activityTitle: activity.title,
    bookingId: booking.bookingId,
    hours,
    credits: creditsFor(hours, rule),
    confirmedBy: facts.confirmedBy,
    confirmedAt: facts.now,
  };
}

export type StudentInput = Omit<Student, "studentId" | "guardianId">;

/** A student as given: a name, a school of the org tree and a grade. */
export function validateStudent(input: StudentInput): Result<StudentInput> {
  const name = input.name.trim();
  if (!name || [...name].length > 20) return fail(kepuError("invalid", "STUDENT_NAME", "请填写学生姓名（至多 20 字）", "Give the student's name (at most 20 characters)", "name"));
  if (!input.schoolId) return fail(kepuError("invalid", "SCHOOL_REQUIRED", "请选择学校", "Choose the school", "schoolId"));
  const grade = input.grade.trim();
  if (!grade || [...grade].length > 20) return fail(kepuError("invalid", "GRADE_REQUIRED", "请填写年级（至多 20 字）", "Give the grade (at most 20 characters)", "grade"));
  return ok({ ...input, name, grade, schoolName: input.schoolName.trim().slice(0, 50) });
}

/** What a rule may say: hours per credit in (0, 24], a cap in (0, 10], at most 50 rules per set. */
export const creditRuleLimits = { maxHoursPerCredit: 24, maxCap: 10, maxRules: 50 } as const;

/** What the use case knows exists: the campaigns the rules name, the catalog's theme and format values. */
export interface CreditRuleReferences {
  campaignIds: ReadonlySet<string>;
  themes: ReadonlySet<number>;
  formats: ReadonlySet<number>;
}

const ruleError = (index: number, code: string, zh: string, en: string, field: string) => kepuError("invalid", code, `第 ${index + 1} 条规则：${zh}`, `Rule ${index + 1}: ${en}`, `rules[${index}].${field}`);

/** A rule set as given: each rule's numbers positive and within bounds, its campaign known, its theme and format of the catalog, no two for the same campaign and type. */
export function validateCreditRules(rules: readonly CreditRule[], known: CreditRuleReferences): Result<CreditRule[]> {
  const { maxHoursPerCredit, maxCap, maxRules } = creditRuleLimits;
  if (rules.length > maxRules) return fail(kepuError("invalid", "TOO_MANY_CREDIT_RULES", `学分规则至多 ${maxRules} 条`, `At most ${maxRules} credit rules`, "rules"));
  const seen = new Set<string>();
  const valid: CreditRule[] = [];
  for (const [i, r] of rules.entries()) {
    if (!(Number.isFinite(r.hoursPerCredit) && r.hoursPerCredit > 0 && r.hoursPerCredit <= maxHoursPerCredit)) {
      return fail(ruleError(i, "BAD_HOURS_PER_CREDIT", `每学分所需小时数须大于 0 且不超过 ${maxHoursPerCredit}`, `hours per credit must be above 0 and at most ${maxHoursPerCredit}`, "hoursPerCredit"));
    }
    if (!(Number.isFinite(r.capPerActivity) && r.capPerActivity > 0 && r.capPerActivity <= maxCap)) {
      return fail(ruleError(i, "BAD_CREDIT_CAP", `每次活动学分上限须大于 0 且不超过 ${maxCap}`, `the cap per activity must be above 0 and at most ${maxCap}`, "capPerActivity"));
    }
    if (r.campaignId && !known.campaignIds.has(r.campaignId)) return fail(ruleError(i, "CREDIT_RULE_CAMPAIGN_UNKNOWN", `活动节点 ${r.campaignId} 不存在`, `there is no campaign ${r.campaignId}`, "campaignId"));
    if (r.theme && !known.themes.has(r.theme)) return fail(ruleError(i, "CREDIT_RULE_THEME_UNKNOWN", "主题不在目录中", "the theme is not one of the catalog", "theme"));
    if (r.format && !known.formats.has(r.format)) return fail(ruleError(i, "CREDIT_RULE_FORMAT_UNKNOWN", "形式不在目录中", "the format is not one of the catalog", "format"));
    const key = `${r.campaignId}|${r.theme}|${r.format}`;
    if (seen.has(key)) return fail(ruleError(i, "CREDIT_RULE_DUPLICATE", "与前面的规则适用范围相同（同一活动节点、主题和形式）", "it is for the same campaign, theme and format as an earlier one", "campaignId"));
    seen.add(key);
    valid.push({ campaignId: r.campaignId, theme: r.theme, format: r.format, hoursPerCredit: r.hoursPerCredit, capPerActivity: r.capPerActivity });
  }
  return ok(valid);
}
