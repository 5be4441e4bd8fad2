import { afterAll, describe, expect, it } from "vitest";
import { BusProbedSchema, type BusProbed } from "@kepu/contracts/common/v1/probe_pb";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { createKafka, EventConsumer, EventPublisher, newEvent, readDeadLetters, type ConsumedEvent } from "../src/index.js";

const logger = createLogger({ service: "batch-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("batch"));
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "batch-test", logger });
const publisher = new EventPublisher(kafka);
const consumers: EventConsumer[] = [];

const probe = (sequence: number) =>
  newEvent(BusProbedSchema, { sequence: BigInt(sequence), note: `#${sequence}` }, { source: "batch-test", aggregateId: "p", aggregateVersion: sequence, correlationId: "c" });
const sequenceOf = (e: ConsumedEvent) => Number((e.payload as BusProbed).sequence);

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await publisher.disconnect();
  await engines.cleanup();
});

describe("batch handling", () => {
  it("hands events over many at a time in partition order, around a poison message, and falls back to one by one when a batch fails", async () => {
    const topic = engines.topic("batches");
    const group = `${engines.prefix}batches`;
    await engines.createTopics([topic], 1);
    const producer = kafka.producer();
    await producer.connect();
    await publisher.publish(topic, Array.from({ length: 1_500 }, (_, i) => probe(i + 1)));
    await producer.send({ topic, messages: [{ key: "p", value: Buffer.from("not an envelope") }] });
    await publisher.publish(topic, Array.from({ length: 500 }, (_, i) => probe(1_501 + i)));
    await producer.disconnect();

    const batches: number[][] = [];
    const oneByOne: number[] = [];
    const consumer = new EventConsumer(kafka, { groupId: group, topics: [topic], logger, backoffMs: 5 }).onEveryBatch(
      async (events) => {
        const sequences = events.map(sequenceOf);
        if (sequences.includes(1_700)) throw new Error("event 1700 cannot be projected");
        batches.push(sequences);
      },
      async (event) => {
        if (sequenceOf(event) === 1_700) throw new Error("event 1700 cannot be projected");
        oneByOne.push(sequenceOf(event));
      },
    );
    consumers.push(consumer);
    await consumer.start();
    await waitFor(() => consumer.counters.handled === 1_999 && consumer.counters.deadLettered === 2, { what: "all but the two bad messages handled", timeoutMs: 60_000 });

    const inBatches = batches.flat();
    expect(batches.some((b) => b.length > 1)).toBe(true);
    expect([...inBatches, ...oneByOne].sort((a, b) => a - b)).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1).filter((n) => n !== 1_700));
    expect(inBatches).toEqual([...inBatches].sort((a, b) => a - b));
    expect(oneByOne.length).toBeGreaterThan(0); // the failed batch's other events, one by one
    const dead = await readDeadLetters(kafka, group);
    expect(dead.map((d) => d.reason)).toEqual([expect.stringContaining("undecodable envelope"), expect.stringContaining("event 1700 cannot be projected")]);
  });
});
