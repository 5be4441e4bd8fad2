// bench/scale, dispatch's part (issue 20): the lists dispatch owns at BENCH_SIZES stored orders
// (default 10,000, 100,000 and 1,000,000), answered by the real dispatch service (its bundle, its
// gRPC API) from its order index (services/dispatch/src/store/order-index.ts), against the same
// query answered by today's full scan (OrderStore without the index) in the same run.
//   mine      — a resident's orders (我的订单): residents with long (1 in 200 of all orders) and
//               short (~3) lists, first and later pages;
//   byStatus  — an org's orders of one status, the org any of city / district / street / community,
//               asked by its staff, first and later pages;
//   pool      — a team leader's POOLED orders within the team's area (the pool);
//   inbox     — a team leader's list: offered to the team, accepted by it, and the pool of its area;
//   due       — the escalation timer's sweep (OrderStore.due, in this process on the service's index);
//   counts    — the suggestions' counts of every team's work (OrderStore.teamCounts, as suggestTeams).
// Orders are seeded straight into dispatch's collection (insertMany, batches of 1,000), appended
// size after size in ONE database (10k → 100k → 1M), and the index is filled by the service's own
// rebuild path (OrderIndex.rebuild, one scan) at each size. Per list and size: p50/p99 of
// BENCH_QUERIES (200) asks, the scan's p50/p99 over BENCH_SCANS asks (3; 1 at ≥ 1M: a scan there
// takes tens of seconds), and `mismatches`: each scanned ask's ids and total compared with the
// service's answer. Writes bench/results/scale-dispatch.json.
// Time: 10k + 100k ≈ 4 min on a quiet machine; 1M adds ≈ 15–25 min (seeding ~2–3 min, the rebuild
// ~3–5 min, the scans the rest). BENCH_PREFIX reuses a database seeded by an earlier run (kept with
// BENCH_KEEP=1), so a 1M run may append to an earlier 100k one.
import { create, toBinary } from "@bufbuild/protobuf";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Binary, MongoClient, type Document } from "mongodb";
import { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderRequestSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { indexedOf, OrderIndex } from "../../services/dispatch/src/store/order-index.js";
import { matchesQuery, type IndexedOrder } from "../../services/dispatch/src/store/order-keys.js";
import { OrderStore, type OrderQuery } from "../../services/dispatch/src/store/order-store.js";
import { cpuMs, listenerPid } from "../lib/cpu.js";
import { writeResult } from "../lib/report.js";
import { scaleTargets, summary, type Summary } from "./targets.js";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const asks = Number(process.env.BENCH_QUERIES ?? 200);
/** Real scans per list (OrderStore without the index): the baseline, and compared. A scan at 100k takes ~1 min on this machine. */
const scansAt = (n: number) => Number(process.env.BENCH_SCANS ?? (n <= 10_000 ? 3 : 1));
/** Lists scanned at 1M and above (each scan there takes minutes): the others are checked against the seeded data only. */
const scannedAtMillion = (process.env.BENCH_SCAN_LISTS_1M ?? "byStatus").split(",");
/** Asks per list also checked against the seeded data (all of them below 1M). */
const checkedAt = (n: number) => Number(process.env.BENCH_CHECKED ?? (n >= 1_000_000 ? 25 : asks));
const keep = process.env.BENCH_KEEP === "1";
const resultFile = new URL("../results/scale-dispatch.json", import.meta.url);
const engines = new TestEngines(process.env.BENCH_PREFIX ?? uniquePrefix("benchscaled"));
const mongo = await new MongoClient(engines.urls.mongoUrl).connect();
const redis = new Redis(engines.urls.redisUrl);
const db = mongo.db(engines.database("dispatch"));
const orders = db.collection("orders");
const index = new OrderIndex(redis, orders, `${engines.prefix}kepu:dispatch:`);
const indexed = new OrderStore(db, engines.topic("dispatch"), index);
const scanning = new OrderStore(db, engines.topic("dispatch"));
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

// The tree: one city, 4 districts, 5 streets each, 5 communities each; 50 teams, each serving one district.
const communities = Array.from({ length: 100 }, (_, c) => {
  const d = `d${c % 4}`;
  const s = `${d}-s${Math.floor(c / 4) % 5}`;
  return { orgId: `${s}-c${c}`, path: ["sz", d, s, `${s}-c${c}`], districtId: d, streetId: s, communityId: `${s}-c${c}` };
});
const requests = communities.map((community) => new Binary(toBinary(OrderRequestSchema, create(OrderRequestSchema, { title: "老年人智能手机使用讲座", theme: 3, community: create(OrgPlaceSchema, community) }))));
const teams = Array.from({ length: 50 }, (_, k) => ({ teamId: `t${k}`, area: `d${k % 4}` }));
const teamsIn = (district: string) => teams.filter((t) => t.area === district);
const S = OrderStatus;
const statusSlots = [S.RATED, S.RATED, S.RATED, S.RATED, S.RATED, S.RATED, S.DELIVERED, S.DELIVERED, S.DELIVERED, S.CANCELLED, S.CANCELLED, S.REJECTED, S.SUBMITTED, S.SUBMITTED, S.DISPATCHED, S.DISPATCHED, S.POOLED, S.CLAIMED, S.ACCEPTED, S.SCHEDULED];
const open = new Set([S.SUBMITTED, S.DISPATCHED, S.POOLED, S.CLAIMED, S.ACCEPTED, S.SCHEDULED]);
const t0 = Date.UTC(2026, 0, 1);
const dueFrom = Date.UTC(2030, 0, 1); // far ahead: the service's own timer finds nothing due while the bench reads
/** A heavy requester (1 order in 10, 20 of them) or a short list (~3 orders each). */
const requesterOf = (i: number) => (i % 10 === 0 ? `h${(i / 10) % 20}` : `r${Math.floor(i / 4)}`);

function orderDoc(i: number): Document {
  const c = (i * 37) % 100;
  const community = communities[c]!;
  const status = statusSlots[(i * 7) % statusSlots.length]!;
  const local = teamsIn(community.districtId);
  const [a, b] = [local[i % local.length]!.teamId, local[(i + 1) % local.length]!.teamId];
  const invited = status === S.SUBMITTED || status === S.POOLED || status === S.REJECTED ? [] : [a, b];
  const accepted = [S.ACCEPTED, S.SCHEDULED, S.DELIVERED, S.RATED].includes(status) ? a : "";
  return {
    _id: `o${String(i).padStart(8, "0")}`,
    version: 1,
    status,
    requesterId: requesterOf(i),
    request: requests[c],
    communityPath: community.path,
    districtId: community.districtId,
    campaignId: "",
    holder: status === S.POOLED ? 2 : 1,
    invitedTeamIds: invited,
    declinedTeamIds: status === S.DISPATCHED && i % 3 === 0 ? [b] : [],
    acceptedTeamId: accepted,
    claimedByOrgId: status === S.CLAIMED ? community.districtId : "",
    activityId: "",
    rating: status === S.RATED ? 1 + (i % 5) : 0,
    submittedAt: new Date(t0 + i * 30_000),
    dueAt: open.has(status) ? new Date(dueFrom + i * 1_000) : null,
    dueStage: 0,
    timeline: [{ eventType: "OrderSubmitted", at: new Date(t0 + i * 30_000), actorId: requesterOf(i), actorRole: Role.RESIDENT, actorOrgId: community.orgId, actorName: "", reason: "", teamIds: [] }],
    onBehalf: null,
    mergeId: "",
    leadOrderId: "",
    mergedOrders: [],
  };
}

/**
 * The seeded orders as the index sees them, newest first: the reference each answer is checked
 * against (the real scans check that the database holds exactly these).
 */
let seededNewestFirst: IndexedOrder[] = [];
function reference(query: OrderQuery): { ids: string[]; total: number } {
  const all = seededNewestFirst.filter((o) => matchesQuery(o, query));
  return { ids: all.slice(query.page * query.pageSize, (query.page + 1) * query.pageSize).map((o) => o.orderId), total: all.length };
}

async function seedTo(n: number): Promise<{ seconds: number; added: number }> {
  const started = performance.now();
  const have = await orders.estimatedDocumentCount();
  // BENCH_INDEX_FROM: a reused database whose seeding was cut off after its store writes (before the index existed
  // for them): the orders from there on are added to the index again (idempotent; the seeded orders are deterministic).
  for (let from = Number(process.env.BENCH_INDEX_FROM ?? have); from < have; from += 1_000)
    await index.adding(...Array.from({ length: Math.min(1_000, have - from) }, (_, k) => indexedOf(orderDoc(from + k))));
  for (let from = have; from < n; from += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, n - from) }, (_, k) => orderDoc(from + k));
    await index.adding(...batch.map(indexedOf)); // the write path: index entries first, then the store
    await orders.insertMany(batch);
  }
  return { seconds: (performance.now() - started) / 1000, added: Math.max(0, n - have) };
}

