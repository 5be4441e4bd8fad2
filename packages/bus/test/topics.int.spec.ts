import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigResourceTypes, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKepuError, type KepuError } from "@kepu/errors";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { createKafka, deadLetterTopicFor, ensureTopics } from "../src/index.js";

const logger = createLogger({ service: "topics-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("topics"));
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "topics-test", logger });
const admin: Admin = kafka.admin();

/** The jars `kafka-configs.sh` runs, where deploy/local/engines.sh installed them. */
const kafkaLibs = (() => {
  const cache = process.env.KEPU_CACHE ?? join(homedir(), ".cache/kepu");
  const home = existsSync(cache) ? readdirSync(cache).find((name) => name.startsWith("kafka-")) : undefined;
  return home ? join(cache, home, "libs") : undefined;
})();

async function settingsOf(topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["cleanup.policy", "retention.ms", "retention.bytes"] }] });
  return Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
}

async function refusalOf(run: Promise<unknown>): Promise<KepuError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  if (!isKepuError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

beforeAll(() => admin.connect());
afterAll(async () => {
  await admin.disconnect();
  await engines.cleanup();
});

describe("topics the bus creates", () => {
  it("creates domain topics that keep every event for good, and dead-letter topics that keep 30 days", async () => {
    const domain = engines.topic("dispatch");
    const dlq = deadLetterTopicFor(`${engines.prefix}kepu.stats.projector-g1`);
    await ensureTopics(kafka, [domain], 2, "domain");
    await ensureTopics(kafka, [dlq], 1, "dead-letter");
    expect(await settingsOf(domain)).toEqual({ "cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1" });
    expect(await settingsOf(dlq)).toEqual({ "cleanup.policy": "delete", "retention.ms": "2592000000", "retention.bytes": "-1" });
    await ensureTopics(kafka, [domain], 2, "domain"); // a second start finds it as it should be
  });

  it("refuses a domain topic with a finite retention, and the command it names makes it pass", async () => {
    const topic = engines.topic("registry");
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: "retention.ms", value: "259200000" }] }] });
    const refusal = await refusalOf(ensureTopics(kafka, [engines.topic("events"), topic], 1, "domain"));
    expect(refusal.code).toBe("TOPIC_LOSES_HISTORY");
    expect(refusal.en).toContain(`Topic ${topic} has retention.ms=259200000`);
    const command = /Run: (kafka-configs\.sh .*?) \(/.exec(refusal.en)?.[1];
    expect(command).toMatch(new RegExp(`--entity-name ${topic} --add-config retention\\.ms=-1$`));
    expect(refusal.zh).toContain(command);
    if (!kafkaLibs) return; // no local Kafka jars (engines from containers): the command is checked in words only
    // kafka-configs.sh is `kafka-run-class.sh kafka.admin.ConfigCommand "$@"`: run exactly the words given.
    execFileSync("java", ["-cp", `${kafkaLibs}/*`, "kafka.admin.ConfigCommand", ...command!.split(" ").slice(1)], { stdio: "pipe" });
    await ensureTopics(kafka, [topic], 1, "domain");
    expect((await settingsOf(topic))["retention.ms"]).toBe("-1");
  });

  it("refuses a compacted domain topic: no event carries an aggregate's whole state", async () => {
    const topic = engines.topic("compacted");
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: "cleanup.policy", value: "compact" }, { name: "retention.ms", value: "-1" }] }] });
    const refusal = await refusalOf(ensureTopics(kafka, [topic], 1, "domain"));
    expect(refusal.en).toContain("--add-config cleanup.policy=delete (");
  });
});
