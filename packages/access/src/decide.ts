import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";

/** Who acts: an Actor from a verified call, or the gateway's signed-in caller. */
export type Who = Pick<Actor, "id" | "role" | "orgId">;
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { matrix, type Action, type Grant, type Scope } from "./matrix.js";

/**
 * What a service knows about the record an action touches. Each field serves one scope; a
 * service fills in those its record has.
 */
export interface Facts {
  /** The record's place in the org tree: its org and every ancestor (subtree). */
  path?: readonly string[];
  /** The record's own org: an order's community, a base's org (ownOrg). */
  orgId?: string;
  /** The person the record belongs to: an order's requester, a booking's resident (own). */
  ownerId?: string;
  /** The team the record belongs to: a team itself, an accepted order's team, an activity's team (ownTeam). */
  teamId?: string;
  /** Teams an order is offered to right now (offered). */
  offeredTeamIds?: readonly string[];
  /** The association that claimed an order (claimed). */
  claimedByOrgId?: string;
  /** The service areas a record covers: a team's or a menu item's (servedArea). */
  areaOrgIds?: readonly string[];
  /** Where the actor's own org sits: it and its ancestors (servedArea). */
  actorPath?: readonly string[];
  /** The acting team's service areas, given only where 抢单 applies: a pooled order (teamArea). */
  actorTeamAreas?: readonly string[];
}

const overlaps = (a: readonly string[] | undefined, b: readonly string[] | undefined) => !!a && !!b && a.some((x) => x !== "" && b.includes(x));

/** Whether one scope reaches the record for this actor. */
export function reaches(scope: Scope, actor: Who, facts: Facts): boolean {
  const org = actor.orgId;
  switch (scope) {
    case "any":
      return true;
    case "subtree":
      return !!org && (facts.path?.includes(org) ?? false);
    case "ownOrg":
      return !!org && facts.orgId === org;
    case "own":
      return !!actor.id && facts.ownerId === actor.id;
    case "ownTeam":
      return !!org && facts.teamId === org;
    case "offered":
      return !!org && (facts.offeredTeamIds?.includes(org) ?? false);
    case "claimed":
      return !!org && facts.claimedByOrgId === org;
    case "servedArea":
      return overlaps(facts.areaOrgIds, facts.actorPath);
    case "teamArea":
      return overlaps(facts.actorTeamAreas, facts.path);
  }
}

/** Admins and the platform's own services (timers, consumers) are never refused. */
export const isPrivileged = (actor: Who | undefined): boolean => actor?.role === Role.ADMIN || actor?.role === Role.SYSTEM;

/** The grants an actor's role has for an action (none: the role may never do it). */
export function grantsFor(action: Action, role: Role): Grant[] {
  return (matrix[action] as readonly Grant[]).filter((g) => g.roles.includes(role));
}

/** Whether the actor may do the action to the record described by the facts. */
export function can(action: Action, actor: Who | undefined, facts: Facts = {}): boolean {
  if (!actor?.id) return false;
  if (isPrivileged(actor)) return true;
  return grantsFor(action, actor.role).some((g) => reaches(g.scope, actor, facts));
}

/** Whether the role may ever do the action, to some record (for menus and early refusals). */
export const roleMay = (action: Action, role: Role): boolean => role === Role.ADMIN || role === Role.SYSTEM || grantsFor(action, role).length > 0;

export const accessErrors = {
  signIn: () => kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first"),
  role: () => kepuError("forbidden", "ROLE_NOT_ALLOWED", "您的角色无权进行此操作", "Your role cannot do this"),
  scope: () => kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "不在您的管辖范围内", "This is outside your area"),
};

/**
 * A write's verdict: allowed, or why not (not signed in; the role never may; outside the
 * actor's reach). A refused read should answer "not found" instead: see `canRead` uses.
 */
export function authorize(action: Action, actor: Who | undefined, facts: Facts = {}): Result<void> {
  if (!actor?.id) return fail(accessErrors.signIn());
  if (isPrivileged(actor)) return ok(undefined);
  if (!roleMay(action, actor.role)) return fail(accessErrors.role());
  return can(action, actor, facts) ? ok(undefined) : fail(accessErrors.scope());
}

/** `authorize`, thrown: for edges where a refusal ends the request. */
export function requireAccess(action: Action, actor: Who | undefined, facts: Facts = {}): void {
  const verdict = authorize(action, actor, facts);
  if (!verdict.ok) throw verdict.error;
}

/**
 * How a list is scoped in its query, for the actor: everything, nothing, or the union of the
 * scopes their grants give (the service turns each scope into a filter on its own fields).
 */
export type ListScope = { all: true } | { all: false; scopes: Scope[] };

export function listScope(action: Action, actor: Who | undefined): ListScope {
  if (!actor?.id) throw accessErrors.signIn();
  if (isPrivileged(actor)) return { all: true };
  const scopes = [...new Set(grantsFor(action, actor.role).map((g) => g.scope))];
  if (scopes.includes("any")) return { all: true };
  if (scopes.length === 0) throw accessErrors.role();
  return { all: false, scopes };
}
