// Staff accounts and residents' moves as events, against the real engines (FerretDB, Redis, Kafka),
// in-process: each change stores its event with it and the gateway's relay publishes it to
// kepu.registry.v1 with source "gateway", in order per account, numbered by version; a change
// that changes nothing is no event; no event carries a password, a hash or a phone. And the
// accounts follow their org's moves (OrganizationMoved through the gateway's org follower).
import { fromBinary } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, decodeEnvelope, EventPublisher, newEvent, toOutgoing, type EventConsumer, type EventEnvelope } from "@kepu/bus";
import { contractsRegistry } from "@kepu/contracts";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrganizationMovedSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix, waitFor, type RecordedMessage } from "@kepu/testkit";
import { Accounts } from "../src/auth/accounts.js";
import { orgFollower } from "../src/auth/org-follower.js";
import { ResidentMoves } from "../src/auth/resident-moves.js";

const engines = new TestEngines(uniquePrefix("accountevents"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
const logger = createLogger({ service: "gateway-test", level: "warn" });
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "account-events-test", logger });
const publisher = new EventPublisher(kafka);
const relay = new OutboxRelay({ collections: [], publisher, logger });
const topic = engines.topic("registry");
let accounts: Accounts;
let moves: ResidentMoves;
let follower: EventConsumer;

const admin = { id: "root", role: Role.ADMIN, orgId: "sz", displayName: "平台管理员" };
const decoded = (messages: RecordedMessage[]) => messages.map((m) => ({ key: m.key, value: m.value, envelope: decodeEnvelope(m.value) }));
const payloadOf = (envelope: EventEnvelope) => fromBinary(contractsRegistry.getMessage(envelope.type)!, envelope.payload) as unknown as Record<string, unknown>;
const short = (type: string) => type.split(".").pop();

beforeAll(async () => {
  await engines.createTopics([topic]);
  await Promise.all([mongo.connect(), publisher.connect()]);
  const db = mongo.db(engines.database("gateway"));
  accounts = new Accounts(db, redis, `${engines.prefix}kepu:gateway:`, { maxFailures: 3, windowSeconds: 60, lockSeconds: 60 }, { topic, relay });
  moves = new ResidentMoves(db, { topic, relay });
  relay.watch([accounts.collection, moves.collection]);
  relay.start();
  follower = orgFollower(kafka, `${engines.prefix}kepu.gateway.registry`, topic, accounts, logger);
  await follower.start();
});

