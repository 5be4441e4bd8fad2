// "Kafka forgets what its retention says" (ENGINEERING.md): a broker of this test's own whose
// default retention is 5 seconds, whose segments roll every second and whose retention check runs
// every second. A topic made without the bus's settings loses its records there within seconds;
// the domain topics the bus creates keep every event from offset 0, and a stats rebuild after the
// old window still equals the live figures.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { ConfigResourceTypes, type Admin, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import { OrganizationRegisteredSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { freePort, ServiceProcess, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { createKafka, decodeEnvelope, ensureTopics, EventPublisher, newEvent, topicFor, type EventEnvelope } from "../src/index.js";
// The fault suite's engine set (started by deploy/local/engines.sh), here with Kafka alone, and the
// stats service's own projector, rebuild and figures, run in this process against that broker.
import { FaultEngines } from "../../../deploy/faults/src/engines.js";
import { connectMongo, type Connection } from "../../mongo/src/index.js";
import { computeFigures } from "../../../services/stats/src/domain/figures.js";
import { themeName } from "../../../services/stats/src/domain/labels.js";
import { Projector } from "../../../services/stats/src/messaging/projector.js";
import { Rebuild } from "../../../services/stats/src/messaging/rebuild.js";
import { FactStore } from "../../../services/stats/src/store/fact-store.js";

const logger = createLogger({ service: "retention-test", level: "silent" });
const shared = new TestEngines(uniquePrefix("retention")); // its prefix, and the store to project into
const prefix = shared.prefix;
const state = mkdtempSync(join(tmpdir(), "kepu-retention-"));
// Free ports picked at random below the ephemeral range (FerretDB and Redis are the shared ones: theirs go unused).
const ports = { kafka: await freePort(), controller: await freePort(), mongo: await freePort(), redis: await freePort() };
const broker = new FaultEngines(
  ports,
  {
    state,
    use: { MONGO_URL: shared.urls.mongoUrl, REDIS_URL: shared.urls.redisUrl },
    kafkaProperties: {
      "log.retention.ms": "5000", // "the old retention window": what a broker default deletes after
      "log.roll.ms": "1000",
      "log.segment.bytes": "65536",
      "log.retention.check.interval.ms": "1000",
      "log.segment.delete.delay.ms": "0",
    },
  },
);
const contexts = ["registry", "dispatch", "events"] as const;
const topics = contexts.map((c) => topicFor(c, prefix));
const control = `${prefix}control`; // made without the bus's settings: the broker's 5 s apply
let kafka: Kafka;
let admin: Admin;
let publisher: EventPublisher;
let mongo: Connection;
let store: FactStore;
let projector: Projector;
const refused = uniquePrefix("refused");
let refusedStart: Promise<string>;

const place = (district: string, community: string) => create(OrgPlaceSchema, { orgId: community, path: ["sz", district, `${district}-s1`, community], districtId: district, streetId: `${district}-s1`, communityId: community });
const t = (hours: number) => new Date(Date.UTC(2026, 8, 1) + hours * 3_600_000);
const stream = (aggregateId: string, steps: [DescMessage, object, number][]): EventEnvelope[] =>
  steps.map(([schema, payload, hours], i) => newEvent(schema, payload as MessageInitShape<DescMessage>, { source: "retention-test", aggregateId, aggregateVersion: i + 1, occurredAt: t(hours), correlationId: aggregateId }));

/** One round of the platform's life: communities, orders through delivery, their activities with check-ins. */
function round(name: string, communities: number): Record<(typeof contexts)[number], EventEnvelope[]> {
  const registry: EventEnvelope[] = [];
  const orders: EventEnvelope[] = [];
  const activities: EventEnvelope[] = [];
  for (let i = 0; i < communities; i++) {
    const community = `${name}-c${i}`;
    const where = place(i % 2 ? "sz-futian" : "sz-nanshan", community);
    registry.push(...stream(community, [[OrganizationRegisteredSchema, { orgId: community, kind: OrgKind.COMMUNITY, place: where }, 0]]));
    const orderId = `${name}-o${i}`;
    const activityId = `${name}-a${i}`;
    const delivered = i % 3 !== 0;
    orders.push(
      ...stream(orderId, [
        [dispatch.OrderSubmittedSchema, { orderId, request: { theme: Theme.HEALTH, community: where } }, 0],
        [dispatch.OrderDispatchedSchema, { orderId, teamIds: ["team"] }, 1],
        [dispatch.OrderAcceptedSchema, { orderId, teamId: "team" }, 3],
        ...(delivered ? ([[dispatch.OrderDeliveredSchema, { orderId, activityId }, 30]] as [DescMessage, object, number][]) : []),
      ]),
    );
    activities.push(
      ...stream(activityId, [
        [events.ActivityScheduledSchema, { activityId, orderId, theme: Theme.HEALTH, place: where, sessions: [{ sessionId: "s1" }] }, 4],
        [events.AttendeeCheckedInSchema, { activityId, residentId: `${activityId}-r1` }, 28],
        ...(delivered ? ([[events.ActivityCompletedSchema, { activityId, orderId, participants: 5 + i, uniqueParticipants: 4, serviceHours: 2, volunteers: 1 }, 30]] as [DescMessage, object, number][]) : []),
      ]),
    );
  }
  return { registry, dispatch: orders, events: activities };
}

