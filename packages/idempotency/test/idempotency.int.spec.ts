import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BusProbedSchema } from "@kepu/contracts/common/v1/probe_pb";
import { createKafka, EventConsumer, EventPublisher, newEvent } from "@kepu/bus";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { applyVersioned, insertOnce } from "../src/index.js";

const logger = createLogger({ service: "idempotency-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("idem"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "idem-test", logger });
const publisher = new EventPublisher(kafka);
let consumer: EventConsumer | undefined;

beforeAll(() => mongo.connect().then(() => undefined));
afterAll(async () => {
  await consumer?.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("idempotent handling", () => {
  it("gives the same read model when every event is delivered twice", async () => {
    const topic = engines.topic("twice");
    await engines.createTopics([topic], 3);
    const projection = mongo.db(engines.database("idem")).collection("activity_counts");
    let deliveries = 0;
    consumer = new EventConsumer(kafka, { groupId: `${engines.prefix}projector`, topics: [topic], logger }).on(BusProbedSchema, async (event) => {
      deliveries++;
      await applyVersioned(projection, event.envelope.aggregateId, Number(event.envelope.aggregateVersion), {
        $inc: { participants: Number(event.payload.sequence) },
        $set: { lastNote: event.payload.note },
      });
    });
    await consumer.start();

    const events = ["a", "b", "c"].flatMap((id) =>
      [1, 2, 3, 4].map((v) => newEvent(BusProbedSchema, { sequence: BigInt(v), note: `${id}${v}` }, { source: "t", aggregateId: id, aggregateVersion: v, correlationId: "c" })),
    );
    for (const event of events) await publisher.publish(topic, [event, event]); // every event twice
    await waitFor(() => deliveries === 24, { what: "24 deliveries" });

    const docs = await projection.find({}).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.participants, d.version, d.lastNote])).toEqual([
      ["a", 10, 4, "a4"],
      ["b", 10, 4, "b4"],
      ["c", 10, 4, "c4"],
    ]);
  });

  it("ignores an older event arriving after a newer one (a replay)", async () => {
    const projection = mongo.db(engines.database("idem")).collection("replay");
    expect(await applyVersioned(projection, "x", 2, { $set: { status: "ACCEPTED" } })).toBe("applied");
    expect(await applyVersioned(projection, "x", 1, { $set: { status: "DISPATCHED" } })).toBe("duplicate");
    expect(await projection.findOne({ _id: "x" as never })).toMatchObject({ status: "ACCEPTED", version: 2 });
  });

  it("inserts a document derived from its cause only once", async () => {
    const activities = mongo.db(engines.database("idem")).collection("activities");
    expect(await insertOnce(activities, { _id: "from-order-1", title: "垃圾分类讲座" })).toBe(true);
    expect(await insertOnce(activities, { _id: "from-order-1", title: "垃圾分类讲座" })).toBe(false);
    expect(await activities.countDocuments()).toBe(1);
  });
});
