// bench/query-side: issue 20's first step — measure candidate query sides side by side on the
// same data before choosing one. At each size in BENCH_SIZES (default 10,000 and 100,000 stored
// bookings, 5 per resident, spread over 100 communities in 4 districts of one city), two lists a
// user opens are answered from the same FerretDB collection:
//   "mine"    — a resident's newest 20 bookings (我的预约);
//   "subtree" — page 2 (items 21–40), newest first, of the bookings with one status under one org
//               (city, district, street or community: an org path prefix), the shape of "a
//               community's orders by status" and "activities in a subtree".
// Candidates:
//   scan       — today's way: find by an indexed field (FerretDB v1 reads the whole collection);
//   redis-zset — a Redis sorted set per list key (score: booked-at, member: booking id), kept with
//                each write; the page's ids from ZREVRANGE, the documents by `_id`;
//   read-model — a document per list key addressed by `_id` holding its ids newest first (kept with
//                each write by $push), then the documents by `_id`.
// For "mine" the documents are fetched both ways FerretDB might serve by `_id`: one
// `{_id: {$in: ids}}` find, and one findOne per id in parallel ("subtree": findOne only, $in is a
// scan). Every answer is compared with the scan's. Also records the write cost of keeping each
// index, and the load average (the machine is shared). Writes bench/results/query-side.json.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { Redis } from "ioredis";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { percentiles, writeResult } from "../lib/report.js";

interface Booking {
  _id: string;
  residentId: string;
  activityId: string;
  status: Status;
  /** The org path of the booking's community, root first: city, district, street, community. */
  path: string[];
  bookedAt: Date;
}
type Status = "BOOKED" | "CHECKED_IN" | "CANCELLED";
interface IdList {
  _id: string;
  ids: string[];
}

const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const perResident = 5;
const pageSize = 20;
const engines = new TestEngines(uniquePrefix("benchqs"));
const mongo = await new MongoClient(engines.urls.mongoUrl).connect();
const redis = new Redis(engines.urls.redisUrl);
const t0 = Date.UTC(2026, 0, 1);

const statusOf = (i: number): Status => (["BOOKED", "BOOKED", "BOOKED", "BOOKED", "BOOKED", "BOOKED", "CHECKED_IN", "CHECKED_IN", "CANCELLED", "BOOKED"] as const)[Math.floor(i / 100) % 10]!;
const pathOf = (community: number) => ["sz", `d${community % 4}`, `s${community % 20}`, `c${community}`];

const booking = (i: number, residents: number): Booking => ({
  _id: `b${i}`,
  residentId: `r${i % residents}`,
  activityId: `a${i % 997}`,
  status: statusOf(i),
  path: pathOf(i % 100),
  bookedAt: new Date(t0 + i * 60_000),
});

