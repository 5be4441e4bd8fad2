// bench/bus: publish and consume 1 KB messages with acks=all through @kepu/bus (envelope,
// protobuf, consumer with DLQ) against raw kafkajs in the same run, alternating rounds so a
// noisy machine affects both alike. Writes bench/results/bus.json.
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { BusProbedSchema } from "@kepu/contracts/common/v1/probe_pb";
import { createKafka, EventConsumer, EventPublisher, newEvent } from "@kepu/bus";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";

const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const batch = 500;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const body = randomBytes(1024);
const logger = createLogger({ service: "bench-bus", level: "warn" });
const engines = new TestEngines(uniquePrefix("benchbus"));
const rawKafka = new Kafka({ clientId: "bench-raw", brokers: engines.urls.kafkaBrokers, logLevel: logLevel.NOTHING });
const busKafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "bench-bus", logger });

interface Rates {
  publishPerSec: number;
  consumePerSec: number;
}

async function rawRound(topic: string): Promise<Rates> {
  const producer = rawKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < messages; i += batch) {
    const chunk = Array.from({ length: Math.min(batch, messages - i) }, (_, j) => ({ key: `agg-${(i + j) % 1000}`, value: body }));
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: chunk }] });
  }
  const published = performance.now();
  await producer.disconnect();
  let seen = 0;
  const consumer = rawKafka.consumer({ groupId: `${engines.prefix}raw-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const consumeStart = performance.now();
  await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: async () => void seen++ });
  await waitFor(() => seen >= messages, { timeoutMs: 120_000, intervalMs: 5, what: "raw consumption" });
  const consumed = performance.now();
  await consumer.disconnect();
  return { publishPerSec: rate(messages, published - started), consumePerSec: rate(messages, consumed - consumeStart) };
}

async function busRound(topic: string): Promise<Rates> {
  const publisher = new EventPublisher(busKafka);
  await publisher.connect();
  const started = performance.now();
  for (let i = 0; i < messages; i += batch) {
    const chunk = Array.from({ length: Math.min(batch, messages - i) }, (_, j) =>
      newEvent(BusProbedSchema, { sequence: BigInt(i + j), body }, { source: "bench", aggregateId: `agg-${(i + j) % 1000}`, aggregateVersion: i + j, correlationId: "bench" }),
    );
    await publisher.publish(topic, chunk);
  }
  const published = performance.now();
  await publisher.disconnect();
  let seen = 0;
  const consumer = new EventConsumer(busKafka, { groupId: `${engines.prefix}bus-${topic}`, topics: [topic], logger }).on(BusProbedSchema, async () => void seen++);
  const consumeStart = performance.now();
  await consumer.start();
  await waitFor(() => seen >= messages, { timeoutMs: 120_000, intervalMs: 5, what: "bus consumption" });
  const consumed = performance.now();
  await consumer.stop();
  return { publishPerSec: rate(messages, published - started), consumePerSec: rate(messages, consumed - consumeStart) };
}

function rate(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

function mean(list: Rates[], key: keyof Rates): number {
  return Math.round(list.reduce((sum, r) => sum + r[key], 0) / list.length);
}

const raw: Rates[] = [];
const bus: Rates[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    const rawTopic = engines.topic(`raw${round}`);
    const busTopic = engines.topic(`bus${round}`);
    await engines.createTopics([rawTopic, busTopic], 3);
    raw.push(await rawRound(rawTopic));
    bus.push(await busRound(busTopic));
  }
} finally {
  await engines.cleanup();
}

const summary = {
  raw: { publishPerSec: mean(raw, "publishPerSec"), consumePerSec: mean(raw, "consumePerSec") },
  bus: { publishPerSec: mean(bus, "publishPerSec"), consumePerSec: mean(bus, "consumePerSec") },
};
const ratio = {
  publish: Math.round((summary.bus.publishPerSec / summary.raw.publishPerSec) * 100) / 100,
  consume: Math.round((summary.bus.consumePerSec / summary.raw.consumePerSec) * 100) / 100,
};
writeResult(
  "bus",
  { params: { messages, messageBytes: 1024, batch, acks: "all", partitions: 3, rounds }, versions: { kafka: "3.9.1", kafkajs: "2.2.4" }, rounds: { raw, bus }, summary, ratio, target: "bus ≥ 80% of raw kafkajs" },
  [
    { path: "raw kafkajs", "publish msg/s": summary.raw.publishPerSec, "consume msg/s": summary.raw.consumePerSec },
    { path: "@kepu/bus", "publish msg/s": summary.bus.publishPerSec, "consume msg/s": summary.bus.consumePerSec },
    { path: "ratio", "publish msg/s": ratio.publish, "consume msg/s": ratio.consume },
  ],
);
