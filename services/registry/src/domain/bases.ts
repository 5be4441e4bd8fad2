import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { BaseStatus } from "@kepu/contracts/registry/v1/events_pb";

/** The five criteria of the annual assessment (年度考核). */
export interface AssessmentCriteria {
  hasOrganization: boolean; // 有组织
  hasFunding: boolean; // 有经费
  hasVenue: boolean; // 有阵地
  hasActivities: boolean; // 有活动
  hasImpact: boolean; // 有影响
}

/** 年度考核: a base passes only with all five — 有组织、有经费、有阵地、有活动、有影响. */
export function assessmentPassed(c: AssessmentCriteria): boolean {
  return c.hasOrganization && c.hasFunding && c.hasVenue && c.hasActivities && c.hasImpact;
}

/** A certification lasts 1 to 5 years; 3 when not given. */
export function certificationTerm(termYears: number): Result<number> {
  if (termYears === 0) return ok(3);
  if (termYears < 1 || termYears > 5) return fail(kepuError("invalid", "BAD_TERM", "认定期限须为 1 到 5 年", "The term must be 1 to 5 years", "termYears"));
  return ok(termYears);
}

// 撤销 (revoked) is final: a revoked base is certified again under a new id.
const nextStatuses: Record<BaseStatus, BaseStatus[]> = {
  [BaseStatus.UNSPECIFIED]: [],
  [BaseStatus.ACTIVE]: [BaseStatus.UNDER_REVIEW, BaseStatus.SUSPENDED, BaseStatus.REVOKED],
  [BaseStatus.UNDER_REVIEW]: [BaseStatus.ACTIVE, BaseStatus.SUSPENDED, BaseStatus.REVOKED],
  [BaseStatus.SUSPENDED]: [BaseStatus.ACTIVE, BaseStatus.UNDER_REVIEW, BaseStatus.REVOKED],
  [BaseStatus.REVOKED]: [],
  // An application is decided by reviewApplication, not by a status change.
  [BaseStatus.APPLIED]: [],
  [BaseStatus.REJECTED]: [],
};

/** Whether a base may move from `current` to `next`; leaving ACTIVE needs a reason. */
export function changeStatus(current: BaseStatus, next: BaseStatus, reason: string): Result<BaseStatus> {
  if (!nextStatuses[current]?.includes(next)) {
    return fail(kepuError("conflict", "BASE_WRONG_STATUS", `基地当前为${BaseStatus[current]}，不能改为${BaseStatus[next] ?? next}`, `A base that is ${BaseStatus[current]} cannot become ${BaseStatus[next] ?? next}`, "status"));
  }
  if (next !== BaseStatus.ACTIVE && !reason.trim()) return fail(kepuError("invalid", "REASON_REQUIRED", "请说明原因", "Give the reason", "reason"));
  return ok(next);
}

/** A base is assessed once a year while it holds its certification (not when revoked). */
export function canAssess(status: BaseStatus, year: number, assessedYears: number[]): Result<number> {
  if (status === BaseStatus.REVOKED) return fail(kepuError("conflict", "BASE_REVOKED", "基地已撤销，不能考核", "The base is revoked and cannot be assessed", "baseId"));
  if (year < 2000 || year > 2100) return fail(kepuError("invalid", "BAD_YEAR", "请填写正确的年份", "Enter a valid year", "year"));
  if (assessedYears.includes(year)) return fail(kepuError("conflict", "ALREADY_ASSESSED", `${year} 年已考核`, `${year} is already assessed`, "year"));
  return ok(year);
}
