import type { Admin, Kafka } from "kafkajs";
import type { Projector } from "./projector.js";
import type { FactStore } from "../store/fact-store.js";

/** Where each partition ended when the rebuild began: the replay is done when the group got there. */
type Ends = { topic: string; partition: number; low: bigint; high: bigint }[];

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rebuild by replay: forget every fact, then read every topic from offset 0 with a consumer
 * group of a new generation, until the group has committed every offset the topics held when it
 * began. Progress is read from the group's committed offsets, not from a count of handled
 * events: a redelivery (after a rebalance) would count twice and end the wait too early.
 */
export class Rebuild {
  rebuilding = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly store: FactStore,
    private readonly projector: Projector,
    private readonly topics: string[],
  ) {}

  async rebuild(onProgress: (applied: number, total: number) => void, signal: AbortSignal): Promise<void> {
    this.rebuilding = true;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await this.endsOfTopics(admin);
      const total = ends.reduce((sum, p) => sum + Number(p.high - p.low), 0);
      await this.projector.stop();
      await this.store.reset();
      await this.store.setGeneration((await this.store.generation()) + 1);
      await this.projector.start();
      const deadline = Date.now() + 60 * 60_000;
      for (;;) {
        const done = await this.replayed(admin, this.projector.groupId, ends);
        onProgress(done, total);
        if (done >= total || signal.aborted) return;
        if (Date.now() > deadline) throw new Error(`rebuild: replayed ${done} of ${total} events within an hour`);
        await delay(500);
      }
    } finally {
      await admin.disconnect();
      this.rebuilding = false;
    }
  }

  private async endsOfTopics(admin: Admin): Promise<Ends> {
    const ends: Ends = [];
    for (const topic of this.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
    }
    return ends;
  }

  /** Events the group has committed past, up to where each partition ended at the start. */
  private async replayed(admin: Admin, groupId: string, ends: Ends): Promise<number> {
    const committed = new Map<string, bigint>();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: this.topics })) {
      for (const p of partitions) committed.set(`${topic}/${p.partition}`, BigInt(p.offset));
    }
    return ends.reduce((sum, end) => {
      const at = committed.get(`${end.topic}/${end.partition}`) ?? -1n;
      const reached = at < end.low ? end.low : at > end.high ? end.high : at;
      return sum + Number(reached - end.low);
    }, 0);
  }
}
