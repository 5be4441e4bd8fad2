import type { Kafka } from "kafkajs";
import { EventConsumer, type ConsumedEvent } from "@kepu/bus";
import {
  ResourceAvailabilityChangedSchema,
  ResourceListedSchema,
  TeamRegisteredSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  VolunteerLeftTeamSchema,
} from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { RegistryStore } from "../store/registry-store.js";

/** What the registry says exists — the 名录's resources, team members — kept from its events. */
export function registryConsumer(kafka: Kafka, groupId: string, topic: string, registry: RegistryStore, logger: Logger): EventConsumer {
  const version = (event: ConsumedEvent<unknown>) => Number(event.envelope.aggregateVersion);
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
    });
}