// ---- the asks: each an actor, the request the service is sent, and the OrderQuery its scopedQuery builds
type Ask = { actor: { id: string; role: Role; orgId: string }; request: { orgId?: string; statuses?: OrderStatus[]; page: number; pageSize: number }; query: OrderQuery };
let seed = 12345;
const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
const base = { withinOrgIds: [] as string[], statuses: [] as OrderStatus[], teamId: "", requesterId: "", pageSize: 20 };

const lists: Record<string, (n: number, i: number) => Ask> = {
  mine: (n, i) => {
    const heavy = i % 2 === 0;
    const j = rnd(n - 1);
    const id = heavy ? `h${rnd(20)}` : requesterOf(j % 10 === 0 ? j + 1 : j);
    const page = heavy ? rnd(4) : 0;
    return { actor: { id, role: Role.RESIDENT, orgId: "x" }, request: { page, pageSize: 20 }, query: { ...base, reach: [{ requesterId: id }], page } };
  },
  byStatus: (_n, i) => {
    const c = communities[rnd(100)]!;
    const level = i % 4;
    const orgId = c.path[level]!;
    const role = [Role.CITY_STAFF, Role.DISTRICT_STAFF, Role.STREET_STAFF, Role.COMMUNITY_WORKER][level]!;
    const status = statusSlots[rnd(statusSlots.length)]!;
    const page = rnd(2) === 0 ? 0 : rnd(5);
    const asked = rnd(2) === 0 ? orgId : "";
    return {
      actor: { id: `staff-${orgId}`, role, orgId },
      request: { orgId: asked, statuses: [status], page, pageSize: 20 },
      query: { ...base, reach: [{ withinOrgId: orgId }], withinOrgIds: asked ? [asked] : [], statuses: [status], page },
    };
  },
  pool: (_n, i) => teamAsk(teams[rnd(50)]!, [S.POOLED], i % 3 === 0 ? 1 : 0),
  inbox: (_n, i) => teamAsk(teams[rnd(50)]!, [], i % 3 === 0 ? rnd(3) : 0),
};

