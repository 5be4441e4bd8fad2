// The registry's reaction to its own 科普基地 events (kepu.registry.v1, a consumer group of its
// own): a revoked base's menu items are withdrawn — after BaseRevoked, or a status change to
// revoked. Revoking saves the base and its event in one write; the withdrawals follow from the
// event, delivered at least once, so a crash between the two is healed when the event comes again.
// Idempotent: the base and its items are read as stored now (Bases.withdrawOffers), so a repeat or
// a replay finds nothing left to withdraw. Every other event type is skipped, never dead-lettered.
import { EventConsumer, type ConsumedEvent } from "@kepu/bus";
import { BaseRevokedSchema, BaseStatus, BaseStatusChangedSchema } from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Bases } from "../use-cases/bases.js";

type Kafka = ConstructorParameters<typeof EventConsumer>[0];

export function baseRevocationConsumer(kafka: Kafka, groupId: string, topic: string, bases: Bases, logger: Logger): EventConsumer {
  const log = logger.child({ component: "base-revocations" });
  const withdraw = async (baseId: string, event: ConsumedEvent<unknown>) => {
    // The withdrawals are the revoking actor's doing, in the revocation's correlation.
    const withdrawn = await bases.withdrawOffers(baseId, { correlationId: event.envelope.correlationId, actor: event.envelope.actor });
    if (withdrawn > 0) log.info({ baseId, withdrawn, eventId: event.envelope.eventId }, "revoked base's menu items withdrawn");
  };
  return new EventConsumer(kafka, { groupId, topics: [topic], logger })
    .on(BaseRevokedSchema, (event) => withdraw(event.payload.baseId, event))
    .on(BaseStatusChangedSchema, async (event) => {
      if (event.payload.status === BaseStatus.REVOKED) await withdraw(event.payload.baseId, event);
    });
}
