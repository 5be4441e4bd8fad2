// Backup → empty machine → restore. Real order lives run through the services (and the gateway,
// for accounts and sessions) on the shared engines; the services stop; `npm run backup` writes the
// archive; `npm run restore` writes it onto a second, empty set of engines of this file's own; the
// services start there. Every document, Redis key, topic record and committed offset must be
// identical, the figures the same, the users still signed in, and the platform must go on working.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { BSON, MongoClient } from "mongodb";
import { Redis } from "ioredis";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { Platform } from "@kepu/faults/platform";
import { connectClients, type Clients } from "@kepu/faults/workload";
import { waitUntilCaughtUp } from "@kepu/faults/topics";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { FaultEngines } from "../../faults/src/engines.js";
import { scopeOf } from "../src/index.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const source = new TestEngines(uniquePrefix("backup"));
const scope = scopeOf(source.prefix);
interface Urls {
  KAFKA_BROKERS: string;
  MONGO_URL: string;
  REDIS_URL: string;
}
const sourceUrls: Urls = { KAFKA_BROKERS: source.urls.kafkaBrokers.join(","), MONGO_URL: source.urls.mongoUrl, REDIS_URL: source.urls.redisUrl };

let folder: string;
/** The events service's clock offset (ms): moved to a session's day to check in and complete, as on the day. */
const clockFile = () => join(folder, "clock");
const setClock = (at: number | "now") => writeFile(clockFile(), at === "now" ? "0" : String(at - Date.now()));
let empty: FaultEngines;
let targetUrls: Urls;
let archive: string;
const running: Array<{ stop(): Promise<void> }> = [];

/** The four backend services and the gateway on one set of engines (the demo accounts are made only on the source: restored ones must come from the backup). */
async function startPlatform(urls: Urls, demoAccounts: boolean): Promise<{ clients: Clients; gateway: ServiceProcess }> {
  const platform = await Platform.start(source, { ...urls, TEST_CLOCK_FILE: clockFile() });
  running.push(platform);
  const grpc = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  const gateway = await ServiceProcess.start("gateway", source.serviceEnv({ ...urls, ...grpc, DEMO_ACCOUNTS: demoAccounts ? "1" : "0" }));
  running.push(gateway);
  return { clients: connectClients((name) => platform.address(name)), gateway };
}

async function stopEverything(): Promise<void> {
  await Promise.all(running.splice(0).map((p) => p.stop()));
}

