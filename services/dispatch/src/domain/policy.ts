import { authorize as access, can, type Action, type Facts } from "@kepu/access";
import { fail, ok, type Result } from "@kepu/errors";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { OrderCommand } from "./decide.js";
import { orderErrors } from "./errors.js";
import type { OrderState } from "./order.js";

// Who may read and change an order is PRODUCT.md's ownership matrix (@kepu/access). What the
// matrix needs to know of one order is said here, from the order's own state.

/** Teams invited to the order that have not declined it, whatever became of it since. */
function invitedNotDeclined(state: OrderState): string[] {
  return state.invitedTeamIds.filter((t) => !state.declinedTeamIds.includes(t));
}

/** Teams the order is offered to right now: invited and not yet declined, while dispatched. */
export function offeredTeams(state: OrderState): string[] {
  return state.status === OrderStatus.DISPATCHED ? invitedNotDeclined(state) : [];
}

/**
 * For 接单, an invited team keeps its standing after the offer is over (another team won, the
 * order was cancelled): its attempt then reaches the decider, which says why it cannot accept
 * (ORDER_ALREADY_ACCEPTED, …) instead of the access model calling the order out of scope.
 */
function offeredFor(state: OrderState, command: OrderCommand | undefined): string[] {
  return command?.kind === "accept" && state.status !== OrderStatus.POOLED ? invitedNotDeclined(state) : offeredTeams(state);
}

/**
 * The order as the access model sees it. `actorTeamAreas` are the acting team's service areas:
 * they count only while the order waits in the pool (抢单).
 */
export function orderFacts(state: OrderState | undefined, command: OrderCommand | undefined, actorTeamAreas: readonly string[] = []): Facts {
  const community = command?.kind === "submit" ? command.request.community : state?.request.community;
  return {
    path: community?.path ?? [],
    orgId: community?.orgId ?? "",
    ownerId: state?.requesterId ?? "",
    teamId: state?.acceptedTeamId ?? "",
    offeredTeamIds: state ? offeredFor(state, command) : [],
    claimedByOrgId: state?.claimedByOrgId ?? "",
    actorTeamAreas: state?.status === OrderStatus.POOLED ? actorTeamAreas : [],
  };
}

/** The matrix's action a command is, given the order's state. */
function actionOf(command: OrderCommand, state: OrderState | undefined): Action | undefined {
  switch (command.kind) {
    case "submit":
      return "order.submit";
    case "dispatch":
      return state?.holder === OrderHolder.COMMUNITY ? "order.handleAtCommunity" : "order.dispatchClaimed";
    case "pool":
    case "reject":
      return "order.handleAtCommunity";
    case "merge":
      return "order.read"; // who may merge is merge.ts's rule (workers and streets over each order), checked before
    case "claim":
      return "order.claim";
    case "accept":
      return state?.status === OrderStatus.POOLED ? "order.grab" : "order.accept";
    case "decline":
      return "order.decline";
    case "cancel":
      return "order.cancel";
    case "rate":
      return "order.rate";
    case "escalate":
    case "schedule":
    case "deliver":
    case "relocate":
      return undefined; // the platform's own: timers and the events service
  }
}

/** Whether this actor may give this command for this order. Checked before deciding. */
export function authorize(command: OrderCommand, state: OrderState | undefined, actor: Actor | undefined, actorTeamAreas: readonly string[] = []): Result<void> {
  const action = actionOf(command, state);
  if (!action) return actor?.role === Role.SYSTEM ? ok(undefined) : fail(orderErrors.roleNotAllowed("执行系统操作", "run system actions"));
  // A team leader acts for his own team only, whatever team the request names.
  if ((command.kind === "accept" || command.kind === "decline") && actor?.role === Role.TEAM_LEADER && actor.orgId !== command.teamId) return fail(orderErrors.notYourTeam());
  return access(action, actor, orderFacts(state, command, actorTeamAreas));
}

/** Whether this actor may see this order; one they may not is answered as not found. */
export function canRead(state: OrderState, actor: Actor | undefined, actorTeamAreas: readonly string[] = []): boolean {
  return can("order.read", actor, orderFacts(state, undefined, actorTeamAreas));
}
