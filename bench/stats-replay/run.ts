// bench/stats-replay: fills the three context topics with BENCH_EVENTS (default 1,000,000) events
// of whole order and activity lives, starts the stats service on them, and times its Rebuild:
// forget every fact, replay every topic from offset 0. Records events/s, the stats process's peak
// RSS, and whether the rebuilt figures equal what was published. Writes bench/results/stats-replay.json.
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { EventPublisher, newEvent, toOutgoing, type OutgoingMessage } from "@kepu/bus";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { sampleRss } from "../lib/rss.js";

const target = Number(process.env.BENCH_EVENTS ?? 1_000_000);
// One order life is 6 dispatch events; its activity 1 + 8 check-ins + 2 hour records + completion = 12.
const perLife = 18;
const operator = { id: "bench", role: Role.ADMIN }; // rebuilds and whole-platform figures are an admin's
const lives = Math.ceil(target / perLife);
const engines = new TestEngines(uniquePrefix("benchreplay"));
const topics = { dispatch: engines.topic("dispatch"), events: engines.topic("events"), registry: engines.topic("registry") };
await engines.createTopics(Object.values(topics), 6);
const publisher = new EventPublisher(engines.kafka);

const districts = ["d1", "d2", "d3", "d4"];
const place = (i: number) => {
  const d = districts[i % districts.length]!;
  const s = `${d}-s${i % 10}`;
  const c = `${s}-c${i % 7}`;
  return { orgId: c, path: ["sz", d, s, c], districtId: d, streetId: s, communityId: c };
};

function life(i: number): OutgoingMessage[] {
  const orderId = `o${i}`;
  const activityId = `a${i}`;
  const community = place(i);
  const theme = [Theme.HEALTH, Theme.DISASTER_PREVENTION, Theme.GREEN_LOW_CARBON][i % 3]!;
  const order = (v: number) => ({ source: "bench", aggregateId: orderId, aggregateVersion: v, correlationId: orderId });
  const activity = (v: number) => ({ source: "bench", aggregateId: activityId, aggregateVersion: v, correlationId: orderId });
  const onDispatch = [
    newEvent(dispatch.OrderSubmittedSchema, { orderId, requesterId: `r${i}`, request: { title: "家庭急救", theme, community } }, order(1)),
    newEvent(dispatch.OrderDispatchedSchema, { orderId, teamIds: [`t${i % 50}`] }, order(2)),
    newEvent(dispatch.OrderAcceptedSchema, { orderId, teamId: `t${i % 50}` }, order(3)),
    newEvent(dispatch.OrderScheduledSchema, { orderId, activityId }, order(4)),
    newEvent(dispatch.OrderDeliveredSchema, { orderId, activityId, participants: 8, serviceHours: 4 }, order(5)),
    newEvent(dispatch.OrderRatedSchema, { orderId, score: 5 }, order(6)),
  ];
  const checkIns = Array.from({ length: 8 }, (_, k) =>
    newEvent(events.AttendeeCheckedInSchema, { activityId, sessionId: `${activityId}-s1`, bookingId: `${activityId}-b${k}`, residentId: `r${i}-${k}`, method: "qr" }, activity(2 + k)),
  );
  const startsAt = timestampFromMs(Date.UTC(2026, 8, 1 + (i % 28), 9));
  const onEvents = [
    newEvent(events.ActivityScheduledSchema, { activityId, orderId, title: "家庭急救", theme, place: community, teamId: `t${i % 50}`, sessions: [{ sessionId: `${activityId}-s1`, startsAt, capacity: 30 }] }, activity(1)),
    ...checkIns,
    ...[1, 2].map((k) => newEvent(events.ServiceHoursRecordedSchema, { activityId, volunteerId: `v${i}-${k}`, teamId: `t${i % 50}`, hours: 2 }, activity(9 + k))),
    newEvent(events.ActivityCompletedSchema, { activityId, orderId, participants: 8, uniqueParticipants: 8, serviceHours: 4, volunteers: 2 }, activity(12)),
  ];
  return [...onDispatch.map((e) => toOutgoing(topics.dispatch, e)), ...onEvents.map((e) => toOutgoing(topics.events, e))];
}

let stats: ServiceProcess | undefined;
try {
  const publishStarted = performance.now();
  const batchLives = 300;
  for (let i = 0; i < lives; i += batchLives) {
    const batch = Array.from({ length: Math.min(batchLives, lives - i) }, (_, k) => life(i + k)).flat();
    await publisher.send(batch);
    if ((i / batchLives) % 20 === 0) process.stdout.write(`\rpublished ${(i * perLife).toLocaleString()} events`);
  }
  const published = lives * perLife;
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  console.log(`\rpublished ${published.toLocaleString()} events in ${publishSeconds.toFixed(1)} s`);

  stats = await ServiceProcess.start("stats", engines.serviceEnv({ LOG_LEVEL: "error" }));
  const client = createRpcClient(StatsService, stats.grpcAddress, { signer: testSigner() });
  const rss = sampleRss(stats.pid!, 1_000);
  const started = performance.now();
  let last = { eventsApplied: 0n, eventsTotal: 0n };
  let lastPrinted = 0;
  for await (const step of client.rebuild({}, { actor: operator, timeoutMs: 3 * 60 * 60_000 })) {
    last = step;
    if (performance.now() - lastPrinted > 5_000) {
      lastPrinted = performance.now();
      console.log(`replayed ${step.eventsApplied} / ${step.eventsTotal} (${Math.round(Number(step.eventsApplied) / ((lastPrinted - started) / 1000))} events/s)`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const rssSamples = rss.stop();
  const { figures } = await client.getFigures({ slice: {} }, { actor: operator, timeoutMs: 600_000 });
  client.close();
  const expected = { orders: lives, rated: lives, activities: lives, participants: lives * 8, serviceHours: lives * 4 };
  const got = { orders: figures?.orders ?? 0, rated: figures?.ordersByStatus.RATED ?? 0, activities: figures?.activities ?? 0, participants: figures?.participants ?? 0, serviceHours: figures?.serviceHours ?? 0 };
  const replayed = Number(last.eventsApplied);
  writeResult(
    "stats-replay",
    {
      params: { events: published, orderLives: lives, eventsPerLife: perLife, partitions: 6, note: "Rebuild RPC: reset projections, new consumer group generation, replay every topic from offset 0; FerretDB v1 (SQLite) as the store" },
      publishSeconds: Math.round(publishSeconds * 10) / 10,
      replayed,
      replaySeconds: Math.round(seconds * 10) / 10,
      eventsPerSecond: Math.round(replayed / seconds),
      peakRssMb: Math.max(...rssSamples),
      figuresAfterReplay: got,
      figuresExpected: expected,
      figuresMatch: JSON.stringify(got) === JSON.stringify(expected),
    },
    [
      { figure: "events replayed", value: replayed },
      { figure: "replay time (s)", value: Math.round(seconds * 10) / 10 },
      { figure: "events/s", value: Math.round(replayed / seconds) },
      { figure: "stats peak RSS (MB)", value: Math.max(...rssSamples) },
      { figure: "figures equal what was published", value: JSON.stringify(got) === JSON.stringify(expected) ? "yes" : `no: ${JSON.stringify(got)}` },
    ],
  );
} finally {
  await publisher.disconnect();
  await stats?.stop();
  await engines.cleanup();
}
