import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { connectEngines } from "../src/index.js";

const logger = createLogger({ service: "engines-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("engines"));
afterAll(() => engines.cleanup());

const settings = () => ({ KAFKA_BROKERS: engines.urls.kafkaBrokers, MONGO_URL: engines.urls.mongoUrl, REDIS_URL: engines.urls.redisUrl, KEPU_PREFIX: engines.prefix });

describe("connectEngines", () => {
  it("opens the service's own database, creates its topics and reports every engine ready", async () => {
    const connected = await connectEngines("registry", settings(), { topics: ["registry"], redis: true }, logger);
    try {
      expect(connected.mongo?.name).toBe(`${engines.prefix}kepu_registry`);
      expect(connected.topic("registry")).toBe(`${engines.prefix}kepu.registry.v1`);
      const admin = connected.kafka.admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain(`${engines.prefix}kepu.registry.v1`);
      await admin.disconnect();
      const checks = await Promise.all(Object.values(connected.readiness).map((check) => check()));
      expect(Object.keys(connected.readiness)).toEqual(["kafka", "mongo", "redis"]);
      expect(checks).toEqual([true, true, true]);
    } finally {
      await connected.close();
    }
  });

  it("fails fast naming the engine that does not answer and what to do", async () => {
    const broken = { ...settings(), MONGO_URL: "mongodb://127.0.0.1:9/" };
    await expect(connectEngines("registry", broken, { topics: ["registry"] }, logger)).rejects.toThrow(/Cannot reach MongoDB at mongodb:\/\/127.0.0.1:9\/.*engines.sh start/);
  }, 30_000);
});
