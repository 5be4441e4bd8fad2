import type { Kafka } from "kafkajs";
import { EventConsumer, type ConsumedEvent } from "@kepu/bus";
import {
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  MenuItemWithdrawnSchema,
  ResourceAvailabilityChangedSchema,
  ResourceListedSchema,
  TeamRegisteredSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  VolunteerLeftTeamSchema,
  type MenuItem,
} from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { RegistryStore } from "../store/registry-store.js";

/** What the registry says exists — the 名录's resources, team members, menu items — kept from its events. */
export function registryConsumer(kafka: Kafka, groupId: string, topic: string, registry: RegistryStore, logger: Logger): EventConsumer {
  const version = (event: ConsumedEvent<unknown>) => Number(event.envelope.aggregateVersion);
  const menuItem = async (event: ConsumedEvent<{ item?: MenuItem }>) => {
    const item = event.payload.item;
    if (!item) return;
    await registry.applyMenuItem(item.itemId, version(event), { durationMinutes: item.durationMinutes, capacity: item.capacity, resourceIds: [...item.resourceIds], withdrawn: false });
  };
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(ResourceListedSchema, async (event) => {
      await registry.applyResource(event.payload.resourceId, version(event), { available: event.payload.available, ownerOrgId: event.payload.ownerOrgId });
    })
    .on(ResourceAvailabilityChangedSchema, async (event) => {
      await registry.applyResource(event.payload.resourceId, version(event), { available: event.payload.available });
    })
    // A team's leader belongs to it; its members join and leave. Each at the team's version.
    .on(TeamRegisteredSchema, async (event) => {
      if (event.payload.leaderId) await registry.applyMembership(event.payload.teamId, event.payload.leaderId, version(event), true);
    })
    .on(TeamUpdatedSchema, async (event) => {
      if (event.payload.leaderId) await registry.applyMembership(event.payload.teamId, event.payload.leaderId, version(event), true);
    })
    .on(VolunteerJoinedTeamSchema, async (event) => {
      await registry.applyMembership(event.payload.teamId, event.payload.volunteerId, version(event), true);
    })
    .on(VolunteerLeftTeamSchema, async (event) => {
      await registry.applyMembership(event.payload.teamId, event.payload.volunteerId, version(event), false);
    })
    // An order's activity takes its item's duration, capacity and resources.
    .on(MenuItemPublishedSchema, async (event) => menuItem(event))
    .on(MenuItemEditedSchema, async (event) => menuItem(event))
    .on(MenuItemWithdrawnSchema, async (event) => {
      await registry.applyMenuItem(event.payload.itemId, version(event), { withdrawn: true });
    });
}
