// A resident's bookings (我的预约) and an activity's (its attendance, the seat ledger's rebuild,
// OrderAccepted's redelivery) without a scan (issue 20; docs/decisions/query-side.md). FerretDB v1
// serves a find by anything but a lone `_id` by reading the whole collection, so each list is a
// Redis sorted set of booking ids (score: booked-at) and the bookings are then read one by one by
// `_id`. A booking's resident, activity and booked-at never change, so its entries are written once,
// BEFORE the store's write: a crash in between leaves an id without a booking, which a read skips.
// No start rebuilds; a rebuild (one scan) runs only when the `built` marker is missing.
import type { Redis } from "ioredis";
import type { Collection, Document } from "mongodb";
import type { BookingRecord } from "../domain/booking.js";
import { bookingKeysOf } from "./activity-keys.js";
import { execPipeline as run } from "@kepu/redis";
import { SortedIndex, type Pipeline } from "./sorted-index.js";

type Indexed = Pick<BookingRecord, "bookingId" | "residentId" | "activityId" | "bookedAt">;

export class BookingIndex extends SortedIndex {
  /** v2: the activity's keys joined the resident's (v1, `index-built`, had only hers). */
  protected readonly builtKey = "index-built:2";

  constructor(
    redis: Redis,
    bookings: Collection<Document>,
    /** Key prefix, e.g. `<KEPU_PREFIX>kepu:events:`. */
    prefix: string,
  ) {
    super(redis, bookings, `${prefix}bookings:`, { residentId: 1, activityId: 1, bookedAt: 1 });
  }

  protected addTo(pipeline: Pipeline, doc: Document): void {
    const score = new Date(doc.bookedAt as Date).getTime();
    for (const key of bookingKeysOf({ residentId: String(doc.residentId), activityId: String(doc.activityId) })) pipeline.zadd(this.key(key), score, String(doc._id));
  }

  /** Before the store holds a new booking (idempotent: an attempt repeated adds nothing). */
  async adding(booking: Indexed): Promise<void> {
    const pipeline = this.redis.pipeline();
    this.addTo(pipeline, { ...booking, _id: booking.bookingId });
    await run(pipeline);
  }

  /**
   * Her bookings, or the activity's (both given: the activity's, hers among them), oldest first as
   * the store's scan sorts them, each read by `_id`; an id whose booking is not (yet) stored is skipped.
   */
  async bookingsOf(filter: { residentId?: string; activityId?: string }): Promise<BookingRecord[]> {
    await this.ready();
    const key = filter.activityId ? `activity:${filter.activityId}` : `resident:${filter.residentId}`;
    return this.stored(await this.redis.zrange(this.key(key), 0, -1), filter);
  }

  /**
   * One page of her bookings (我的预约), oldest first, with her total: a page costs its own reads
   * however many bookings she made over the years. The total is the set's size: an entry a crash
   * left without its booking (rare) is skipped on its page but still counted.
   */
  async pageOf(residentId: string, page: number, pageSize: number): Promise<{ bookings: BookingRecord[]; total: number }> {
    await this.ready();
    const key = this.key(`resident:${residentId}`);
    const [total, ids] = (await run(this.redis.pipeline().zcard(key).zrange(key, page * pageSize, (page + 1) * pageSize - 1))) as [number, string[]];
    return { bookings: await this.stored(ids, { residentId }), total };
  }

  /** The bookings of these ids as stored (by `_id`), those not (yet) stored or not matching skipped. */
  private async stored(ids: string[], filter: { residentId?: string; activityId?: string }): Promise<BookingRecord[]> {
    const docs = await Promise.all(ids.map((id) => this.read(id)));
    return docs.flatMap((doc) =>
      doc && (!filter.residentId || doc.residentId === filter.residentId) && (!filter.activityId || doc.activityId === filter.activityId) ? [{ ...doc, bookingId: String(doc._id) } as unknown as BookingRecord] : [],
    );
  }
}
