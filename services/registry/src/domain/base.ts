// The base aggregate (科普基地 / 科普示范点): certification, status and the annual assessment. Pure.
import { fail, ok, type Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseStatus, type BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
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
}

export type BaseCommand =
  | { type: "certify"; baseId: string; name: string; orgId: string; level: BaseLevel; certifiedOn: Date | undefined; termYears: number; themes: Theme[] }
  | { type: "changeStatus"; status: BaseStatus; reason: string }
  | ({ type: "assess"; year: number } & AssessmentCriteria);

/** The org a base is certified under (certify), and the clock (a certification dated today by default). */
export interface BaseContext {
  owner?: OrgState | undefined;
  now: Date;
}

export type BaseEvent =
  | { type: "BaseCertified"; baseId: string; name: string; orgId: string; place: Place; level: BaseLevel; status: BaseStatus; certifiedOn: Date; termYears: number; themes: Theme[] }
  | { type: "BaseStatusChanged"; baseId: string; status: BaseStatus; reason: string }
  | ({ type: "BaseAssessed"; baseId: string; year: number; passed: boolean } & AssessmentCriteria);

export function decide(state: BaseState | undefined, command: BaseCommand, context: BaseContext): Result<BaseEvent[]> {
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
    case "changeStatus": {
      const reason = command.reason.trim();
      const status = changeStatus(state.status, command.status, reason);
      if (!status.ok) return status;
      return ok([{ type: "BaseStatusChanged", baseId: state.baseId, status: status.value, reason }]);
    }
    case "assess": {
      const year = canAssess(state.status, command.year, Object.keys(state.assessments).map(Number));
      if (!year.ok) return year;
      const { hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact } = command;
      const criteria = { hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact };
      return ok([{ type: "BaseAssessed", baseId: state.baseId, year: year.value, ...criteria, passed: assessmentPassed(criteria) }]);
    }
  }
}

export function evolve(state: BaseState | undefined, event: BaseEvent): BaseState {
  if (event.type === "BaseCertified") {
    const { type: _type, ...certified } = event;
    return { ...certified, assessments: {} };
  }
  if (!state) throw new Error(`${event.type} before BaseCertified`);
  switch (event.type) {
    case "BaseStatusChanged":
      return { ...state, status: event.status };
    case "BaseAssessed":
      return { ...state, assessments: { ...state.assessments, [event.year]: event.passed } };
  }
}

/** A base offers menu items while it holds its certification: active, or under review (复核); not suspended or revoked. */
export const baseOffers = (status: BaseStatus): boolean => status === BaseStatus.ACTIVE || status === BaseStatus.UNDER_REVIEW;
