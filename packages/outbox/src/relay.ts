import type { Collection, Document } from "mongodb";
import type { EventPublisher, OutgoingMessage } from "@kepu/bus";
import type { Logger } from "@kepu/log";
import { serializedWrite } from "@kepu/mongo";
import type { OutboxEntry } from "./aggregate.js";

export interface RelayOptions {
  /** Collections whose documents carry an outbox. */
  collections: Collection<Document>[];
  publisher: EventPublisher;
  logger: Logger;
  /**
   * How often to sweep every collection for pending events nobody announced (a crashed process's,
   * another replica's). Also the first thing the relay does when it starts.
   */
  sweepIntervalMs?: number;
  /**
   * While sweeps find nothing, each waits twice as long as the one before, up to this (default
   * 60 s, never below `sweepIntervalMs`): an idle platform rests. A sweep that finds events, a
   * failed round or a writer's kick brings the interval back to `sweepIntervalMs`.
   */
  maxSweepIntervalMs?: number;
  /** Documents read per collection per sweep. */
  batchSize?: number;
}

/** Announced documents reread and published together: one Kafka send, a bounded burst of reads. */
const announcedPerRound = 500;

interface PendingDoc {
  _id: string;
  outbox: OutboxEntry[];
}

/**
 * Publishes the events waiting in aggregate documents, then removes them. A crash between
 * publishing and removing publishes them again on the next round: at least once, never lost.
 *
 * Writers announce what they wrote (`kick(collection, id)`) and the relay rereads just those
 * documents by _id. Looking for pending events by `outboxCount` scans the whole collection on
 * FerretDB (it filters outside SQLite, ~80 µs a document), so that sweep only runs at start, every
 * `sweepIntervalMs` (slowing down to `maxSweepIntervalMs` while it finds nothing), and when a writer
 * kicks without saying what it wrote.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private sweepDue = true;
  private sweepDueSince = 0;
  /** The wait before the next periodic sweep: `sweepIntervalMs`, doubled after each sweep that found nothing. */
  private sweepEveryMs = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly announced = new Map<Collection<Document>, Set<string>>();
  private readonly log: Logger;
  /** Messages published since start, for health and benchmarks. */
  published = 0;
  /** Sweeps completed since start. */
  sweeps = 0;

  /** How long the relay waits now between periodic sweeps (it grows while they find nothing). */
  get sweepIntervalNowMs(): number {
    return this.sweepEveryMs;
  }

  constructor(private readonly options: RelayOptions) {
    this.log = options.logger.child({ component: "outbox-relay" });
  }

  /** Adds collections to relay, for stores created after the relay they publish through. */
  watch(collections: Collection<Document>[]): void {
    this.options.collections.push(...collections);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Call after a write: the relay publishes now instead of at the next sweep. Name the document
   * written and only it is reread; without one, the relay sweeps every collection.
   */
  kick(collection?: Collection<Document>, id?: string): void {
    this.workArrived();
    if (collection && id !== undefined) {
      const ids = this.announced.get(collection) ?? new Set<string>();
      this.announced.set(collection, ids.add(id));
    } else {
      this.markSweepDue();
    }
    this.kicked = true;
    this.wake?.();
  }

  private markSweepDue(): void {
    if (!this.sweepDue) this.sweepDueSince = Date.now();
    this.sweepDue = true;
  }

  private get sweepIntervalMs(): number {
    return this.options.sweepIntervalMs ?? 5_000;
  }

  private get maxSweepIntervalMs(): number {
    return Math.max(this.options.maxSweepIntervalMs ?? 60_000, this.sweepIntervalMs);
  }

  /** The next periodic sweep in `sweepEveryMs` (one timer at a time; it does not keep the process alive). */
  private scheduleSweep(): void {
    clearTimeout(this.sweepTimer);
    if (!this.running) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      this.markSweepDue();
      this.kicked = true;
      this.wake?.();
    }, this.sweepEveryMs).unref();
  }

  /** Work arrives: the sweeps that had slowed down while idle come back to `sweepIntervalMs`. */
  private workArrived(): void {
    if (this.sweepEveryMs <= this.sweepIntervalMs) return;
    this.sweepEveryMs = this.sweepIntervalMs;
    this.scheduleSweep();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    this.sweepEveryMs = this.sweepIntervalMs;
    try {
      while (this.running) {
        this.kicked = false;
        let sent = 0;
        try {
          // What writers announced first: it is read by _id, while a sweep scans whole collections
          // on FerretDB (a sweep that dropped 10,000 announced ids and found them 200 at a time
          // took minutes after a bulk import).
          // A sweep waits for them at most one interval, so a steady stream of announcements cannot
          // keep a crashed writer's events waiting for ever.
          const sweepOverdue = this.sweepDue && Date.now() - this.sweepDueSince >= this.sweepIntervalMs;
          sent = this.announced.size > 0 && !sweepOverdue ? await this.relayAnnounced() : this.sweepDue ? await this.sweepAll() : 0;
        } catch (error) {
          this.markSweepDue(); // what was announced may not have gone out: look everywhere next time
          // and soon, not after an idle interval — even when the failed round was the one the
          // sweep timer had woken (a broker down: nobody else may kick before it is back)
          this.sweepEveryMs = this.sweepIntervalMs;
          this.scheduleSweep();
          this.log.warn({ err: error }, "outbox relay round failed; retrying");
        }
        if (sent > 0 || this.kicked) continue;
        if (this.sweepTimer === undefined) this.scheduleSweep(); // the relay never rests without its next sweep due
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      clearTimeout(this.sweepTimer);
    }
  }

  /** Every collection, by `outboxCount`; what was announced meanwhile is found too. */
  private async sweepAll(): Promise<number> {
    this.sweepDue = false;
    const batchSize = this.options.batchSize ?? 200;
    let sent = 0;
    let found = true; // until the sweep completes: a failed one is retried at the base interval
    try {
      for (const collection of this.options.collections) {
        const docs = (await collection.find({ outboxCount: { $gt: 0 } }, { projection: { outbox: 1 } }).limit(batchSize).toArray()) as unknown as PendingDoc[];
        sent += await this.publish(collection, docs);
        if (docs.length >= batchSize) this.markSweepDue(); // a full batch: more may wait
      }
      found = sent > 0;
      this.sweeps += 1;
      return sent;
    } finally {
      this.sweepEveryMs = found ? this.sweepIntervalMs : Math.min(this.sweepEveryMs * 2, this.maxSweepIntervalMs);
      this.scheduleSweep();
    }
  }

  /** Up to `announcedPerRound` announced documents of each collection; the rest wait for the next round. */
  private async relayAnnounced(): Promise<number> {
    let sent = 0;
    for (const [collection, ids] of [...this.announced]) {
      const round = [...ids].slice(0, announcedPerRound);
      for (const id of round) ids.delete(id);
      if (ids.size === 0) this.announced.delete(collection);
      // By _id alone: FerretDB answers a lone _id filter from its index and scans for anything more.
      const docs = await Promise.all(round.map((id) => collection.findOne({ _id: id as unknown as Document["_id"] }, { projection: { outbox: 1 } })));
      sent += await this.publish(collection, docs.filter((doc) => (doc?.outbox?.length ?? 0) > 0) as unknown as PendingDoc[]);
    }
    return sent;
  }

  private async publish(collection: Collection<Document>, docs: PendingDoc[]): Promise<number> {
    if (docs.length === 0) return 0;
    const messages: OutgoingMessage[] = docs.flatMap((doc) =>
      doc.outbox.map((entry) => ({ topic: entry.topic, key: entry.key, value: entry.value.buffer, headers: entry.headers })),
    );
    await this.options.publisher.send(messages);
    await Promise.all(docs.map((doc) => this.markSent(collection, doc)));
    this.published += messages.length;
    return messages.length;
  }

  /**
   * Removes exactly the entries published (entries added meanwhile stay pending) and lowers the
   * count in the same update. $pullAll of the entries as read, because FerretDB ignores $pull
   * with a condition.
   */
  private async markSent(collection: Collection<Document>, doc: PendingDoc): Promise<void> {
    if (doc.outbox.length === 0) return;
    await serializedWrite(collection.namespace, doc._id, () =>
      collection.updateOne({ _id: doc._id as unknown as Document["_id"] }, {
        $pullAll: { outbox: doc.outbox },
        $inc: { outboxCount: -doc.outbox.length },
      } as Document),
    );
  }
}
