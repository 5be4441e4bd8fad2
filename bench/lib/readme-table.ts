// The README's benchmark table, made from bench/results/*.json (issue 20: "the README's table is
// made from the result files"). Each row's figures and its "met?" come from the file; only the
// words around them live here. `npm run bench:table` rewrites the table between the markers;
// readme-table.unit.spec.ts fails when the README and the files disagree.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/* eslint-disable @typescript-eslint/no-explicit-any -- result files are JSON written by the benches */
type Result = any;

export interface Row {
  what: string;
  figures: string;
  target: string;
  met: boolean | string;
}

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
const readmePath = fileURLToPath(new URL("../../README.md", import.meta.url));
export const startMarker = "<!-- bench-table:start (npm run bench:table) -->";
export const endMarker = "<!-- bench-table:end -->";

/** 12,345 and 1.5: figures as people read them. */
export function n(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const ms = (value: number) => `${n(value, value < 10 ? 1 : 0)} ms`;
const day = (r: Result) => `${new Date(r.date).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const load = (r: Result) => {
  const avg = r.loadAverage?.before?.[0] ?? r.loadAverageAtEnd?.[0];
  return avg === undefined ? "" : `, load ${n(avg, 1)}`;
};
const when = (r: Result) => ` (${day(r)}${load(r)})`;
const yes = (met: boolean) => (met ? "yes" : "**no**");
/** "ratio yes; 15,000/s **no**" — each part of a target judged on its own, or "yes" when all are met. */
function parts(met: Record<string, boolean>): string {
  const entries = Object.entries(met);
  return entries.every(([, ok]) => ok) ? "yes" : entries.map(([part, ok]) => `${part} ${yes(ok)}`).join("; ");
}

/** One describer per result file, in the table's order. */
export const describers: Record<string, (r: Result) => Row> = {
  workflow: (r) => {
    const feed = r.submittedToDashboardMs;
    const measured = feed.samples > 0;
    return {
      what: `${n(r.params.lives)} whole order lives (点单 → 派单 → 接单 → activity → bookings → 签到 → summary → DELIVERED), ${n(r.params.concurrency)} in flight; baseline FerretDB's own _id ops/s and the store ops one life makes, same run${when(r)}`,
      figures: `${n(r.delivered)} delivered, ${n(r.livesPerSecond, 2)} lives/s; ${n(r.baseline.opsPerLife.total, 1)} store ops per life → store floor ${n(r.baseline.floorLivesPerSecond, 1)} lives/s (ratio ${n(r.ratioToStoreFloor, 2)}); submitted → dashboard feed ${measured ? `p50 ${ms(feed.p50)}, p99 ${ms(feed.p99)}` : `not measured (0 of ${n(feed.submitted)} samples)`}`,
      target: "≥ 100 lives/s; p99 ≤ 1 s (issue 20)",
      met: parts({ "100/s": r.livesPerSecond >= 100, p99: measured && feed.p99 <= 1000 }),
    };
  },
  "booking-storm": (r) => ({
    what: `${n(r.params.residents)} residents, ${n(r.params.concurrency)} at once, ${n(r.params.seats)} seats, through the gateway's HTTP API; baseline a bare fastify hello in the same run${when(r)}`,
    figures: `${n(r.seated)} seated, ${n(r.outcomes.BOOKING_STATUS_WAITLISTED ?? 0)} waitlisted, ${n(r.outcomes.WAITLIST_FULL ?? 0)} told the waitlist is full; ${n(r.attemptsPerSecond)} attempts/s vs hello ${n(r.baseline.attemptsPerSecond)}/s = ${n(r.ratio, 2)}×; p99 ${ms(r.latencyMs.p99)}; CPU per attempt: ${perProcess(r.cpuMsPerAttempt, "ms")}`,
    target: "exact; ≥ 0.5× hello; p99 ≤ 400 ms (issue 20)",
    met: parts({ exact: r.exactlySeatsBooked, ratio: r.ratio >= 0.5, p99: r.latencyMs.p99 <= 400 }),
  }),
  bus: (r) => ({
    what: `${n(r.params.messages)} × ${n(r.params.messageBytes / 1024)} KB events, acks=${r.params.acks}, ${r.params.partitions} partitions, vs raw kafkajs in the same run${when(r)}`,
    figures: `publish ${n(r.summary.bus.publishPerSec)}/s (raw ${n(r.summary.raw.publishPerSec)}) = ${n(r.ratio.publish, 2)}×; consume ${n(r.summary.bus.consumePerSec)}/s (raw ${n(r.summary.raw.consumePerSec)}) = ${n(r.ratio.consume, 2)}×`,
    target: "≥ 0.8× raw (issue 20)",
    met: parts({ publish: r.ratio.publish >= 0.8, consume: r.ratio.consume >= 0.8 }),
  }),
  "stats-replay": (r) => ({
    what: `${n(r.params.events)} events (${n(r.params.orderLives)} lives) replayed by the Rebuild RPC from offset 0${r.baseline ? "; baseline a raw kafkajs group reading the same topics" : ""}${when(r)}`,
    figures: `${n(r.eventsPerSecond)} events/s${r.baseline ? ` (raw read ${n(r.baseline.eventsPerSecond)}/s)` : ""}; figures identical: ${r.figuresMatch ? "yes" : "no"}; stats peak RSS ${n(r.peakRssMb)} MB`,
    target: "1M events ≥ 20,000/s, identical; ≤ 300 MB (issue 20)",
    met: parts({ "1M": r.params.events >= 1_000_000, speed: r.eventsPerSecond >= 20000, figures: r.figuresMatch, memory: r.peakRssMb <= 300 }),
  }),
  idle: (r) => {
    const runs = r.summary.idleCpuPctOfOneCore as Record<string, number>;
    const [latest, pct] = Object.entries(runs).at(-1)!;
    const rss = r.summary.servicesIdleRssMbMax[latest] as Record<string, number>;
    return {
      what: `the whole platform at rest (engines of its own, every service, the supervisor, the demo data), ready + 30 s settled, CPU time of every process over 60 s; run "${latest}"${when(r)}`,
      figures: `${n(pct, 2)} % of one core (first run ${n(runs.before ?? pct, 2)} %): ${perProcess(r.summary.perProcessCpuPct[latest], "%")}; idle RSS ${perProcess(rss, "MB")}`,
      target: "≤ 3 % of one core; each service ≤ 150 MB idle (issue 20)",
      met: parts({ cpu: pct <= 3, memory: Object.values(rss).every((mb) => mb <= 150) }),
    };
  },
  memory: (r) => {
    const under = (limit: number, figures: Record<string, number>) => Object.values(figures).every((mb) => mb <= limit);
    return {
      what: `each service's RSS at rest and at its peak under load (${r.params.load.split(/[,(]/)[0].trim()})${when(r)}`,
      figures: `idle ${perProcess(r.rssMb.idle, "MB")}; under load ${perProcess(r.rssMb.underLoadPeak, "MB")}`,
      target: "≤ 150 MB idle, ≤ 300 MB under load (issue 20)",
      met: parts({ idle: under(150, r.rssMb.idle), "under load": under(300, r.rssMb.underLoadPeak) }),
    };
  },
  store: (r) => {
    const lean = r.ferretdb["kepu-ferretdb"];
    const released = r.ferretdb.released;
    const price = (p: Result) => `${n(p.engineCpuUsPerOp)} µs (${n(p.perSecond)}/s)`;
    return {
      what: `one operation by \`_id\` on ~1 KB order documents, ${n(r.params.inFlight)} in flight, priced in the engine's own CPU: kepu-ferretdb (patches/, -gc-percent 400) beside FerretDB as released, each on a fresh folder; baseline Redis SET / GET of the same documents, same run${when(r)}`,
      figures: `kepu-ferretdb insert ${price(lean.insert)}, find ${price(lean.findById)}, update ${price(lean.updateById)}; released insert ${price(released.insert)}, find ${price(released.findById)}, update ${price(released.updateById)}; Redis set ${price(r.baseline.set)}, get ${price(r.baseline.get)}`,
      target: "none of its own: the price that bounds the workflow, booking-storm and stats-replay targets (issue 20)",
      met: "—",
    };
  },
  "query-side": (r) => {
    const [small, large] = [r.runs[0], r.runs.at(-1)];
    const p50 = (run: Result, key: string) => ms(run.readMs[key].p50);
    return {
      what: `the candidates for the query side side by side at ${r.runs.map((run: Result) => n(run.stored)).join(" / ")} stored bookings: a scan by an indexed field (the old way), a Redis sorted set per list, a read-model document per list, documents then read by \`_id\`${when(r)}`,
      figures: `我的预约 p50: scan ${p50(small, "mine: scan")} / ${p50(large, "mine: scan")}, sorted set ${p50(small, "mine: redis-zset+findOne")} / ${p50(large, "mine: redis-zset+findOne")}; mismatches ${n(r.runs.reduce((sum: number, run: Result) => sum + run.mismatches, 0))}`,
      target: "a candidate chosen on measured figures (issue 20)",
      met: "chosen: sorted sets ([docs/decisions/query-side.md](docs/decisions/query-side.md))",
    };
  },
  "scale-dispatch": scaleRow("orders"),
  "scale-events": scaleRow("bookings"),
  "dispatch-race": (r) => ({
    what: `${n(r.params.teams)} teams race to accept each of ${n(r.params.orders)} orders over gRPC${when(r)}`,
    figures: `${r.exactlyOneWinnerPerOrder ? "exactly one winner per order" : "NOT one winner per order"}, ${n(r.losersToldAlreadyAccepted)} losers told \`ORDER_ALREADY_ACCEPTED\`; ${n(r.attemptsPerSecond)} attempts/s; accept p50 ${ms(r.acceptLatencyMs.p50)}, p99 ${ms(r.acceptLatencyMs.p99)}`,
    target: "one winner; p99 ≤ 100 ms",
    met: r.exactlyOneWinnerPerOrder && r.acceptLatencyMs.p99 <= 100,
  }),
  gateway: (r) => ({
    what: `authenticated menu reads (JWT, Redis rate limit, cached answer) vs a bare fastify route, autocannon, ${n(r.params.connections)} connections${when(r)}`,
    figures: `${n(r.gateway.requestsPerSecond)} req/s vs ${n(r.bareFastify.requestsPerSecond)} bare = ${n(r.ratio, 2)}×; p99 ${ms(r.gateway.p99Ms)}`,
    target: "≥ 15,000 req/s; ≥ 0.5× bare",
    met: parts({ "15,000/s": r.gateway.requestsPerSecond >= 15000, ratio: r.ratio >= 0.5 }),
  }),
  soak: (r) => ({
    what: `${n(r.params.targetRate)} events/s for ${n(r.params.seconds / 60)} minutes into the running services (samples every ${r.params.sampleEverySeconds} s)${when(r)}`,
    figures: `${n(r.published)} events at ${n(r.achievedPublishRate)}/s; peak consumer lag ${n(r.peakTotalLag)}; drained ${n(r.drainSeconds, 1)} s after`,
    target: "lag ≤ 1,000",
    met: r.peakTotalLag <= 1000 && r.drained,
  }),
  import: (r) => ({
    what: `${n(r.rows)}-row xlsx sheets uploaded through the gateway by a district association: ${Object.keys(r.kinds).join(", ")}${when(r)}`,
    figures: Object.entries(r.kinds as Record<string, Result>)
      .map(([kind, k]) => `${kind} ${n(k.importMs / 1000, 1)} s (again: ${n(k.sameFileAgain.ms / 1000, 1)} s, nothing changed: ${k.sameFileAgain.repeated ? "yes" : "no"})`)
      .join("; "),
    target: "≤ 30 s a kind (issue 15)",
    met: r.allKindsMeetTarget,
  }),
  web: (r) => ({
    what: `the sign-in page on an emulated phone (CPU ${r.params.phone.cpuSlowdown}× slower, ${n(r.params.phone.downloadKbps / 1000, 1)} Mbps, ${r.params.phone.rttMs} ms RTT, cold cache); baseline a bare static page${when(r)}`,
    figures: `first usable form median ${ms(r.app.firstUsableFormMs.median)} (baseline ${ms(r.bareStaticPage.firstUsableFormMs.median)}); its JS ${n(r.app.residentEntryJs.gzipKB, 1)} KB gzipped`,
    target: `≤ ${n(r.budget.firstUsableFormMs / 1000)} s; ≤ ${r.budget.residentEntryJsGzipKB} KB JS gzipped`,
    met: r.app.firstUsableFormMs.median <= r.budget.firstUsableFormMs && r.app.residentEntryJs.gzipKB <= r.budget.residentEntryJsGzipKB,
  }),
  notifications: (r) => ({
    what: `a reminder to ${n(r.residents)} residents; baseline the raw driver's inserts${when(r)}`,
    figures: `${n(r.notificationsPerSecond)}/s (baseline ${n(r.baseline.perSecond)}/s = ${n(r.ratioToBaseline, 2)}×); the last inbox after ${ms(r.timeToLastInboxMs)}`,
    target: "every one of 10,000 residents told (issue 18)",
    met: r.lastResidentHasIt && r.notificationsStored === r.residents,
  }),
};

