// bench/query-side: issue 20's first step — measure candidate query sides side by side on the
// same data before choosing one. One list a user opens ("my bookings": a resident's newest 20) at
// each size in BENCH_SIZES (default 10,000 and 100,000 stored bookings, 5 per resident), answered
// three ways from the same FerretDB collection:
//   scan       — today's way: find by an indexed field (FerretDB v1 reads the whole collection);
//   redis-zset — a Redis sorted set per resident (score: booked-at, member: booking id), kept with
//                each write; the page's ids from ZREVRANGE, the documents by `_id`;
//   read-model — a document per resident addressed by `_id` holding her booking ids newest first
//                (kept with each write by $push), then the documents by `_id`.
// For the last two, the documents are fetched both ways FerretDB might serve by `_id`: one
// `{_id: {$in: ids}}` find, and one findOne per id in parallel. Every answer is compared with the
// scan's. Also records the write cost of keeping each index. Writes bench/results/query-side.json.
import { MongoClient, type Collection } from "mongodb";
import { Redis } from "ioredis";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { percentiles, writeResult } from "../lib/report.js";

interface Booking {
  _id: string;
  residentId: string;
  activityId: string;
  status: string;
  bookedAt: Date;
}

const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const perResident = 5;
const pageSize = 20;
const engines = new TestEngines(uniquePrefix("benchqs"));
const mongo = await new MongoClient(engines.urls.mongoUrl).connect();
const redis = new Redis(engines.urls.redisUrl);
const t0 = Date.UTC(2026, 0, 1);

const booking = (i: number, residents: number): Booking => ({
  _id: `b${i}`,
  residentId: `r${i % residents}`,
  activityId: `a${i % 997}`,
  status: "BOOKED",
  bookedAt: new Date(t0 + i * 60_000),
});

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** Seeds n bookings, the sorted sets and the read model; returns the seconds each took. */
async function seed(bookings: Collection<Booking>, byResident: Collection<{ _id: string; ids: string[] }>, n: number, residents: number, zsetKey: (r: string) => string) {
  const batch = 2_000;
  const seconds = { documents: 0, zsets: 0, readModel: 0 };
  for (let from = 0; from < n; from += batch) {
    const docs = Array.from({ length: Math.min(batch, n - from) }, (_, k) => booking(from + k, residents));
    seconds.documents += (await timed(() => bookings.insertMany(docs, { ordered: false }))).ms / 1000;
    const pipeline = redis.pipeline();
    for (const d of docs) pipeline.zadd(zsetKey(d.residentId), d.bookedAt.getTime(), d._id);
    seconds.zsets += (await timed(() => pipeline.exec())).ms / 1000;
  }
  // The read model, written whole here (one document per resident); kept by $push on each write below.
  const lists = new Map<string, string[]>();
  for (let i = n - 1; i >= 0; i--) {
    const r = `r${i % residents}`;
    (lists.get(r) ?? lists.set(r, []).get(r)!).push(`b${i}`);
  }
  const docs = [...lists].map(([r, ids]) => ({ _id: r, ids }));
  for (let from = 0; from < docs.length; from += batch) seconds.readModel += (await timed(() => byResident.insertMany(docs.slice(from, from + batch), { ordered: false }))).ms / 1000;
  return seconds;
}

const same = (a: Booking[], b: Booking[]) => a.length === b.length && a.every((d, i) => d._id === b[i]?._id);
const newestFirst = (docs: Booking[]) => [...docs].sort((x, y) => y.bookedAt.getTime() - x.bookedAt.getTime());

async function measure(n: number) {
  const residents = Math.max(1, Math.floor(n / perResident));
  const db = mongo.db(engines.database(`qs${n}`));
  const bookings = db.collection<Booking>("bookings");
  const byResident = db.collection<{ _id: string; ids: string[] }>("bookings_by_resident");
  await bookings.createIndex({ residentId: 1, bookedAt: -1 });
  const zsetKey = (r: string) => `${engines.prefix}qs${n}:bookings:resident:${r}`;
  console.log(`seeding ${n} bookings…`);
  const seeded = await seed(bookings, byResident, n, residents, zsetKey);

  // The scan is slow at size: fewer queries there, still enough for a p99 over the others.
  const queries = Math.max(10, Math.min(100, Math.floor(500_000 / n)));
  const asked = Array.from({ length: queries }, (_, q) => `r${(q * 7919) % residents}`);
  const samples: Record<string, number[]> = { scan: [], "redis-zset+$in": [], "redis-zset+findOne": [], "read-model+$in": [], "read-model+findOne": [] };
  let mismatches = 0;
  const byIn = async (ids: string[]) => newestFirst(await bookings.find({ _id: { $in: ids } }).toArray());
  const byOne = async (ids: string[]) => (await Promise.all(ids.map((id) => bookings.findOne({ _id: id })))).filter((d): d is Booking => !!d);
  for (const residentId of asked) {
    const scan = await timed(() => bookings.find({ residentId }).sort({ bookedAt: -1 }).limit(pageSize).toArray());
    samples.scan!.push(scan.ms);
    const answers = [
      ["redis-zset+$in", () => redis.zrevrange(zsetKey(residentId), 0, pageSize - 1).then(byIn)],
      ["redis-zset+findOne", () => redis.zrevrange(zsetKey(residentId), 0, pageSize - 1).then(byOne)],
      ["read-model+$in", () => byResident.findOne({ _id: residentId }).then((d) => byIn((d?.ids ?? []).slice(0, pageSize)))],
      ["read-model+findOne", () => byResident.findOne({ _id: residentId }).then((d) => byOne((d?.ids ?? []).slice(0, pageSize)))],
    ] as const;
    for (const [name, run] of answers) {
      const answer = await timed(run);
      samples[name]!.push(answer.ms);
      if (!same(answer.value, scan.value)) mismatches++;
    }
  }

  // The write side: one more booking, with each index kept as it would be.
  const writes: Record<string, number[]> = { "insert only": [], "insert + ZADD": [], "insert + $push read model": [] };
  for (let k = 0; k < 100; k++) {
    const doc = booking(n + 3 * k, residents);
    writes["insert only"]!.push((await timed(() => bookings.insertOne(doc))).ms);
    const withZset = booking(n + 3 * k + 1, residents);
    writes["insert + ZADD"]!.push((await timed(() => bookings.insertOne(withZset).then(() => redis.zadd(zsetKey(withZset.residentId), withZset.bookedAt.getTime(), withZset._id)))).ms);
    const withList = booking(n + 3 * k + 2, residents);
    writes["insert + $push read model"]!.push((await timed(() => bookings.insertOne(withList).then(() => byResident.updateOne({ _id: withList.residentId }, { $push: { ids: { $each: [withList._id], $position: 0 } } }, { upsert: true })))).ms);
  }
  await db.dropDatabase();
  return { stored: n, residents, queries, seededSeconds: seeded, mismatches, readMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, percentiles(v)])), writeMs: Object.fromEntries(Object.entries(writes).map(([k, v]) => [k, percentiles(v)])) };
}

try {
  const runs = [];
  for (const n of sizes) runs.push(await measure(n));
  const rows = runs.flatMap((r) => Object.entries(r.readMs).map(([candidate, p]) => ({ stored: r.stored, candidate, p50: p.p50, p99: p.p99, mismatches: r.mismatches })));
  writeResult("query-side", { list: "a resident's newest 20 bookings", baseline: "scan (find by an indexed field, today's way)", runs }, rows);
} finally {
  await engines.cleanup();
  await mongo.close();
  redis.disconnect();
}
