// The organization aggregate (市 → 区 → 街道 → 社区, 科协, 文明实践, 党群服务中心): pure decide / evolve.
import { fail, ok, type Result } from "@kepu/errors";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { registryErrors } from "./errors.js";
import { isWithin, placeUnder, type Place } from "./org-tree.js";

export interface OrgState {
  orgId: string;
  name: string;
  kind: OrgKind;
  parentId: string;
  place: Place;
  /** Closed: kept (records sit in it), no longer listed as a child or found by name. */
  closed: boolean;
  /** For the 文明实践 tree and 党群服务中心: the communities it serves. */
  servedCommunityIds: string[];
}

/** What is asked of an organization. */
export type OrgCommand =
  | { type: "register"; orgId: string; name: string; kind: OrgKind; parentId: string }
  | { type: "rename"; name: string }
  | { type: "move"; parentId: string }
  | { type: "close"; reason: string }
  | { type: "serve"; communityIds: string[] };

/**
 * What the use case loaded for the command: the parent it names (register, move), whether
 * anything is placed under the org (move, close: open child orgs or other records), and the
 * communities named (serve).
 */
export interface OrgContext {
  parent?: OrgState | undefined;
  /** move: anything (an org, team, base, resource, menu item) placed under it; close: an open child org. */
  occupied?: boolean;
  communities?: ReadonlyMap<string, OrgState>;
}

export type OrgEvent =
  | { type: "OrganizationRegistered"; orgId: string; name: string; kind: OrgKind; parentId: string; place: Place }
  | { type: "OrganizationRenamed"; orgId: string; name: string }
  | { type: "OrganizationMoved"; orgId: string; parentId: string; place: Place; fromParentId: string }
  | { type: "OrganizationClosed"; orgId: string; reason: string }
  | { type: "OrganizationServesChanged"; orgId: string; communityIds: string[] };

/** The kinds that serve communities: the 文明实践 tree and 党群服务中心. */
export const servingKinds: readonly OrgKind[] = [OrgKind.PRACTICE_CENTER, OrgKind.PRACTICE_INSTITUTE, OrgKind.PRACTICE_STATION, OrgKind.PRACTICE_POINT, OrgKind.PARTY_SERVICE_CENTER];

export function decide(state: OrgState | undefined, command: OrgCommand, context: OrgContext): Result<OrgEvent[]> {
  if (command.type === "register") {
    if (state) return fail(registryErrors.alreadyExists(command.orgId));
    if (command.parentId && !context.parent) return fail(registryErrors.notFound("organizations", command.parentId, "parentId"));
    if (context.parent?.closed) return fail(registryErrors.orgClosed(context.parent.orgId, "parentId"));
    const placed = placeUnder(context.parent, command.orgId, command.kind);
    if (!placed.ok) return placed;
    return ok([{ type: "OrganizationRegistered", orgId: command.orgId, name: command.name, kind: command.kind, parentId: command.parentId, place: placed.value }]);
  }
  if (!state) return fail(registryErrors.notFound("organizations", "", "orgId"));
  const { orgId } = state;
  if (state.closed) return command.type === "close" ? ok([]) : fail(registryErrors.orgClosed(orgId, "orgId")); // closing again changes nothing
  switch (command.type) {
    case "rename":
      return command.name === state.name ? ok([]) : ok([{ type: "OrganizationRenamed", orgId, name: command.name }]);
    case "move": {
      const parent = context.parent;
      if (!parent) return fail(registryErrors.notFound("organizations", command.parentId, "parentId"));
      if (parent.orgId === state.parentId) return ok([]);
      if (parent.closed) return fail(registryErrors.orgClosed(parent.orgId, "parentId"));
      if (isWithin(parent.place, orgId)) return fail(registryErrors.moveIntoItself());
      if (context.occupied) return fail(registryErrors.orgOccupied("move"));
      const placed = placeUnder(parent, orgId, state.kind);
      if (!placed.ok) return placed;
      return ok([{ type: "OrganizationMoved", orgId, parentId: parent.orgId, place: placed.value, fromParentId: state.parentId }]);
    }
    case "close":
      if (context.occupied) return fail(registryErrors.orgOccupied("close"));
      return ok([{ type: "OrganizationClosed", orgId, reason: command.reason }]);
    case "serve": {
      if (!servingKinds.includes(state.kind)) return fail(registryErrors.notServing());
      const ids = [...new Set(command.communityIds)];
      for (const id of ids) {
        const community = requireCommunity(context.communities?.get(id), id, "communityIds");
        if (!community.ok) return community;
        if (community.value.closed) return fail(registryErrors.orgClosed(id, "communityIds"));
      }
      const same = ids.length === state.servedCommunityIds.length && ids.every((id) => state.servedCommunityIds.includes(id));
      return same ? ok([]) : ok([{ type: "OrganizationServesChanged", orgId, communityIds: ids }]);
    }
  }
}

export function evolve(state: OrgState | undefined, event: OrgEvent): OrgState {
  if (event.type === "OrganizationRegistered") {
    return { orgId: event.orgId, name: event.name, kind: event.kind, parentId: event.parentId, place: event.place, closed: false, servedCommunityIds: [] };
  }
  if (!state) throw new Error(`${event.type} before OrganizationRegistered`);
  switch (event.type) {
    case "OrganizationRenamed":
      return { ...state, name: event.name };
    case "OrganizationMoved":
      return { ...state, parentId: event.parentId, place: event.place };
    case "OrganizationClosed":
      return { ...state, closed: true };
    case "OrganizationServesChanged":
      return { ...state, servedCommunityIds: [...event.communityIds] };
  }
}

/** "A community is a community": the org named where a community is asked for, or why not. */
export function requireCommunity(org: OrgState | undefined, orgId: string, field: string): Result<OrgState> {
  if (!org) return fail(registryErrors.notFound("organizations", orgId, field));
  if (org.kind !== OrgKind.COMMUNITY) return fail(registryErrors.notACommunity(field));
  return ok(org);
}
