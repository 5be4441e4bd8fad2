import type { Collection, Db } from "mongodb";
import { serializedWrite } from "@kepu/mongo";

const minute = 60_000;
/** Minutes behind its cursor a timer reads again, for work filed just as the cursor moved past its minute. */
const lookBackMinutes = 2;
/** A cursor further behind than this (a service stopped for long) starts again this far back. */
const maxCatchUpMinutes = 7 * 24 * 60;

interface BucketDoc {
  _id: string;
  ids: string[];
}

interface CursorDoc {
  _id: string;
  minute: Date;
}

const floorMinute = (at: Date) => new Date(Math.floor(at.getTime() / minute) * minute);

/**
 * Durable timers found by _id alone: work due at an instant is filed in the bucket of its minute
 * ("<kind>|<minute ISO>"), and a timer reads the buckets from its stored cursor up to now — only
 * the minutes that passed, never a scan of everything pending. Handled ids leave their bucket.
 */
export class DueStore {
  private readonly buckets: Collection<BucketDoc>;
  private readonly cursors: Collection<CursorDoc>;

  constructor(db: Db) {
    this.buckets = db.collection<BucketDoc>("due");
    this.cursors = db.collection<CursorDoc>("due_cursors");
  }

  async file(kind: string, at: Date, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const id = `${kind}|${floorMinute(at).toISOString()}`;
    await serializedWrite(this.buckets.collectionName, id, () => this.buckets.updateOne({ _id: id }, { $addToSet: { ids: { $each: ids } } }, { upsert: true }));
    // The timer's cursor never starts after work filed: a first filing (no cursor yet) or one
    // behind it (a clock set back) brings it to that minute.
    await this.cursors.updateOne({ _id: kind }, { $min: { minute: floorMinute(at) } }, { upsert: true });
  }

  /** Every id due by `now`, bucket by bucket, oldest first; `handle` returns those done (the rest stay). */
  async drain(kind: string, now: Date, handle: (ids: string[]) => Promise<string[]>): Promise<number> {
    const until = floorMinute(now);
    const cursor = await this.cursors.findOne({ _id: kind });
    const earliest = new Date(until.getTime() - maxCatchUpMinutes * minute);
    let from = cursor ? new Date(cursor.minute.getTime() - lookBackMinutes * minute) : until;
    if (from < earliest) from = earliest;
    let handled = 0;
    for (let at = from.getTime(); at <= until.getTime(); at += minute) {
      const id = `${kind}|${new Date(at).toISOString()}`;
      const bucket = await this.buckets.findOne({ _id: id });
      if (!bucket || bucket.ids.length === 0) continue;
      const done = await handle(bucket.ids);
      handled += done.length;
      if (done.length > 0) await serializedWrite(this.buckets.collectionName, id, () => this.buckets.updateOne({ _id: id }, { $pullAll: { ids: done } }));
    }
    await this.cursors.updateOne({ _id: kind }, { $set: { minute: until } }, { upsert: true });
    return handled;
  }
}
