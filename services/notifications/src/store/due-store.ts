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
 *
 * At rest a timer's pass changes nothing, so it is skipped (issue 20, idle): once a pass of a kind
 * found its buckets empty, the passes after it in the same minute read nothing, until this process
 * files work of that kind. Work another replica files for the current minute is found at the next
 * minute (its own timer finds it at once; the look-back covers the minute it was filed in).
 */
export class DueStore {
  private readonly buckets: Collection<BucketDoc>;
  private readonly cursors: Collection<CursorDoc>;
  /** Per kind: the minute (ms) of a pass that found nothing left, and filings made here since start. */
  private readonly quietAt = new Map<string, number>();
  private readonly filings = new Map<string, number>();

  constructor(db: Db) {
    this.buckets = db.collection<BucketDoc>("due");
    this.cursors = db.collection<CursorDoc>("due_cursors");
  }

  async file(kind: string, at: Date, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.filings.set(kind, (this.filings.get(kind) ?? 0) + 1); // before the write: a pass running meanwhile cannot go quiet over it
    this.quietAt.delete(kind);
    const id = `${kind}|${floorMinute(at).toISOString()}`;
    await serializedWrite(this.buckets.collectionName, id, () => this.buckets.updateOne({ _id: id }, { $addToSet: { ids: { $each: ids } } }, { upsert: true }));
    // The timer's cursor never starts after work filed: a first filing (no cursor yet) or one
    // behind it (a clock set back) brings it to that minute.
    await this.cursors.updateOne({ _id: kind }, { $min: { minute: floorMinute(at) } }, { upsert: true });
  }

  /** Every id due by `now`, bucket by bucket, oldest first; `handle` returns those done (the rest stay). */
  async drain(kind: string, now: Date, handle: (ids: string[]) => Promise<string[]>): Promise<number> {
    const until = floorMinute(now);
    if (this.quietAt.get(kind) === until.getTime()) return 0;
    const filingsBefore = this.filings.get(kind) ?? 0;
    let left = false;
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
      left ||= done.length < bucket.ids.length;
      if (done.length > 0) await serializedWrite(this.buckets.collectionName, id, () => this.buckets.updateOne({ _id: id }, { $pullAll: { ids: done } }));
    }
    if (cursor?.minute.getTime() !== until.getTime()) await this.cursors.updateOne({ _id: kind }, { $set: { minute: until } }, { upsert: true });
    if (!left && (this.filings.get(kind) ?? 0) === filingsBefore) this.quietAt.set(kind, until.getTime());
    return handled;
  }
}