/** "gateway 1.4 ms, events 0.9 ms": a figure per process. */
function perProcess(figures: Record<string, number>, unit: string): string {
  return Object.entries(figures)
    .map(([process, value]) => `${process} ${n(value, value < 10 ? 2 : 1)}${unit === "%" ? " " : " "}${unit}`)
    .join(", ");
}

/** bench/scale's parts: each list's p99 at every stored size, judged at the largest. */
function scaleRow(stored: string): (r: Result) => Row {
  return (r) => {
    const sizes = r.sizes as Result[];
    const largest = sizes.at(-1);
    const lists = Object.keys(largest.lists);
    const p99s = (list: string) => sizes.map((size) => ms(size.lists[list].p99)).join(" / ");
    return {
      what: `every list ${r.name === "scale-dispatch" ? "dispatch" : "events"} owns, 200 asks each through the service's gRPC API, at ${sizes.map((size) => n(size.size)).join(" / ")} stored ${stored}; baseline the same query by a full scan${when(r)}`,
      figures: `p99 ${lists.map((list) => `${list} ${p99s(list)}`).join("; ")}; mismatches with the scan ${n(r.totalMismatches)}`,
      target: "p99 ≤ 50 ms at 1M and ≤ 2× its 10k value; same answers (issue 20)",
      met: parts({
        "1M": largest.size >= 1_000_000,
        "50 ms": lists.every((list) => largest.lists[list].p99 <= 50),
        "2×": lists.every((list) => largest.lists[list].p99 <= 2 * sizes[0].lists[list].p99),
        "same answers": r.totalMismatches === 0,
      }),
    };
  };
}

export function renderTable(read: (name: string) => Result | undefined = readResult): string {
  const lines = ["| benchmark | what ran | figures | target | met? |", "|---|---|---|---|---|"];
  for (const [name, describe] of Object.entries(describers)) {
    const result = read(name);
    if (!result) continue;
    const row = describe(result);
    const met = typeof row.met === "string" ? row.met : yes(row.met);
    lines.push(`| [${name}](bench/results/${name}.json) | ${row.what} | ${row.figures} | ${row.target} | ${met} |`);
  }
  return lines.join("\n");
}

function readResult(name: string): Result | undefined {
  try {
    return JSON.parse(readFileSync(`${resultsDir}${name}.json`, "utf8"));
  } catch {
    return undefined;
  }
}

/** The README with its table between the markers replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${startMarker} … ${endMarker}`);
  return `${readme.slice(0, start + startMarker.length)}\n${table}\n${readme.slice(end)}`;
}

export function readmeTable(): { readme: string; table: string } {
  return { readme: readFileSync(readmePath, "utf8"), table: renderTable() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { readme, table } = readmeTable();
  writeFileSync(readmePath, withTable(readme, table));
  console.log(table);
}
