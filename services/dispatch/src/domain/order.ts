import type { OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder, OrderStage, OrderStatus, type MergedOrder, type OnBehalf, type OrderRequest } from "@kepu/contracts/dispatch/v1/events_pb";

/** An order as the decider sees it (rebuilt from its events by `evolve`). */
export interface OrderState {
  orderId: string;
  status: OrderStatus;
  requesterId: string;
  request: OrderRequest;
  campaignId: string;
  /** Who has the order now: the community, the association pool, the district association. */
  holder: OrderHolder;
  invitedTeamIds: string[];
  declinedTeamIds: string[];
  acceptedTeamId: string;
  /** The association that claimed the order (领单): only it dispatches it. */
  claimedByOrgId: string;
  activityId: string;
  rating: number;
  version: number;
  submittedAt: Date;
  /** When the current hop times out, and which hop it is. */
  dueAt: Date | undefined;
  dueStage: OrderStage;
  /** 代点单: who placed the order for the resident and how she agreed (on-behalf.ts). */
  onBehalf: OnBehalf | undefined;
  /** Merged demand (merge.ts): the group it is in, the order that carries it, and the group's orders (lead first). */
  mergeId?: string;
  leadOrderId?: string;
  mergedOrders?: MergedOrder[];
}

/** What happened to an order; each becomes one protobuf event on kepu.dispatch.v1. */
export type OrderEvent =
  | { kind: "OrderSubmitted"; requesterId: string; request: OrderRequest; campaignId: string; dueAt: Date; onBehalf?: OnBehalf }
  | { kind: "OrderDispatched"; teamIds: string[]; acceptBy: Date; note: string }
  | { kind: "OrderPooled"; poolOrgId: string; reason: string; dueAt: Date }
  | { kind: "OrderClaimed"; associationOrgId: string; dueAt: Date | undefined }
  | { kind: "OrderAccepted"; teamId: string }
  | { kind: "OrderDeclined"; teamId: string; reason: string; returnedTo: OrderHolder; stillOpen: boolean; dueAt: Date | undefined }
  | { kind: "OrderEscalated"; stage: OrderStage; from: OrderHolder; to: OrderHolder; toOrgId: string; reason: string; dueAt: Date | undefined }
  | { kind: "OrderScheduled"; activityId: string; startsAt: Date | undefined }
  | { kind: "OrderDelivered"; activityId: string; participants: number; serviceHours: number }
  | { kind: "OrderRated"; score: number; comment: string }
  | { kind: "OrderCancelled"; reason: string; previousStatus: OrderStatus }
  | { kind: "OrderRejected"; reason: string }
  | { kind: "OrderCommunityMoved"; community: OrgPlace; fromPath: string[]; reason: string }
  | { kind: "OrdersMerged"; mergeId: string; leadOrderId: string; orders: MergedOrder[]; reason: string };

/** An event as stored and published: what happened, to which version, when and by whom. */
export interface RecordedOrderEvent {
  event: OrderEvent;
  version: number;
  at: Date;
  actor: Actor | undefined;
}

const afterDecline = (state: OrderState, holder: OrderHolder): OrderStatus =>
  holder === OrderHolder.COMMUNITY ? OrderStatus.SUBMITTED : state.status === OrderStatus.DISPATCHED ? OrderStatus.CLAIMED : state.status;

/** The state after one event. Pure; the same events always give the same state. */
export function evolve(state: OrderState | undefined, event: OrderEvent, orderId: string, at: Date): OrderState {
  if (event.kind === "OrderSubmitted") {
    return {
      orderId,
      status: OrderStatus.SUBMITTED,
      requesterId: event.requesterId,
      request: event.request,
      campaignId: event.campaignId,
      holder: OrderHolder.COMMUNITY,
      invitedTeamIds: [],
      declinedTeamIds: [],
      acceptedTeamId: "",
      claimedByOrgId: "",
      activityId: "",
      rating: 0,
      version: 1,
      submittedAt: at,
      dueAt: event.dueAt,
      dueStage: OrderStage.DISPATCH,
      onBehalf: event.onBehalf,
    };
  }
  if (!state) throw new Error(`${event.kind} before OrderSubmitted`);
  const next: OrderState = { ...state, version: state.version + 1 };
  switch (event.kind) {
    case "OrderDispatched":
      // At the district association there is nobody left to escalate to: no accept timer.
      if (state.holder === OrderHolder.DISTRICT_ASSOCIATION) return { ...next, status: OrderStatus.DISPATCHED, invitedTeamIds: event.teamIds, dueAt: undefined, dueStage: OrderStage.UNSPECIFIED };
      return { ...next, status: OrderStatus.DISPATCHED, invitedTeamIds: event.teamIds, dueAt: event.acceptBy, dueStage: OrderStage.ACCEPT };
    case "OrderPooled":
      return { ...next, status: OrderStatus.POOLED, holder: OrderHolder.ASSOCIATION_POOL, dueAt: event.dueAt, dueStage: OrderStage.CLAIM };
    case "OrderClaimed":
      return { ...next, status: OrderStatus.CLAIMED, claimedByOrgId: event.associationOrgId, dueAt: event.dueAt, dueStage: event.dueAt ? OrderStage.DISPATCH : OrderStage.UNSPECIFIED };
    case "OrderAccepted":
      return { ...next, status: OrderStatus.ACCEPTED, acceptedTeamId: event.teamId, dueAt: undefined, dueStage: OrderStage.UNSPECIFIED };
    case "OrderDeclined": {
      const declined = { ...next, declinedTeamIds: [...state.declinedTeamIds, event.teamId] };
      if (event.stillOpen) return declined;
      return { ...declined, status: afterDecline(state, event.returnedTo), invitedTeamIds: [], dueAt: event.dueAt, dueStage: event.dueAt ? OrderStage.DISPATCH : OrderStage.UNSPECIFIED };
    }
    case "OrderEscalated":
      return {
        ...next,
        status: OrderStatus.POOLED,
        holder: event.to,
        claimedByOrgId: "",
        invitedTeamIds: [],
        dueAt: event.dueAt,
        dueStage: event.dueAt ? OrderStage.CLAIM : OrderStage.UNSPECIFIED,
      };
    case "OrderScheduled":
      return { ...next, status: OrderStatus.SCHEDULED, activityId: event.activityId };
    case "OrderDelivered":
      return { ...next, status: OrderStatus.DELIVERED, activityId: event.activityId };
    case "OrderRated":
      return { ...next, status: OrderStatus.RATED, rating: event.score };
    case "OrderCancelled":
      return { ...next, status: OrderStatus.CANCELLED, dueAt: undefined, dueStage: OrderStage.UNSPECIFIED };
    case "OrderRejected":
      return { ...next, status: OrderStatus.REJECTED, dueAt: undefined, dueStage: OrderStage.UNSPECIFIED };
    case "OrderCommunityMoved":
      // Only the place changes: who holds the order, its status and its timers stay as they were.
      return { ...next, request: { ...state.request, community: event.community } };
    case "OrdersMerged": {
      const merged = { ...next, mergeId: event.mergeId, leadOrderId: event.leadOrderId, mergedOrders: event.orders };
      // A follower waits for the lead's activity: no timer of its own.
      return event.leadOrderId === orderId ? merged : { ...merged, dueAt: undefined, dueStage: OrderStage.UNSPECIFIED };
    }
  }
}
