// Staff accounts and residents' moves as events, against the real engines (FerretDB, Redis, Kafka),
// in-process: each change stores its event with it and the gateway's relay publishes it to
// kepu.registry.v1 with source "gateway", in order per account, numbered by version; a change
// that changes nothing is no event; no event carries a password, a hash or a phone.
import { fromBinary } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, decodeEnvelope, EventPublisher, type EventEnvelope } from "@kepu/bus";
import { contractsRegistry } from "@kepu/contracts";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix, type RecordedMessage } from "@kepu/testkit";
import { Accounts } from "../src/auth/accounts.js";
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
});

afterAll(async () => {
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
});
