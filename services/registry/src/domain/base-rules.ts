// The rules of a base's certification term and its annual assessment (年度考核). Pure.
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { AssessmentCriterion, AssessmentResult, BaseLevel } from "@kepu/contracts/registry/v1/events_pb";

/** A certification from an application lasts 5 years. */
export const TERM_YEARS = 5;
/** A renewal may be asked within this many days of the term's end (or after it). */
export const RENEWAL_WINDOW_DAYS = 180;
/** A criterion passes at this score; 合格 needs every criterion to pass. */
export const PASS_SCORE = 60;
/** 优秀: an average at least this, and no criterion below EXCELLENT_FLOOR. */
export const EXCELLENT_AVERAGE = 90;
export const EXCELLENT_FLOOR = 80;

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000; // UTC+8, no daylight saving

/** The Beijing calendar date of an instant, as its midnight (Beijing) instant. */
export function beijingDay(at: Date): Date {
  return new Date(Math.floor((at.getTime() + BEIJING) / DAY) * DAY - BEIJING);
}

/** The Beijing calendar year of an instant. */
export const beijingYear = (at: Date): number => new Date(at.getTime() + BEIJING).getUTCFullYear();

/** A term of `years` starting on the Beijing date of `from`: its first day and its last day (both Beijing midnights). */
export function term(from: Date, years = TERM_YEARS): { termStart: Date; termEnd: Date } {
  const termStart = beijingDay(from);
  const local = new Date(termStart.getTime() + BEIJING);
  const end = Date.UTC(local.getUTCFullYear() + years, local.getUTCMonth(), local.getUTCDate()) - DAY - BEIJING;
  return { termStart, termEnd: new Date(end) };
}

const levelPrefix: Record<BaseLevel, string> = {
  [BaseLevel.UNSPECIFIED]: "科普基地",
  [BaseLevel.NATIONAL]: "全国科普基地",
  [BaseLevel.PROVINCIAL]: "省科普基地",
  [BaseLevel.CITY]: "深科普基地",
  [BaseLevel.DISTRICT]: "区科普基地",
  [BaseLevel.DEMONSTRATION_SITE]: "科普示范点",
};

/** 认定编号: the level's prefix, the year, and the year's sequence at that level, three digits — 深科普基地〔2026〕012. */
export function certificateNumber(level: BaseLevel, year: number, sequence: number): string {
  return `${levelPrefix[level] ?? levelPrefix[BaseLevel.UNSPECIFIED]}〔${year}〕${String(sequence).padStart(3, "0")}`;
}

/** The prefix every certificate of that level and year starts with (to count them). */
export const certificatePrefix = (level: BaseLevel, year: number): string => certificateNumber(level, year, 0).slice(0, -3);

/** Whether a reviewer may decide an application at `level`: a city base by the city association, a district base or 示范点 by a district one (or above). */
export function reviewerFits(level: BaseLevel, reviewerLevel: "city" | "district" | "other"): boolean {
  if (reviewerLevel === "city") return true;
  if (reviewerLevel === "district") return level === BaseLevel.DISTRICT || level === BaseLevel.DEMONSTRATION_SITE;
  return false;
}

/** Score tiers: the least count reaching each score, highest first. */
type Tiers = ReadonlyArray<readonly [atLeast: number, score: number]>;
const activityTiers: Tiers = [[12, 100], [10, 90], [6, 75], [4, 60], [1, 40]];
const participantTiers: Tiers = [[1000, 100], [500, 90], [200, 75], [100, 60], [1, 40]];
const tierScore = (count: number, tiers: Tiers): number => tiers.find(([atLeast]) => count >= atLeast)?.[1] ?? 0;

/** 有活动 pre-filled from the activities held in the year: 12 or more → 100, 10 → 90, 6 → 75, 4 → 60, 1 → 40, none → 0. */
export const activitiesScore = (held: number): number => tierScore(held, activityTiers);
/** 有影响's reach, from the year's participants (参与人次): 1000 → 100, 500 → 90, 200 → 75, 100 → 60, 1 → 40, none → 0. */
export const participantsScore = (participants: number): number => tierScore(participants, participantTiers);

/** Ratings count in 有影响 once the year has at least this many (fewer say little about a base). */
export const MIN_RATINGS = 3;
/** 有影响's weight of the residents' ratings (the rest is the reach). */
export const RATING_WEIGHT = 0.3;

/** The year's figures, as the statistics count them: activities held, participants, residents' ratings (1–5) and their average. */
export interface YearFigures {
  activities: number;
  participants: number;
  ratings: number;
  averageRating: number;
}

/**
 * 有影响 from the year's reach and how residents rated it: the participants' score alone while
 * fewer than MIN_RATINGS ratings exist; else 70% the participants' score and 30% the average
 * rating on a 0–100 scale (5 → 100, 1 → 20), rounded. An average outside 1–5 is held to it.
 */
export function impactScore(figures: Pick<YearFigures, "participants" | "ratings" | "averageRating">): number {
  const reach = participantsScore(figures.participants);
  if (figures.ratings < MIN_RATINGS) return reach;
  const rated = (Math.min(5, Math.max(1, figures.averageRating)) / 5) * 100;
  return Math.round((1 - RATING_WEIGHT) * reach + RATING_WEIGHT * rated);
}

