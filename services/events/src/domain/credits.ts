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

/** The rule for an activity: its campaign's and type's, its campaign's, its type's, its theme's, then the general one. */
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
