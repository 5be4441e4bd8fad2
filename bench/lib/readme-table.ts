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
