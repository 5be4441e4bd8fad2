import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import type { OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderHolder } from "@kepu/contracts/dispatch/v1/events_pb";
import type { OrderCommand } from "./decide.js";
import { orderErrors } from "./errors.js";
import type { OrderState } from "./order.js";

// Staff act on a subtree of the org tree: actor.org_id is the node they answer for (their
// community, street, district or the city). Team leaders act for their team: actor.org_id is the
// team id. Residents act on their own orders.

const communityStaff = [Role.COMMUNITY_WORKER, Role.STREET_STAFF];
const associationStaff = [Role.DISTRICT_STAFF, Role.CITY_STAFF];
const allStaff = [...communityStaff, ...associationStaff];

const unauthenticated = () => kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first");

/** True when the org is the community itself or one of its ancestors. */
export function inSubtree(place: OrgPlace | undefined, orgId: string): boolean {
  return !!orgId && !!place && (place.path.includes(orgId) || place.orgId === orgId);
}

function staffInScope(actor: Actor, roles: Role[], place: OrgPlace | undefined): Result<void> {
  if (!roles.includes(actor.role)) return fail(orderErrors.roleNotAllowed("处理此订单", "handle this order"));
  return inSubtree(place, actor.orgId) ? ok(undefined) : fail(orderErrors.notYourScope());
}

/** Whether this actor may give this command for this order. Checked before deciding. */
export function authorize(command: OrderCommand, state: OrderState | undefined, actor: Actor | undefined): Result<void> {
  if (!actor || !actor.id) return fail(unauthenticated());
  if (actor.role === Role.ADMIN || actor.role === Role.SYSTEM) return ok(undefined);
  const place = command.kind === "submit" ? command.request.community : state?.request.community;
  switch (command.kind) {
    case "submit":
      if (actor.role === Role.RESIDENT) return ok(undefined);
      return staffInScope(actor, communityStaff, place);
    case "dispatch":
    case "pool":
    case "reject":
      return staffInScope(actor, state?.holder === OrderHolder.COMMUNITY ? communityStaff : associationStaff, place);
    case "claim":
      return staffInScope(actor, associationStaff, place);
    case "accept":
    case "decline":
      if (actor.role !== Role.TEAM_LEADER) return fail(orderErrors.roleNotAllowed("接单或拒单", "accept or decline orders"));
      return actor.orgId === command.teamId ? ok(undefined) : fail(orderErrors.notYourTeam());
    case "cancel":
      if (actor.role === Role.RESIDENT) return actor.id === state?.requesterId ? ok(undefined) : fail(orderErrors.notYourScope());
      return staffInScope(actor, allStaff, place);
    case "rate":
      return actor.role === Role.RESIDENT ? ok(undefined) : fail(orderErrors.notRequester());
    case "escalate":
    case "schedule":
    case "deliver":
      return fail(orderErrors.roleNotAllowed("执行系统操作", "run system actions"));
  }
}

/** Whether this actor may see this order. */
export function canRead(state: OrderState, actor: Actor | undefined): boolean {
  if (!actor) return false;
  switch (actor.role) {
    case Role.ADMIN:
    case Role.SYSTEM:
      return true;
    case Role.RESIDENT:
      return actor.id === state.requesterId;
    case Role.TEAM_LEADER:
    case Role.TEAM_MEMBER:
      return state.invitedTeamIds.includes(actor.orgId) || state.acceptedTeamId === actor.orgId || state.declinedTeamIds.includes(actor.orgId);
    default:
      return inSubtree(state.request.community, actor.orgId);
  }
}