function teamAsk(team: { teamId: string; area: string }, statuses: OrderStatus[], page: number): Ask {
  return {
    actor: { id: `lead-${team.teamId}`, role: Role.TEAM_LEADER, orgId: team.teamId },
    request: { statuses, page, pageSize: 20 },
    query: { ...base, statuses, reach: [{ offeredTo: team.teamId }, { acceptedBy: team.teamId }, { pooledWithin: [team.area] }], page },
  };
}

// ---- CPU time per process (utime+stime from /proc/<pid>/stat, in ms): where an ask's time goes.
// FerretDB and Redis are the shared engines: their CPU includes whatever else ran meanwhile.
const mongoPort = new URL(engines.urls.mongoUrl).port;
const redisPort = new URL(engines.urls.redisUrl).port;
const enginePids = { ferretdb: listenerPid(Number(mongoPort)), redis: listenerPid(Number(redisPort)) };
const used = (pid: number | undefined) => (pid === undefined ? 0 : (cpuMs(pid) ?? 0));
/** CPU ms per ask of each process over `run`. */
async function cpuPerAsk(pids: Record<string, number | undefined>, count: number, run: () => Promise<void>): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, used(pid)]));
  await run();
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, Math.round(((used(pid) - before[name]!) / count) * 100) / 100]));
}

const answerOf = (r: { orders: { orderId?: string; state?: { orderId: string } }[]; total: number | bigint }) => ({
  ids: r.orders.map((o) => o.orderId ?? o.state!.orderId),
  total: Number(r.total),
});
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}


/** Writes the result file with the sizes done so far (after each size: a long run that stops still leaves its figures). */
function report(): void {
  const done = results.map((r) => r.size as number);
  const { targets, totalMismatches } = scaleTargets(results as { size: number; lists: Record<string, Summary> }[]);
  const rows = results.flatMap((r) =>
    Object.entries(r.lists as Record<string, Summary>).map(([list, s]) => ({ size: r.size as number, list, p50: s.p50, p99: s.p99, scanP50: s.scanP50, ratio: s.scanP50 && s.p50 ? Math.round(s.scanP50 / s.p50) : 0, mismatches: s.mismatches })),
  );
  writeResult(
    "scale-dispatch",
    {
      params: { sizes: done, asksPerList: asks, scans: Object.fromEntries(done.map((n) => [n, scansAt(n)])), pageSize: 20, tree: "1 city, 4 districts, 20 streets, 100 communities; 50 teams, one district each", statuses: "60% rated/delivered, 15% cancelled/rejected, 25% open" },
      target: "issue 20 bench/scale: p99 ≤ 50 ms at 1,000,000 stored orders and ≤ 2× its own p99 at 10,000; the same answers as a full scan",
      baseline: "the same OrderQuery answered by OrderStore without the index (today's code path: FerretDB reads the whole collection), in this process",
      totalMismatches,
      targets,
      sizes: results,
    },
    rows,
  );
}

