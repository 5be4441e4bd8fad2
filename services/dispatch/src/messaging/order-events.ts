import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { newEvent, type EventEnvelope } from "@kepu/bus";
import {
  OrderAcceptedSchema,
  OrderCancelledSchema,
  OrderClaimedSchema,
  OrderCommunityMovedSchema,
  OrderDeclinedSchema,
  OrderDeliveredSchema,
  OrderDispatchedSchema,
  OrderEscalatedSchema,
  OrderPooledSchema,
  OrderRatedSchema,
  OrderRejectedSchema,
  OrderScheduledSchema,
  OrderSubmittedSchema,
  OrdersMergedSchema,
} from "@kepu/contracts/dispatch/v1/events_pb";
import { onBehalfReason } from "../domain/on-behalf.js";
import type { OrderEvent, OrderState, RecordedOrderEvent } from "../domain/order.js";
import type { TimelineRecord } from "../store/order-store.js";

type Payload = { schema: DescMessage; payload: MessageInitShape<DescMessage> };

const ts = (date: Date | undefined) => (date ? timestampFromDate(date) : undefined);

/** The protobuf message for a domain event. `state` is the order after it (for OrderAccepted). */
function toPayload(orderId: string, event: OrderEvent, state: OrderState): Payload {
  const p = <D extends DescMessage>(schema: D, payload: MessageInitShape<D>): Payload => ({ schema, payload: payload as MessageInitShape<DescMessage> });
  switch (event.kind) {
    case "OrderSubmitted":
      return p(OrderSubmittedSchema, { orderId, requesterId: event.requesterId, request: event.request, campaignId: event.campaignId, ...(event.onBehalf ? { onBehalf: event.onBehalf } : {}) });
    case "OrderDispatched":
      return p(OrderDispatchedSchema, { orderId, teamIds: event.teamIds, acceptBy: ts(event.acceptBy), note: event.note });
    case "OrderPooled":
      return p(OrderPooledSchema, { orderId, poolOrgId: event.poolOrgId, reason: event.reason });
    case "OrderClaimed":
      return p(OrderClaimedSchema, { orderId, associationOrgId: event.associationOrgId });
    case "OrderAccepted":
      return p(OrderAcceptedSchema, {
        orderId,
        teamId: event.teamId,
        request: state.request,
        requesterId: state.requesterId,
        campaignId: state.campaignId,
        ...(state.mergeId && state.leadOrderId === orderId ? { mergeId: state.mergeId, mergedOrders: state.mergedOrders ?? [] } : {}),
      });
    case "OrderDeclined":
      return p(OrderDeclinedSchema, { orderId, teamId: event.teamId, reason: event.reason, returnedTo: event.returnedTo, stillOpen: event.stillOpen });
    case "OrderEscalated":
      return p(OrderEscalatedSchema, { orderId, stage: event.stage, from: event.from, to: event.to, toOrgId: event.toOrgId, reason: event.reason });
    case "OrderScheduled":
      return p(OrderScheduledSchema, { orderId, activityId: event.activityId, startsAt: ts(event.startsAt) });
    case "OrderDelivered":
      return p(OrderDeliveredSchema, { orderId, activityId: event.activityId, participants: event.participants, serviceHours: event.serviceHours });
    case "OrderRated":
      return p(OrderRatedSchema, { orderId, score: event.score, comment: event.comment });
    case "OrderCancelled":
      return p(OrderCancelledSchema, { orderId, reason: event.reason, previousStatus: event.previousStatus });
    case "OrderRejected":
      return p(OrderRejectedSchema, { orderId, reason: event.reason });
    case "OrderCommunityMoved":
      return p(OrderCommunityMovedSchema, { orderId, community: event.community, fromPath: event.fromPath, reason: event.reason });
    case "OrdersMerged":
      return p(OrdersMergedSchema, { orderId, mergeId: event.mergeId, leadOrderId: event.leadOrderId, orders: event.orders });
  }
}

export interface Cause {
  correlationId: string;
  causationId?: string;
}

/** The envelope of a recorded event, keyed by the order id. */
export function toEnvelope(orderId: string, recorded: RecordedOrderEvent, state: OrderState, cause: Cause): EventEnvelope {
  const { schema, payload } = toPayload(orderId, recorded.event, state);
  return newEvent(schema, payload, {
    source: "dispatch",
    aggregateId: orderId,
    aggregateVersion: recorded.version,
    occurredAt: recorded.at,
    actor: recorded.actor,
    correlationId: cause.correlationId,
    ...(cause.causationId ? { causationId: cause.causationId } : {}),
  });
}

/** The timeline step a person reads for an event: what, when, who, why. */
export function toTimeline(recorded: RecordedOrderEvent): TimelineRecord {
  const event = recorded.event;
  const onBehalf = event.kind === "OrderSubmitted" ? event.onBehalf : undefined;
  const reason = onBehalf ? onBehalfReason(onBehalf) : "reason" in event ? event.reason : "note" in event ? event.note : "comment" in event ? event.comment : "";
  const teamIds = "teamIds" in event ? event.teamIds : "teamId" in event ? [event.teamId] : [];
  return {
    eventType: event.kind,
    at: recorded.at,
    actorId: recorded.actor?.id ?? "",
    actorRole: recorded.actor?.role ?? 0,
    actorOrgId: recorded.actor?.orgId ?? "",
    actorName: recorded.actor?.displayName ?? "",
    reason,
    teamIds,
  };
}
