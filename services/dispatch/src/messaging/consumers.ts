import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Kafka } from "kafkajs";
import { EventConsumer, type ConsumedEvent } from "@kepu/bus";
import { ActivityCompletedSchema, ActivityScheduledSchema } from "@kepu/contracts/events/v1/events_pb";
import { TeamRegisteredSchema, TeamUpdatedSchema } from "@kepu/contracts/registry/v1/events_pb";
import { isKepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import type { OrderCommand } from "../domain/decide.js";
import { systemActor, type Orders } from "../orders.js";
import type { TeamStore } from "../store/team-store.js";

export interface ConsumerTopics {
  registry: string;
  events: string;
}

/** Teams from the registry: dispatch keeps its own copy for suggestions. */
export function teamConsumer(kafka: Kafka, groupId: string, topic: string, teams: TeamStore, logger: Logger): EventConsumer {
  const version = (event: ConsumedEvent<unknown>) => Number(event.envelope.aggregateVersion);
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(TeamRegisteredSchema, async (event) => {
      const { teamId, name, orgId, themes, serviceAreaOrgIds } = event.payload;
      await teams.apply(teamId, version(event), { name, orgId, themes, serviceAreaOrgIds });
    })
    .on(TeamUpdatedSchema, async (event) => {
      const { teamId, name, themes, serviceAreaOrgIds } = event.payload;
      await teams.apply(teamId, version(event), { name, themes, serviceAreaOrgIds });
    });
}

/**
 * Activities from the events service: scheduled → SCHEDULED, held → DELIVERED. Dispatch learns
 * this from events, never by calling. A repeat changes nothing (the decider emits no event).
 */
export function activityConsumer(kafka: Kafka, groupId: string, topic: string, orders: Orders, logger: Logger): EventConsumer {
  const log = logger.child({ component: "activity-consumer" });
  const run = async (orderId: string, command: OrderCommand, event: ConsumedEvent<unknown>) => {
    if (!orderId) return; // an activity published directly, not from an order
    try {
      await orders.handle(orderId, command, systemActor, { correlationId: event.envelope.correlationId, causationId: event.envelope.eventId });
    } catch (error) {
      // The order moved on (e.g. cancelled) before the activity's news arrived: nothing to do.
      if (isKepuError(error) && error.code === "ORDER_WRONG_STATUS") return log.warn({ orderId, code: error.code }, "activity event for an order in another state");
      throw error;
    }
  };
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(ActivityScheduledSchema, async (event) => {
      const first = event.payload.sessions[0]?.startsAt;
      await run(event.payload.orderId, { kind: "schedule", activityId: event.payload.activityId, startsAt: first ? timestampDate(first) : undefined }, event);
    })
    .on(ActivityCompletedSchema, async (event) => {
      const { orderId, activityId, participants, serviceHours } = event.payload;
      await run(orderId, { kind: "deliver", activityId, participants, serviceHours }, event);
    });
}