/** `npm run backup` / `npm run restore` as an operator runs them, against the given engines. */
async function tool(command: "backup" | "restore", args: string[], urls: Urls): Promise<{ code: number; out: string }> {
  return run("node", ["--import", "tsx", `deploy/backup/bin/${command}.ts`, ...args], { cwd: repo, env: { ...process.env, ...urls, KEPU_PREFIX: source.prefix }, timeout: 300_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, out: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
}

async function signIn(gateway: ServiceProcess, account: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await fetch(`${gateway.httpUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ account, password: "kepu-demo" }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}

async function figuresOf(clients: Clients, orgId: string) {
  const { computedAt: _computedAt, ...figures } = (await clients.stats.getFigures({ slice: { orgId } }, { actor: admin })).figures!;
  return figures;
}

interface Snapshot {
  documents: Record<string, string[]>;
  /** Each key's type and content (see keyContent), and when it expires. */
  keys: Record<string, { content: string; expiresAt: number }>;
  records: Record<string, string[]>;
  offsets: Record<string, Record<string, string>>;
}

/** Everything of the platform on a set of engines, read with the drivers directly (not with the backup's code). */
/**
 * A key's type and content, written the same way whatever its encoding: DUMP's bytes are not that —
 * a hash whose values outgrow hash-max-listpack-value is a hashtable, and DUMP lists it in the order
 * of the server's own random hash seed, so the same content dumps differently on another server.
 */
async function keyContent(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  const content =
    type === "string" ? (await redis.getBuffer(key))!.toString("base64")
    : type === "hash" ? Object.entries(await redis.hgetall(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : type === "list" ? await redis.lrange(key, 0, -1)
    : type === "set" ? (await redis.smembers(key)).sort()
    : type === "zset" ? await redis.zrange(key, 0, -1, "WITHSCORES")
    : type === "stream" ? await redis.xrange(key, "-", "+")
    : (await redis.dumpBuffer(key))!.toString("base64");
  return `${type} ${JSON.stringify(content)}`;
}

async function snapshot(urls: Urls): Promise<Snapshot> {
  const mongo = new MongoClient(urls.MONGO_URL);
  const redis = new Redis(urls.REDIS_URL);
  const kafka = new Kafka({ clientId: "backup-test", brokers: urls.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await Promise.all([mongo.connect(), admin.connect()]);
  try {
    const documents: Snapshot["documents"] = {};
    for (const { name } of (await mongo.db().admin().listDatabases({ nameOnly: true })).databases.filter((d) => scope.database(d.name))) {
      for (const { name: collection } of await mongo.db(name).listCollections({}, { nameOnly: true }).toArray()) {
        const docs = await mongo.db(name).collection(collection).find({}).toArray();
        documents[`${name}.${collection}`] = docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false })).sort();
      }
    }
    const keys: Snapshot["keys"] = {};
    for (const key of await redis.keys(scope.redisPattern)) {
      const pttl = await redis.pttl(key);
      keys[key] = { content: await keyContent(redis, key), expiresAt: pttl > 0 ? Date.now() + pttl : 0 };
    }
    const topics = (await admin.listTopics()).filter(scope.topic);
    const offsets: Snapshot["offsets"] = {};
    for (const groupId of (await admin.listGroups()).groups.map((g) => g.groupId).filter(scope.group)) {
      offsets[groupId] = Object.fromEntries((await admin.fetchOffsets({ groupId })).flatMap(({ topic, partitions }) => partitions.map((p) => [`${topic}/${p.partition}`, p.offset])));
    }
    return { documents, keys, records: await everyRecord(kafka, admin, topics), offsets };
  } finally {
    await Promise.allSettled([mongo.close(), admin.disconnect()]);
    redis.disconnect();
  }
}

/** Each partition's records in order: offset, timestamp, key, value and headers. */
async function everyRecord(kafka: Kafka, admin: Admin, topics: string[]): Promise<Record<string, string[]>> {
  const records: Record<string, string[]> = {};
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      records[`${topic}/${p.partition}`] = [];
      ends.set(`${topic}/${p.partition}`, Number(p.high));
    }
  }
  const expected = [...ends.values()].reduce((a, b) => a + b, 0);
  if (expected === 0) return records;
  let seen = 0;
  const consumer = kafka.consumer({ groupId: `backup-test-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const headers = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`);
        records[`${topic}/${partition}`]!.push(JSON.stringify([message.offset, message.timestamp, message.key?.toString("base64") ?? null, message.value?.toString("base64") ?? null, headers]));
        seen++;
      },
    });
    await waitFor(() => seen >= expected, { timeoutMs: 60_000, what: `every record (${seen} of ${expected})` });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

const admin = { id: "backup-admin", role: Role.ADMIN };

const districts = ["fz-futian", "fz-nanshan"] as const;
type District = (typeof districts)[number];

/** The places and teams the lives order in (a team with a member, serving its district), and dispatch knowing the teams. */
async function seed(clients: Clients): Promise<void> {
  await clients.registry.registerOrganization({ orgId: "fz", name: "备份市", kind: OrgKind.CITY }, { actor: admin });
  for (const [i, district] of districts.entries()) {
    const teamId = `fz-team-${district.slice(3)}`;
    await clients.registry.registerOrganization({ orgId: district, name: `备份第${i + 1}区`, kind: OrgKind.DISTRICT, parentId: "fz" }, { actor: admin });
    await clients.registry.registerOrganization({ orgId: `${district}-s`, name: `备份第${i + 1}街道`, kind: OrgKind.STREET, parentId: district }, { actor: admin });
    await clients.registry.registerOrganization({ orgId: `${district}-c1`, name: `备份第${i + 1}社区`, kind: OrgKind.COMMUNITY, parentId: `${district}-s` }, { actor: admin });
    await clients.registry.registerTeam({ teamId, name: `备份第${i + 1}区科技志愿服务队`, orgId: district, themes: [Theme.HEALTH], serviceAreaOrgIds: [district], leaderId: `leader-${teamId}` }, { actor: admin });
    await clients.registry.addVolunteer({ teamId, volunteerId: `vol-${teamId}`, realName: "志愿者", phone: `1380013800${i}`, skills: [Theme.HEALTH] }, { actor: admin });
  }
  for (const district of districts) {
    const probe = `probe-${district}`;
    const community = (await clients.registry.getOrganization({ orgId: `${district}-c1` }, { actor: admin })).organization!.place!;
    await waitFor(() => clients.dispatch.submitOrder({ orderId: probe, request: { title: "探测", theme: Theme.HEALTH, community } }, { actor: admin }).then(() => true), { timeoutMs: 60_000, intervalMs: 200, what: `dispatch knowing ${district}` });
    await waitFor(async () => (await clients.dispatch.suggestTeams({ orderId: probe }, { actor: admin })).suggestions.some((t) => t.teamId === `fz-team-${district.slice(3)}`), { timeoutMs: 60_000, intervalMs: 200, what: `dispatch suggesting the team of ${district}` });
    await clients.dispatch.cancelOrder({ orderId: probe, reason: "探测完毕" }, { actor: admin });
  }
}

interface Life {
  orderId: string;
  communityId: string;
  /** Booking ids by resident. */
  bookings: Map<string, string>;
}

/** One order's whole life through the services' APIs (one at a time: they move the events service's clock): 点单 → 派单 → 接单 → activity → 预约 ×2 → 签到 → 总结 → 完成 → DELIVERED. */
async function live(clients: Clients, orderId: string, district: District): Promise<Life> {
  const communityId = `${district}-c1`;
  const teamId = `fz-team-${district.slice(3)}`;
  const worker = { id: `worker-${communityId}`, role: Role.COMMUNITY_WORKER, orgId: communityId };
  const community = (await clients.registry.getOrganization({ orgId: communityId }, { actor: admin })).organization!.place!;
  await clients.dispatch.submitOrder({ orderId, request: { title: `健康讲座 ${orderId}`, theme: Theme.HEALTH, format: Format.EXPERT_TALK, audience: Audience.ELDERLY, expectedParticipants: 10, community } }, { actor: worker });
  await clients.dispatch.dispatchOrder({ orderId, teamIds: [teamId] }, { actor: worker });
  await clients.dispatch.acceptOrder({ orderId, teamId }, { actor: { id: `leader-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId } });
  const activityId = `act-${orderId}`;
  const activity = await waitFor(async () => (await clients.events.getActivity({ activityId }, { actor: admin }).catch(() => undefined))?.activity, { timeoutMs: 60_000, intervalMs: 100, what: `activity ${activityId}` });
  const session = activity.sessions[0]!.session!;
  const sessionId = session.sessionId;
  const bookings = new Map<string, string>();
  for (const residentId of [`${orderId}-r1`, `${orderId}-r2`]) {
    const made = await clients.events.book({ activityId, sessionId }, { actor: { id: residentId, role: Role.RESIDENT, orgId: communityId } });
    bookings.set(residentId, made.booking!.bookingId);
  }
  await setClock(Number(session.startsAt!.seconds) * 1000 + 60_000); // the session has begun
  await clients.events.checkIn({ bookingId: bookings.get(`${orderId}-r1`)! }, { actor: worker });
  await setClock(Number(session.endsAt!.seconds) * 1000 + 60_000); // and it is over
  await clients.events.fileSummary({ activityId, text: "讲座顺利完成，居民反响很好。" }, { actor: worker });
  await clients.events.completeActivity({ activityId, walkIns: 2 }, { actor: worker });
  await setClock("now");
  await waitFor(async () => (await clients.dispatch.getOrder({ orderId }, { actor: admin })).order?.status === OrderStatus.DELIVERED, { timeoutMs: 60_000, intervalMs: 100, what: `${orderId} DELIVERED` });
  return { orderId, communityId, bookings };
}

