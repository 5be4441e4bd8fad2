import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Kafka } from "kafkajs";
import { EventConsumer, type ConsumedEvent } from "@kepu/bus";
import { ActivityCompletedSchema, ActivityScheduledSchema, OrderSchedulingConflictedSchema } from "@kepu/contracts/events/v1/events_pb";
import {
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  MenuItemWithdrawnSchema,
  OrganizationClosedSchema,
  OrganizationMovedSchema,
  OrganizationRegisteredSchema,
  OrganizationRenamedSchema,
  TeamDeactivatedSchema,
  TeamRegisteredSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  VolunteerLeftTeamSchema,
  type MenuItem,
} from "@kepu/contracts/registry/v1/events_pb";
import { isKepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import type { OrderCommand } from "../domain/decide.js";
import { systemActor, type Orders } from "../orders.js";
import type { CatalogStore } from "../store/catalog-store.js";
import type { OrderStore } from "../store/order-store.js";
import type { TeamStore } from "../store/team-store.js";
import { conflictStep } from "./scheduling-conflicts.js";

export interface ConsumerTopics {
  registry: string;
  events: string;
}

/**
 * Dispatch's read model of the registry (kepu.registry.v1): teams and their members for
 * suggestions, 派单 and 抢单; organizations' kind, name, place and whether closed, and the menu
 * items, to check 点单. A moved community's open orders follow it (Orders.relocateCommunity: an
 * OrderCommunityMoved on each, with a timeline step).
 * Event types it has no handler for (staff accounts, residents' moves, served communities…) are
 * skipped by the consumer, never dead-lettered.
 */
export function registryConsumer(kafka: Kafka, groupId: string, topic: string, teams: TeamStore, catalog: CatalogStore, logger: Logger, orders: Orders): EventConsumer {
  const version = (event: ConsumedEvent<unknown>) => Number(event.envelope.aggregateVersion);
  const menuFields = (item: MenuItem | undefined) => ({
    title: item?.title ?? "",
    serviceAreaOrgId: item?.serviceAreaOrgId ?? "",
    leadTimeDays: item?.leadTimeDays ?? 0,
  });
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(TeamRegisteredSchema, async (event) => {
      const { teamId, name, orgId, themes, serviceAreaOrgIds } = event.payload;
      await teams.apply(teamId, version(event), { name, orgId, themes, serviceAreaOrgIds });
    })
    .on(TeamUpdatedSchema, async (event) => {
      const { teamId, name, themes, serviceAreaOrgIds } = event.payload;
      await teams.apply(teamId, version(event), { name, themes, serviceAreaOrgIds });
    })
    .on(TeamDeactivatedSchema, async (event) => teams.apply(event.payload.teamId, version(event), { active: false }))
    .on(VolunteerJoinedTeamSchema, async (event) => teams.memberJoined(event.payload.teamId, version(event), event.payload.volunteerId))
    .on(VolunteerLeftTeamSchema, async (event) => teams.memberLeft(event.payload.teamId, version(event), event.payload.volunteerId))
    .on(OrganizationRegisteredSchema, async (event) => {
      const { orgId, kind, name, place } = event.payload;
      await catalog.orgChanged(orgId, version(event), { kind, name, path: place?.path ?? [], districtId: place?.districtId ?? "", streetId: place?.streetId ?? "" });
    })
    .on(OrganizationRenamedSchema, async (event) => catalog.orgChanged(event.payload.orgId, version(event), { name: event.payload.name }))
    .on(OrganizationMovedSchema, async (event) => {
      const { orgId, place } = event.payload;
      await catalog.orgChanged(orgId, version(event), { path: place?.path ?? [], districtId: place?.districtId ?? "", streetId: place?.streetId ?? "" });
      // Where the read model has it now (a redelivered older move is not applied, and the orders
      // follow the newest), also when a crash came between the two writes the first time.
      const now = await catalog.org(orgId);
      if (now) await orders.relocateCommunity(now, (ids) => catalog.names(ids), { correlationId: event.envelope.correlationId, causationId: event.envelope.eventId });
    })
    .on(OrganizationClosedSchema, async (event) => catalog.orgChanged(event.payload.orgId, version(event), { closed: true }))
    .on(MenuItemPublishedSchema, async (event) => {
      const item = event.payload.item;
      await catalog.menuItemChanged(item?.itemId ?? event.envelope.aggregateId, version(event), { ...menuFields(item), withdrawn: false });
    })
    .on(MenuItemEditedSchema, async (event) => {
      const item = event.payload.item;
      await catalog.menuItemChanged(item?.itemId ?? event.envelope.aggregateId, version(event), menuFields(item));
    })
    .on(MenuItemWithdrawnSchema, async (event) => catalog.menuItemChanged(event.payload.itemId, version(event), { withdrawn: true }));
}

/**
 * Activities from the events service: scheduled → SCHEDULED, held → DELIVERED. Dispatch learns
 * this from events, never by calling. A repeat changes nothing (the decider emits no event). An
 * activity that could not be scheduled (OrderSchedulingConflicted) is a timeline step, once per event.
 */
export function activityConsumer(kafka: Kafka, groupId: string, topic: string, orders: Orders, logger: Logger, store: Pick<OrderStore, "appendStep">): EventConsumer {
  const log = logger.child({ component: "activity-consumer" });
  const run = async (orderId: string, command: OrderCommand, event: ConsumedEvent<unknown>) => {
    if (!orderId) return; // an activity published directly, not from an order
    try {
      const cause = { correlationId: event.envelope.correlationId, causationId: event.envelope.eventId };
      const lead = await orders.handle(orderId, command, systemActor, cause);
      // A merge group's activity carries each of its orders: the followers are scheduled and delivered with the lead.
      if (lead.state.mergeId && lead.state.leadOrderId === orderId) await orders.followLead(lead.state, command, cause);
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
    })
    .on(OrderSchedulingConflictedSchema, async (event) => {
      if (event.payload.orderId) await store.appendStep(event.payload.orderId, conflictStep(event));
    });
}
