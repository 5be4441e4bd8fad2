import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Binary, type Collection, type Db, type Document, type Filter } from "mongodb";
import { MergedOrderSchema, OnBehalfSchema, OrderRequestSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { EventEnvelope } from "@kepu/bus";
import { updateIfVersion } from "@kepu/mongo";
import { saveAggregate, type SaveResult } from "@kepu/outbox";
import type { OrderState } from "../domain/order.js";
import { openStatuses } from "../domain/references.js";
import type { IndexedOrder } from "./order-keys.js";
import type { OrderIndex, TeamCounts } from "./order-index.js";

/** One step of the order's timeline, as stored. */
export interface TimelineRecord {
  eventType: string;
  at: Date;
  actorId: string;
  actorRole: number;
  actorOrgId: string;
  actorName: string;
  reason: string;
  teamIds: string[];
  /** The event of another service this step tells of (appendStep), to add it once. */
  eventId?: string;
}

export interface StoredOrder {
  state: OrderState;
  timeline: TimelineRecord[];
}

interface OrderDocument {
  _id: string;
  version: number;
  status: number;
  requesterId: string;
  /** The OrderRequest, protobuf-encoded: stored whole, never reinterpreted. */
  request: Binary;
  communityPath: string[];
  districtId: string;
  campaignId: string;
  holder: number;
  invitedTeamIds: string[];
  declinedTeamIds: string[];
  acceptedTeamId: string;
  claimedByOrgId?: string;
  activityId: string;
  rating: number;
  submittedAt: Date;
  dueAt: Date | null;
  dueStage: number;
  timeline: TimelineRecord[];
  /** 代点单: the OnBehalf, protobuf-encoded; absent for a resident's own order. */
  onBehalf?: Binary | null;
  /** Merged demand: the group, its lead order, and the group's orders (MergedOrder, protobuf-encoded). */
  mergeId?: string;
  leadOrderId?: string;
  mergedOrders?: Binary[];
}

/** One way an order is within someone's reach (see @kepu/access scopes); a list takes their union. */
export type OrderReach =
  | { requesterId: string } // own
  | { withinOrgId: string } // subtree
  | { offeredTo: string } // offered: invited and not declined, while dispatched
  | { acceptedBy: string } // ownTeam
  | { pooledWithin: string[] }; // teamArea: waiting in the pool inside a team's areas

export interface OrderQuery {
  /** The actor's reach: an order matches one of these; empty means everything (admins, the system). */
  reach: OrderReach[];
  /** Every one of these orgs must be on the community's path (a requested subtree: narrows only). */
  withinOrgIds: string[];
  statuses: OrderStatus[];
  teamId: string;
  requesterId: string;
  page: number;
  pageSize: number;
}

/** Orders as aggregate documents: state, timeline and outbox in one document per order. */
export class OrderStore {
  readonly orders: Collection<Document>;
  /**
   * Orders as this process last saved or read them. Only a shortcut: a write from elsewhere makes
   * the version guard refuse the save, and `load(id, { fresh: true })` reads the database again.
   */
  private readonly recent = new Map<string, StoredOrder>();

  constructor(
    db: Db,
    private readonly topic: string,
    /** The lists' index (order-index.ts); without it every list is a scan of the collection (the reference the index is tested against). */
    readonly index?: OrderIndex,
  ) {
    this.orders = db.collection("orders");
  }

  async createIndexes(): Promise<void> {
    await this.orders.createIndex({ dueAt: 1 });
    await this.orders.createIndex({ communityPath: 1 });
    await this.orders.createIndex({ outboxCount: 1 });
    await this.orders.createIndex({ acceptedTeamId: 1 });
  }

  async load(orderId: string, options: { fresh?: boolean } = {}): Promise<StoredOrder | undefined> {
    const cached = options.fresh ? undefined : this.recent.get(orderId);
    if (cached) return cached;
    const doc = (await this.orders.findOne({ _id: orderId as never }, { projection: { outbox: 0 } })) as OrderDocument | null;
    const stored = doc ? { state: toState(doc), timeline: doc.timeline } : undefined;
    if (stored) this.remember(stored);
    return stored;
  }

  private remember(stored: StoredOrder): void {
    this.recent.delete(stored.state.orderId);
    this.recent.set(stored.state.orderId, stored);
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!); // oldest first
  }

  /** Saves the new state with its timeline steps and events in one write (see @kepu/outbox). */
  async save(before: StoredOrder | undefined, after: OrderState, steps: TimelineRecord[], events: EventEnvelope[]): Promise<SaveResult> {
    const timeline = [...(before?.timeline ?? []), ...steps];
    await this.index?.adding(indexedOfState(after));
    const result = await saveAggregate(this.orders, {
      id: after.orderId,
      expectedVersion: before?.state.version ?? 0,
      version: after.version,
      state: toDocument(after, timeline),
      topic: this.topic,
      events,
    });
    if (result === "saved") {
      this.remember({ state: after, timeline });
      await this.index?.added(before && indexedOfState(before.state), indexedOfState(after));
    } else this.recent.delete(after.orderId);
    return result;
  }

  /**
   * A step another service's event tells of (the activity could not be scheduled), added to the
   * order's timeline once per event id. No order event goes with it; the version still moves, so a
   * copy of the order cached anywhere is refused at its next save and read again. False when the
   * order is unknown or already has the step.
   */
  async appendStep(orderId: string, step: TimelineRecord & { eventId: string }): Promise<boolean> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const doc = (await this.orders.findOne({ _id: orderId as never }, { projection: { outbox: 0 } })) as OrderDocument | null;
      if (!doc || doc.timeline.some((s) => s.eventId === step.eventId)) return false;
      const timeline = [...doc.timeline, step];
      if ((await updateIfVersion(this.orders, orderId, { equals: doc.version }, { $set: { timeline, version: doc.version + 1 } })) === "applied") {
        this.remember({ state: { ...toState(doc), version: doc.version + 1 }, timeline });
        return true;
      }
    }
    throw new Error(`order ${orderId} kept changing; its step ${step.eventType} is tried again at redelivery`);
  }

  /**
   * The open orders placed in a community, wherever it sits now (its id is on the path): those a
   * move of the community takes along (Orders.relocateCommunity).
   */
  async openOrdersOf(communityId: string): Promise<string[]> {
    if (this.index) {
      const docs = await Promise.all((await this.index.openIn(communityId, openStatuses)).map((id) => this.orders.findOne({ _id: id as never }, { projection: { status: 1, communityPath: 1 } })));
      return docs.flatMap((d) => (d && openStatuses.includes(d.status) && (d.communityPath as string[]).includes(communityId) ? [String(d._id)] : []));
    }
    const docs = await this.orders.find({ communityPath: communityId, status: { $in: [...openStatuses] } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => String(d._id));
  }

  /** Orders whose current hop has timed out by `now`. */
  async due(now: Date, limit = 100): Promise<string[]> {
    if (this.index) return this.index.due(now, limit, (id) => this.orders.findOne({ _id: id as never }, { projection: { dueAt: 1 } }));
    const docs = await this.orders.find({ dueAt: { $lte: now } }, { projection: { _id: 1 } }).limit(limit).toArray();
    return docs.map((d) => String(d._id));
  }

  async list(query: OrderQuery): Promise<{ orders: StoredOrder[]; total: number }> {
    if (this.index) {
      const { docs, total } = await this.index.list(query, (id) => this.orders.findOne({ _id: id as never }, { projection: { outbox: 0 } }));
      return { orders: (docs as unknown as OrderDocument[]).map((doc) => ({ state: toState(doc), timeline: doc.timeline })), total };
    }
    const filter: Filter<Document> = {};
    const and: Filter<Document>[] = query.withinOrgIds.map((org) => ({ communityPath: org }));
    if (query.statuses.length > 0) and.push({ status: { $in: query.statuses } });
    if (query.requesterId) and.push({ requesterId: query.requesterId });
    if (query.teamId) and.push({ $or: [{ invitedTeamIds: query.teamId }, { acceptedTeamId: query.teamId }] });
    if (query.reach.length > 0) and.push({ $or: query.reach.map(reachFilter) });
    if (and.length > 0) filter.$and = and;
    const total = await this.orders.countDocuments(filter);
    const docs = (await this.orders
      .find(filter, { projection: { outbox: 0 } })
      .sort({ submittedAt: -1 })
      .skip(query.page * query.pageSize)
      .limit(query.pageSize)
      .toArray()) as unknown as OrderDocument[];
    return { orders: docs.map((doc) => ({ state: toState(doc), timeline: doc.timeline })), total };
  }

  /** What the suggestions count of each team's work: from the index's counts when there is one, else from teamHistory's scan. */
  async teamCounts(teamIds: string[]): Promise<TeamCounts[]> {
    if (this.index) return this.index.teamCounts(teamIds);
    const history = await this.teamHistory(teamIds);
    return teamIds.map((teamId) => {
      const mine = history.filter((o) => o.acceptedTeamId === teamId);
      const rated = mine.filter((o) => o.rating > 0);
      return {
        teamId,
        openOrders: mine.filter((o) => o.status === OrderStatus.ACCEPTED || o.status === OrderStatus.SCHEDULED).length,
        accepted: mine.length,
        declined: history.filter((o) => o.declinedTeamIds.includes(teamId)).length,
        rated: rated.length,
        ratingSum: rated.reduce((sum, o) => sum + o.rating, 0),
      };
    });
  }

  /** What the suggestions need to know of teams' work: their orders, few fields. */
  async teamHistory(teamIds: string[]): Promise<Pick<OrderState, "status" | "acceptedTeamId" | "declinedTeamIds" | "rating">[]> {
    if (teamIds.length === 0) return [];
    const docs = await this.orders
      .find({ $or: [{ acceptedTeamId: { $in: teamIds } }, { declinedTeamIds: { $in: teamIds } }] }, { projection: { status: 1, acceptedTeamId: 1, declinedTeamIds: 1, rating: 1 } })
      .toArray();
    return docs.map((d) => ({ status: d.status, acceptedTeamId: d.acceptedTeamId, declinedTeamIds: d.declinedTeamIds ?? [], rating: d.rating ?? 0 }));
  }
}

