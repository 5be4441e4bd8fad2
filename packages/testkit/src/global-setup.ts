import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup for the engine tiers. Engines come, in order of preference, from
 * KAFKA_BROKERS/MONGO_URL/REDIS_URL (an existing cluster, or `npm test`), from testcontainers
 * where a Docker engine answers, or from the project's own local scripts.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL && process.env.REDIS_URL) return undefined;
  if (process.env.KEPU_ENGINES !== "local" && dockerAnswers()) return startContainers();
  const script = fileURLToPath(new URL("../../../deploy/local/engines.sh", import.meta.url));
  execFileSync("bash", [script, "start"], { stdio: "inherit" });
  const env = execFileSync("bash", [script, "env"], { encoding: "utf8" });
  for (const match of env.matchAll(/export (\w+)=(\S+)/g)) process.env[match[1]!] = match[2]!.replace(/^['"]|['"]$/g, "");
  return undefined;
}

function dockerAnswers(): boolean {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore", timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<() => Promise<void>> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const [kafka, mongo, redis] = await Promise.all([
    new GenericContainer("apache/kafka:3.9.1")
      .withExposedPorts({ container: 9092, host: 19092 })
      .withEnvironment({
        KAFKA_NODE_ID: "1",
        KAFKA_PROCESS_ROLES: "broker,controller",
        KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
        KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://127.0.0.1:19092",
        KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .start(),
    new GenericContainer("mongo:7").withExposedPorts(27017).start(),
    new GenericContainer("redis:7").withExposedPorts(6379).start(),
  ]);
  process.env.KAFKA_BROKERS = "127.0.0.1:19092";
  process.env.MONGO_URL = `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/`;
  process.env.REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  return async () => {
    await Promise.all([kafka.stop(), mongo.stop(), redis.stop()]);
  };
}
