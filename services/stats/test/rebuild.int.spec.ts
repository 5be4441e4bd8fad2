// The rebuild is done when the new generation's group has committed every offset the topics held
// when it began — not when enough events were handled (redeliveries after a rebalance count twice:
// a 1,000,000-event replay once stopped with half the activities unread).
import { afterAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { Rebuild } from "../src/messaging/rebuild.js";
import type { Projector } from "../src/messaging/projector.js";
import type { FactStore } from "../src/store/fact-store.js";

const engines = new TestEngines(uniquePrefix("rebuild"));
afterAll(() => engines.cleanup());

describe("Rebuild", () => {
  it("waits until the new group has committed the end of every partition, reporting progress from the offsets", async () => {
    const topic = engines.topic("dispatch");
    await engines.createTopics([topic], 2);
    const producer = engines.kafka.producer();
    await producer.connect();
    for (const partition of [0, 1]) await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition, key: `k${i}`, value: Buffer.from("x") })) });
    await producer.disconnect();

    let generation = 1;
    let resets = 0;
    const store = { generation: async () => generation, setGeneration: async (g: number) => void (generation = g), reset: async () => void resets++ } as unknown as FactStore;
    const projector = { groupId: "", stop: async () => undefined, start: async () => void (projector.groupId = `${engines.prefix}projector-g${generation}`) };
    const progress: [number, number][] = [];
    let finished = false;
    const rebuilding = new Rebuild(engines.kafka, store, projector as unknown as Projector, [topic])
      .rebuild((done, total) => progress.push([done, total]), new AbortController().signal)
      .then(() => (finished = true));

    await waitFor(() => projector.groupId.endsWith("-g2"), { what: "the next generation's group" });
    const admin = engines.kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: projector.groupId, topic, partitions: [{ partition: 0, offset: "10" }] });
    await waitFor(() => progress.at(-1)?.[0] === 10, { what: "half the events replayed" });
    expect(finished).toBe(false); // however many events were handled, partition 1 is not at its end
    await admin.setOffsets({ groupId: projector.groupId, topic, partitions: [{ partition: 1, offset: "10" }] });
    await admin.disconnect();
    await rebuilding;
    expect(progress.at(-1)).toEqual([20, 20]);
    expect(resets).toBe(1);
  });
});
