import { Binary, type Collection, type Db, type Document, type Filter } from "mongodb";
import type { EventEnvelope } from "@kepu/bus";
import { saveAggregate, type SaveResult } from "@kepu/outbox";

import type { ActivityRecord } from "../domain/activity.js";
import type { BookingRecord } from "../domain/booking.js";
import type { ActivityIndex } from "./activity-index.js";
import type { BookingIndex } from "./booking-index.js";
import type { SeatHold } from "../domain/merge-seats.js";

export type { ActivityRecord, ActivityStatusName, Place, SessionRecord } from "../domain/activity.js";
export type { BookingRecord, BookingStatusName } from "../domain/booking.js";

export interface PhotoRecord {
  photoId: string;
  activityId: string;
  contentType: string;
  content: Buffer;
  uploadedBy: string;
  uploadedAt: Date;
}

export interface ActivityQuery {
  withinOrgIds: string[];
  /** Only this volunteer team's activities; "" for any. */
  teamId: string;
  theme: number;
  campaignId: string;
  status: ActivityRecord["status"] | "";
  from: Date | undefined;
  to: Date | undefined;
  page: number;
  pageSize: number;
}

export class ActivityStore {
  readonly activities: Collection<Document>;
  readonly bookings: Collection<Document>;
  private readonly hours: Collection<Document>;
  readonly summaries: Collection<Document>;
  readonly photos: Collection<Document>;
  /** The seats each ordering community holds on a merge group's activity (written by merged-activity.ts). */
  readonly mergeHolds: Collection<Document>;
  /** Accepted orders whose activity could not be scheduled (a resource was held), keyed by the activity id they would have had. */
  readonly conflicts: Collection<Document>;

  constructor(
    db: Db,
    private readonly topic: string,
    /**
     * The lists from Redis sorted sets instead of scans (issue 20): bookings by resident and by
     * activity (booking-index.ts), activities (activity-index.ts); without them, the scans.
     */
    private readonly indexes: { bookings?: BookingIndex; activities?: ActivityIndex } = {},
  ) {
    this.activities = db.collection("activities");
    this.bookings = db.collection("bookings");
    this.hours = db.collection("service_hours");
    this.summaries = db.collection("summaries");
    this.conflicts = db.collection("scheduling_conflicts");
    this.photos = db.collection("photos");
    this.mergeHolds = db.collection("merge_seat_holds");
  }

  /** A merge group's holds on this activity (the capacity they were split from), if it is one. */
  async mergeHoldsOf(activityId: string): Promise<{ capacity: number; holds: SeatHold[] } | undefined> {
    const doc = await this.mergeHolds.findOne({ _id: activityId as never });
    return doc ? { capacity: Number(doc.capacity ?? 0), holds: (doc.holds as SeatHold[] | undefined) ?? [] } : undefined;
  }

  /** A photo for an activity's summary (图文总结), kept as bytes beside the activity. */
  async savePhoto(photo: PhotoRecord): Promise<void> {
    await this.photos.insertOne({ ...photo, _id: photo.photoId as never, content: new Binary(photo.content) });
  }

  async photo(photoId: string): Promise<PhotoRecord | undefined> {
    const doc = await this.photos.findOne({ _id: photoId as never });
    if (!doc) return undefined;
    return { photoId, activityId: String(doc.activityId), contentType: String(doc.contentType), content: Buffer.from((doc.content as Binary).buffer), uploadedBy: String(doc.uploadedBy), uploadedAt: doc.uploadedAt as Date };
  }

  async createIndexes(): Promise<void> {
    await this.activities.createIndex({ "place.path": 1 });
    await this.activities.createIndex({ outboxCount: 1 });
    await this.activities.createIndex({ orderId: 1 });
    await this.bookings.createIndex({ residentId: 1 });
    await this.bookings.createIndex({ activityId: 1 });
    await this.bookings.createIndex({ outboxCount: 1 });
    await this.conflicts.createIndex({ outboxCount: 1 });
    await this.hours.createIndex({ activityId: 1 });
  }

  /** Hours of an activity scheduled before activities kept their own (`hoursRecorded`). */
  async recordLegacyHours(activityId: string, volunteerId: string, startedAt: Date, hours: number): Promise<void> {
    await this.hours.updateOne({ _id: `${activityId}:${volunteerId}:${startedAt.toISOString()}` as never }, { $set: { activityId, volunteerId, hours } }, { upsert: true });
  }

  /** Those hours, read back for its completion: a search of the collection, for old activities only. */
  async legacyHoursOf(activityId: string): Promise<{ volunteerId: string; hours: number }[]> {
    const docs = await this.hours.find({ activityId }).toArray();
    return docs.map((doc) => ({ volunteerId: String(doc.volunteerId), hours: Number(doc.hours ?? 0) }));
  }

  async load(activityId: string): Promise<ActivityRecord | undefined> {
    const doc = await this.activities.findOne({ _id: activityId as never }, { projection: { outbox: 0 } });
    return doc ? toRecord(doc) : undefined;
  }

