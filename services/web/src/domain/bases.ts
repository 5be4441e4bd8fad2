// 科普基地 as people read it: the five criteria, the results, the standings by name; dates on the
// Beijing calendar; an assessment's draft checked as the registry checks it (0–100, evidence each).
import type { DraftScore } from "../api/types";
import type { Locale } from "./labels";

type Words = Record<string, [string, string]>;
const word = (words: Words, code: string, locale: Locale) => words[code]?.[locale === "zh" ? 0 : 1] ?? "—";

export const criteria: Words = {
  ASSESSMENT_CRITERION_ORGANIZATION: ["有组织", "Organization"],
  ASSESSMENT_CRITERION_FUNDING: ["有经费", "Funding"],
  ASSESSMENT_CRITERION_VENUE: ["有阵地", "Venue"],
  ASSESSMENT_CRITERION_ACTIVITIES: ["有活动", "Activities"],
  ASSESSMENT_CRITERION_IMPACT: ["有影响", "Impact"],
};
export const results: Words = {
  ASSESSMENT_RESULT_EXCELLENT: ["优秀", "Excellent"],
  ASSESSMENT_RESULT_QUALIFIED: ["合格", "Qualified"],
  ASSESSMENT_RESULT_UNQUALIFIED: ["不合格", "Unqualified"],
};
export const standings: Words = {
  BASE_STATUS_APPLIED: ["待审核", "Applied, waiting for review"],
  BASE_STATUS_REJECTED: ["未通过", "Not approved"],
  BASE_STATUS_ACTIVE: ["已认定", "Certified"],
  BASE_STATUS_UNDER_REVIEW: ["复核中", "Under review"],
  BASE_STATUS_SUSPENDED: ["暂停", "Suspended"],
  BASE_STATUS_REVOKED: ["已撤销", "Revoked"],
};
export const levels: Words = {
  BASE_LEVEL_NATIONAL: ["全国科普教育基地", "National"],
  BASE_LEVEL_PROVINCIAL: ["省级科普基地", "Provincial"],
  BASE_LEVEL_CITY: ["市级科普基地", "City"],
  BASE_LEVEL_DISTRICT: ["区级科普基地", "District"],
  BASE_LEVEL_DEMONSTRATION_SITE: ["科普示范点", "Demonstration site"],
};
export const criterionName = (code: string, locale: Locale) => word(criteria, code, locale);
export const resultName = (code: string, locale: Locale) => word(results, code, locale);
export const standingName = (code: string, locale: Locale) => word(standings, code, locale);
export const levelName = (code: string, locale: Locale) => word(levels, code, locale);

/** An instant as its Beijing calendar date, 2026-09-01. */
export function beijingDate(at: string | undefined): string {
  if (!at) return "—";
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The Beijing year now. */
export const beijingYearNow = (now = new Date()) => new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();

/** One criterion of an assessment's draft, as the gateway answers it (prefilled -1: not from the statistics). */
export type Score = DraftScore;

/** What is wrong with the draft before it is sent: each score a whole number 0–100, each with its evidence. */
export function draftProblem(scores: (Pick<Score, "score" | "evidence"> & { criterion: string })[], locale: Locale): string {
  const zh = locale === "zh";
  for (const s of scores) {
    if (!Number.isInteger(s.score) || s.score < 0 || s.score > 100) return zh ? `「${criterionName(s.criterion, locale)}」的得分须为 0 到 100 的整数` : `${criterionName(s.criterion, locale)}: a whole number from 0 to 100`;
    if (!s.evidence.trim()) return zh ? `请写明「${criterionName(s.criterion, locale)}」的得分依据` : `${criterionName(s.criterion, locale)}: give the evidence`;
  }
  return "";
}
