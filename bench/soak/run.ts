// bench/soak: a steady stream of RATE events/s for SECONDS into the platform's topics while the
// four backend services run, recording every group's consumer lag and every service's RSS over
// time, then how long the backlog takes to drain. Writes bench/results/soak.json.
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderDispatchedSchema, OrderSubmittedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { BookingMadeSchema } from "@kepu/contracts/events/v1/events_pb";
import { EventPublisher, newEvent, toOutgoing, type EventEnvelope } from "@kepu/bus";
import { backendServices, Platform } from "@kepu/faults/platform";
import { lagOf, liveGroups } from "@kepu/faults/topics";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { rssMb } from "../lib/rss.js";

const rate = Number(process.env.BENCH_RATE ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 600);
const sampleEverySeconds = 10;
const engines = new TestEngines(uniquePrefix("benchsoak"));
await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
const platform = await Platform.start(engines, { LOG_LEVEL: "error" });
const publisher = new EventPublisher(engines.kafka);
const community = { orgId: "soak-c1", path: ["soak", "soak-d1", "soak-s1", "soak-c1"], districtId: "soak-d1", streetId: "soak-s1", communityId: "soak-c1" };
const meta = (aggregateId: string, aggregateVersion: number) => ({ source: "bench", aggregateId, aggregateVersion, correlationId: aggregateId });

/** One unit of traffic: an order submitted and dispatched, and a booking made — three events. */
function unit(i: number): { topic: string; envelope: EventEnvelope }[] {
  const orderId = `soak-o-${i}`;
  return [
    { topic: engines.topic("dispatch"), envelope: newEvent(OrderSubmittedSchema, { orderId, requesterId: `r-${i}`, request: { title: "讲座", theme: Theme.HEALTH, community } }, meta(orderId, 1)) },
    { topic: engines.topic("dispatch"), envelope: newEvent(OrderDispatchedSchema, { orderId, teamIds: ["soak-team"] }, meta(orderId, 2)) },
    { topic: engines.topic("events"), envelope: newEvent(BookingMadeSchema, { activityId: `soak-a-${i % 100}`, sessionId: `soak-a-${i % 100}-s1`, bookingId: `soak-b-${i}`, residentId: `r-${i}`, communityId: community.orgId }, meta(`soak-b-${i}`, 1)) },
  ];
}

interface Sample {
  second: number;
  published: number;
  lag: Record<string, number>;
  rssMb: Record<string, number>;
}

async function sample(second: number, published: number): Promise<Sample> {
  const lag = Object.fromEntries([...(await lagOf(engines.kafka, await liveGroups(engines.kafka, engines.prefix)))].map(([g, n]) => [g.replace(engines.prefix, ""), n]));
  const rss = Object.fromEntries(backendServices.map((name) => [name, rssMb(platform.services[name].pid!)]));
  return { second, published, lag, rssMb: rss };
}

const totalLag = (s: Sample) => Object.values(s.lag).reduce((a, b) => a + b, 0);
const round1 = (n: number) => Math.round(n * 10) / 10;
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * How flat a service's RSS stayed once warm (after the first minute): the widest swing from the
 * mean, in %, and the growth from the first third of the run to the last (a leak grows, GC swings).
 */
function steadiness(samples: Sample[], name: string) {
  const warm = samples.filter((s) => s.second >= 60 && s.rssMb[name] !== undefined).map((s) => s.rssMb[name]!);
  if (warm.length < 3) return undefined;
  const mean = meanOf(warm);
  const third = Math.max(1, Math.floor(warm.length / 3));
  return {
    meanMb: round1(mean),
    minMb: Math.min(...warm),
    maxMb: Math.max(...warm),
    widestSwingPercent: round1((Math.max(...warm.map((x) => Math.abs(x - mean))) / mean) * 100),
    growthPercent: round1(((meanOf(warm.slice(-third)) - meanOf(warm.slice(0, third))) / meanOf(warm.slice(0, third))) * 100),
  };
}

try {
  const samples: Sample[] = [await sample(0, 0)];
  const tickMs = 100;
  const perTick = Math.max(3, Math.round((rate * tickMs) / 1000 / 3) * 3);
  let published = 0;
  let unitNo = 0;
  const started = performance.now();
  let nextSample = sampleEverySeconds;
  // Paced by the clock: each tick publishes what the rate owes so far, so a slow send catches up.
  while (performance.now() - started < seconds * 1000) {
    const owed = Math.floor(((performance.now() - started) / 1000) * rate);
    if (published + perTick <= owed) {
      const batch = Array.from({ length: perTick / 3 }, () => unit(unitNo++)).flat();
      await publisher.send(batch.map((m) => toOutgoing(m.topic, m.envelope)));
      published += batch.length;
    } else {
      await new Promise((resolve) => setTimeout(resolve, tickMs / 4));
    }
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= nextSample) {
      samples.push(await sample(Math.round(elapsed), published));
      console.log(JSON.stringify(samples.at(-1)));
      nextSample += sampleEverySeconds;
    }
  }
  const sendSeconds = (performance.now() - started) / 1000;
  // Then the backlog drains (or not, within 15 minutes): that time is part of the figure.
  const drainStarted = performance.now();
  const drained = await waitFor(async () => totalLag(await sample(0, published)) === 0, { timeoutMs: 900_000, intervalMs: 2_000, what: "the backlog to drain" })
    .then(() => true)
    .catch(() => false);
  const drainSeconds = Math.round((performance.now() - drainStarted) / 100) / 10;
  const last = await sample(Math.round((performance.now() - started) / 1000), published);
  samples.push(last);
  const peakLag = Math.max(...samples.map(totalLag));
  const peakRss = Object.fromEntries(backendServices.map((name) => [name, Math.max(...samples.map((s) => s.rssMb[name] ?? 0))]));
  const rssOnceWarm = Object.fromEntries(backendServices.map((name) => [name, steadiness(samples, name)]));
  writeResult(
    "soak",
    {
      params: { targetRate: rate, seconds, mix: "OrderSubmitted + OrderDispatched (dispatch topic), BookingMade (events topic)", sampleEverySeconds },
      achievedPublishRate: Math.round(published / sendSeconds),
      published,
      peakTotalLag: peakLag,
      drained,
      drainSeconds,
      peakRssMb: peakRss,
      rssOnceWarm,
      samples,
    },
    [
      { figure: "events published", value: published },
      { figure: "achieved publish rate (events/s)", value: Math.round(published / sendSeconds) },
      { figure: "peak total consumer lag", value: peakLag },
      { figure: "backlog drained after the stream (s)", value: drained ? drainSeconds : `not within 900 s` },
      ...backendServices.map((name) => ({ figure: `${name} RSS once warm (MB)`, value: `peak ${peakRss[name]}, ±${rssOnceWarm[name]?.widestSwingPercent}% around ${rssOnceWarm[name]?.meanMb}, growth ${rssOnceWarm[name]?.growthPercent}%` })),
    ],
  );
} finally {
  await publisher.disconnect();
  await platform.stop();
  await engines.cleanup();
}