/** 有影响's evidence: the participants, and the average rating with how many there are — 全年参与 120 人次，平均评分 4.6（25 条）. */
export function impactEvidence(figures: Pick<YearFigures, "participants" | "ratings" | "averageRating">): string {
  const reach = `全年参与 ${figures.participants} 人次`;
  if (figures.ratings === 0) return `${reach}，暂无评分`;
  const rated = `平均评分 ${figures.averageRating.toFixed(1)}（${figures.ratings} 条）`;
  return figures.ratings < MIN_RATINGS ? `${reach}，${rated}，不足 ${MIN_RATINGS} 条未计入` : `${reach}，${rated}`;
}

export interface CriterionScore {
  criterion: AssessmentCriterion;
  score: number;
  evidence: string;
  /** What the statistics pre-filled (-1: nothing, the assessor scores it). */
  prefilled: number;
}

export const criteria = [AssessmentCriterion.ORGANIZATION, AssessmentCriterion.FUNDING, AssessmentCriterion.VENUE, AssessmentCriterion.ACTIVITIES, AssessmentCriterion.IMPACT] as const;

/** The draft an assessor starts from: 有活动 and 有影响 pre-filled from the year's figures, the other three for the assessor. */
export function prefill(figures: YearFigures): CriterionScore[] {
  return criteria.map((criterion) => {
    if (criterion === AssessmentCriterion.ACTIVITIES) {
      const score = activitiesScore(figures.activities);
      return { criterion, score, prefilled: score, evidence: `全年开展活动 ${figures.activities} 场` };
    }
    if (criterion === AssessmentCriterion.IMPACT) {
      const score = impactScore(figures);
      return { criterion, score, prefilled: score, evidence: impactEvidence(figures) };
    }
    return { criterion, score: 0, prefilled: -1, evidence: "" };
  });
}

const scoreError = (field: string, zh: string, en: string) => kepuError("invalid", "BAD_SCORE", zh, en, field);

/** The five criteria, once each, each scored 0–100 (whole numbers), each with its evidence. */
export function checkScores(scores: CriterionScore[]): Result<CriterionScore[]> {
  const ordered: CriterionScore[] = [];
  for (const criterion of criteria) {
    const given = scores.filter((s) => s.criterion === criterion);
    if (given.length !== 1) return fail(scoreError("scores", "请为有组织、有经费、有阵地、有活动、有影响各打一次分", "Score each of the five criteria once"));
    const one = given[0]!;
    if (!Number.isInteger(one.score) || one.score < 0 || one.score > 100) return fail(scoreError("scores", "每项得分须为 0 到 100 的整数", "Each score must be a whole number from 0 to 100"));
    if (!one.evidence.trim()) return fail(scoreError("scores", "每项得分都须写明依据", "Give the evidence for each score"));
    ordered.push({ ...one, evidence: one.evidence.trim() });
  }
  if (scores.length !== criteria.length) return fail(scoreError("scores", "只能为五项标准打分", "Score the five criteria only"));
  return ok(ordered);
}

/** The average of the scores, rounded. */
export const total = (scores: CriterionScore[]): number => Math.round(scores.reduce((sum, s) => sum + s.score, 0) / Math.max(1, scores.length));

/** 优秀: average ≥ 90 and none below 80; 合格: every criterion ≥ 60; else 不合格. */
export function assessmentResult(scores: CriterionScore[]): AssessmentResult {
  if (scores.some((s) => s.score < PASS_SCORE)) return AssessmentResult.UNQUALIFIED;
  if (total(scores) >= EXCELLENT_AVERAGE && scores.every((s) => s.score >= EXCELLENT_FLOOR)) return AssessmentResult.EXCELLENT;
  return AssessmentResult.QUALIFIED;
}

/** Days from `now` to the term's last day (negative once it has ended). */
export const daysLeft = (termEnd: Date, now: Date): number => Math.round((termEnd.getTime() - beijingDay(now).getTime()) / DAY);

/** A term may be renewed within RENEWAL_WINDOW_DAYS of its end, or after it ended. */
export function canRenew(termEnd: Date | undefined, now: Date): Result<void> {
  if (!termEnd) return fail(kepuError("conflict", "BASE_NO_TERM", "该基地没有认定期限，不能续期", "The base has no term to renew", "baseId"));
  if (daysLeft(termEnd, now) > RENEWAL_WINDOW_DAYS) {
    return fail(kepuError("conflict", "RENEWAL_TOO_EARLY", `认定期满前 ${RENEWAL_WINDOW_DAYS} 天内才能续期`, `A term can be renewed within ${RENEWAL_WINDOW_DAYS} days of its end`, "baseId"));
  }
  return ok(undefined);
}

/** What the deadline lists need of a base. */
export interface Deadlined {
  offering: boolean;
  termStart?: Date | undefined;
  termEnd?: Date | undefined;
  assessedYears: number[];
}

/** A term ending within `withinDays` (or already ended, not renewed), of a base still certified. */
export const expiring = (base: Deadlined, now: Date, withinDays: number): boolean => base.offering && !!base.termEnd && daysLeft(base.termEnd, now) <= withinDays;

/** Last year's assessment not done, for a base certified before last year ended. */
export function overdue(base: Deadlined, now: Date): boolean {
  const lastYear = beijingYear(now) - 1;
  return base.offering && !!base.termStart && beijingYear(base.termStart) <= lastYear && !base.assessedYears.includes(lastYear);
}
