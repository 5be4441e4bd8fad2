import type { Admin, Kafka } from "kafkajs";
import type { Db } from "mongodb";
import { createKafka, ensureTopics, EventPublisher, groupFor, topicFor } from "@kepu/bus";
import { isKepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import { connectMongo, databaseName, mongoReady, type Connection } from "@kepu/mongo";
import { connectRedis, redisReady, type Redis } from "@kepu/redis";

export interface EngineSettings {
  KAFKA_BROKERS: string[];
  MONGO_URL: string;
  REDIS_URL: string;
  KEPU_PREFIX: string;
}

export interface EngineNeeds {
  /** Topics (by context) the service publishes to or reads; created if missing. */
  topics: string[];
  partitions?: number;
  redis?: boolean;
  mongo?: boolean;
}

/** A service's live connections; main.ts builds everything else on these. */
export interface Engines {
  kafka: Kafka;
  publisher: EventPublisher;
  mongo: Connection | undefined;
  db: Db | undefined;
  redis: Redis | undefined;
  readiness: Record<string, () => Promise<boolean>>;
  topic(context: string): string;
  group(purpose: string): string;
  close(): Promise<void>;
}

/** Opens the service's engines and creates its topics. Fails fast with the engine that did not answer. */
export async function connectEngines(service: string, settings: EngineSettings, needs: EngineNeeds, logger: Logger): Promise<Engines> {
  const prefix = settings.KEPU_PREFIX;
  const kafka = createKafka({ brokers: settings.KAFKA_BROKERS, clientId: `kepu-${service}`, logger });
  const topics = needs.topics.map((context) => topicFor(context, prefix));
  await withEngine("Kafka", settings.KAFKA_BROKERS.join(","), () => ensureTopics(kafka, topics, needs.partitions ?? 6, "domain"));
  const publisher = new EventPublisher(kafka);
  await withEngine("Kafka", settings.KAFKA_BROKERS.join(","), () => publisher.connect());
  const mongo = needs.mongo === false ? undefined : await withEngine("MongoDB", settings.MONGO_URL, () => connectMongo(settings.MONGO_URL, databaseName(service, prefix)));
  const redis = needs.redis ? await withEngine("Redis", settings.REDIS_URL, () => connectRedis(settings.REDIS_URL)) : undefined;
  const admin = kafka.admin();
  await admin.connect();

  const readiness: Record<string, () => Promise<boolean>> = { kafka: () => kafkaReady(admin) };
  if (mongo) readiness.mongo = () => mongoReady(mongo);
  if (redis) readiness.redis = () => redisReady(redis);
  logger.info({ topics, database: mongo?.name }, "engines connected");

  return {
    kafka,
    publisher,
    mongo,
    db: mongo?.db as Db | undefined,
    redis,
    readiness,
    topic: (context) => topicFor(context, prefix),
    group: (purpose) => groupFor(service, purpose, prefix),
    async close() {
      await Promise.allSettled([publisher.disconnect(), admin.disconnect(), mongo?.close(), redis?.quit()]);
    },
  };
}

async function kafkaReady(admin: Admin): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref());
  return Promise.race([admin.describeCluster().then((c) => c.brokers.length > 0), timeout]).catch(() => false);
}

async function withEngine<T>(engine: string, url: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    if (isKepuError(error)) throw error; // the engine answered and refused (e.g. a topic that loses history): its own words
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot reach ${engine} at ${url}: ${reason}. Start the local engines with \`bash deploy/local/engines.sh start\`, or set the URL to a running one.`);
  }
}
