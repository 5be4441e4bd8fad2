import { afterAll, describe, expect, it } from "vitest";
import { BusProbedSchema } from "@kepu/contracts/common/v1/probe_pb";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { createKafka, EventConsumer, EventPublisher, newEvent, readDeadLetters, redriveDeadLetters } from "../src/index.js";

const logger = createLogger({ service: "dlq-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("dlq"));
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "dlq-test", logger });
const publisher = new EventPublisher(kafka);
const consumers: EventConsumer[] = [];

const probe = (sequence: number) =>
  newEvent(BusProbedSchema, { sequence: BigInt(sequence), note: `#${sequence}` }, { source: "dlq-test", aggregateId: "p", aggregateVersion: sequence, correlationId: "c" });

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await publisher.disconnect();
  await engines.cleanup();
});

describe("dead letters", () => {
  it("an empty or missing dead-letter topic reads as none", async () => {
    expect(await readDeadLetters(kafka, `${engines.prefix}nobody`)).toEqual([]);
  });

  it("lists what a group gave up on, and re-drives it to the topic it came from once the handler is fixed", async () => {
    const topic = engines.topic("redrive");
    const group = `${engines.prefix}redrive`;
    await engines.createTopics([topic], 2);
    let fixed = false;
    const handled: number[] = [];
    const consumer = new EventConsumer(kafka, { groupId: group, topics: [topic], logger, backoffMs: 5 }).on(BusProbedSchema, async (event) => {
      const sequence = Number(event.payload.sequence);
      if (sequence === 2 && !fixed) throw new Error("团队不存在 / team does not exist");
      handled.push(sequence);
    });
    consumers.push(consumer);
    await consumer.start();
    await publisher.publish(topic, [probe(1), probe(2), probe(3)]);
    await waitFor(() => consumer.counters.deadLettered === 1 && handled.length === 2, { what: "1 and 3 handled, 2 dead-lettered" });

    const letters = await readDeadLetters(kafka, group);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter!.reason).toContain("team does not exist");
    expect(letter!.attempts).toBe(3);
    expect(letter!.original.topic).toBe(topic);
    expect(letter!.headers).not.toHaveProperty("kepu-dlq-reason");

    await expect(redriveDeadLetters(kafka, group, ["0:999"])).rejects.toThrow(/no dead letter at 0:999/);
    fixed = true;
    const sent = await redriveDeadLetters(kafka, group, [`${letter!.partition}:${letter!.offset}`]);
    expect(sent).toHaveLength(1);
    await waitFor(() => handled.includes(2), { what: "the re-driven event handled" });
    expect(handled.sort()).toEqual([1, 2, 3]);
    expect(consumer.counters.deadLettered).toBe(1);
  });
});
