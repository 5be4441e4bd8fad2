import type { Kafka } from "kafkajs";
import { waitFor } from "./wait.js";
import type { Projector } from "./projector.js";
import type { FactStore } from "../store/fact-store.js";

/**
 * Rebuild by replay: forget every fact, then read every topic from offset 0 with a consumer
 * group of a new generation, until it has handled everything the topics held when it began.
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
    try {
      const total = await this.eventsOnTopics();
      await this.projector.stop();
      await this.store.reset();
      await this.store.setGeneration((await this.store.generation()) + 1);
      await this.projector.start();
      await waitFor(
        () => {
          const { handled, skipped, deadLettered } = this.projector.counters;
          const seen = handled + skipped + deadLettered;
          onProgress(seen, total);
          return seen >= total || signal.aborted;
        },
        { timeoutMs: 60 * 60_000, intervalMs: 200 },
      );
    } finally {
      this.rebuilding = false;
    }
  }

  private async eventsOnTopics(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let total = 0;
      for (const topic of this.topics) {
        for (const partition of await admin.fetchTopicOffsets(topic)) total += Number(partition.high) - Number(partition.low);
      }
      return total;
    } finally {
      await admin.disconnect();
    }
  }
}
