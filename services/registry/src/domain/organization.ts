// The organization aggregate (市 → 区 → 街道 → 社区, 科协, 文明实践, 党群服务中心): pure decide / evolve.
import { fail, ok, type Result } from "@kepu/errors";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { registryErrors } from "./errors.js";
import { placeUnder, type Place } from "./org-tree.js";

export interface OrgState {
  orgId: string;
  name: string;
  kind: OrgKind;
  parentId: string;
  place: Place;
}

/** What is asked of an organization. (Issue 15 adds rename / move / close here.) */
export type OrgCommand = { type: "register"; orgId: string; name: string; kind: OrgKind; parentId: string };

/** What the use case loaded for the command: the parent it names, if any. */
export interface OrgContext {
  parent: OrgState | undefined;
}

export type OrgEvent = { type: "OrganizationRegistered"; orgId: string; name: string; kind: OrgKind; parentId: string; place: Place };

export function decide(state: OrgState | undefined, command: OrgCommand, context: OrgContext): Result<OrgEvent[]> {
  switch (command.type) {
    case "register": {
      if (state) return fail(registryErrors.alreadyExists(command.orgId));
      if (command.parentId && !context.parent) return fail(registryErrors.notFound("organizations", command.parentId, "parentId"));
      const placed = placeUnder(context.parent, command.orgId, command.kind);
      if (!placed.ok) return placed;
      return ok([{ type: "OrganizationRegistered", orgId: command.orgId, name: command.name, kind: command.kind, parentId: command.parentId, place: placed.value }]);
    }
  }
}

export function evolve(_state: OrgState | undefined, event: OrgEvent): OrgState {
  switch (event.type) {
    case "OrganizationRegistered":
      return { orgId: event.orgId, name: event.name, kind: event.kind, parentId: event.parentId, place: event.place };
  }
}

/** "A community is a community": the org named where a community is asked for, or why not. */
export function requireCommunity(org: OrgState | undefined, orgId: string, field: string): Result<OrgState> {
  if (!org) return fail(registryErrors.notFound("organizations", orgId, field));
  if (org.kind !== OrgKind.COMMUNITY) return fail(registryErrors.notACommunity(field));
  return ok(org);
}
