// A resident's bookings (我的预约) without a scan (issue 20; docs/decisions/query-side.md). FerretDB v1
// serves a find by anything but a lone `_id` by reading the whole collection, so her list is a
// Redis sorted set of booking ids (score: booked-at), kept after each new booking is stored, and
// the bookings are then read one by one by `_id`. The store stays the truth: the set only says
// which ids to read, and it is rebuilt from the store (one scan) when Redis lost it or when a
// process may have died between the store's write and the set's (every start).
import type { Redis } from "ioredis";
import type { Collection, Document } from "mongodb";
import type { BookingRecord } from "../domain/booking.js";

type Pipeline = ReturnType<Redis["pipeline"]>;

/** Runs a pipeline; a command's error (returned, not thrown, by ioredis) fails the whole. */
async function run(pipeline: Pipeline): Promise<void> {
  const failed = (await pipeline.exec())?.find(([err]) => err);
  if (failed) throw failed[0];
}

type Indexed = Pick<BookingRecord, "bookingId" | "residentId" | "bookedAt">;

export class BookingIndex {
  private building: Promise<number> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly bookings: Collection<Document>,
    /** Key prefix, e.g. `<KEPU_PREFIX>kepu:events:`. */
    private readonly prefix: string,
  ) {}

  private key(residentId: string): string {
    return `${this.prefix}bookings:resident:${residentId}`;
  }

  /** Present once a rebuild has filled the sets: its absence means Redis lost them (or never had them). */
  private get builtKey(): string {
    return `${this.prefix}bookings:index-built`;
  }

  /**
   * After the store holds a new booking. A booking's resident and booked-at never change, so this
   * is the only write the index needs; repeating it changes nothing.
   */
  async added(booking: Indexed): Promise<void> {
    await this.redis.zadd(this.key(booking.residentId), new Date(booking.bookedAt).getTime(), booking.bookingId);
  }

  /** Her bookings oldest first (as the store's scan sorts them), each read by `_id`. */
  async bookingsOf(residentId: string): Promise<BookingRecord[]> {
    if (!(await this.redis.exists(this.builtKey))) await this.rebuild();
    const ids = await this.redis.zrange(this.key(residentId), 0, -1);
    const docs = await Promise.all(ids.map((id) => this.bookings.findOne({ _id: id as never }, { projection: { outbox: 0 } })));
    return docs.flatMap((doc) => (doc && doc.residentId === residentId ? [{ ...doc, bookingId: String(doc._id) } as unknown as BookingRecord] : []));
  }

  /**
   * Adds every stored booking to its resident's set (one scan of the store, in pipelines of 1,000)
   * and marks the index built. Writes meanwhile add themselves; both are idempotent, so they mix
   * safely. One rebuild at a time: callers that arrive meanwhile share it. Returns how many.
   */
  rebuild(): Promise<number> {
    this.building ??= this.fill().finally(() => (this.building = undefined));
    return this.building;
  }

  private async fill(): Promise<number> {
    let count = 0;
    let pipeline = this.redis.pipeline();
    for await (const doc of this.bookings.find({}, { projection: { residentId: 1, bookedAt: 1 } })) {
      pipeline.zadd(this.key(String(doc.residentId)), new Date(doc.bookedAt as Date).getTime(), String(doc._id));
      if (++count % 1_000 === 0) {
        await run(pipeline);
        pipeline = this.redis.pipeline();
      }
    }
    await run(pipeline);
    await this.redis.set(this.builtKey, new Date().toISOString());
    return count;
  }
}
