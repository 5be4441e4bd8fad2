// A partition that did not start at offset 0 (retention deleted its head before the event log was
// kept for good): restore writes its records from offset 0, and each consumer group's offset moves
// with them, so the group resumes at the same record. On the real broker, through backup() and restore().
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { backup, readConfig, restore } from "../src/index.js";

const prefix = uniquePrefix("bkrenum");
const engines = new TestEngines(prefix);
const topic = engines.topic("events");
const groupId = `${prefix}kepu.dispatch.activities`;
let folder: string | undefined;

afterAll(async () => {
  await new TestEngines(prefix).cleanup();
  if (folder) await rm(folder, { recursive: true, force: true });
});

it("renumbers a partition whose head was deleted and moves the group's offset to the same record", async () => {
  folder = await mkdtemp(join(tmpdir(), "kepu-renumber-"));
  const file = join(folder, "b.tar.gz");
  const config = readConfig({ ...process.env, KEPU_PREFIX: prefix });
  await engines.createTopics([topic], 2);
  const producer = engines.kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })) });
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 3 }, (_, i) => ({ partition: 1, key: `m${i}`, value: `w${i}` })) });
  await producer.disconnect();
  const admin = engines.kafka.admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs's deleteTopicRecords needs it loaded
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "4" }] }); // k0…k3 gone: partition 0 spans 4…9
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: "7" }, { partition: 1, offset: "2" }] }); // next: k7 and m2

    const made = await backup(config, file);
    if (!made.ok) throw made.error;
    expect(made.value.renumbered).toEqual([`${topic}/0`]);

    await engines.cleanup();
    await waitFor(async () => !(await admin.listTopics()).includes(topic), { timeoutMs: 30_000, what: `${topic} deleted` });
    const restored = await restore(config, file);
    if (!restored.ok) throw restored.error;
    expect(restored.value.renumbered).toEqual([`${topic}/0`]);
    expect(restored.value.records).toBe(9);

    const ends = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, [p.low, p.high]]));
    expect(ends).toEqual({ 0: ["0", "6"], 1: ["0", "3"] });
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.sort((a, b) => a.partition - b.partition);
    expect(committed.map((p) => p.offset)).toEqual(["3", "2"]);
  } finally {
    await admin.disconnect();
  }

  // The group resumes where it was: k7 on partition 0, m2 on partition 1.
  const verifier = new TestEngines(prefix);
  const consumer = verifier.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const first = new Map<number, string>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (!first.has(partition)) first.set(partition, message.key!.toString());
      },
    });
    await waitFor(() => first.size === 2, { timeoutMs: 30_000, what: "the group's next record on each partition" });
  } finally {
    await consumer.disconnect();
  }
  expect(Object.fromEntries(first)).toEqual({ 0: "k7", 1: "m2" });
}, 120_000);
