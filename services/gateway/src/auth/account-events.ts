// The gateway's own data as events on kepu.registry.v1 (source "gateway"): staff accounts, keyed
// by the account name, and residents' moves, keyed by the resident's id. Each change and its
// event are stored together (the outbox in the changed document, @kepu/outbox) and the gateway's
// relay publishes them. Never a password, a hash, a one-time code or a phone number.
import type { Collection, Document } from "mongodb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { newEvent, topicFor, type EventEnvelope } from "@kepu/bus";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import {
  ResidentMovedCommunitySchema,
  StaffAccountCreatedSchema,
  StaffAccountDisabledSchema,
  StaffAccountEnabledSchema,
  StaffAccountPasswordChangedSchema,
  StaffAccountPasswordResetSchema,
} from "@kepu/contracts/registry/v1/events_pb";
import { outboxEntry, type OutboxEntry } from "@kepu/outbox";
import type { Caller } from "./tokens.js";

export const eventSource = "gateway";

/** Where the events go and who publishes them now (the relay; without it, its next sweep). */
export interface AccountEvents {
  topic: string;
  relay?: { kick(collection: Collection<Document>, id: string): void };
}
/** kepu.registry.v1 without a prefix: set the topic for a prefixed stack (tests, parallel stacks). */
export const defaultAccountEvents: AccountEvents = { topic: topicFor("registry") };

/** Who made a change, within which request: the envelope's actor and correlation id. */
export interface ChangeCause {
  actor: Caller;
  correlationId?: string | undefined;
}
/** A change the platform makes itself (the admin command, the demo accounts). */
export const platformCause = (id: string): ChangeCause => ({ actor: { id, role: Role.SYSTEM, orgId: "", displayName: id } });

/** One change of a staff account, as its event says it. */
export type AccountChange =
  | { type: "created"; account: string; role: Role; orgId: string; displayName: string; createdBy: string; path: string[]; mustChangePassword: boolean }
  | { type: "disabled" | "enabled" | "passwordReset" | "passwordChanged"; account: string };

function payloadOf(change: AccountChange, meta: Parameters<typeof newEvent>[2]): EventEnvelope {
  switch (change.type) {
    case "created": {
      const { type: _type, ...created } = change;
      return newEvent(StaffAccountCreatedSchema, created, meta);
    }
    case "disabled":
      return newEvent(StaffAccountDisabledSchema, { account: change.account }, meta);
    case "enabled":
      return newEvent(StaffAccountEnabledSchema, { account: change.account }, meta);
    case "passwordReset":
      return newEvent(StaffAccountPasswordResetSchema, { account: change.account }, meta);
    case "passwordChanged":
      return newEvent(StaffAccountPasswordChangedSchema, { account: change.account }, meta);
  }
}

const metaOf = (aggregateId: string, version: number, cause: ChangeCause) => ({
  source: eventSource,
  aggregateId,
  aggregateVersion: version,
  correlationId: cause.correlationId || crypto.randomUUID(),
  actor: cause.actor,
});

/** The event of one account change at its new version. */
export function accountEnvelope(change: AccountChange, version: number, cause: ChangeCause): EventEnvelope {
  return payloadOf(change, metaOf(change.account, version, cause));
}

/** The same, ready for the account document's outbox. */
export function accountEntry(topic: string, change: AccountChange, version: number, cause: ChangeCause): OutboxEntry {
  return outboxEntry(topic, accountEnvelope(change, version, cause));
}

/** A resident's n-th move (her moves are numbered from 1: the aggregate version). */
export function residentMovedEnvelope(move: { residentId: string; fromCommunityId: string; toCommunityId: string; movedAt: Date }, n: number, cause: ChangeCause): EventEnvelope {
  const { residentId, fromCommunityId, toCommunityId, movedAt } = move;
  return newEvent(ResidentMovedCommunitySchema, { residentId, fromCommunityId, toCommunityId, movedAt: timestampFromDate(movedAt) }, { ...metaOf(residentId, n, cause), occurredAt: movedAt });
}