  /** The index's new entries before the store's write, its old ones out after it (a superset meanwhile). */
  async save(before: ActivityRecord | undefined, after: ActivityRecord, events: EventEnvelope[]): Promise<SaveResult> {
    const { activityId: _id, version, ...state } = after;
    await this.indexes.activities?.adding(before, after);
    const saved = await saveAggregate(this.activities, { id: after.activityId, expectedVersion: before?.version ?? 0, version, state, topic: this.topic, events });
    if (saved === "saved") await this.indexes.activities?.added(before, after); // a conflict: the winner's write moved it
    return saved;
  }

  async list(query: ActivityQuery): Promise<{ activities: ActivityRecord[]; total: number }> {
    if (this.indexes.activities) {
      const { docs, total } = await this.indexes.activities.list(query);
      return { activities: docs.map(toRecord), total };
    }
    const and: Filter<Document>[] = query.withinOrgIds.map((org) => ({ "place.path": org }));
    if (query.theme) and.push({ theme: query.theme });
    if (query.campaignId) and.push({ campaignId: query.campaignId });
    if (query.teamId) and.push({ teamId: query.teamId });
    if (query.status) and.push({ status: query.status });
    if (query.from) and.push({ startsAt: { $gte: query.from } });
    if (query.to) and.push({ startsAt: { $lte: query.to } });
    const filter = and.length > 0 ? { $and: and } : {};
    const total = await this.activities.countDocuments(filter);
    const docs = await this.activities.find(filter, { projection: { outbox: 0 } }).sort({ startsAt: 1 }).skip(query.page * query.pageSize).limit(query.pageSize).toArray();
    return { activities: docs.map(toRecord), total };
  }

  /**
   * A booking is its own aggregate (its own versions): bookings of one activity are written side by
   * side instead of queueing on the activity's document. Its events are keyed by the activity on
   * Kafka, like every event of the activity, so they share its partition and order.
   */
  async saveBooking(before: BookingRecord | undefined, after: BookingRecord, events: EventEnvelope[]): Promise<SaveResult> {
    const { bookingId, version, ...state } = after;
    if (!before) await this.indexes.bookings?.adding(after); // before the store: a crash in between leaves an id a read skips
    return saveAggregate(this.bookings, { id: bookingId, expectedVersion: before?.version ?? 0, version, state, topic: this.topic, events, key: after.activityId });
  }

  /** A booking stored by an earlier attempt whose index write may have failed: indexed again (idempotent). */
  async reindexBooking(booking: BookingRecord): Promise<void> {
    await this.indexes.bookings?.adding(booking);
  }

  async booking(bookingId: string): Promise<BookingRecord | undefined> {
    const doc = await this.bookings.findOne({ _id: bookingId as never });
    if (!doc) return undefined;
    const { _id, outbox: _o, outboxCount: _c, ...fields } = doc;
    return { ...fields, bookingId: String(_id) } as unknown as BookingRecord;
  }

  async bookingsOf(filter: { residentId?: string; activityId?: string }): Promise<BookingRecord[]> {
    if (this.indexes.bookings && (filter.residentId || filter.activityId)) return this.indexes.bookings.bookingsOf(filter);
    const docs = await this.bookings.find(filter, { projection: { outbox: 0 } }).sort({ bookedAt: 1 }).toArray();
    return docs.map((doc) => ({ ...doc, bookingId: String(doc._id) }) as unknown as BookingRecord);
  }

  /** One page of a resident's bookings, oldest first, with her total (我的预约). */
  async bookingsPageOf(residentId: string, page: number, pageSize: number): Promise<{ bookings: BookingRecord[]; total: number }> {
    if (this.indexes.bookings) return this.indexes.bookings.pageOf(residentId, page, pageSize);
    const [total, docs] = await Promise.all([
      this.bookings.countDocuments({ residentId }),
      this.bookings.find({ residentId }, { projection: { outbox: 0 } }).sort({ bookedAt: 1, _id: 1 }).skip(page * pageSize).limit(pageSize).toArray(),
    ]);
    return { bookings: docs.map((doc) => ({ ...doc, bookingId: String(doc._id) }) as unknown as BookingRecord), total };
  }

  /** Saves a scheduling conflict once, with its event; a second save of the same one changes nothing. */
  async saveConflict(id: string, state: Record<string, unknown>, events: EventEnvelope[]): Promise<SaveResult> {
    return saveAggregate(this.conflicts, { id, expectedVersion: 0, version: 1, state, topic: this.topic, events });
  }

  async conflict(id: string): Promise<Record<string, unknown> | undefined> {
    const doc = await this.conflicts.findOne({ _id: id as never }, { projection: { outbox: 0, outboxCount: 0 } });
    return doc ?? undefined;
  }
}

function toRecord(doc: Document): ActivityRecord {
  const { _id, outboxCount: _c, ...rest } = doc;
  return { ...(rest as Omit<ActivityRecord, "activityId">), activityId: String(_id) };
}
