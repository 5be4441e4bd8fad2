// The gateway's own data follows the registry's org tree (kepu.registry.v1): a staff account acts
// for an org and is kept by those above it, so when that org moves its accounts take the new
// place (Accounts.orgMoved). Every other event type on the topic — the gateway's own account
// events included — is skipped by the consumer, never dead-lettered.
import { EventConsumer } from "@kepu/bus";
import { OrganizationMovedSchema } from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Accounts } from "./accounts.js";

type Kafka = ConstructorParameters<typeof EventConsumer>[0];

export function orgFollower(kafka: Kafka, groupId: string, topic: string, accounts: Accounts, logger: Logger): EventConsumer {
  return new EventConsumer(kafka, { groupId, topics: [topic], logger }).on(OrganizationMovedSchema, async (event) => {
    await accounts.orgMoved(event.payload.orgId, event.payload.place?.path ?? [], Number(event.envelope.aggregateVersion));
  });
}
