import { EventEmitter } from "node:events";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
import type { Kafka } from "kafkajs";
import { EventConsumer, occurredAt, type ConsumedEvent } from "@kepu/bus";
import type { OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import type * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import type * as events from "@kepu/contracts/events/v1/events_pb";
import type * as registry from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { CheckIn, FactKind, FactStore } from "../store/fact-store.js";
import { campaignFactChange, sessionHours } from "./campaign-facts.js";

const where = (place: OrgPlace | undefined) => ({
  path: place?.path ?? [],
  districtId: place?.districtId ?? "",
  streetId: place?.streetId ?? "",
  communityId: place?.communityId ?? "",
});

type Change = { kind: FactKind; id: string; update: Record<string, unknown> };

/**
 * What one event changes in the facts, or nothing for events no figure uses (staff accounts,
 * residents' moves, served communities…: handled and left out, never dead-lettered).
 */
export function factChange(type: string, payload: Message, at: Date): Change | undefined {
  const p = payload as never as Record<string, unknown>;
  const name = type.split(".").pop()!;
  switch (name) {
    case "OrderSubmitted": {
      const { orderId, request, campaignId } = payload as dispatch.OrderSubmitted;
      return { kind: "orders", id: orderId, update: { $set: { status: "SUBMITTED", theme: request?.theme ?? 0, audience: request?.audience ?? 0, format: request?.format ?? 0, campaignId, submittedAt: at, ...where(request?.community) } } };
    }
    case "OrderDispatched":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "DISPATCHED" }, $min: { dispatchedAt: at } } }; // the first dispatch counts
    case "OrderPooled":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "POOLED" } } };
    case "OrderClaimed":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "CLAIMED" } } };
    case "OrderAccepted":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "ACCEPTED", acceptedAt: at } } };
    case "OrderDeclined": {
      const { orderId, stillOpen, returnedTo } = payload as dispatch.OrderDeclined;
      const status = stillOpen ? "DISPATCHED" : returnedTo === 1 ? "SUBMITTED" : "CLAIMED";
      return { kind: "orders", id: orderId, update: { $set: { status }, $inc: { declines: 1 } } };
    }
    case "OrderEscalated":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "POOLED" }, $inc: { escalations: 1 } } };
    case "OrderScheduled":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "SCHEDULED" } } };
    case "OrderDelivered":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "DELIVERED", deliveredAt: at } } };
    case "OrderRated":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "RATED" } } };
    case "OrderCancelled":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "CANCELLED" } } };
    case "OrderRejected":
      return { kind: "orders", id: p.orderId as string, update: { $set: { status: "REJECTED" } } };
    case "OrderCommunityMoved": {
      // Dispatch moves only open orders with their community: this one's figures count at the
      // new place from now on (a done order never gets the event and keeps where it happened).
      const { orderId, community } = payload as dispatch.OrderCommunityMoved;
      return { kind: "orders", id: orderId, update: { $set: where(community) } };
    }
    case "ActivityScheduled": {
      const a = payload as events.ActivityScheduled;
      const first = a.sessions.map((s) => (s.startsAt ? timestampDate(s.startsAt) : undefined)).filter(Boolean).sort()[0];
      return { kind: "activities", id: a.activityId, update: { $set: { status: "SCHEDULED", theme: a.theme, audience: a.audience, format: a.format, campaignId: a.campaignId, orderId: a.orderId, startsAt: first ?? at, sessions: a.sessions.length, ...where(a.place), title: a.title, organizerOrgId: a.organizerOrgId, hours: sessionHours(a.sessions) } } };
    }
    case "SessionAdded":
      return { kind: "activities", id: p.activityId as string, update: { $inc: { sessions: 1 } } };
    case "AttendeeCheckedIn": // kept one document per check-in: see checkInOf
      return undefined;
    case "ServiceHoursRecorded": {
      const { activityId, hours } = payload as events.ServiceHoursRecorded;
      return { kind: "activities", id: activityId, update: { $inc: { serviceHours: hours } } };
    }
    case "ActivityCompleted": {
      // participants = check-ins + walk-ins; people are counted from the check-ins themselves (figures.ts).
      const { activityId, participants, serviceHours, volunteers } = payload as events.ActivityCompleted;
      return { kind: "activities", id: activityId, update: { $set: { status: "COMPLETED", participants, serviceHours, volunteers } } };
    }
    case "ActivityCancelled":
      return { kind: "activities", id: p.activityId as string, update: { $set: { status: "CANCELLED" } } };
    case "ActivityRated": {
      // One rating per event (the activity's version guards repeats); figures.ts averages them.
      const { activityId, score } = payload as events.ActivityRated;
      return { kind: "activities", id: activityId, update: { $inc: { ratings: 1, ratingSum: score } } };
    }
    case "MenuItemPublished":
    case "MenuItemEdited": {
      const item = (payload as registry.MenuItemPublished).item;
      return item ? { kind: "menu", id: item.itemId, update: { $set: { theme: item.theme, format: item.format, audiences: item.audiences, areaOrgId: item.serviceAreaOrgId, withdrawn: false } } } : undefined;
    }
    case "MenuItemWithdrawn":
      return { kind: "menu", id: p.itemId as string, update: { $set: { withdrawn: true } } };
    case "OrganizationRegistered": {
      const o = payload as registry.OrganizationRegistered;
      return { kind: "orgs", id: o.orgId, update: { $set: { kind: o.kind, name: o.name, path: o.place?.path ?? [] } } };
    }
    case "OrganizationClosed": // no longer counted among the communities from then on (figures.ts); its past figures stay
      return { kind: "orgs", id: p.orgId as string, update: { $set: { closedAt: at } } };
    case "OrganizationRenamed": // the names the figures show (the annual return's districts, …) are the new one's
      return { kind: "orgs", id: p.orgId as string, update: { $set: { name: p.name as string } } };
    case "OrganizationMoved": {
      // The tree figures roll up by is the org's new place from now on: its communities count
      // under the new parent (coverage, the scope a figure is asked for), and orders and
      // activities placed after the move carry the new path (the gateway and dispatch place them
      // where the registry has the community now). Past figures are not rewritten: a done order
      // or an activity keeps the path it had when it happened, so what a street or district did
      // before the move stays in its figures; an order still open at the move follows it by its
      // own event (OrderCommunityMoved, above).
      const o = payload as registry.OrganizationMoved;
      return { kind: "orgs", id: o.orgId, update: { $set: { path: o.place?.path ?? [] } } };
    }
    case "TeamRegistered": {
      const t = payload as registry.TeamRegistered;
      return { kind: "teams", id: t.teamId, update: { $set: where(t.place), $inc: { volunteers: 0 } } };
    }
    case "VolunteerJoinedTeam":
      return { kind: "teams", id: p.teamId as string, update: { $inc: { volunteers: 1 } } };
    case "VolunteerLeftTeam":
      return { kind: "teams", id: p.teamId as string, update: { $inc: { volunteers: -1 } } };
    case "BaseCertified": {
      const b = payload as registry.BaseCertified;
      return { kind: "bases", id: b.baseId, update: { $set: { level: b.level, status: b.status, themes: [...b.themes], ...where(b.place) } } };
    }
    case "BaseStatusChanged":
      return { kind: "bases", id: p.baseId as string, update: { $set: { status: p.status as number } } };
    default:
      return campaignFactChange(name, payload, at); // 报备 and the summary's flag (campaign-facts.ts)
  }
}

