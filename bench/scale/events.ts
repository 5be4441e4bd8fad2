// bench/scale, events' part (issue 20): the lists events owns at BENCH_SIZES stored bookings
// (default 10,000, 100,000 and 1,000,000; activities: one per 20 bookings), answered by the real
// events service (its bundle, its gRPC API) from its indexes (services/events/src/store/
// booking-index.ts, activity-index.ts), against the same query answered by today's full scan
// (ActivityStore without the indexes) in the same run.
//   mine        — a resident's bookings (我的预约), ListMyBookings (all of hers, oldest first): short
//                 lists (~3 bookings); mineHeavy: heavy residents (100 bookings each);
//   attendance  — an activity's bookings (20 each), ListAttendance, asked by city staff;
//   activities  — activities in a subtree: a resident's community (scheduled), staff at city /
//                 district / street / community level with and without a status, a team leader's
//                 schedule, a campaign's, a month's window; first and later pages.
// Bookings and activities are seeded straight into events' collections (insertMany, batches of
// 1,000), appended size after size in ONE database (10k → 100k → 1M), and the indexes filled by the
// service's own rebuild path (SortedIndex.rebuild, one scan each) at each size. Per list and size:
// p50/p99 of BENCH_QUERIES (200) asks, the scan's p50/p99 over BENCH_SCANS asks (3; 1 at ≥ 1M),
// and `mismatches`: each scanned ask's ids (and total) compared with the service's answer.
// Orders are not seeded here: events holds none (dispatch's part, bench/scale/dispatch.ts, does).
// Writes bench/results/scale-events.json.
// Time: 10k + 100k ≈ 3–5 min on a quiet machine; 1M adds ≈ 15–25 min (seeding 1.05M documents,
// the rebuilds, and the scans of 1M bookings). BENCH_PREFIX + BENCH_KEEP=1 reuse a seeded database.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { loadavg } from "node:os";
import { MongoClient, type Document } from "mongodb";
import { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ActivityStatus, ListActivitiesRequestSchema } from "@kepu/contracts/events/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { ActivityIndex } from "../../services/events/src/store/activity-index.js";
import { BookingIndex } from "../../services/events/src/store/booking-index.js";
import { ActivityStore, type ActivityQuery } from "../../services/events/src/store/activity-store.js";
import { writeResult } from "../lib/report.js";
import { scaleTargets, summary, type Summary } from "./targets.js";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const asks = Number(process.env.BENCH_QUERIES ?? 200);
const scansAt = (n: number) => Number(process.env.BENCH_SCANS ?? (n >= 1_000_000 ? 1 : 3));
const keep = process.env.BENCH_KEEP === "1";
const engines = new TestEngines(process.env.BENCH_PREFIX ?? uniquePrefix("benchscalee"));
const mongo = await new MongoClient(engines.urls.mongoUrl).connect();
const redis = new Redis(engines.urls.redisUrl);
const db = mongo.db(engines.database("events"));
const keyPrefix = `${engines.prefix}kepu:events:`;
const bookingIndex = new BookingIndex(redis, db.collection("bookings"), keyPrefix);
const activityIndex = new ActivityIndex(redis, db.collection("activities"), keyPrefix);
const scanning = new ActivityStore(db, engines.topic("events"));
const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

// The tree: one city, 4 districts, 5 streets each, 5 communities each; 50 teams; 4 campaigns.
const communities = Array.from({ length: 100 }, (_, c) => {
  const d = `d${c % 4}`;
  const s = `${d}-s${Math.floor(c / 4) % 5}`;
  return { orgId: `${s}-c${c}`, path: ["sz", d, s, `${s}-c${c}`], districtId: d, streetId: s, communityId: `${s}-c${c}` };
});
const PER_ACTIVITY = 20;
const t0 = Date.UTC(2026, 0, 1);
const statusSlots = ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "SCHEDULED", "SCHEDULED", "CANCELLED"] as const;
const bookingStatuses = ["CHECKED_IN", "CHECKED_IN", "SEATED", "CANCELLED", "WAITLISTED"] as const;
const startsAtOf = (k: number) => new Date(t0 + k * 60_000);
/** A heavy resident (1 booking in 10; 100 bookings each) or a short list (~3 bookings). */
const residentOf = (i: number) => (i % 10 === 0 ? `h${Math.floor(i / 1_000)}` : `r${Math.floor(i / 3)}`);

