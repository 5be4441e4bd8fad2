// The residents' cached menu on the real engines (Redis, Kafka), in-process: an answer is given
// again while the menu is unchanged, and dropped — on every replica, each with a cache of its own —
// as soon as one gateway's follower hears the registry's MenuItemWithdrawn (or Published, Edited).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, EventPublisher, newEvent, toOutgoing, type EventConsumer } from "@kepu/bus";
import { MenuItemSchema, MenuItemEditedSchema, MenuItemWithdrawnSchema, type MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import { create } from "@bufbuild/protobuf";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { MenuCache, menuChanges } from "../src/http/menu-cache.js";

const engines = new TestEngines(uniquePrefix("menucache"));
const redis = new Redis(engines.urls.redisUrl);
const logger = createLogger({ service: "gateway-test", level: "warn" });
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "menu-cache-test", logger });
const publisher = new EventPublisher(kafka);
const topic = engines.topic("registry");
const prefix = `${engines.prefix}kepu:gateway:`;
let follower: EventConsumer;

/** The registry as a cache sees it: the items it answers now, and how often it was asked. */
const registry = { items: [] as MenuItem[], asked: 0 };
const load = async () => {
  registry.asked++;
  return [...registry.items];
};
const item = (itemId: string, title = "健康讲座") => create(MenuItemSchema, { itemId, title, serviceAreaOrgId: "sz-futian" });
const event = (version: number, withdrawn: boolean, itemId: string) =>
  toOutgoing(
    topic,
    withdrawn
      ? newEvent(MenuItemWithdrawnSchema, { itemId, reason: "基地已撤销认定" }, { source: "registry", aggregateId: itemId, aggregateVersion: version, correlationId: `c-${version}` })
      : newEvent(MenuItemEditedSchema, { item: item(itemId, "健康讲座（新）") }, { source: "registry", aggregateId: itemId, aggregateVersion: version, correlationId: `c-${version}` }),
  );
const ids = (items: MenuItem[]) => items.map((i) => i.itemId);

beforeAll(async () => {
  await engines.createTopics([topic]);
  await publisher.connect();
  follower = menuChanges(kafka, `${engines.prefix}kepu.gateway.menu-cache`, topic, new MenuCache(redis, prefix), logger);
  await follower.start();
  // A new group starts at the topic's end once it has its partitions: an event until it hears one.
  await waitFor(
    async () => {
      await publisher.send([event(1, false, "m-warm-up")]);
      return follower.counters.handled > 0;
    },
    { what: "the follower to have joined", timeoutMs: 30_000 },
  );
  // Warm-up events sent while it joined may still be on their way: each would move the version
  // mid-test. Wait until the group has committed up to the topic's end.
  await waitFor(() => caughtUp(`${engines.prefix}kepu.gateway.menu-cache`), { what: "the follower to have read every warm-up event", timeoutMs: 30_000 });
});

/** Whether the group's committed offsets reach the end of every partition of the topic. */
async function caughtUp(groupId: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const at = new Map(committed!.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every((e) => Number(e.high) === 0 || at.get(e.partition) === Number(e.high));
  } finally {
    await admin.disconnect();
  }
}

afterAll(async () => {
  await follower.stop();
  await publisher.disconnect();
  redis.disconnect();
  await engines.cleanup();
});

describe("the residents' menu cache", () => {
  it("answers again from the cache while the menu is unchanged, on each replica", async () => {
    registry.items = [item("m1"), item("m2")];
    const [one, two] = [new MenuCache(redis, prefix), new MenuCache(redis, prefix)];
    expect(ids(await one.items("c1", true, load))).toEqual(["m1", "m2"]);
    expect(ids(await two.items("c1", true, load))).toEqual(["m1", "m2"]);
    registry.items = [item("m1")]; // changed without an event: the caches do not know
    expect(ids(await one.items("c1", true, load))).toEqual(["m1", "m2"]);
    expect(registry.asked).toBe(2);
    // A caller it may not reuse the answer for asks the registry.
    expect(ids(await one.items("c1", false, load))).toEqual(["m1"]);
    expect(registry.asked).toBe(3);
  });

  it("drops every replica's answer once the follower hears an item withdrawn or edited", async () => {
    registry.items = [item("m1"), item("m2")];
    const [one, two] = [new MenuCache(redis, prefix), new MenuCache(redis, prefix)];
    await one.items("c2", true, load);
    await two.items("c2", true, load);
    const asked = registry.asked;

    registry.items = [item("m1")];
    await publisher.send([event(2, true, "m2")]);
    await waitFor(async () => ids(await one.items("c2", true, load)).length === 1, { what: "replica one to drop the withdrawn item", timeoutMs: 20_000 });
    expect(ids(await two.items("c2", true, load))).toEqual(["m1"]);
    expect(registry.asked).toBe(asked + 2); // each replica asked once, then answers from its new entry
    expect(ids(await two.items("c2", true, load))).toEqual(["m1"]);
    expect(registry.asked).toBe(asked + 2);

    registry.items = [item("m1", "健康讲座（新）")];
    await publisher.send([event(3, false, "m1")]);
    await waitFor(async () => (await one.items("c2", true, load))[0]?.title === "健康讲座（新）", { what: "the edit to reach the cached menu", timeoutMs: 20_000 });
    expect(follower.counters.deadLettered).toBe(0);
  });
});