/** The list keys one booking is in: hers, and (org, status) for each ancestor of its community. */
const listKeys = (d: Pick<Booking, "residentId" | "path" | "status">) => ({ mine: `resident:${d.residentId}`, subtree: d.path.map((org) => `org:${org}:${d.status}`) });

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function measure(n: number) {
  const residents = Math.max(1, Math.floor(n / perResident));
  const db = mongo.db(engines.database(`qs${n}`));
  const bookings = db.collection<Booking>("bookings");
  const lists = db.collection<IdList>("booking_lists");
  await bookings.createIndex({ residentId: 1, bookedAt: -1 });
  await bookings.createIndex({ path: 1, status: 1, bookedAt: -1 });
  const zsetKey = (list: string) => `${engines.prefix}qs${n}:bookings:${list}`;
  const loadBefore = load();
  console.log(`seeding ${n} bookings… (load ${loadBefore.join(" ")})`);

  // Seeding: documents by insertMany in batches, each batch's ZADDs in one pipeline; the read
  // model built in memory (newest first) and written whole.
  const batch = 5_000;
  // The read model loses at 100,000 (its writes grow with its lists): beyond BENCH_READ_MODEL_MAX
  // only the sorted sets are measured, against the scan.
  const readModelOn = n <= Number(process.env.BENCH_READ_MODEL_MAX ?? 100_000);
  const seededSeconds = { documents: 0, zsets: 0, readModel: 0 };
  const readModel = new Map<string, string[]>();
  for (let from = 0; from < n; from += batch) {
    const docs = Array.from({ length: Math.min(batch, n - from) }, (_, k) => booking(from + k, residents));
    seededSeconds.documents += (await timed(() => bookings.insertMany(docs, { ordered: false }))).ms / 1000;
    const pipeline = redis.pipeline();
    for (const d of docs) {
      const keys = listKeys(d);
      for (const key of [keys.mine, ...keys.subtree]) {
        pipeline.zadd(zsetKey(key), d.bookedAt.getTime(), d._id);
        if (readModelOn) (readModel.get(key) ?? readModel.set(key, []).get(key)!).push(d._id);
      }
    }
    seededSeconds.zsets += (await timed(() => pipeline.exec())).ms / 1000;
  }
  const listDocs = [...readModel].map(([key, ids]) => ({ _id: key, ids: ids.reverse() }));
  readModel.clear();
  for (let from = 0; from < listDocs.length; from += 500) seededSeconds.readModel += (await timed(() => lists.insertMany(listDocs.slice(from, from + 500), { ordered: false }))).ms / 1000;
  const longestList = Math.max(0, ...listDocs.map((d) => d.ids.length));
  listDocs.length = 0;

  // The scan is slow at size (and the machine shared): a few scanned queries per shape, each
  // answer compared with the scan's, then more unscanned ones for the candidates' percentiles,
  // whose answers are compared between the two candidates (independent indexes of the same data).
  // `$in` by _id is a scan too (the 2,000 run showed it): measured only up to BENCH_IN_MAX.
  const scanned = Number(process.env.BENCH_SCANS ?? 6);
  const queries = 100;
  const withIn = n <= Number(process.env.BENCH_IN_MAX ?? 10_000);
  const orgs = ["sz", "d1", "s7", "c42", "d3", "s13", "c5"];
  const statuses: Status[] = ["BOOKED", "CHECKED_IN", "CANCELLED"];
  const samples: Record<string, number[]> = { "mine: scan": [], ...(withIn ? { "mine: redis-zset+$in": [], "mine: read-model+$in": [] } : {}), "mine: redis-zset+findOne": [], "mine: read-model+findOne": [], "subtree: scan": [], "subtree: redis-zset+findOne": [], "subtree: read-model+findOne": [] };
  if (!readModelOn) for (const name of Object.keys(samples)) if (name.includes("read-model")) delete samples[name];
  const measured = (answers: [string, () => Promise<Booking[]>][]) => (readModelOn ? answers : answers.filter(([name]) => !name.startsWith("read-model")));
  let mismatches = 0;
  let emptyAnswers = 0;
  const same = (a: Booking[], b: Booking[]) => a.length === b.length && a.every((d, i) => d._id === b[i]?._id);
  const newestFirst = (docs: Booking[]) => [...docs].sort((x, y) => y.bookedAt.getTime() - x.bookedAt.getTime());
  const byIn = async (ids: string[]) => newestFirst(await bookings.find({ _id: { $in: ids } }).toArray());
  const byOne = async (ids: string[]) => (await Promise.all(ids.map((id) => bookings.findOne({ _id: id })))).filter((d): d is Booking => !!d);
  const listed = async (key: string, from: number) => ((await lists.findOne({ _id: key }))?.ids ?? []).slice(from, from + pageSize);
  const compare = async (shape: string, scan: (() => Promise<Booking[]>) | undefined, answers: [string, () => Promise<Booking[]>][]) => {
    let expected: Booking[] | undefined;
    if (scan) {
      const scanAnswer = await timed(scan);
      samples[`${shape}: scan`]!.push(scanAnswer.ms);
      expected = scanAnswer.value;
    }
    for (const [name, run] of answers) {
      const answer = await timed(run);
      samples[`${shape}: ${name}`]!.push(answer.ms);
      expected ??= answer.value; // unscanned: the first candidate's answer is the other's reference
      if (!same(answer.value, expected)) {
        mismatches++;
        if (mismatches <= 3) console.log(`mismatch ${shape} ${name}: ${answer.value.map((d) => d._id).join(",")} ≠ ${expected.map((d) => d._id).join(",")}`);
      }
    }
    if (expected!.length === 0) emptyAnswers++; // counted: a page of nothing compares trivially
  };
  for (let q = 0; q < queries; q++) {
    const scan = q < scanned;
    const residentId = `r${(q * 7919) % residents}`;
    const mine = zsetKey(`resident:${residentId}`);
    await compare("mine", scan ? () => bookings.find({ residentId }).sort({ bookedAt: -1 }).limit(pageSize).toArray() : undefined, measured([
      ["redis-zset+findOne", () => redis.zrevrange(mine, 0, pageSize - 1).then(byOne)],
      ["read-model+findOne", () => listed(`resident:${residentId}`, 0).then(byOne)],
      ...(withIn && scan
        ? ([
            ["redis-zset+$in", () => redis.zrevrange(mine, 0, pageSize - 1).then(byIn)],
            ["read-model+$in", () => listed(`resident:${residentId}`, 0).then(byIn)],
          ] as [string, () => Promise<Booking[]>][])
        : []),
    ]));
    const org = orgs[q % orgs.length]!;
    const status = statuses[q % statuses.length]!;
    const key = `org:${org}:${status}`;
    await compare("subtree", scan ? () => bookings.find({ path: org, status }).sort({ bookedAt: -1 }).skip(pageSize).limit(pageSize).toArray() : undefined, measured([
      ["redis-zset+findOne", () => redis.zrevrange(zsetKey(key), pageSize, 2 * pageSize - 1).then(byOne)],
      ["read-model+findOne", () => listed(key, pageSize).then(byOne)],
    ]));
    if (scan) console.log(`  scanned query ${q + 1}/${scanned} (load ${load().join(" ")})`);
  }

  // The write side: one more booking with each index kept as it would be (1 resident list + 4
  // ancestors' status lists = 5 keys), and a status change (BOOKED → CANCELLED: out of 4 lists, into 4).
  const writes: Record<string, number[]> = { "insert only": [], "insert + 5 ZADD (one MULTI)": [], "insert + 5 $push read model": [], "status change only": [], "status change + 4 ZREM/4 ZADD (one MULTI)": [], "status change + 4 $pull/4 $push read model": [] };
  const pushFront = (key: string, id: string) => lists.updateOne({ _id: key }, { $push: { ids: { $each: [id], $position: 0 } } }, { upsert: true });
  const cancel = (d: Booking) => bookings.updateOne({ _id: d._id }, { $set: { status: "CANCELLED" } });
  for (let k = 0; k < 60; k++) {
    const [plain, withZset, withList] = [0, 1, 2].map((j) => ({ ...booking(n + 3 * k + j, residents), status: "BOOKED" as const }));
    writes["insert only"]!.push((await timed(() => bookings.insertOne(plain!))).ms);
    writes["insert + 5 ZADD (one MULTI)"]!.push(
      (
        await timed(async () => {
          await bookings.insertOne(withZset!);
          const keys = listKeys(withZset!);
          const multi = redis.multi();
          for (const key of [keys.mine, ...keys.subtree]) multi.zadd(zsetKey(key), withZset!.bookedAt.getTime(), withZset!._id);
          await multi.exec();
        })
      ).ms,
    );
    if (readModelOn) writes["insert + 5 $push read model"]!.push(
      (
        await timed(async () => {
          await bookings.insertOne(withList!);
          const keys = listKeys(withList!);
          await Promise.all([keys.mine, ...keys.subtree].map((key) => pushFront(key, withList!._id)));
        })
      ).ms,
    );
    writes["status change only"]!.push((await timed(() => cancel(plain!))).ms);
    writes["status change + 4 ZREM/4 ZADD (one MULTI)"]!.push(
      (
        await timed(async () => {
          await cancel(withZset!);
          const multi = redis.multi();
          for (const key of listKeys(withZset!).subtree) multi.zrem(zsetKey(key), withZset!._id);
          for (const key of listKeys({ ...withZset!, status: "CANCELLED" }).subtree) multi.zadd(zsetKey(key), withZset!.bookedAt.getTime(), withZset!._id);
          await multi.exec();
        })
      ).ms,
    );
    if (readModelOn) writes["status change + 4 $pull/4 $push read model"]!.push(
      (
        await timed(async () => {
          await cancel(withList!);
          await Promise.all(listKeys(withList!).subtree.map((key) => lists.updateOne({ _id: key }, { $pull: { ids: withList!._id } })));
          await Promise.all(listKeys({ ...withList!, status: "CANCELLED" }).subtree.map((key) => pushFront(key, withList!._id)));
        })
      ).ms,
    );
  }
  if (!readModelOn) for (const name of Object.keys(writes)) if (name.includes("read model")) delete writes[name];
  const redisMemory = /used_memory:(\d+)/.exec(await redis.info("memory"))?.[1];
  await db.dropDatabase();
  const result = {
    stored: n,
    residents,
    queries,
    scannedQueries: scanned,
    loadAverage: { before: loadBefore, after: load() },
    seededSeconds,
    longestListIds: longestList,
    redisUsedMemoryMiB: redisMemory ? Math.round(Number(redisMemory) / 2 ** 20) : undefined,
    mismatches,
    emptyAnswers,
    readMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, percentiles(v)])),
    writeMs: Object.fromEntries(Object.entries(writes).map(([k, v]) => [k, percentiles(v)])),
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}

try {
  const runs = [];
  for (const n of sizes) runs.push(await measure(n));
  const rows = runs.flatMap((r) => Object.entries(r.readMs).map(([candidate, p]) => ({ stored: r.stored, candidate, p50: p.p50, p99: p.p99, mismatches: r.mismatches })));
  // BENCH_APPEND=1 keeps the recorded runs of other sizes (a long size run alone, e.g. 1,000,000).
  if (process.env.BENCH_APPEND === "1") {
    const recorded = JSON.parse(readFileSync(fileURLToPath(new URL("../results/query-side.json", import.meta.url)), "utf8")) as { runs: { stored: number }[] };
    runs.unshift(...(recorded.runs.filter((r) => !sizes.includes(r.stored)) as typeof runs));
  }
  writeResult("query-side", { lists: { mine: "a resident's newest 20 bookings", subtree: "page 2 (21–40), newest first, of one status's bookings under one org (path prefix)" }, baseline: "scan (find by an indexed field, today's way)", runs }, rows);
} finally {
  await engines.cleanup();
  await mongo.close();
  redis.disconnect();
}