/**
 * Who checked in where and when, from an AttendeeCheckedIn. A booking is checked in once, so the
 * booking names the check-in (a resident at two sessions has two bookings: two visits, one person).
 */
export function checkInOf(type: string, payload: Message, at: Date): CheckIn | undefined {
  if (type.split(".").pop() !== "AttendeeCheckedIn") return undefined;
  const { activityId, sessionId, bookingId, residentId } = payload as events.AttendeeCheckedIn;
  if (!activityId || !residentId) return undefined;
  return { id: `${activityId}/${bookingId || `${sessionId}/${residentId}`}`, activityId, residentId, sessionId, at };
}

/** Projects every event into facts; a redelivered or replayed event changes nothing. */
export class Projector {
  readonly changes = new EventEmitter();
  applied = 0;
  /** The consumer group of the generation being projected (each rebuild starts a new one). */
  groupId = "";
  private consumer: EventConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly store: FactStore,
    private readonly topics: string[],
    private readonly groupOf: (generation: number) => string,
    private readonly logger: Logger,
  ) {
    this.changes.setMaxListeners(1_000);
  }

  get counters() {
    return this.consumer?.counters ?? { handled: 0, skipped: 0, deadLettered: 0, retries: 0, restarts: 0 };
  }

  async start(): Promise<void> {
    this.groupId = this.groupOf(await this.store.generation());
    this.consumer = new EventConsumer(this.kafka, { groupId: this.groupId, topics: this.topics, logger: this.logger }).onEveryBatch(
      (events) => this.projectMany(events),
      (event) => this.projectMany([event]), // when a batch fails: one by one, with retries and dead letters
    );
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * A partition's events at once: one read and one write per fact they touch (replays, bursts).
   * Each fact document keeps the last aggregate version it applied, so repeats change nothing.
   */
  private async projectMany(events: ConsumedEvent[]): Promise<void> {
    const changes = events.flatMap((event) => {
      const change = factChange(event.envelope.type, event.payload, occurredAt(event.envelope));
      return change ? [{ ...change, version: Number(event.envelope.aggregateVersion) }] : [];
    });
    const checkIns = events.flatMap((event) => checkInOf(event.envelope.type, event.payload, occurredAt(event.envelope)) ?? []);
    const [changed, checkedIn] = await Promise.all([this.store.applyAll(changes), this.store.recordCheckIns(checkIns)]);
    const applied = changed + checkedIn;
    if (applied > 0) {
      this.applied += applied;
      this.changes.emit("changed");
    }
  }

}
