import { createHash } from "node:crypto";
import type { Collection, Db } from "mongodb";
import { serializedWrite } from "@kepu/mongo";
import type { OrderFacts } from "../domain/rules.js";

/** What the rules need to know of an order: who asked, for which community, what. */
interface OrderDoc {
  _id: string;
  requesterId: string;
  communityOrgId: string;
  communityPath: string[];
  title: string;
  acceptedTeamId: string;
}

/** Names people read instead of ids: orgs, teams, menu items, bases (with the base's org). */
interface NameDoc {
  _id: string;
  name: string;
  orgId?: string;
  serviceAreaOrgIds?: string[];
}

export interface SessionFacts {
  sessionId: string;
  startsAt: Date;
  place: string;
}

interface ActivityDoc {
  _id: string;
  title: string;
  orderId: string;
  organizerOrgId: string;
  sessions: SessionFacts[];
  summaryFiled: boolean;
  cancelled: boolean;
}

/** A session's seated residents, spread over `seatShards` documents so no one document grows large. */
interface SeatsDoc {
  _id: string;
  residents: string[];
}

const seatShards = 16;
const shardOf = (bookingId: string) => createHash("sha1").update(bookingId).digest()[0]! % seatShards;
const seatsId = (activityId: string, sessionId: string, shard: number) => `${activityId}|${sessionId}|${shard}`;

/**
 * The notifications service's read model of the other services' events, each document found by
 * _id. Every write is idempotent ($set of what the event says, sets for lists), so a redelivery
 * changes nothing.
 */
export class ReadModel {
  readonly orders: Collection<OrderDoc>;
  readonly names: Collection<NameDoc>;
  readonly activities: Collection<ActivityDoc>;
  readonly seats: Collection<SeatsDoc>;

  constructor(db: Db) {
    this.orders = db.collection<OrderDoc>("orders");
    this.names = db.collection<NameDoc>("names");
    this.activities = db.collection<ActivityDoc>("activities");
    this.seats = db.collection<SeatsDoc>("seats");
  }

  async orderSubmitted(orderId: string, facts: Omit<OrderDoc, "_id" | "acceptedTeamId">): Promise<void> {
    await this.orders.updateOne({ _id: orderId }, { $set: facts, $setOnInsert: { acceptedTeamId: "" } }, { upsert: true });
  }

  /** The order's community moved (OrderCommunityMoved); an order never seen submitted is not made up. */
  async orderMoved(orderId: string, place: Pick<OrderDoc, "communityOrgId" | "communityPath">): Promise<void> {
    await this.orders.updateOne({ _id: orderId }, { $set: place });
  }

  async orderAccepted(orderId: string, teamId: string): Promise<void> {
    await this.orders.updateOne({ _id: orderId }, { $set: { acceptedTeamId: teamId } });
  }

  /** The order's facts; an order this service never saw submitted still gets its id (its notices then reach only the mailboxes the event names). */
  async order(orderId: string): Promise<OrderFacts & { communityPath: string[]; acceptedTeamId: string }> {
    const doc = await this.orders.findOne({ _id: orderId });
    const title = doc?.title || "";
    return { orderId, requesterId: doc?.requesterId ?? "", communityOrgId: doc?.communityOrgId ?? "", communityPath: doc?.communityPath ?? [], title, acceptedTeamId: doc?.acceptedTeamId ?? "" };
  }

  async setName(id: string, fields: Omit<NameDoc, "_id">): Promise<void> {
    await this.names.updateOne({ _id: id }, { $set: fields }, { upsert: true });
  }

  async name(id: string): Promise<NameDoc | undefined> {
    return id ? ((await this.names.findOne({ _id: id })) ?? undefined) : undefined;
  }

  /** Teams whose service area holds a place (any of its path's orgs). Teams are few: they are read whole. */
  async teamsServing(path: string[]): Promise<string[]> {
    if (path.length === 0) return [];
    const teams = await this.names.find({ _id: { $regex: /^team:/ } }).toArray();
    return teams.filter((t) => t.serviceAreaOrgIds?.some((area) => path.includes(area))).map((t) => t._id.slice("team:".length));
  }

  async activityScheduled(activityId: string, fields: Omit<ActivityDoc, "_id" | "summaryFiled" | "cancelled">): Promise<void> {
    await this.activities.updateOne({ _id: activityId }, { $set: fields, $setOnInsert: { summaryFiled: false, cancelled: false } }, { upsert: true });
  }

  async sessionAdded(activityId: string, session: SessionFacts): Promise<void> {
    await serializedWrite(this.activities.collectionName, activityId, async () => {
      const doc = await this.activities.findOne({ _id: activityId });
      if (!doc || doc.sessions.some((s) => s.sessionId === session.sessionId)) return;
      await this.activities.updateOne({ _id: activityId }, { $push: { sessions: session } });
    });
  }

  async activityFlag(activityId: string, flag: "summaryFiled" | "cancelled"): Promise<void> {
    await this.activities.updateOne({ _id: activityId }, { $set: { [flag]: true } });
  }

  async activity(activityId: string): Promise<ActivityDoc | undefined> {
    return (await this.activities.findOne({ _id: activityId })) ?? undefined;
  }

  async seated(activityId: string, sessionId: string, bookingId: string, residentId: string): Promise<void> {
    const id = seatsId(activityId, sessionId, shardOf(bookingId));
    await serializedWrite(this.seats.collectionName, id, () => this.seats.updateOne({ _id: id }, { $addToSet: { residents: residentId } }, { upsert: true }));
  }

  async unseated(activityId: string, sessionId: string, bookingId: string, residentId: string): Promise<void> {
    const id = seatsId(activityId, sessionId, shardOf(bookingId));
    await serializedWrite(this.seats.collectionName, id, () => this.seats.updateOne({ _id: id }, { $pullAll: { residents: [residentId] } }));
  }

  /** Everyone seated at a session (waitlisted residents are not, until promoted). */
  async seatedResidents(activityId: string, sessionId: string): Promise<string[]> {
    const docs = await Promise.all(Array.from({ length: seatShards }, (_, shard) => this.seats.findOne({ _id: seatsId(activityId, sessionId, shard) })));
    return docs.flatMap((d) => d?.residents ?? []);
  }
}