afterAll(async () => {
  await follower.stop();
  await relay.stop();
  await publisher.disconnect();
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("account events", () => {
  it("publishes every change of an account, in order, numbered by version, from the gateway, never a password", async () => {
    const made = await accounts.add(
      { account: "li.worker", displayName: "红荔社区 李社工", role: Role.COMMUNITY_WORKER, orgId: "c1", path: ["sz", "sz-futian", "y", "c1"], password: "initial-pass-1", mustChangePassword: true, createdBy: "root" },
      { actor: admin, correlationId: "req-1" },
    );
    await accounts.setStatus("li.worker", "disabled", { actor: admin, correlationId: "req-2" });
    await accounts.setStatus("li.worker", "disabled", { actor: admin, correlationId: "req-2b" }); // no change: no event
    await accounts.setStatus("li.worker", "active", { actor: admin, correlationId: "req-3" });
    const reset = await accounts.resetPassword("li.worker", { actor: admin, correlationId: "req-4" });
    await accounts.changePassword("li.worker", reset.password, "her-own-password", "req-5");

    const mine = (messages: RecordedMessage[]) => decoded(messages).filter((m) => m.envelope.aggregateId === "li.worker");
    const messages = mine(await engines.readTopic(topic, (all) => mine(all).length >= 5));
    expect(messages.map((m) => short(m.envelope.type))).toEqual(["StaffAccountCreated", "StaffAccountDisabled", "StaffAccountEnabled", "StaffAccountPasswordReset", "StaffAccountPasswordChanged"]);
    expect(messages.map((m) => Number(m.envelope.aggregateVersion))).toEqual([1, 2, 3, 4, 5]);
    expect(messages.map((m) => m.envelope.correlationId)).toEqual(["req-1", "req-2", "req-3", "req-4", "req-5"]);
    expect(new Set(messages.map((m) => `${m.key} ${m.envelope.source}`))).toEqual(new Set(["li.worker gateway"]));
    expect(messages[0]!.envelope.actor).toMatchObject({ id: "root", role: Role.ADMIN });
    expect(messages[4]!.envelope.actor).toMatchObject({ id: "li.worker", role: Role.COMMUNITY_WORKER }); // the owner's own change
    expect(payloadOf(messages[0]!.envelope)).toMatchObject({ account: "li.worker", role: Role.COMMUNITY_WORKER, orgId: "c1", displayName: "红荔社区 李社工", createdBy: "root", path: ["sz", "sz-futian", "y", "c1"], mustChangePassword: true });
    const bytes = Buffer.concat(messages.map((m) => m.value)).toString("latin1");
    for (const secret of ["initial-pass-1", reset.password, "her-own-password", "$argon2"]) expect(bytes).not.toContain(secret);
    expect(made.account.account).toBe("li.worker");

    const stored = await mongo.db(engines.database("gateway")).collection("accounts").findOne({ _id: "li.worker" as never });
    expect(stored).toMatchObject({ version: 5, outboxCount: 0, outbox: [] }); // published, then taken out
  });

  it("numbers an account kept before accounts had events from 1 (prepare), and its next change is 2", async () => {
    await mongo.db(engines.database("gateway")).collection("accounts").insertOne({ _id: "old.hand" as never, passwordHash: "x", role: Role.STREET_STAFF, orgId: "y", displayName: "老账号", status: "active" });
    await accounts.prepare();
    await accounts.setStatus("old.hand", "disabled", { actor: admin, correlationId: "req-old" });
    const mine = (messages: RecordedMessage[]) => decoded(messages).filter((m) => m.envelope.aggregateId === "old.hand");
    const [disabled] = mine(await engines.readTopic(topic, (all) => mine(all).length >= 1));
    expect(short(disabled!.envelope.type)).toBe("StaffAccountDisabled");
    expect(Number(disabled!.envelope.aggregateVersion)).toBe(2);
  });

  it("publishes a resident's moves, keyed by her id and numbered, with no phone", async () => {
    const resident = { id: "resident-0123456789abcdef", role: Role.RESIDENT, orgId: "c1", displayName: "居民" };
    const first = await moves.record(resident.id, "c1", "c2", { actor: resident, correlationId: "move-1" }, new Date("2026-11-01T02:00:00Z"));
    await moves.record(resident.id, "c2", "c3", { actor: { ...resident, orgId: "c2" }, correlationId: "move-2" });
    const mine = (messages: RecordedMessage[]) => decoded(messages).filter((m) => m.key === resident.id);
    const messages = mine(await engines.readTopic(topic, (all) => mine(all).length >= 2));
    expect(messages.map((m) => [short(m.envelope.type), Number(m.envelope.aggregateVersion), m.envelope.source])).toEqual([
      ["ResidentMovedCommunity", 1, "gateway"],
      ["ResidentMovedCommunity", 2, "gateway"],
    ]);
    expect(payloadOf(messages[0]!.envelope)).toMatchObject({ residentId: resident.id, fromCommunityId: "c1", toCommunityId: "c2" });
    expect(first.movedAt.toISOString()).toBe("2026-11-01T02:00:00.000Z");
    expect((await moves.of(resident.id)).map((m) => [m.fromCommunityId, m.toCommunityId])).toEqual([["c1", "c2"], ["c2", "c3"]]);
  });

  it("moves the accounts of a moved org to its new place; an older or repeated move changes nothing; the account events are skipped", async () => {
    const before = ["sz", "sz-futian", "y", "c7"];
    const after = ["sz", "sz-luohu", "s", "c7"];
    await accounts.add({ account: "c7.worker", displayName: "七号社区 社工", role: Role.COMMUNITY_WORKER, orgId: "c7", path: before, password: "initial-pass-7", mustChangePassword: true, createdBy: "root" });
    await accounts.add({ account: "c8.worker", displayName: "八号社区 社工", role: Role.COMMUNITY_WORKER, orgId: "c8", path: ["sz", "sz-futian", "y", "c8"], password: "initial-pass-8", mustChangePassword: true, createdBy: "root" });
    const moved = (version: number, path: string[]) =>
      toOutgoing(topic, newEvent(OrganizationMovedSchema, { orgId: "c7", parentId: path.at(-2)!, place: { orgId: "c7", path }, fromParentId: "" }, { source: "registry", aggregateId: "c7", aggregateVersion: version, correlationId: `move-${version}` }));
    await publisher.send([moved(3, after)]);
    await waitFor(async () => (await accounts.get("c7.worker"))?.path.includes("sz-luohu"), { what: "c7.worker at the new place" });
    await publisher.send([moved(3, after), moved(2, before), moved(4, after)]); // a repeat and an older one, then a newer one to wait for
    await waitFor(async () => (await mongo.db(engines.database("gateway")).collection("accounts").findOne({ _id: "c7.worker" as never }))?.orgVersion === 4, { what: "the newest move applied" });
    expect((await accounts.get("c7.worker"))?.path).toEqual(after);
    expect((await accounts.get("c8.worker"))?.path).toEqual(["sz", "sz-futian", "y", "c8"]); // another org's account stays
    expect((await accounts.list({ withinOrgs: ["sz-luohu"] }, 0, 50)).accounts.map((a) => a.account)).toContain("c7.worker");
    expect(follower.counters.deadLettered).toBe(0);
    expect(follower.counters.skipped).toBeGreaterThan(0); // the account events on the same topic
  });
});
