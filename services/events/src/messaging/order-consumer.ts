import type { Kafka } from "kafkajs";
import { EventConsumer } from "@kepu/bus";
import { OrderAcceptedSchema, OrderCancelledSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Activities } from "../activities.js";
import { groupAcceptance, isMergeGroup, type MergeHoldStore } from "../merged-activity.js";

/** Accepted orders become activities; cancelled ones cancel theirs. Each at most once. */
export function orderConsumer(kafka: Kafka, groupId: string, topic: string, activities: Activities, logger: Logger, mergeHolds?: MergeHoldStore): EventConsumer {
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(OrderAcceptedSchema, async ({ payload, envelope }) => {
      const cause = { correlationId: envelope.correlationId, causationId: envelope.eventId };
      if (!isMergeGroup(payload) || !mergeHolds) return void (await activities.createFromOrder(payload, envelope.actor, cause));
      // A merge group's lead: one activity for the group, seats held for each ordering community.
      // The holds are recorded before the activity's seats open, and loaded with them (again on redelivery).
      await activities.createFromOrder(groupAcceptance(payload), envelope.actor, cause, (activity) => mergeHolds.record(activity, payload));
    })
    .on(OrderCancelledSchema, async ({ payload, envelope }) => {
      await activities.cancelForOrder(payload.orderId, payload.reason, envelope.actor, { correlationId: envelope.correlationId, causationId: envelope.eventId });
    });
}