function activityDoc(k: number): Document {
  const community = communities[(k * 37) % 100]!;
  const startsAt = startsAtOf(k);
  return {
    _id: `a${String(k).padStart(7, "0")}`,
    orderId: `o${k}`,
    requesterId: `r${k}`,
    title: "老年人智能手机使用讲座",
    theme: 1 + (k % 8),
    format: 1,
    audience: 1,
    organizerOrgId: community.orgId,
    place: community,
    teamId: `t${k % 50}`,
    campaignId: k % 10 === 0 ? `camp${k % 4}` : "",
    sessions: [{ sessionId: `a${k}-s1`, startsAt, endsAt: new Date(startsAt.getTime() + 7_200_000), resourceId: "", place: "社区活动室", capacity: PER_ACTIVITY }],
    priorityCommunityId: "",
    status: statusSlots[(k * 7) % statusSlots.length]!,
    summaryFiled: false,
    participants: 0,
    uniqueParticipants: 0,
    serviceHours: 0,
    startsAt,
    version: 1,
    outbox: [],
    outboxCount: 0,
  };
}

function bookingDoc(i: number): Document {
  const k = Math.floor(i / PER_ACTIVITY);
  return {
    _id: `b${String(i).padStart(8, "0")}`,
    activityId: `a${String(k).padStart(7, "0")}`,
    sessionId: `a${k}-s1`,
    residentId: residentOf(i),
    communityId: communities[(k * 37) % 100]!.communityId,
    status: bookingStatuses[i % bookingStatuses.length]!,
    waitlistPosition: 0,
    bookedAt: new Date(t0 + i * 1_000),
    version: 1,
    outbox: [],
    outboxCount: 0,
  };
}

async function seedTo(n: number): Promise<{ seconds: number; added: number }> {
  const started = performance.now();
  let added = 0;
  for (const [collection, count, make] of [
    [db.collection("bookings"), n, bookingDoc],
    [db.collection("activities"), Math.ceil(n / PER_ACTIVITY), activityDoc],
  ] as const) {
    const have = await collection.estimatedDocumentCount();
    for (let from = have; from < count; from += 1_000) await collection.insertMany(Array.from({ length: Math.min(1_000, count - from) }, (_, j) => make(from + j)));
    added += Math.max(0, count - have);
  }
  return { seconds: (performance.now() - started) / 1000, added };
}

let seed = 12345;
const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
type Actor = { id: string; role: Role; orgId: string };
const cityStaff: Actor = { id: "staff-sz", role: Role.CITY_STAFF, orgId: "sz" };

/** A resident who has bookings at size n: a heavy one (100 bookings) or a short list (~3). */
function resident(n: number, heavy: boolean): string {
  if (heavy) return `h${rnd(Math.max(1, Math.floor(n / 1_000)))}`;
  const j = rnd(n);
  return residentOf(j % 10 === 0 ? j + 1 : j);
}

type ActivityAsk = { actor: Actor; request: { orgId: string; teamId: string; status: ActivityStatus; theme: number; campaignId: string; from?: Date; to?: Date; page: number; pageSize: number }; query: ActivityQuery };
const statusName = (s: ActivityStatus) => (s === ActivityStatus.UNSPECIFIED ? "" : (ActivityStatus[s] as ActivityQuery["status"]));