let before: Snapshot;
let figuresBefore: Awaited<ReturnType<typeof figuresOf>>;
let session: { refreshToken: string };
let lives: Life[];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "kepu-backup-test-"));
  archive = join(folder, "platform.tar.gz");
  // The "empty machine": engines of this file's own, below the ephemeral port range, in a temp folder.
  empty = new FaultEngines({ kafka: 29192, controller: 29193, mongo: 28127, redis: 26479 }, { state: join(folder, "engines") });
  // The topics exist before any consumer subscribes (3 partitions, so a restore must recreate that count).
  await source.createTopics(["registry", "dispatch", "events"].map((c) => source.topic(c)));
  const [, { clients, gateway }] = await Promise.all([empty.start(), startPlatform(sourceUrls, true)]);
  targetUrls = await empty.urls();

  await seed(clients);
  lives = [];
  for (const [i, district] of ["fz-futian", "fz-nanshan", "fz-futian", "fz-nanshan"].entries()) lives.push(await live(clients, `bk-${i}`, district as District));
  session = await signIn(gateway, "worker");
  await waitUntilCaughtUp(source.kafka, source.prefix);
  figuresBefore = await waitFor(async () => {
    const f = await figuresOf(clients, "fz");
    return f.ordersByStatus.DELIVERED === 4 && f;
  }, { timeoutMs: 60_000, what: "the figures of the four lives" });
  clients.close();
  await stopEverything(); // quiesced: nothing writes while the backup runs
}, 400_000);

afterAll(async () => {
  await stopEverything().catch(() => undefined);
  await source.cleanup();
  await empty?.stop().catch(() => undefined);
  if (folder) await rm(folder, { recursive: true, force: true });
}, 180_000);