async function publishRound(events: Record<(typeof contexts)[number], EventEnvelope[]>): Promise<void> {
  for (const context of contexts) await publisher.publish(topicFor(context, prefix), events[context]);
  await publisher.send([{ topic: control, key: "control", value: new Uint8Array([1]), headers: {} }]);
}

const offsetsOf = async (topic: string) => (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
const everything = { orgId: "", theme: 0, audience: 0, format: 0, campaignId: "" };
const figures = async () => computeFigures(await store.load(everything), everything, themeName);

/** Every event id a topic holds, read from offset 0 (a throwaway group). */
async function eventIdsIn(topic: string, expected: number): Promise<string[]> {
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: `${prefix}reader-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void ids.push(decodeEnvelope(message.value!).eventId) });
    await waitFor(() => ids.length >= expected, { timeoutMs: 30_000, what: `${expected} events read from ${topic} (have ${ids.length})` });
    return ids;
  } finally {
    await consumer.disconnect();
  }
}

/** Waits until the broker has deleted every record the control topic held: its retention check ran after that. */
async function controlEmptied(): Promise<void> {
  const [end] = await offsetsOf(control);
  await waitFor(async () => (await offsetsOf(control))[0]!.low >= end!.high, { timeoutMs: 60_000, intervalMs: 250, what: `the broker deleting ${control} up to offset ${end!.high}` });
}

beforeAll(async () => {
  await broker.start();
  const { KAFKA_BROKERS } = await broker.urls();
  kafka = createKafka({ brokers: [KAFKA_BROKERS], clientId: "retention-test", logger });
  admin = kafka.admin();
  await admin.connect();
  // engines.sh uses a healthy broker it finds on the port: make sure it is this test's own.
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: "1", configNames: ["log.retention.ms"] }] });
  expect(resources[0]?.configEntries[0]?.configValue, `the broker at ${KAFKA_BROKERS} is not this test's own`).toBe("5000");
  publisher = new EventPublisher(kafka);
  await ensureTopics(kafka, topics, 1, "domain"); // as every service's connectEngines does
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: control, numPartitions: 1 }] });
  // The stats service on a topic made with the broker's 5 s, started now: ServiceProcess notices a
  // process that exited only at its readiness deadline, so this runs while the rest of the file does.
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topicFor("registry", refused), numPartitions: 1 }] });
  refusedStart = ServiceProcess.start("stats", { ...shared.serviceEnv(), KAFKA_BROKERS, KEPU_PREFIX: refused }).then(
    async (service) => {
      await service.stop();
      return "started";
    },
    (error: Error) => error.message,
  );
  mongo = await connectMongo(shared.urls.mongoUrl, shared.database("stats"));
  store = new FactStore(mongo.db!);
  projector = new Projector(kafka, store, topics, (generation) => `${prefix}kepu.stats.projector-g${generation}`, logger);
  await projector.start();
}, 240_000);

afterAll(async () => {
  await projector?.stop();
  await publisher?.disconnect();
  await admin?.disconnect();
  await mongo?.close();
  await broker.stop();
  rmSync(state, { recursive: true, force: true });
  await shared.cleanup();
}, 120_000);

describe("the event log kept for good", () => {
  it("keeps every domain event from offset 0 past the broker's retention, and a rebuild equals the live figures", async () => {
    const first = round("a", 6);
    await publishRound(first);
    await controlEmptied(); // round a is older than the window, and the broker has deleted what it may
    const second = round("b", 4); // appended after roll.ms: the domain topics' first segments are closed now
    await publishRound(second);
    await controlEmptied(); // a retention check ran over those closed, old segments

    const all = [first, second];
    const published = (context: (typeof contexts)[number]) => all.flatMap((r) => r[context].map((e) => e.eventId));
    for (const [i, context] of contexts.entries()) {
      const topic = topics[i]!;
      expect(await offsetsOf(topic)).toEqual([{ partition: 0, low: 0, high: published(context).length }]);
      const segments = readdirSync(join(state, "kafka/data", `${topic}-0`)).filter((f) => f.endsWith(".log"));
      expect(segments.length, `${topic} rolled its segments`).toBeGreaterThan(1);
      expect((await eventIdsIn(topic, published(context).length)).sort()).toEqual(published(context).sort());
    }

    const total = contexts.reduce((sum, context) => sum + published(context).length, 0);
    await waitFor(() => projector.counters.handled >= total, { timeoutMs: 30_000, what: `the live projection of all ${total} events (have ${projector.counters.handled})` });
    const live = await figures();
    expect([live.orders, live.activities, live.communities]).toEqual([10, 10, 10]);
    expect(live.ordersByStatus).toEqual({ DELIVERED: 6, ACCEPTED: 4 }); // a0 a3 b0 b3 not delivered
    expect(live.participants).toBe([1, 2, 4, 5].reduce((s, i) => s + 5 + i, 0) + [1, 2].reduce((s, i) => s + 5 + i, 0) + 4);

    const rebuilt = new Rebuild(kafka, store, projector, topics);
    await rebuilt.rebuild(() => undefined, new AbortController().signal);
    expect(projector.groupId).toBe(`${prefix}kepu.stats.projector-g2`);
    expect(await figures()).toEqual(live);
  });

  it("a service refuses to start on a domain topic that would lose history, saying what to change", async () => {
    const failure = await refusedStart;
    expect(failure).toContain("TOPIC_LOSES_HISTORY");
    expect(failure).toContain(`--entity-name ${refused}kepu.registry.v1 --add-config retention.ms=-1`);
  });
});