await engines.createTopics(["dispatch", "registry", "events"].map((c) => engines.topic(c))).catch(() => undefined); // kept from an earlier run
await db.collection("teams").deleteMany({});
await db.collection("teams").insertMany(teams.map((t) => ({ _id: t.teamId as never, name: t.teamId, orgId: t.teamId, themes: [3], serviceAreaOrgIds: [t.area], memberIds: [`v-${t.teamId}`], active: true, version: 1 })));

// BENCH_MERGE=1: keep the sizes of the result file this run does not measure (a 1M run appended to an earlier 10k + 100k one).
const earlier = process.env.BENCH_MERGE === "1" && existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, "utf8")) as { sizes: Record<string, unknown>[] }).sizes : [];
const results: Record<string, unknown>[] = earlier.filter((r) => !sizes.includes(r.size as number));
let service: ServiceProcess | undefined;
try {
  for (const n of sizes) {
    const loadBefore = load();
    const seeded = await seedTo(n);
    seededNewestFirst = Array.from({ length: n }, (_, k) => indexedOf(orderDoc(n - 1 - k)));
    // The rebuild (one scan of the store) at the first size of a fresh database, or when asked: at 1M it takes ~10–30 min here
    // (FerretDB serves ~600–2,000 documents/s to the scan); otherwise the seeding's writes kept the index, as a service's do.
    let rebuild: { ms: number; value: number } | undefined;
    if (process.env.BENCH_REBUILD === "1" || (n === sizes[0] && seeded.added === n)) {
      await redis.del(`${engines.prefix}kepu:dispatch:orders:index-built`);
      rebuild = await timed(() => index.rebuild());
    } else if (!(await redis.exists(`${engines.prefix}kepu:dispatch:orders:index-built`))) throw new Error("the index of the database reused is not built: BENCH_REBUILD=1");
    console.log(`${n}: seeded ${seeded.added} in ${seeded.seconds.toFixed(1)} s${rebuild ? `; index rebuilt from ${rebuild.value} orders in ${(rebuild.ms / 1000).toFixed(1)} s` : ""}`);
    service ??= await ServiceProcess.start("dispatch", engines.serviceEnv({ LOG_LEVEL: "error" }));
    const client = createRpcClient(DispatchService, service.grpcAddress, { signer: testSigner(), timeoutMs: 300_000 });
    const perList: Record<string, unknown> = {};
    const pendingScans: { list: string; answers: { ask: Ask; answer: unknown }[]; samples: number[]; mismatches: number }[] = [];
    for (const [list, make] of Object.entries(lists)) {
      const samples: number[] = [];
      let mismatches = 0;
      const answers: { ask: Ask; answer: unknown }[] = [];
      const toCheck: { ask: Ask; answer: unknown }[] = [];
      for (let i = 0; i < 10; i++) await client.listOrders(make(n, i).request, { actor: make(n, i).actor }); // warm-up, not measured
      const pids = { dispatch: service.pid, bench: process.pid, ...enginePids };
      const cpu = await cpuPerAsk(pids, asks, async () => {
      for (let i = 0; i < asks; i++) {
        const ask = make(n, i);
        const { ms, value } = await timed(() => client.listOrders(ask.request, { actor: ask.actor }));
        samples.push(ms);
        const answer = answerOf(value);
        if (i < checkedAt(n)) toCheck.push({ ask, answer });
        if (answers.length < (n < 1_000_000 || scannedAtMillion.includes(list) ? scansAt(n) : 0)) answers.push({ ask, answer });
      }
      });
      for (const { ask, answer } of toCheck) {
        if (same(reference(ask.query), answer)) continue;
        mismatches++;
        console.log(`MISMATCH (seeded) ${list} ${JSON.stringify(ask.query)}: service ${JSON.stringify(answer)} seeded ${JSON.stringify(reference(ask.query))}`);
      }
      const checked = toCheck.length;
      perList[list] = { ...summary(samples, [], 0, mismatches), checkedAgainstSeeded: checked, cpuMsPerAsk: cpu };
      pendingScans.push({ list, answers, samples, mismatches });
      console.log(`${n} ${list}: ${JSON.stringify(perList[list])}`);
    }
    // The sweep: ~70 orders due at `now` (dueAt = 2030 + i s for the open orders), looked up as the timer does.
    {
      const now = new Date(dueFrom + 150_000);
      const samples: number[] = [];
      let expected: string[] = [];
      for (let i = 0; i < asks; i++) {
        const { ms, value } = await timed(() => indexed.due(now));
        samples.push(ms);
        expected = value;
      }
      const seededDue = seededNewestFirst.filter((o) => o.dueAt && o.dueAt <= now).map((o) => o.orderId);
      let mismatches = same([...seededDue].sort(), [...expected].sort()) ? 0 : 1;
      const scans: number[] = [];
      const scanning1M = n < 1_000_000 || scannedAtMillion.includes("due");
      for (let i = 0; i < (scanning1M ? scansAt(n) : 0); i++) {
        const scan = await timed(() => scanning.due(now, 1_000));
        scans.push(scan.ms);
        if (!same([...scan.value].sort(), [...expected].sort())) mismatches++;
      }
      perList.due = { ...summary(samples, scans, scans.length, mismatches), checkedAgainstSeeded: 1, dueOrders: expected.length };
      console.log(`${n} due: ${JSON.stringify(perList.due)}`);
    }
    {
      const ids = teams.map((t) => t.teamId);
      const samples: number[] = [];
      let counts: unknown;
      for (let i = 0; i < asks; i++) {
        const { ms, value } = await timed(() => indexed.teamCounts(ids));
        samples.push(ms);
        counts = value;
      }
      const seededCounts = ids.map((teamId) => {
        const mine = seededNewestFirst.filter((o) => o.acceptedTeamId === teamId);
        const rated = mine.filter((o) => o.rating > 0);
        const openOrders = mine.filter((o) => o.status === S.ACCEPTED || o.status === S.SCHEDULED).length;
        const declined = seededNewestFirst.filter((o) => o.declinedTeamIds.includes(teamId)).length;
        return { teamId, openOrders, accepted: mine.length, declined, rated: rated.length, ratingSum: rated.reduce((sum, o) => sum + o.rating, 0) };
      });
      let mismatches = same(seededCounts, counts) ? 0 : 1;
      const scans: number[] = [];
      if (n < 1_000_000 || scannedAtMillion.includes("counts")) {
        const scan = await timed(() => scanning.teamCounts(ids));
        scans.push(scan.ms);
        if (!same(scan.value, counts)) mismatches++;
      }
      perList.counts = { ...summary(samples, scans, scans.length, mismatches), checkedAgainstSeeded: 1 };
      console.log(`${n} counts: ${JSON.stringify(perList.counts)}`);
    }
    const memory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
    const keys = (await redis.info("keyspace")).trim();
    results.push({ size: n, loadAverage: { before: loadBefore, after: load() }, seedSeconds: seeded.seconds, rebuildSeconds: rebuild ? rebuild.ms / 1000 : null, rebuiltOrders: rebuild?.value ?? null, redisUsedMemoryMiB: Math.round(memory / 2 ** 20), redisKeyspace: keys, lists: perList });
    report();
    // The lists' scans last (at 1M each takes minutes): the figures above are written first.
    for (const { list, answers, samples, mismatches: seededMismatches } of pendingScans) {
      const scans: number[] = [];
      let mismatches = seededMismatches;
      for (const { ask, answer } of answers) {
        const scan = await timed(() => scanning.list(ask.query));
        scans.push(scan.ms);
        if (!same(answerOf(scan.value), answer)) {
          mismatches++;
          console.log(`MISMATCH ${list} ${JSON.stringify(ask.query)}: service ${JSON.stringify(answer)} scan ${JSON.stringify(answerOf(scan.value))}`);
        }
      }
      const before = perList[list] as Record<string, unknown>;
      perList[list] = { ...before, ...summary(samples, scans, scans.length, mismatches) };
      console.log(`${n} ${list} scanned: ${JSON.stringify(perList[list])}`);
      report();
    }
  }
} finally {
  await service?.stop();
}


if (!keep) await engines.cleanup();
await mongo.close();
redis.disconnect();
console.log(`mismatches: ${results.reduce((sum, r) => sum + Object.values(r.lists as Record<string, Summary>).reduce((m, s) => m + s.mismatches, 0), 0)}`);
