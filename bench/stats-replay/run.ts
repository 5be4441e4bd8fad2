// bench/stats-replay: fills the three context topics with BENCH_EVENTS (default 1,000,000) events
// of whole order and activity lives, starts the stats service on them, and times its Rebuild:
// forget every fact, replay every topic from offset 0. Records events/s, the stats process's peak
// RSS, and whether the rebuilt figures equal what was published. Writes bench/results/stats-replay.json.
// Baseline, measured in the same run on the same topics: a raw kafkajs consumer group reading every
// topic from offset 0 (eachBatch, counting messages, no decoding) — the floor the bus sets.
// CPU: utime+stime from /proc of the stats process, FerretDB and Kafka over the replay, in ms per event.
// A full run (1,000,000 events) takes ~3 min on the 2-core machine: publish ~30 s, baseline ~15 s,
// replay ~50–90 s. Knobs: BENCH_EVENTS (default 1,000,000).
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { EventPublisher, newEvent, toOutgoing, type OutgoingMessage } from "@kepu/bus";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { loadavg } from "node:os";
import { cpuMs, listenerPid } from "../lib/cpu.js";
import { writeResult } from "../lib/report.js";
import { sampleRss } from "../lib/rss.js";
import { servicesRunAsProduction } from "../lib/production-flags.js";

servicesRunAsProduction();
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

const targets = { eventsPerSecond: 20_000, peakRssMb: 300 };
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

/** The baseline: a raw kafkajs group reads every message of the topics from offset 0. */
async function rawConsume(total: number): Promise<{ seconds: number; eventsPerSecond: number }> {
  const consumer = engines.kafka.consumer({ groupId: `${topics.dispatch}-raw-baseline`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
  let seen = 0;
  let started = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      if (started === 0) started = performance.now();
      seen += batch.messages.length;
      if (seen >= total) finish();
    },
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return { seconds: Math.round(seconds * 10) / 10, eventsPerSecond: Math.round(total / seconds) };
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

  const baseline = await rawConsume(published);
  console.log(`baseline: raw kafkajs consume of the same topics ${baseline.eventsPerSecond.toLocaleString()} events/s`);

  stats = await ServiceProcess.start("stats", engines.serviceEnv({ LOG_LEVEL: "error" }));
  const client = createRpcClient(StatsService, stats.grpcAddress, { signer: testSigner() });
  const rss = sampleRss(stats.pid!, 500);
  const pids = { stats: stats.pid, ferretdb: listenerPid(Number(new URL(engines.urls.mongoUrl).port)), kafka: listenerPid(Number(engines.urls.kafkaBrokers[0]!.split(":")[1])) };
  const used = (pid: number | undefined) => (pid === undefined ? 0 : (cpuMs(pid) ?? 0));
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, used(pid)]));
  const loadBefore = load();
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
  const loadAfter = load();
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      const ms = used(pid) - cpuBefore[name]!;
      return [name, { cpuMs: Math.round(ms), pctOfOneCore: Math.round((ms / 10 / seconds) * 10) / 10, msPer1000Events: Math.round((ms / Number(last.eventsApplied || 1n)) * 1000 * 100) / 100 }];
    }),
  );
  const { figures } = await client.getFigures({ slice: {} }, { actor: operator, timeoutMs: 600_000 });
  client.close();
  const expected = { orders: lives, rated: lives, activities: lives, participants: lives * 8, serviceHours: lives * 4 };
  const got = { orders: figures?.orders ?? 0, rated: figures?.ordersByStatus.RATED ?? 0, activities: figures?.activities ?? 0, participants: figures?.participants ?? 0, serviceHours: figures?.serviceHours ?? 0 };
  const replayed = Number(last.eventsApplied);
  const eventsPerSecond = Math.round(replayed / seconds);
  const peakRssMb = Math.max(...rssSamples);
  const figuresMatch = JSON.stringify(got) === JSON.stringify(expected) && replayed === published;
  console.log(`replay ${eventsPerSecond.toLocaleString()} events/s = ${(eventsPerSecond / baseline.eventsPerSecond).toFixed(2)}x raw kafkajs consume, ${(eventsPerSecond / targets.eventsPerSecond).toFixed(2)}x the 20,000 target; peak RSS ${peakRssMb} MB`);
  writeResult(
    "stats-replay",
    {
      params: { events: published, orderLives: lives, eventsPerLife: perLife, partitions: 6, note: "Rebuild RPC: reset projections, new consumer group generation, replay every topic from offset 0; FerretDB v1 (SQLite) as the store" },
      loadAverage: { before: loadBefore, after: loadAfter },
      publishSeconds: Math.round(publishSeconds * 10) / 10,
      baseline: { what: "raw kafkajs consumer group, every topic from offset 0, eachBatch counting messages (no decoding), same run, same topics", ...baseline },
      replayed,
      replaySeconds: Math.round(seconds * 10) / 10,
      eventsPerSecond,
      ratioToBaseline: Math.round((eventsPerSecond / baseline.eventsPerSecond) * 100) / 100,
      peakRssMb,
      cpuDuringReplay: cpu,
      figuresAfterReplay: got,
      figuresExpected: expected,
      figuresMatch,
      targets: {
        eventsPerSecond: { target: targets.eventsPerSecond, measured: eventsPerSecond, ratioToTarget: Math.round((eventsPerSecond / targets.eventsPerSecond) * 100) / 100, met: eventsPerSecond >= targets.eventsPerSecond && figuresMatch },
        peakRssMb: { target: targets.peakRssMb, measured: peakRssMb, met: peakRssMb <= targets.peakRssMb },
        identicalFigures: { met: figuresMatch },
      },
    },
    [
      { figure: "events replayed", value: replayed },
      { figure: "replay time (s)", value: Math.round(seconds * 10) / 10 },
      { figure: "events/s", value: eventsPerSecond },
      { figure: "baseline: raw kafkajs consume (events/s)", value: baseline.eventsPerSecond },
      { figure: "ratio to the 20,000 events/s target", value: Math.round((eventsPerSecond / targets.eventsPerSecond) * 100) / 100 },
      { figure: "stats peak RSS (MB)", value: peakRssMb },
      ...Object.entries(cpu).map(([name, c]) => ({ figure: `${name} CPU ms per 1,000 events`, value: c.msPer1000Events })),
      { figure: "figures equal what was published", value: figuresMatch ? "yes" : `no: ${JSON.stringify(got)}` },
    ],
  );
} finally {
  await publisher.disconnect();
  await stats?.stop();
  await engines.cleanup();
}
