// bench/store (issue 20): what one store operation costs on this machine — FerretDB v1 (SQLite)
// serving insert / find / update by `_id`, BENCH_IN_FLIGHT at a time, on documents shaped like an
// order (~1 KB with its outbox), each timed and priced in FerretDB's own CPU (utime + stime from
// /proc). Every other target of issue 20 is bounded by these prices: a whole order life makes ~100
// of them (bench/workflow), a booking attempt several (bench/booking-storm).
//
// Two builds run side by side, each started by this bench on a fresh data folder and a port of its
// own: kepu-ferretdb as engines.sh builds it (patches/ laid over FerretDB's module, -gc-percent 400)
// and "released": deploy/local/ferretdb built plainly against FerretDB's module as published, run
// with Go's default collector (-gc-percent 100). The baseline of the same run is the shared Redis
// serving the same documents as JSON strings (SET / GET by key) — what a read model kept in Redis
// would cost instead.
//
//   node --import tsx bench/store/run.ts     (BENCH_OPS per kind, default 5,000; needs Go and the engines)
//
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { MongoClient, type Collection } from "mongodb";
import { listenerPid } from "../lib/cpu.js";
import { priced as pricedOps, type Priced } from "../lib/priced.js";
import { writeResult } from "../lib/report.js";

const ops = Number(process.env.BENCH_OPS ?? 5_000);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:16379";
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const loadBefore = loadavg().map((n) => round(n, 2));

interface OrderLike {
  _id: string;
  version: number;
  status: string;
  residentId: string;
  path: string[];
  title: string;
  outbox: { id: string; type: string; payload: string }[];
  outboxCount: number;
  createdAt: Date;
}

const order = (i: number): OrderLike => ({
  _id: `o${i}`,
  version: 1,
  status: "SUBMITTED",
  residentId: `r${i % 500}`,
  path: ["fz", `fz-d${i % 4}`, `fz-s${i % 20}`, `fz-c${i % 100}`],
  title: `社区健康科普讲座 第${i}场`,
  outbox: [{ id: `e${i}`, type: "kepu.dispatch.v1.OrderSubmitted", payload: "x".repeat(600) }],
  outboxCount: 1,
  createdAt: new Date(),
});

/** `ops` calls of `one`, `inFlight` at a time, priced in the engine's CPU. */
const priced = (enginePid: number, one: (i: number) => Promise<unknown>) => pricedOps(enginePid, ops, inFlight, one);

async function ferretdb(pid: number, mongoUrl: string): Promise<Record<string, Priced>> {
  const client = await MongoClient.connect(mongoUrl, { maxPoolSize: inFlight * 2 });
  const db = client.db(`bench_store_${process.pid}`);
  const plain: Collection<OrderLike> = db.collection("orders");
  const indexed: Collection<OrderLike> = db.collection("orders_indexed");
  // What the services declare for MongoDB proper; FerretDB keeps them up on every write but its
  // queries do not use them (ENGINEERING.md, "Facts measured here").
  await indexed.createIndexes([{ key: { status: 1 } }, { key: { residentId: 1, createdAt: -1 } }, { key: { path: 1, status: 1 } }]);
  try {
    return {
      insert: await priced(pid, (i) => plain.insertOne(order(i))),
      findById: await priced(pid, (i) => plain.findOne({ _id: `o${i}` })),
      updateById: await priced(pid, (i) => plain.updateOne({ _id: `o${i}` }, { $set: { status: "DISPATCHED" }, $inc: { version: 1 } })),
      insertWith3Indexes: await priced(pid, (i) => indexed.insertOne(order(i))),
      updateByIdWith3Indexes: await priced(pid, (i) => indexed.updateOne({ _id: `o${i}` }, { $set: { status: "DISPATCHED" }, $inc: { version: 1 } })),
    };
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

async function redis(pid: number): Promise<Record<string, Priced>> {
  const client = new Redis(redisUrl);
  const key = (i: number) => `bench:store:${process.pid}:o${i}`;
  try {
    return {
      set: await priced(pid, (i) => client.set(key(i), JSON.stringify(order(i)))),
      get: await priced(pid, async (i) => JSON.parse((await client.get(key(i)))!)),
    };
  } finally {
    for (let i = 0; i < ops; i += 1_000) await client.del(...Array.from({ length: Math.min(1_000, ops - i) }, (_, k) => key(i + k)));
    client.disconnect();
  }
}

const repo = fileURLToPath(new URL("../../", import.meta.url));
const version = /github\.com\/FerretDB\/FerretDB (v\S+)/.exec(readFileSync(join(repo, "deploy/local/ferretdb/go.mod"), "utf8"))![1]!;
const lean = join(process.env.KEPU_CACHE ?? join(homedir(), ".cache/kepu"), `ferretdb-${version}`, "kepu-ferretdb");
const scratch = mkdtempSync(join(tmpdir(), "bench-store-"));

/** FerretDB as published: our main.go built without patches/ (the plain `go build`). */
function buildReleased(): string {
  const out = join(scratch, "kepu-ferretdb-released");
  execFileSync("go", ["build", "-trimpath", "-o", out, "."], { cwd: join(repo, "deploy/local/ferretdb"), env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly" }, stdio: "inherit" });
  return out;
}

/** One build on a fresh folder and port of its own, measured, then stopped. */
async function measureBuild(name: string, binary: string, port: number, flags: string[]): Promise<Record<string, Priced>> {
  const server: ChildProcess = spawn(binary, ["-listen", `127.0.0.1:${port}`, "-data", join(scratch, name), ...flags], { stdio: "ignore" });
  try {
    execFileSync(binary, ["ping", "-q", "-timeout", "20s", "-addr", `127.0.0.1:${port}`]);
    return await ferretdb(server.pid!, `mongodb://127.0.0.1:${port}/`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
}

const redisPid = listenerPid(Number(new URL(redisUrl).port));
if (!redisPid) throw new Error(`no process listens on ${redisUrl}: start the engines (bash deploy/local/engines.sh start)`);
let builds: { "kepu-ferretdb": Record<string, Priced>; released: Record<string, Priced> };
let baseline: Record<string, Priced>;
try {
  builds = {
    "kepu-ferretdb": await measureBuild("lean", lean, 27091, []),
    released: await measureBuild("released", buildReleased(), 27092, ["-gc-percent", "100"]),
  };
  baseline = await redis(redisPid);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const lower = (kind: string) => round(1 - builds["kepu-ferretdb"][kind]!.engineCpuUsPerOp / builds.released[kind]!.engineCpuUsPerOp, 2);
writeResult(
  "store",
  {
    target: "issue 20: the price of one store operation, which bounds the workflow, booking-storm and stats-replay targets",
    params: { opsPerKind: ops, inFlight, document: "an order with its outbox, ~1 KB", engine: `FerretDB ${version} (SQLite)` },
    loadAverage: { before: loadBefore, after: loadavg().map((n) => round(n, 2)) },
    ferretdb: builds,
    cpuPerOpLowerThanReleased: { insert: lower("insert"), findById: lower("findById"), updateById: lower("updateById") },
    baseline: { what: "Redis SET / GET of the same documents as JSON, same run", ...baseline },
  },
  [
    ...Object.entries(builds).flatMap(([build, kinds]) => Object.entries(kinds).map(([kind, p]) => ({ engine: build, kind, ...p }))),
    ...Object.entries(baseline).map(([kind, p]) => ({ engine: "redis", kind, ...p })),
  ],
);
