import { randomBytes } from "node:crypto";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import { MongoClient } from "mongodb";
import { Redis } from "ioredis";
import { ensureTopics, topicFor } from "@kepu/bus";
import { databaseName } from "@kepu/mongo";
import { waitFor } from "./wait.js";

export interface EngineUrls {
  kafkaBrokers: string[];
  mongoUrl: string;
  redisUrl: string;
}

/** The engines a test run uses: set by `npm test` (local engines) or the global setup. */
export function engineUrls(): EngineUrls {
  const { KAFKA_BROKERS, MONGO_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL || !REDIS_URL) {
    throw new Error("KAFKA_BROKERS, MONGO_URL and REDIS_URL are not set: run the tests with `npm test` (it starts the engines), or set them to existing ones.");
  }
  return { kafkaBrokers: KAFKA_BROKERS.split(","), mongoUrl: MONGO_URL, redisUrl: REDIS_URL };
}

/** A prefix of lowercase letters, digits and "_", unique per test file run. */
export function uniquePrefix(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, "").slice(0, 12);
  return `t${clean}${randomBytes(3).toString("hex")}_`;
}

export interface RecordedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Engines for one test file: its own topic and database prefix, and `cleanup()` that removes
 * every topic, consumer group, database and Redis key with that prefix.
 */
export class TestEngines {
  readonly urls = engineUrls();
  readonly kafka: Kafka;
  private readonly mongo: MongoClient;
  private readonly redis: Redis;

  constructor(readonly prefix: string) {
    this.kafka = new Kafka({ clientId: `test-${prefix}`, brokers: this.urls.kafkaBrokers, logLevel: logLevel.NOTHING });
    this.mongo = new MongoClient(this.urls.mongoUrl);
    this.redis = new Redis(this.urls.redisUrl, { lazyConnect: true });
  }

  topic(context: string): string {
    return topicFor(context, this.prefix);
  }

  database(service: string): string {
    return databaseName(service, this.prefix);
  }

  /** The environment a service started by a test reads. */
  serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: this.urls.kafkaBrokers.join(","),
      MONGO_URL: this.urls.mongoUrl,
      REDIS_URL: this.urls.redisUrl,
      KEPU_PREFIX: this.prefix,
      // A test's service stops at once on SIGTERM: nothing routes to it that would need the second
      // of 503s first (a test of rolling restarts sets its own). Saves a second per service stopped.
      SHUTDOWN_DRAIN_MS: "0",
      ...extra,
    };
  }

  /**
   * Creates topics as the services do (the bus's ensureTopics: domain settings, every event kept for
   * good), so services start on them. Its retries matter here: under load the broker's metadata can
   * lag the creation ("does not host this topic-partition"), which kafkajs's own wait for leaders
   * does not retry — a test file failed before its tests on that in CI.
   */
  async createTopics(topics: string[], numPartitions = 3): Promise<void> {
    await ensureTopics(this.kafka, topics, numPartitions, "domain");
  }

  /** Reads a topic from the beginning until `done` says enough has arrived, or fails at the deadline. */
  async readTopic(topic: string, done: (messages: RecordedMessage[]) => boolean, timeoutMs = 20_000): Promise<RecordedMessage[]> {
    const consumer = this.kafka.consumer({ groupId: `${this.prefix}reader-${randomBytes(4).toString("hex")}`, maxWaitTimeInMs: 100 });
    const messages: RecordedMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic: t, partition, message }) => {
          messages.push(record(t, partition, message));
        },
      });
      await waitFor(() => done(messages), { timeoutMs, what: `messages on ${topic} (have ${messages.length})` });
      return messages;
    } finally {
      await consumer.disconnect();
    }
  }

  /**
   * Waits until a service's read model holds every one of these ids in a collection (and, when
   * given, each document passes `ready`): what a test waits for after seeding another service
   * whose events that read model is kept from.
   */
  async waitForDocuments(service: string, collection: string, ids: readonly string[], ready: (doc: Record<string, unknown>) => boolean = () => true, timeoutMs = 20_000): Promise<void> {
    await this.mongo.connect();
    const docs = this.mongo.db(this.database(service)).collection<{ _id: string }>(collection);
    const missing = async () => {
      const found = await Promise.all(ids.map((id) => docs.findOne({ _id: id })));
      return ids.filter((_, i) => !found[i] || !ready(found[i]!));
    };
    let left: string[] = [...ids];
    await waitFor(async () => (left = await missing()).length === 0, { timeoutMs, what: `${service}'s ${collection}: ${left.join(", ")}` });
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled([this.cleanupKafka(), this.cleanupMongo(), this.cleanupRedis()]);
    await this.mongo.close().catch(() => undefined);
    this.redis.disconnect();
  }

  private async cleanupKafka(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }

  private async cleanupMongo(): Promise<void> {
    await this.mongo.connect();
    const { databases } = await this.mongo.db().admin().listDatabases({ nameOnly: true });
    for (const db of databases.filter((d) => d.name.startsWith(this.prefix))) await this.mongo.db(db.name).dropDatabase();
  }

  private async cleanupRedis(): Promise<void> {
    await this.redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 500);
      if (keys.length > 0) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
}

function record(topic: string, partition: number, message: KafkaMessage): RecordedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(value);
  return { topic, partition, offset: message.offset, key: message.key?.toString() ?? "", value: message.value ?? Buffer.alloc(0), headers };
}
