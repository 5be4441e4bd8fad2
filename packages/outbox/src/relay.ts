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
  /** How often to look for pending events when nobody kicks the relay (crash recovery). */
  pollIntervalMs?: number;
  /** Documents read per collection per round. */
  batchSize?: number;
}

interface PendingDoc {
  _id: string;
  outbox: OutboxEntry[];
}

/**
 * Publishes the events waiting in aggregate documents, then removes them. A crash between
 * publishing and removing publishes them again on the next round: at least once, never lost.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private readonly log: Logger;
  /** Messages published since start, for health and benchmarks. */
  published = 0;

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

  /** Call after a write: the relay publishes now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One round over every collection; returns how many messages it published. */
  async relayOnce(): Promise<number> {
    let total = 0;
    for (const collection of this.options.collections) total += await this.relayCollection(collection);
    this.published += total;
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      let sent = 0;
      try {
        sent = await this.relayOnce();
      } catch (error) {
        this.log.warn({ err: error }, "outbox relay round failed; retrying");
      }
      if (sent > 0 || this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 250);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async relayCollection(collection: Collection<Document>): Promise<number> {
    const docs = (await collection
      .find({ outboxCount: { $gt: 0 } }, { projection: { outbox: 1 } })
      .limit(this.options.batchSize ?? 200)
      .toArray()) as unknown as PendingDoc[];
    if (docs.length === 0) return 0;
    const messages: OutgoingMessage[] = docs.flatMap((doc) =>
      doc.outbox.map((entry) => ({ topic: entry.topic, key: entry.key, value: entry.value.buffer, headers: entry.headers })),
    );
    await this.options.publisher.send(messages);
    await Promise.all(docs.map((doc) => this.markSent(collection, doc)));
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
