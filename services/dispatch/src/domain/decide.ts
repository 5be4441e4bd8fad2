import { fail, ok, type Result } from "@kepu/errors";
import { OrderHolder, OrderStage, OrderStatus, type MergedOrder, type OnBehalf, type OrderRequest } from "@kepu/contracts/dispatch/v1/events_pb";
import { deadlinesFor, hoursAfter, type DeadlinesByDistrict } from "./deadlines.js";
import { orderErrors } from "./errors.js";
import { mergeErrors } from "./merge.js";
import type { OrderEvent, OrderState } from "./order.js";
import { movedPlace, relocationReason, type KnownOrg } from "./references.js";

/** What people (and timers, and the events service) ask of an order. */
export type OrderCommand =
  | { kind: "submit"; requesterId: string; request: OrderRequest; campaignId: string; onBehalf?: OnBehalf } // 点单, 代点单 (on-behalf.ts checks who for whom)
  | { kind: "dispatch"; teamIds: string[]; note: string } // 派单
  | { kind: "pool"; poolOrgId: string; reason: string } // 转科协
  | { kind: "claim"; associationOrgId: string } // 领单
  | { kind: "accept"; teamId: string } // 接单 / 抢单
  | { kind: "decline"; teamId: string; reason: string }
  | { kind: "escalate" } // a timer ran out
  | { kind: "schedule"; activityId: string; startsAt: Date | undefined }
  | { kind: "deliver"; activityId: string; participants: number; serviceHours: number }
  | { kind: "rate"; raterId: string; score: number; comment: string }
  | { kind: "cancel"; reason: string }
  | { kind: "reject"; reason: string }
  /** The order's community moved (the registry's OrganizationMoved): `moved` is where it sits now; `names` names the orgs on both places. */
  | { kind: "relocate"; moved: KnownOrg; names: Readonly<Record<string, string>> }
  /** A confirmed merge (merge.ts): the order joins the group led by `leadOrderId`. */
  | { kind: "merge"; mergeId: string; leadOrderId: string; orders: MergedOrder[]; reason: string };

export interface DecisionContext {
  now: Date;
  deadlines: DeadlinesByDistrict;
}

type Decision = Result<OrderEvent[]>;

const open = (status: OrderStatus) => ![OrderStatus.DELIVERED, OrderStatus.RATED, OrderStatus.CANCELLED, OrderStatus.REJECTED].includes(status);
const taken = (status: OrderStatus) => [OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.DELIVERED, OrderStatus.RATED].includes(status);

/** The next holder up when a hop times out: community → association pool → district association. */
function nextHolder(holder: OrderHolder): OrderHolder | undefined {
  if (holder === OrderHolder.COMMUNITY) return OrderHolder.ASSOCIATION_POOL;
  if (holder === OrderHolder.ASSOCIATION_POOL) return OrderHolder.DISTRICT_ASSOCIATION;
  return undefined;
}

/**
 * The rules of the order's life (PRODUCT.md, "The order's life"): given the state and a command,
 * the events that follow, or why not. Pure: the clock and the deadlines come in the context.
 */
