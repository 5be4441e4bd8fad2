import kafkajs, { Kafka, logLevel, type Admin, type LogEntry } from "kafkajs";
import type { Logger } from "@kepu/log";
import { configEntriesFor, retentionRefusal, topicSettings, type TopicKind } from "./retention.js";

// kafkajs is CommonJS: Node's ESM loader does not see this export by name (`node --import tsx`, `pnpm dlq`).
const { ConfigResourceTypes } = kafkajs;

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

/**
 * Creates the topics that do not exist yet, with the settings of their kind (domain topics keep
 * every event for good, dead-letter topics 30 days), and waits until each new partition serves.
 * Domain topics are then checked, new or old: one whose retention would lose history is refused
 * with a `TOPIC_LOSES_HISTORY` error naming the kafka-configs command that fixes it.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions: number, kind: TopicKind): Promise<void> {
  // On a broker that has just started, or while other services create the same topics, metadata
  // lags for a moment ("does not host this topic-partition", "not the leader"): such errors are
  // retried, not fatal. Topics this call created stay in `created` so a retry still waits for them.
  const created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      return await createAndCheckTopics(kafka, topics, numPartitions, kind, created);
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function createAndCheckTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions: number,
  kind: TopicKind,
  created: Set<string>,
): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      const configEntries = configEntriesFor(kind);
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1, configEntries })),
      });
      for (const topic of missing) created.add(topic);
    }
    // A leader in the metadata is not yet a leader that serves: the partition answers for its offsets
    // only once the broker has taken it on. Whoever reads or writes right after (a restore) needs that.
    for (const topic of created) await admin.fetchTopicOffsets(topic);
    if (kind === "domain" && topics.length > 0) await refuseTopicsThatLoseHistory(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

/** Reads each domain topic's effective settings (its own or the broker's default) and refuses the first that loses history. */
async function refuseTopicsThatLoseHistory(admin: Admin, topics: string[]): Promise<void> {
  const configNames = Object.keys(topicSettings.domain);
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames })),
  });
  const broker = (await admin.describeCluster()).brokers[0];
  const bootstrapServer = broker ? `${broker.host}:${broker.port}` : "<broker:port>";
  for (const resource of resources) {
    const effective = Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]));
    const refusal = retentionRefusal(resource.resourceName, effective, bootstrapServer);
    if (refusal) throw refusal;
  }
}