function activityAsk(n: number, i: number): ActivityAsk {
  const c = communities[rnd(100)]!;
  const base = { orgId: "", teamId: "", status: ActivityStatus.UNSPECIFIED, theme: 0, campaignId: "", page: rnd(2) === 0 ? 0 : rnd(5), pageSize: 20 };
  let actor: Actor;
  let request: ActivityAsk["request"];
  switch (i % 6) {
    case 0: // a resident: what is on near her community
      actor = { id: `r${i}`, role: Role.RESIDENT, orgId: c.orgId };
      request = { ...base, orgId: c.orgId, status: ActivityStatus.SCHEDULED };
      break;
    case 1:
    case 2: {
      // staff of one level, their subtree, a status or all, narrowed to a child org or not
      const level = rnd(4);
      const org = c.path[level]!;
      actor = { id: `staff-${org}`, role: [Role.CITY_STAFF, Role.DISTRICT_STAFF, Role.STREET_STAFF, Role.COMMUNITY_WORKER][level]!, orgId: org };
      request = { ...base, orgId: rnd(3) === 0 ? c.path[Math.min(3, level + 1)]! : "", status: [ActivityStatus.UNSPECIFIED, ActivityStatus.SCHEDULED, ActivityStatus.COMPLETED, ActivityStatus.CANCELLED][rnd(4)]! };
      break;
    }
    case 3: {
      // a team leader: the team's schedule
      const team = `t${rnd(50)}`;
      actor = { id: `lead-${team}`, role: Role.TEAM_LEADER, orgId: team };
      request = { ...base, status: rnd(2) === 0 ? ActivityStatus.SCHEDULED : ActivityStatus.UNSPECIFIED };
      break;
    }
    case 4: // a campaign's activities in a district
      actor = cityStaff;
      request = { ...base, orgId: c.districtId, campaignId: `camp${rnd(4)}` };
      break;
    default: {
      // a month's window in a district
      const span = Math.ceil(n / PER_ACTIVITY) * 60_000;
      const from = new Date(t0 + rnd(Math.max(1, span - 30 * 86_400_000)));
      actor = cityStaff;
      request = { ...base, orgId: c.districtId, from, to: new Date(from.getTime() + Math.min(span, 30 * 86_400_000)) };
    }
  }
  // The query the service's reach() builds from it (services/events/src/grpc/events-service.ts).
  const asked = request.orgId ? [request.orgId] : [];
  const reach =
    actor.role === Role.RESIDENT ? { withinOrgIds: asked, teamId: request.teamId } : actor.role === Role.TEAM_LEADER ? { withinOrgIds: asked, teamId: actor.orgId } : { withinOrgIds: [...asked, actor.orgId], teamId: request.teamId };
  return { actor, request, query: { ...reach, theme: request.theme, campaignId: request.campaignId, status: statusName(request.status), from: request.from, to: request.to, page: request.page, pageSize: request.pageSize } };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}


await engines.createTopics(["dispatch", "registry", "events"].map((c) => engines.topic(c))).catch(() => undefined); // kept from an earlier run