export function decide(state: OrderState | undefined, command: OrderCommand, context: DecisionContext): Decision {
  if (command.kind === "submit") return state ? fail(orderErrors.alreadyExists(state.orderId)) : submit(command, context);
  if (!state) return fail(orderErrors.notFound(""));
  const deadlines = deadlinesFor(context.deadlines, state.request.community?.districtId ?? "");
  const due = (holder: OrderHolder, hours: number) => (nextHolder(holder) === undefined ? undefined : hoursAfter(context.now, hours));
  const wrong = (zh: string, en: string) => fail<OrderEvent[]>(orderErrors.wrongStatus({ zh, en }, state.status));
  // A merged follower is dispatched through its group's lead; it follows the lead's activity.
  const follower = Boolean(state.mergeId && state.leadOrderId !== state.orderId);
  if (follower && state.status === OrderStatus.SUBMITTED && ["dispatch", "pool", "claim", "accept", "decline", "reject"].includes(command.kind)) {
    return fail(mergeErrors.mergedMember());
  }
  if (follower && state.status === OrderStatus.SUBMITTED && command.kind === "schedule") return ok([{ kind: "OrderScheduled", activityId: command.activityId, startsAt: command.startsAt }]);
  if (follower && state.status === OrderStatus.SUBMITTED && command.kind === "deliver") {
    return ok([{ kind: "OrderDelivered", activityId: command.activityId, participants: command.participants, serviceHours: command.serviceHours }]);
  }

  switch (command.kind) {
    case "dispatch": {
      if (state.status !== OrderStatus.SUBMITTED && state.status !== OrderStatus.CLAIMED) return wrong("派单", "dispatched");
      const teamIds = [...new Set(command.teamIds.filter(Boolean))];
      if (teamIds.length === 0) return fail(orderErrors.noTeams());
      const declinedBefore = teamIds.find((t) => state.declinedTeamIds.includes(t));
      if (declinedBefore) return fail(orderErrors.teamDeclinedBefore(declinedBefore));
      return ok([{ kind: "OrderDispatched", teamIds, acceptBy: hoursAfter(context.now, deadlines.acceptHours), note: command.note }]);
    }
    case "pool":
      if (state.status !== OrderStatus.SUBMITTED) return wrong("转交科协", "handed to the association pool");
      return ok([{ kind: "OrderPooled", poolOrgId: command.poolOrgId, reason: command.reason, dueAt: hoursAfter(context.now, deadlines.claimHours) }]);
    case "claim":
      if (state.status !== OrderStatus.POOLED) return wrong("领单", "claimed");
      return ok([{ kind: "OrderClaimed", associationOrgId: command.associationOrgId, dueAt: due(state.holder, deadlines.dispatchHours) }]);
    case "accept":
      return accept(state, command.teamId);
    case "decline":
      return decline(state, command, due(state.holder, deadlines.dispatchHours));
    case "escalate":
      return escalate(state, context.now, deadlines.claimHours);
    case "schedule":
      if (state.status === OrderStatus.SCHEDULED && state.activityId === command.activityId) return ok([]);
      if (state.status !== OrderStatus.ACCEPTED) return wrong("排期", "scheduled");
      return ok([{ kind: "OrderScheduled", activityId: command.activityId, startsAt: command.startsAt }]);
    case "deliver":
      if (state.status === OrderStatus.DELIVERED || state.status === OrderStatus.RATED) return ok([]);
      if (state.status !== OrderStatus.ACCEPTED && state.status !== OrderStatus.SCHEDULED) return wrong("完成", "delivered");
      return ok([{ kind: "OrderDelivered", activityId: command.activityId, participants: command.participants, serviceHours: command.serviceHours }]);
    case "rate":
      if (state.status !== OrderStatus.DELIVERED) return wrong("评价", "rated");
      if (command.raterId !== state.requesterId) return fail(orderErrors.notRequester());
      if (!Number.isInteger(command.score) || command.score < 1 || command.score > 5) return fail(orderErrors.badScore());
      return ok([{ kind: "OrderRated", score: command.score, comment: command.comment }]);
    case "cancel":
      if (!open(state.status)) return wrong("取消", "cancelled");
      if (!command.reason.trim()) return fail(orderErrors.reasonRequired());
      return ok([{ kind: "OrderCancelled", reason: command.reason, previousStatus: state.status }]);
    case "reject":
      if (state.status !== OrderStatus.SUBMITTED) return wrong("驳回", "rejected");
      if (!command.reason.trim()) return fail(orderErrors.reasonRequired());
      return ok([{ kind: "OrderRejected", reason: command.reason }]);
    case "relocate":
      return relocate(state, command);
    case "merge":
      if (state.mergeId === command.mergeId) return ok([]); // a retried confirmation
      if (state.mergeId) return fail(mergeErrors.alreadyMerged(state.orderId));
      if (state.status !== OrderStatus.SUBMITTED) return fail(mergeErrors.notOpen(state.orderId));
      return ok([{ kind: "OrdersMerged", mergeId: command.mergeId, leadOrderId: command.leadOrderId, orders: command.orders, reason: command.reason }]);
  }
}

/**
 * An open order follows its community to the new place; a done order stays where it happened,
 * and one already there is no change (a redelivered move).
 */
