import type { Kafka } from "kafkajs";
import { EventConsumer } from "@kepu/bus";
import { OrderAcceptedSchema, OrderCancelledSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Activities } from "../activities.js";

/** Accepted orders become activities; cancelled ones cancel theirs. Each at most once. */
export function orderConsumer(kafka: Kafka, groupId: string, topic: string, activities: Activities, logger: Logger): EventConsumer {
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(OrderAcceptedSchema, async ({ payload, envelope }) => {
      await activities.createFromOrder(payload, envelope.actor, { correlationId: envelope.correlationId, causationId: envelope.eventId });
    })
    .on(OrderCancelledSchema, async ({ payload, envelope }) => {
      await activities.cancelForOrder(payload.orderId, payload.reason, envelope.actor, { correlationId: envelope.correlationId, causationId: envelope.eventId });
    });
}
