// The base aggregate (科普基地 / 科普示范点): certification, status and the annual assessment. Pure.
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { AssessmentCriterion, AssessmentResult, BaseStatus, type BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
import { assessmentResult, beijingYear, canRenew, checkScores, PASS_SCORE, term, TERM_YEARS, total, type CriterionScore } from "./base-rules.js";
import { assessmentPassed, canAssess, certificationTerm, changeStatus, type AssessmentCriteria } from "./bases.js";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { Place } from "./org-tree.js";

export interface BaseState {
  baseId: string;
  name: string;
  orgId: string;
  place: Place;
  level: BaseLevel;
  status: BaseStatus;
  certifiedOn: Date;
  termYears: number;
  themes: Theme[];
  /** 年度考核 by year: passed or not. */
  assessments: Record<number, boolean>;
  /** 认定编号 and the term's first and last day, when certified from an application. */
  certificateNumber: string;
  termStart?: Date | undefined;
  termEnd?: Date | undefined;
  /** What the base offers, as it applied. */
  offers: string;
  /** Why the application was not approved, or the certification revoked. */
  reason: string;
  /** The scored assessments by year. */
  scored: Record<number, ScoredAssessment>;
}

export interface ScoredAssessment {
  year: number;
  scores: CriterionScore[];
  result: AssessmentResult;
  total: number;
}

/** A base certified from an application: approved by the association, numbered, for a 5-year term. */
export type Approval = { approve: true; certificateNumber: string } | { approve: false; reason: string };

export type BaseCommand =
  | { type: "certify"; baseId: string; name: string; orgId: string; level: BaseLevel; certifiedOn: Date | undefined; termYears: number; themes: Theme[] }
  | { type: "changeStatus"; status: BaseStatus; reason: string }
  | ({ type: "assess"; year: number } & AssessmentCriteria)
  | { type: "apply"; baseId: string; name: string; orgId: string; level: BaseLevel; themes: Theme[]; offers: string }
  | ({ type: "reviewApplication" } & Approval)
  | { type: "score"; year: number; scores: CriterionScore[] }
  | { type: "renew" }
  | { type: "revoke"; reason: string };

/** The org a base is certified under (certify), and the clock (a certification dated today by default). */
export interface BaseContext {
  owner?: OrgState | undefined;
  now: Date;
}

export type BaseEvent =
  | { type: "BaseCertified"; baseId: string; name: string; orgId: string; place: Place; level: BaseLevel; status: BaseStatus; certifiedOn: Date; termYears: number; themes: Theme[]; certificateNumber?: string; termStart?: Date | undefined; termEnd?: Date | undefined; offers?: string }
  | { type: "BaseStatusChanged"; baseId: string; status: BaseStatus; reason: string }
  | ({ type: "BaseAssessed"; baseId: string; year: number; passed: boolean; scores?: CriterionScore[]; result?: AssessmentResult } & AssessmentCriteria)
  | { type: "BaseApplied"; baseId: string; name: string; orgId: string; place: Place; level: BaseLevel; themes: Theme[]; offers: string }
  | { type: "BaseApplicationRejected"; baseId: string; reason: string }
  | { type: "BaseRenewed"; baseId: string; termStart: Date; termEnd: Date }
  | { type: "BaseRevoked"; baseId: string; reason: string };

const reasonRequired = () => fail(kepuError("invalid", "REASON_REQUIRED", "请说明原因", "Give the reason", "reason"));
const notCertified = (state: BaseState) =>
  fail(kepuError("conflict", "BASE_NOT_CERTIFIED", `基地「${state.name}」尚未认定，不能这样操作`, `The base "${state.name}" is not certified`, "baseId"));
const certified = (status: BaseStatus) => status !== BaseStatus.APPLIED && status !== BaseStatus.REJECTED;
const scoreOf = (scores: CriterionScore[], criterion: AssessmentCriterion) => scores.find((s) => s.criterion === criterion)?.score ?? 0;

function apply(state: BaseState | undefined, command: Extract<BaseCommand, { type: "apply" }>, context: BaseContext): Result<BaseEvent[]> {
  if (state && state.status !== BaseStatus.REJECTED) return fail(registryErrors.alreadyExists(command.baseId));
  if (!context.owner) return fail(registryErrors.notFound("organizations", command.orgId, "orgId"));
  const name = command.name.trim();
  if (!name) return fail(kepuError("invalid", "NAME_REQUIRED", "请填写基地名称", "Enter the base's name", "name"));
  const { baseId, orgId, level, themes } = command;
  return ok([{ type: "BaseApplied", baseId, name, orgId, place: context.owner.place, level, themes, offers: command.offers.trim() }]);
}

function reviewApplication(state: BaseState, command: Extract<BaseCommand, { type: "reviewApplication" }>, now: Date): Result<BaseEvent[]> {
  if (state.status !== BaseStatus.APPLIED) return fail(kepuError("conflict", "BASE_NOT_APPLIED", `基地「${state.name}」没有待审核的申请`, `The base "${state.name}" has no application waiting`, "baseId"));
  if (!command.approve) {
    const reason = command.reason.trim();
    return reason ? ok([{ type: "BaseApplicationRejected", baseId: state.baseId, reason }]) : reasonRequired();
  }
  const { baseId, name, orgId, place, level, themes, offers } = state;
  const { termStart, termEnd } = term(now);
  return ok([{ type: "BaseCertified", baseId, name, orgId, place, level, themes, offers, status: BaseStatus.ACTIVE, certifiedOn: now, termYears: TERM_YEARS, certificateNumber: command.certificateNumber, termStart, termEnd }]);
}

function score(state: BaseState, command: Extract<BaseCommand, { type: "score" }>): Result<BaseEvent[]> {
  if (!certified(state.status)) return notCertified(state);
  const year = canAssess(state.status, command.year, Object.keys(state.assessments).map(Number));
  if (!year.ok) return year;
  const scores = checkScores(command.scores);
  if (!scores.ok) return scores;
  const result = assessmentResult(scores.value);
  const passes = (criterion: AssessmentCriterion) => scoreOf(scores.value, criterion) >= PASS_SCORE;
  return ok([
    {
      type: "BaseAssessed",
      baseId: state.baseId,
      year: year.value,
      hasOrganization: passes(AssessmentCriterion.ORGANIZATION),
      hasFunding: passes(AssessmentCriterion.FUNDING),
      hasVenue: passes(AssessmentCriterion.VENUE),
      hasActivities: passes(AssessmentCriterion.ACTIVITIES),
      hasImpact: passes(AssessmentCriterion.IMPACT),
      passed: result !== AssessmentResult.UNQUALIFIED,
      scores: scores.value,
      result,
    },
  ]);
}

function renew(state: BaseState, now: Date): Result<BaseEvent[]> {
  if (!certified(state.status)) return notCertified(state);
  if (state.status === BaseStatus.REVOKED) return fail(kepuError("conflict", "BASE_REVOKED", "基地已撤销，不能续期", "The base is revoked and cannot be renewed", "baseId"));
  const allowed = canRenew(state.termEnd, now);
  if (!allowed.ok) return allowed;
  const lastYear = beijingYear(now) - 1;
  if (state.scored[lastYear]?.result === AssessmentResult.UNQUALIFIED) {
    return fail(kepuError("conflict", "LAST_ASSESSMENT_FAILED", `${lastYear} 年度考核不合格，不能续期`, `The ${lastYear} assessment was unqualified: the term cannot be renewed`, "baseId"));
  }
  // The new term follows the old one (the day after its last day), or starts today when it has ended.
  const nextDay = new Date(state.termEnd!.getTime() + 86_400_000);
  return ok([{ type: "BaseRenewed", baseId: state.baseId, ...term(nextDay > now ? nextDay : now) }]);
}

function revoke(state: BaseState, reason: string): Result<BaseEvent[]> {
  if (!certified(state.status)) return notCertified(state);
  const status = changeStatus(state.status, BaseStatus.REVOKED, reason);
  if (!status.ok) return status;
  return ok([{ type: "BaseRevoked", baseId: state.baseId, reason: reason.trim() }]);
}

export function decide(state: BaseState | undefined, command: BaseCommand, context: BaseContext): Result<BaseEvent[]> {
  if (command.type === "apply") return apply(state, command, context);
  if (command.type === "certify") {
    if (state) return fail(registryErrors.alreadyExists(command.baseId));
    if (!context.owner) return fail(registryErrors.notFound("organizations", command.orgId, "orgId"));
    const termYears = certificationTerm(command.termYears);
    if (!termYears.ok) return termYears;
    const { baseId, name, orgId, level, themes } = command;
    return ok([{ type: "BaseCertified", baseId, name, orgId, place: context.owner.place, level, status: BaseStatus.ACTIVE, certifiedOn: command.certifiedOn ?? context.now, termYears: termYears.value, themes }]);
  }
  if (!state) return fail(registryErrors.notFound("bases", "", "baseId"));
  switch (command.type) {
    case "reviewApplication":
      return reviewApplication(state, command, context.now);
    case "score":
      return score(state, command);
    case "renew":
      return renew(state, context.now);
    case "revoke":
      return revoke(state, command.reason);
    case "changeStatus": {
      if (!certified(state.status)) return notCertified(state);
      if (!command.reason.trim() && command.status !== BaseStatus.ACTIVE) return reasonRequired();
      const reason = command.reason.trim();
      const status = changeStatus(state.status, command.status, reason);
      if (!status.ok) return status;
      return ok([{ type: "BaseStatusChanged", baseId: state.baseId, status: status.value, reason }]);
    }
    case "assess": {
      if (!certified(state.status)) return notCertified(state);
      const year = canAssess(state.status, command.year, Object.keys(state.assessments).map(Number));
      if (!year.ok) return year;
      const { hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact } = command;
      const criteria = { hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact };
      return ok([{ type: "BaseAssessed", baseId: state.baseId, year: year.value, ...criteria, passed: assessmentPassed(criteria) }]);
    }
  }
}

export function evolve(state: BaseState | undefined, event: BaseEvent): BaseState {
  if (event.type === "BaseApplied") {
    const { type: _type, ...applied } = event;
    return { ...applied, status: BaseStatus.APPLIED, certifiedOn: new Date(0), termYears: 0, assessments: {}, certificateNumber: "", offers: applied.offers, reason: "", scored: {} };
  }
  if (event.type === "BaseCertified") {
    const { type: _type, certificateNumber, termStart, termEnd, offers, ...certified } = event;
    return { ...certified, certificateNumber: certificateNumber ?? "", termStart, termEnd, offers: offers ?? state?.offers ?? "", reason: "", assessments: {}, scored: {} };
  }
  if (!state) throw new Error(`${event.type} before BaseCertified`);
  switch (event.type) {
    case "BaseApplicationRejected":
      return { ...state, status: BaseStatus.REJECTED, reason: event.reason };
    case "BaseRenewed":
      return { ...state, termStart: event.termStart, termEnd: event.termEnd };
    case "BaseRevoked":
      return { ...state, status: BaseStatus.REVOKED, reason: event.reason };
    case "BaseStatusChanged":
      return { ...state, status: event.status };
    case "BaseAssessed": {
      const scored = event.scores && event.result ? { ...state.scored, [event.year]: { year: event.year, scores: event.scores, result: event.result, total: total(event.scores) } } : state.scored;
      return { ...state, assessments: { ...state.assessments, [event.year]: event.passed }, scored };
    }
  }
}

/** A base offers menu items while it holds its certification: active, or under review (复核); not suspended or revoked. */
export const baseOffers = (status: BaseStatus): boolean => status === BaseStatus.ACTIVE || status === BaseStatus.UNDER_REVIEW;