function relocate(state: OrderState, command: Extract<OrderCommand, { kind: "relocate" }>): Decision {
  const from = state.request.community;
  const to = movedPlace(state.status, from, command.moved);
  if (!from || !to) return ok([]);
  return ok([{ kind: "OrderCommunityMoved", community: to, fromPath: [...from.path], reason: relocationReason(from, to, command.names) }]);
}

function submit(command: Extract<OrderCommand, { kind: "submit" }>, context: DecisionContext): Decision {
  const deadlines = deadlinesFor(context.deadlines, command.request.community?.districtId ?? "");
  return ok([
    {
      kind: "OrderSubmitted",
      requesterId: command.requesterId,
      request: command.request,
      campaignId: command.campaignId,
      dueAt: hoursAfter(context.now, deadlines.dispatchHours),
      ...(command.onBehalf ? { onBehalf: command.onBehalf } : {}),
    },
  ]);
}

/** Exactly one team wins: the first accept moves the order on; every later one is refused. */
function accept(state: OrderState, teamId: string): Decision {
  if (taken(state.status)) return fail(state.acceptedTeamId === teamId ? orderErrors.wrongStatus({ zh: "重复接单", en: "accepted again" }, state.status) : orderErrors.alreadyAccepted());
  if (state.status === OrderStatus.POOLED) {
    // 抢单 from the pool — but not by a team that already said no to this order.
    return state.declinedTeamIds.includes(teamId) ? fail(orderErrors.teamAlreadyDeclined(teamId)) : ok([{ kind: "OrderAccepted", teamId }]);
  }
  if (state.status !== OrderStatus.DISPATCHED) return fail(orderErrors.wrongStatus({ zh: "接单", en: "accepted" }, state.status));
  if (!state.invitedTeamIds.includes(teamId)) return fail(orderErrors.teamNotInvited(teamId));
  if (state.declinedTeamIds.includes(teamId)) return fail(orderErrors.teamAlreadyDeclined(teamId));
  return ok([{ kind: "OrderAccepted", teamId }]);
}

/** A decline sends the order back to whoever dispatched it once no invited team is left. */
function decline(state: OrderState, command: Extract<OrderCommand, { kind: "decline" }>, dueAt: Date | undefined): Decision {
  if (taken(state.status)) return fail(orderErrors.alreadyAccepted());
  if (state.status !== OrderStatus.DISPATCHED) return fail(orderErrors.wrongStatus({ zh: "拒单", en: "declined" }, state.status));
  if (!state.invitedTeamIds.includes(command.teamId)) return fail(orderErrors.teamNotInvited(command.teamId));
  if (state.declinedTeamIds.includes(command.teamId)) return fail(orderErrors.teamAlreadyDeclined(command.teamId));
  if (!command.reason.trim()) return fail(orderErrors.reasonRequired());
  const stillOpen = state.invitedTeamIds.some((t) => t !== command.teamId && !state.declinedTeamIds.includes(t));
  return ok([{ kind: "OrderDeclined", teamId: command.teamId, reason: command.reason, returnedTo: state.holder, stillOpen, dueAt: stillOpen ? state.dueAt : dueAt }]);
}

/** A timer ran out: the order moves up one holder, or stays where it is at the top. */
function escalate(state: OrderState, now: Date, claimHours: number): Decision {
  if (!open(state.status) || taken(state.status) || !state.dueAt || state.dueAt > now) return ok([]);
  const to = nextHolder(state.holder);
  if (to === undefined) return ok([]);
  const stage = state.dueStage === OrderStage.UNSPECIFIED ? OrderStage.DISPATCH : state.dueStage;
  const dueAt = nextHolder(to) === undefined ? undefined : hoursAfter(now, claimHours);
  const reason = stage === OrderStage.ACCEPT ? "超时未接单，自动上报 / not accepted in time" : stage === OrderStage.CLAIM ? "超时未领单，自动上报 / not claimed in time" : "超时未派单，自动上报 / not dispatched in time";
  const toOrgId = to === OrderHolder.DISTRICT_ASSOCIATION ? (state.request.community?.districtId ?? "") : "";
  return ok([{ kind: "OrderEscalated", stage, from: state.holder, to, toOrgId, reason, dueAt }]);
}