const results: ({ size: number; lists: Record<string, Summary> } & Record<string, unknown>)[] = [];
const rows: Record<string, string | number>[] = [];
let service: ServiceProcess | undefined;
try {
  for (const n of sizes) {
    const loadBefore = load();
    const seeded = await seedTo(n);
    await redis.del(`${keyPrefix}bookings:index-built:2`, `${keyPrefix}activities:index-built`);
    const rebuild = await timed(() => Promise.all([bookingIndex.rebuild(), activityIndex.rebuild()]));
    console.log(`${n}: seeded ${seeded.added} in ${seeded.seconds.toFixed(1)} s; indexes rebuilt from ${rebuild.value.join(" + ")} documents in ${(rebuild.ms / 1000).toFixed(1)} s`);
    service ??= await ServiceProcess.start("events", engines.serviceEnv({ LOG_LEVEL: "error" }));
    const client = createRpcClient(EventsService, service.grpcAddress, { signer: testSigner(), timeoutMs: 600_000 });
    const perList: Record<string, Summary> = {};

    /** Asks one list `asks` times through the service, then the first few asks again by the scan, comparing. */
    async function measure<A>(list: string, make: (i: number) => A, ask: (a: A) => Promise<unknown>, scan: (a: A) => Promise<unknown>): Promise<void> {
      for (let i = 0; i < 10; i++) await ask(make(i)); // warm-up (connections, JIT), not counted
      const samples: number[] = [];
      const kept: { a: A; answer: unknown }[] = [];
      for (let i = 0; i < asks; i++) {
        const a = make(i);
        const { ms, value } = await timed(() => ask(a));
        samples.push(ms);
        if (kept.length < scansAt(n)) kept.push({ a, answer: value });
      }
      const scans: number[] = [];
      let mismatches = 0;
      for (const { a, answer } of kept) {
        const scanned = await timed(() => scan(a));
        scans.push(scanned.ms);
        if (!same(scanned.value, answer)) {
          mismatches++;
          console.log(`MISMATCH ${list} ${JSON.stringify(a)}: service ${JSON.stringify(answer)} scan ${JSON.stringify(scanned.value)}`);
        }
      }
      perList[list] = summary(samples, scans, kept.length, mismatches);
      console.log(`${n} ${list}: ${JSON.stringify(perList[list])}`);
    }

    // 我的预约, the first page of 20 as the web app asks for it (paged by the events service since
    // session 10; before, a heavy resident's 100 bookings cost 100 booking and up to 100 activity reads).
    for (const [list, heavy] of [["mine", false], ["mineHeavy", true]] as const)
      await measure(
        list,
        () => resident(n, heavy),
        async (id) => (await client.listMyBookings({ page: 0, pageSize: 20 }, { actor: { id, role: Role.RESIDENT, orgId: "x" } })).bookings.map((b) => b.bookingId),
        async (id) => (await scanning.bookingsOf({ residentId: id })).slice(0, 20).map((b) => b.bookingId),
      );
    await measure(
      "attendance",
      () => `a${String(rnd(Math.ceil(n / PER_ACTIVITY))).padStart(7, "0")}`,
      async (activityId) => (await client.listAttendance({ activityId }, { actor: cityStaff })).bookings.map((b) => b.bookingId),
      async (activityId) => (await scanning.bookingsOf({ activityId })).map((b) => b.bookingId),
    );
    await measure(
      "activities",
      (i) => activityAsk(n, i),
      async ({ actor, request }) => {
        const { from, to, ...rest } = request;
        const r = await client.listActivities(create(ListActivitiesRequestSchema, { ...rest, from: from && timestampFromDate(from), to: to && timestampFromDate(to) }), { actor });
        return { ids: r.activities.map((a) => a.activityId), total: Number(r.total) };
      },
      async ({ query }) => {
        const r = await scanning.list(query);
        return { ids: r.activities.map((a) => a.activityId), total: r.total };
      },
    );
    const memory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
    results.push({ size: n, activities: Math.ceil(n / PER_ACTIVITY), loadAverage: { before: loadBefore, after: load() }, seedSeconds: seeded.seconds, rebuildSeconds: rebuild.ms / 1000, redisUsedMemoryMiB: Math.round(memory / 2 ** 20), lists: perList });
    for (const [list, s] of Object.entries(perList)) rows.push({ size: n, list, p50: s.p50, p99: s.p99, scanP50: s.scanP50, ratio: s.scanP50 && s.p50 ? Math.round(s.scanP50 / s.p50) : 0, mismatches: s.mismatches });
  }
} finally {
  await service?.stop();
}

const { targets, totalMismatches } = scaleTargets(results);
writeResult(
  "scale-events",
  {
    params: { sizes, asksPerList: asks, scans: Object.fromEntries(sizes.map((n) => [n, scansAt(n)])), pageSize: 20, bookingsPerActivity: PER_ACTIVITY, tree: "1 city, 4 districts, 20 streets, 100 communities; 50 teams; 4 campaigns (1 activity in 10)", residents: "1 booking in 10 to heavy residents (100 bookings each), the rest ~3 each" },
    target: "issue 20 bench/scale: p99 ≤ 50 ms at 1,000,000 stored bookings and ≤ 2× its own p99 at 10,000; the same answers as a full scan",
    baseline: "the same query answered by ActivityStore without the indexes (today's code path: FerretDB reads the whole collection), in this process",
    totalMismatches,
    targets,
    sizes: results,
  },
  rows,
);
if (!keep) await engines.cleanup();
await mongo.close();
redis.disconnect();
console.log(`mismatches: ${totalMismatches}`);