/** The fields of a state the index keys on (as toDocument stores them). */
function indexedOfState(state: OrderState): IndexedOrder {
  const { orderId, status, requesterId, invitedTeamIds, declinedTeamIds, acceptedTeamId, rating, submittedAt } = state;
  return { orderId, status, requesterId, communityPath: state.request.community?.path ?? [], invitedTeamIds, declinedTeamIds, acceptedTeamId, rating, submittedAt, dueAt: state.dueAt ?? null };
}

function reachFilter(reach: OrderReach): Filter<Document> {
  if ("requesterId" in reach) return { requesterId: reach.requesterId };
  if ("withinOrgId" in reach) return { communityPath: reach.withinOrgId };
  if ("offeredTo" in reach) return { status: OrderStatus.DISPATCHED, invitedTeamIds: reach.offeredTo, declinedTeamIds: { $ne: reach.offeredTo } };
  if ("acceptedBy" in reach) return { acceptedTeamId: reach.acceptedBy };
  return { status: OrderStatus.POOLED, communityPath: { $in: reach.pooledWithin } };
}

function toDocument(state: OrderState, timeline: TimelineRecord[]): Omit<OrderDocument, "_id" | "version"> {
  return {
    status: state.status,
    requesterId: state.requesterId,
    request: new Binary(toBinary(OrderRequestSchema, state.request)),
    communityPath: state.request.community?.path ?? [],
    districtId: state.request.community?.districtId ?? "",
    campaignId: state.campaignId,
    holder: state.holder,
    invitedTeamIds: state.invitedTeamIds,
    declinedTeamIds: state.declinedTeamIds,
    acceptedTeamId: state.acceptedTeamId,
    claimedByOrgId: state.claimedByOrgId,
    activityId: state.activityId,
    rating: state.rating,
    submittedAt: state.submittedAt,
    dueAt: state.dueAt ?? null,
    dueStage: state.dueStage,
    timeline,
    onBehalf: state.onBehalf ? new Binary(toBinary(OnBehalfSchema, state.onBehalf)) : null,
    mergeId: state.mergeId ?? "",
    leadOrderId: state.leadOrderId ?? "",
    mergedOrders: (state.mergedOrders ?? []).map((o) => new Binary(toBinary(MergedOrderSchema, o))),
  };
}

function toState(doc: OrderDocument): OrderState {
  return {
    orderId: doc._id,
    status: doc.status,
    requesterId: doc.requesterId,
    request: doc.request ? fromBinary(OrderRequestSchema, doc.request.buffer) : create(OrderRequestSchema),
    campaignId: doc.campaignId,
    holder: doc.holder,
    invitedTeamIds: doc.invitedTeamIds ?? [],
    declinedTeamIds: doc.declinedTeamIds ?? [],
    acceptedTeamId: doc.acceptedTeamId,
    claimedByOrgId: doc.claimedByOrgId ?? "",
    activityId: doc.activityId,
    rating: doc.rating,
    version: doc.version,
    submittedAt: doc.submittedAt,
    dueAt: doc.dueAt ?? undefined,
    dueStage: doc.dueStage,
    onBehalf: doc.onBehalf ? fromBinary(OnBehalfSchema, doc.onBehalf.buffer) : undefined,
    ...(doc.mergeId ? { mergeId: doc.mergeId, leadOrderId: doc.leadOrderId ?? "", mergedOrders: (doc.mergedOrders ?? []).map((b) => fromBinary(MergedOrderSchema, b.buffer)) } : {}),
  };
}
