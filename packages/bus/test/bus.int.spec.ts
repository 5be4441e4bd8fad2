import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BusProbedSchema, type BusProbed } from "@kepu/contracts/common/v1/probe_pb";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { createKafka, EventConsumer, EventPublisher, newEvent, type ConsumedEvent } from "../src/index.js";

const logger = createLogger({ service: "bus-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("bus"));
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "bus-test", logger });
const publisher = new EventPublisher(kafka);
const consumers: EventConsumer[] = [];

function probe(aggregateId: string, sequence: number) {
  return newEvent(BusProbedSchema, { sequence: BigInt(sequence), note: `${aggregateId}#${sequence}` }, {
    source: "bus-test",
    aggregateId,
    aggregateVersion: sequence,
    correlationId: `corr-${aggregateId}`,
  });
}

function consumerOn(topic: string, group: string, handler: (e: ConsumedEvent<BusProbed>) => Promise<void>) {
  const consumer = new EventConsumer(kafka, { groupId: engines.prefix + group, topics: [topic], logger, backoffMs: 10 }).on(BusProbedSchema, handler);
  consumers.push(consumer);
  return consumer;
}

beforeAll(async () => {
  await publisher.connect();
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await publisher.disconnect();
  await engines.cleanup();
});

describe("bus", () => {
  it("keeps one aggregate's events in order and fills the envelope", async () => {
    const topic = engines.topic("order");
    await engines.createTopics([topic], 3);
    const seen = new Map<string, number[]>();
    const envelopes: ConsumedEvent<BusProbed>[] = [];
    await consumerOn(topic, "order", async (event) => {
      const list = seen.get(event.envelope.aggregateId) ?? [];
      list.push(Number(event.payload.sequence));
      seen.set(event.envelope.aggregateId, list);
      envelopes.push(event);
    }).start();

    const aggregates = ["a", "b", "c", "d"];
    for (let sequence = 1; sequence <= 30; sequence++) {
      await publisher.publish(topic, aggregates.map((id) => probe(id, sequence)));
    }
    await waitFor(() => envelopes.length === 120, { what: "120 events consumed" });
    for (const id of aggregates) expect(seen.get(id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const first = envelopes[0]!.envelope;
    expect(first.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.type).toBe("kepu.common.v1.BusProbed");
    expect(first.source).toBe("bus-test");
    expect(first.occurredAt).toBeDefined();
    expect(first.correlationId).toBe(`corr-${first.aggregateId}`);
  });

  it("dead-letters an undecodable message with its reason and keeps the partition flowing", async () => {
    const topic = engines.topic("poison");
    await engines.createTopics([topic], 1);
    const handled: string[] = [];
    const consumer = consumerOn(topic, "poison", async (event) => {
      handled.push(event.payload.note);
    });
    await consumer.start();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: "x", value: Buffer.from("not a protobuf envelope \u0000\u00ff") }] });
    await producer.disconnect();
    await publisher.publish(topic, [probe("x", 1)]);

    await waitFor(() => handled.length === 1, { what: "the event after the poison message" });
    const dead = await engines.readTopic(consumer.deadLetterTopic, (m) => m.length >= 1);
    expect(dead[0]!.headers["kepu-dlq-reason"]).toContain("undecodable envelope");
    expect(dead[0]!.headers["kepu-original-topic"]).toBe(topic);
    expect(consumer.counters.deadLettered).toBe(1);
  });

  it("dead-letters an event whose handler keeps failing after 3 tries, then moves on", async () => {
    const topic = engines.topic("failing");
    await engines.createTopics([topic], 1);
    let attempts = 0;
    const handled: number[] = [];
    const consumer = consumerOn(topic, "failing", async (event) => {
      if (event.payload.sequence === 1n) {
        attempts++;
        throw new Error("team does not exist");
      }
      handled.push(Number(event.payload.sequence));
    });
    await consumer.start();
    await publisher.publish(topic, [probe("y", 1), probe("y", 2)]);

    await waitFor(() => handled.length === 1, { what: "the event after the failing one" });
    expect(attempts).toBe(3);
    const dead = await engines.readTopic(consumer.deadLetterTopic, (m) => m.length >= 1);
    expect(dead[0]!.headers["kepu-dlq-reason"]).toContain("team does not exist");
    expect(dead[0]!.headers["kepu-dlq-attempts"]).toBe("3");
  });

  it("skips and counts an event type it has no contract for", async () => {
    const topic = engines.topic("unknown");
    await engines.createTopics([topic], 1);
    const handled: number[] = [];
    const consumer = consumerOn(topic, "unknown", async (event) => {
      handled.push(Number(event.payload.sequence));
    });
    await consumer.start();
    const unknown = probe("z", 1);
    unknown.type = "kepu.future.v9.SomethingNew";
    await publisher.publish(topic, [unknown, probe("z", 2)]);
    await waitFor(() => handled.length === 1, { what: "the known event" });
    expect(consumer.counters.skipped).toBe(1);
    expect(consumer.counters.deadLettered).toBe(0);
  });
});