describe("backup → empty machine → restore", () => {
  it("npm run backup refuses while the services run: a snapshot would not be consistent", async () => {
    const stats = await ServiceProcess.start("stats", source.serviceEnv());
    try {
      const refused = await waitFor(async () => {
        const result = await tool("backup", ["--out", join(folder, "refused.tar.gz")], sourceUrls);
        return result.code !== 0 && result;
      }, { timeoutMs: 60_000, intervalMs: 500, what: "the backup to see the running stats service" });
      expect(refused.out).toContain("SERVICES_RUNNING");
      expect(refused.out).toContain("服务仍在运行");
    } finally {
      await stats.stop();
    }
  }, 120_000);

  it("writes one archive, restores it onto empty engines, and every record, key, event and offset is identical", async () => {
    before = await snapshot(sourceUrls);
    expect(Object.keys(before.documents).length).toBeGreaterThan(5);
    expect(Object.keys(before.keys).length).toBeGreaterThan(0);
    expect(Object.values(before.records).flat().length).toBeGreaterThan(50);

    const made = await tool("backup", ["--out", archive], sourceUrls);
    expect(made.code, made.out).toBe(0);
    const restored = await tool("restore", [archive], targetUrls);
    expect(restored.code, restored.out).toBe(0);

    const after = await snapshot(targetUrls);
    expect(after.documents).toEqual(before.documents);
    expect(after.records).toEqual(before.records);
    expect(after.offsets).toEqual(before.offsets);
    // Keys come back with the same value and the same moment of expiry (a key whose expiry passed since is gone, as in Redis).
    const stillAlive = Object.entries(before.keys).filter(([, k]) => k.expiresAt === 0 || k.expiresAt > Date.now() + 5_000);
    expect(Object.keys(after.keys).sort()).toEqual(expect.arrayContaining(stillAlive.map(([key]) => key)));
    for (const [key, { content, expiresAt }] of stillAlive) {
      expect(after.keys[key]!.content, key).toBe(content);
      expect(Math.abs(after.keys[key]!.expiresAt - expiresAt), key).toBeLessThan(2_000);
    }
  }, 300_000);

  it("refuses to restore onto engines that hold the platform already, and a damaged archive", async () => {
    const again = await tool("restore", [archive], targetUrls);
    expect(again.code).toBe(1);
    expect(again.out).toContain("NOT_EMPTY");

    const unpacked = join(folder, "unpacked");
    await rm(unpacked, { recursive: true, force: true });
    await mkdir(unpacked);
    await tar.extract({ file: archive, cwd: unpacked });
    const ordersFile = Object.keys(before.documents).find((name) => name.startsWith(`${source.prefix}kepu_dispatch.`))!;
    const [database, collection] = [ordersFile.slice(0, ordersFile.indexOf(".")), ordersFile.slice(ordersFile.indexOf(".") + 1)];
    await writeFile(join(unpacked, "mongo", database, `${collection}.ejson`), "{}\n");
    const damaged = join(folder, "damaged.tar.gz");
    await tar.create({ gzip: true, file: damaged, cwd: unpacked }, ["manifest.json", "mongo", "redis", "kafka"]);
    const refused = await tool("restore", [damaged], { KAFKA_BROKERS: "127.0.0.1:1", MONGO_URL: "mongodb://127.0.0.1:1/", REDIS_URL: "redis://127.0.0.1:1" });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("BACKUP_DAMAGED");
    expect(refused.out).toContain(`${collection}.ejson`);
  }, 120_000);

  it("the restored platform answers with the same orders, figures and sessions, and goes on working", async () => {
    const { clients, gateway } = await startPlatform(targetUrls, false);
    try {
      expect(await figuresOf(clients, "fz")).toEqual(figuresBefore);
      for (const journey of lives) {
        expect((await clients.dispatch.getOrder({ orderId: journey.orderId }, { actor: admin })).order?.status).toBe(OrderStatus.DELIVERED);
        for (const [residentId, bookingId] of journey.bookings) {
          const mine = await clients.events.listMyBookings({}, { actor: { id: residentId, role: Role.RESIDENT, orgId: journey.communityId } });
          expect(mine.bookings.map((b) => b.bookingId)).toContain(bookingId);
        }
      }
      // The worker's session survived: the refresh token issued before the backup still works.
      const refreshed = await fetch(`${gateway.httpUrl}/api/v1/auth/refresh`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refreshToken: session.refreshToken }) });
      expect(refreshed.status).toBe(200);
      await signIn(gateway, "district"); // an account from the backup: this gateway makes no demo accounts

      // A new life on the restored platform: consumers resume from the restored offsets, nothing is counted twice.
      await live(clients, "after-0", "fz-futian");
      const figures = await waitFor(async () => {
        const f = await figuresOf(clients, "fz");
        return f.ordersByStatus.DELIVERED === 5 && f;
      }, { timeoutMs: 60_000, what: "the new life in the figures" });
      expect(figures.orders).toBe(figuresBefore.orders + 1);
      expect(figures.participants).toBeGreaterThan(figuresBefore.participants);
      clients.close();
    } finally {
      await stopEverything();
    }
  }, 300_000);
});
