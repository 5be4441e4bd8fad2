// bench/workflow: whole order lives (点单 → 派单 → 接单 → activity → 预约 → 签到 → completion →
// DELIVERED) driven through the four running services on the real engines. Records sustained
// orders/s, p50/p99 from an order's submission to its figure on the dashboard feed (the stats
// WatchFigures stream the gateway relays), and each service's RSS idle and under load.
// Writes bench/results/workflow.json and bench/results/memory.json.
import { Platform, backendServices } from "@kepu/faults/platform";
import { city, connectClients, seedPlaces, Workload } from "@kepu/faults/workload";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { percentiles, writeResult } from "../lib/report.js";
import { rssMb, sampleRss } from "../lib/rss.js";

const orders = Number(process.env.BENCH_ORDERS ?? 400);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const engines = new TestEngines(uniquePrefix("benchflow"));
await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
const platform = await Platform.start(engines, { LOG_LEVEL: "error" });
const clients = connectClients((name) => platform.address(name));
const pids = Object.fromEntries(backendServices.map((name) => [name, platform.services[name].pid!]));

try {
  await seedPlaces(clients);
  const idle = Object.fromEntries(backendServices.map((name) => [name, rssMb(pids[name]!)]));

  // The dashboard feed: the i-th order submitted is on the dashboard once the feed counts i orders.
  const submittedAt: number[] = [];
  const toDashboard: number[] = [];
  const feed = new AbortController();
  const watching = (async () => {
    for await (const update of clients.stats.watchFigures({ slice: { orgId: city } }, { signal: feed.signal })) {
      const counted = (update.figures?.orders ?? 0) - (update.figures?.ordersByStatus.CANCELLED ?? 0);
      while (toDashboard.length < counted && toDashboard.length < submittedAt.length) toDashboard.push(performance.now() - submittedAt[toDashboard.length]!);
    }
  })().catch(() => undefined);

  const samplers = backendServices.map((name) => sampleRss(pids[name]!, 500));
  const started = performance.now();
  const batch = await new Workload(clients, platform.clock).run("bench", orders, concurrency, () => submittedAt.push(performance.now()));
  const seconds = (performance.now() - started) / 1000;
  const underLoad = Object.fromEntries(backendServices.map((name, i) => [name, Math.max(...samplers[i]!.stop())]));
  feed.abort();
  await watching;

  const delivered = batch.filter((j) => j.delivered).length;
  const failures = batch.filter((j) => !j.delivered).map((j) => `${j.orderId} at ${j.step}: ${j.failure}`);
  const latency = percentiles(toDashboard);
  writeResult(
    "workflow",
    {
      params: { orders, concurrency, bookingsPerOrder: 2, note: "each order's whole life through the services' gRPC APIs; FerretDB v1 (SQLite) as the store" },
      delivered,
      failures,
      seconds: Math.round(seconds * 10) / 10,
      ordersPerSecond: Math.round((delivered / seconds) * 100) / 100,
      submittedToDashboardMs: { ...latency, samples: toDashboard.length },
    },
    [
      { figure: "orders delivered", value: `${delivered} / ${orders}` },
      { figure: "sustained orders/s (whole life)", value: Math.round((delivered / seconds) * 100) / 100 },
      { figure: "submitted → dashboard feed p50 (ms)", value: latency.p50 },
      { figure: "submitted → dashboard feed p99 (ms)", value: latency.p99 },
    ],
  );
  writeResult(
    "memory",
    { params: { load: `bench/workflow: ${orders} order lives, ${concurrency} at a time` }, rssMb: { idle, underLoadPeak: underLoad } },
    backendServices.map((name) => ({ service: name, "idle RSS (MB)": idle[name]!, "peak RSS under load (MB)": underLoad[name]! })),
  );
} finally {
  clients.close();
  await platform.stop();
  await engines.cleanup();
}
