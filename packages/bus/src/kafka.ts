import { Kafka, logLevel, type Admin, type LogEntry } from "kafkajs";
import type { Logger } from "@kepu/log";

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
}

const pinoLevelOf: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** A kafkajs client whose own logs go to our structured logger. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[pinoLevelOf[level] ?? "info"](rest, message);
      },
  });
}

/** Creates the topics that do not exist yet, and waits until each partition has a leader. */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions: number): Promise<void> {
  // On a broker that has just started, or while other services create the same topics, metadata
  // lags for a moment ("does not host this topic-partition"): such errors are retried, not fatal.
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingTopics(kafka, topics, numPartitions);
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function createMissingTopics(kafka: Kafka, topics: string[], numPartitions: number): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
    });
  } finally {
    await admin.disconnect();
  }
}
