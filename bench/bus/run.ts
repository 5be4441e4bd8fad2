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

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const batch = 500;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
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
  const clock = new ConsumeClock();
  const consumer = rawKafka.consumer({ groupId: `${engines.prefix}raw-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: async () => clock.tick() });
  await waitFor(() => clock.seen >= messages, { timeoutMs: 120_000, intervalMs: 5, what: "raw consumption" });
  await consumer.disconnect();
  return { publishPerSec: rate(messages, published - started), consumePerSec: clock.perSecond() };
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
  const clock = new ConsumeClock();
  const consumer = new EventConsumer(busKafka, { groupId: `${engines.prefix}bus-${topic}`, topics: [topic], logger }).on(BusProbedSchema, async () => clock.tick());
  await consumer.start();
  await waitFor(() => clock.seen >= messages, { timeoutMs: 120_000, intervalMs: 5, what: "bus consumption" });
  await consumer.stop();
  return { publishPerSec: rate(messages, published - started), consumePerSec: clock.perSecond() };
}

/** Consumption rate from the first message handled to the last: connecting and joining the group are not counted. */
class ConsumeClock {
  seen = 0;
  private first = 0;
  private last = 0;
  tick(): void {
    const now = performance.now();
    if (this.seen === 0) this.first = now;
    this.last = now;
    this.seen++;
  }
  perSecond(): number {
    return rate(this.seen - 1, this.last - this.first);
  }
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
