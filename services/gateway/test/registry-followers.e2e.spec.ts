// Issue 15's "every change is an event", end to end with every service as a process: the
// gateway's staff accounts and residents' moves reach kepu.registry.v1 (source gateway, no
// password), and every service that reads the topic passes them by — each group reaches the end of
// every partition with nothing dead-lettered. And the registry's org changes reach their
// followers: a community renamed and moved to another district takes its open order along (the
// order's timeline says so, by the system, naming both places; the new street's staff find it,
// claim it from the pool and dispatch it to a team of theirs; the old street's no longer can), its
// worker's account is kept by the new street, stats counts it and its open order under its new
// district, and once closed it can no longer order, stats no longer counts it among the new
// street's communities, while its order stays (and stays counted).
import { fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope, deadLetterTopicFor } from "@kepu/bus";
import { contractsRegistry } from "@kepu/contracts";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { testSigner, waitFor, type RecordedMessage } from "@kepu/testkit";
import { Platform } from "./platform.js";

let platform: Platform;
const f1 = "sz-futian-yuanling-f1";

beforeAll(async () => {
  platform = await Platform.start("followers");
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

/** A resident signed in for a community of her choosing (the one-time code read from Redis here). */
async function residentOf(communityId: string, phone: string): Promise<string> {
  await platform.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => platform.redis.get(`${platform.engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  return (await platform.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId })).body.accessToken as string;
}

/** 自选主题: no menu item (none is offered in a community made here). */
const freeOrder = (communityId: string) => ({ title: "防汛应急讲座", theme: "THEME_DISASTER_PREVENTION", expectedParticipants: 20, communityId });
/** The figures of an org's subtree, as someone who may read it gets them. */
const figuresOf = async (token: string, orgId: string) => (await platform.call("GET", `/api/v1/stats/figures?orgId=${orgId}`, token)).body.figures as { communities?: number; unmetByCommunity?: Record<string, number> } | undefined;
const orderIdsSeenBy = async (token: string) => ((await platform.call("GET", "/api/v1/orders?pageSize=100", token)).body.orders ?? []).map((o: { orderId: string }) => o.orderId) as string[];

/** The groups of the services that read kepu.registry.v1. */
const registryReaders = () => ["kepu.gateway.registry", "kepu.dispatch.registry", "kepu.events.registry", "kepu.notifications.notify", "kepu.stats.projector-g1"].map((g) => `${platform.engines.prefix}${g}`);

describe("registry events and their followers", () => {
  it("relays account changes and residents' moves; every reader of the topic skips them without a dead letter", async () => {
    const admin = await platform.signIn("admin");
    const made = await platform.call("POST", "/api/v1/accounts", admin, { account: "luohu.clerk", displayName: "罗湖某街道 王干事", role: "STREET_STAFF", orgId: "sz-luohu-s", initialPassword: "luohu-pass-1" });
    expect(made.status).toBe(200);
    expect((await platform.call("POST", "/api/v1/accounts/luohu.clerk/disable", admin)).status).toBe(200);
    expect((await platform.call("POST", "/api/v1/accounts/luohu.clerk/enable", admin)).status).toBe(200);
    const reset = await platform.call("POST", "/api/v1/accounts/luohu.clerk/reset-password", admin);
    expect((await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "luohu.clerk", currentPassword: reset.body.initialPassword, newPassword: "her-own-pass-1" })).status).toBe(200);
    const resident = await platform.resident("13700004444");
    const moved = await platform.call("POST", "/api/v1/me/community", resident, { communityId: "sz-luohu-s-c" });
    expect(moved.status).toBe(200);

    const topic = platform.engines.topic("registry");
    const fromGateway = (messages: RecordedMessage[]) => messages.map((m) => ({ value: m.value, envelope: decodeEnvelope(m.value) })).filter((m) => m.envelope.source === "gateway");
    const clerk = (messages: RecordedMessage[]) => fromGateway(messages).filter((m) => m.envelope.aggregateId === "luohu.clerk");
    const messages = await platform.engines.readTopic(topic, (all) => clerk(all).length >= 5 && fromGateway(all).some((m) => m.envelope.type.endsWith("ResidentMovedCommunity")), 30_000);
    expect(clerk(messages).map((m) => m.envelope.type.split(".").pop())).toEqual(["StaffAccountCreated", "StaffAccountDisabled", "StaffAccountEnabled", "StaffAccountPasswordReset", "StaffAccountPasswordChanged"]);
    expect(clerk(messages)[1]!.envelope.actor?.id).toBe("admin");
    expect(fromGateway(messages).some((m) => m.envelope.aggregateId === "worker" && m.envelope.type.endsWith("StaffAccountCreated"))).toBe(true); // the demo accounts too
    const move = fromGateway(messages).find((m) => m.envelope.type.endsWith("ResidentMovedCommunity"))!;
    expect(fromBinary(contractsRegistry.getMessage(move.envelope.type)!, move.envelope.payload)).toMatchObject({ fromCommunityId: "sz-futian-yuanling-c1", toCommunityId: "sz-luohu-s-c" });
    const bytes = Buffer.concat(fromGateway(messages).map((m) => m.value)).toString("latin1");
    for (const secret of ["luohu-pass-1", reset.body.initialPassword as string, "her-own-pass-1", "kepu-demo", "13700004444", "$argon2"]) expect(bytes).not.toContain(secret);

    // Every reader reaches the end of every partition, and nothing went to a dead-letter topic.
    const kafka = platform.engines.kafka.admin();
    await kafka.connect();
    try {
      const ends = await kafka.fetchTopicOffsets(topic);
      await waitFor(
        async () => {
          for (const groupId of registryReaders()) {
            const [committed] = await kafka.fetchOffsets({ groupId, topics: [topic] });
            for (const end of ends) if ((committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1") !== end.high && end.high !== "0") return false;
          }
          return true;
        },
        { what: "every reader of kepu.registry.v1 at its end", timeoutMs: 30_000 },
      );
      const topics = await kafka.listTopics();
      for (const groupId of registryReaders()) {
        const dlq = deadLetterTopicFor(groupId);
        if (!topics.includes(dlq)) continue;
        expect((await kafka.fetchTopicOffsets(dlq)).map((p) => p.high), dlq).toEqual((await kafka.fetchTopicOffsets(dlq)).map(() => "0"));
      }
    } finally {
      await kafka.disconnect();
    }
  }, 120_000);

  it("a community renamed and moved takes its open order to the new district; once closed it cannot order, its order stays", async () => {
    const admin = await platform.signIn("admin");
    expect((await platform.call("POST", "/api/v1/orgs", admin, { orgId: f1, name: "试点社区", kind: "ORG_KIND_COMMUNITY", parentId: "sz-futian-yuanling" })).status).toBe(201);
    await platform.engines.waitForDocuments("dispatch", "orgs", [f1]);
    expect((await platform.call("POST", "/api/v1/accounts", admin, { account: "f1.worker", displayName: "试点社区 社工", role: "COMMUNITY_WORKER", orgId: f1, initialPassword: "f1-worker-pass", mustChangePassword: false })).status).toBe(200);
    const resident = await residentOf(f1, "13700005555");
    const placed = await platform.call("POST", "/api/v1/orders", resident, freeOrder(f1));
    expect(placed.body).toMatchObject({ order: { status: "ORDER_STATUS_SUBMITTED" } });
    const orderId = placed.body.order.orderId as string;

    const luohuClerk = (await platform.call("POST", "/api/v1/auth/sign-in", undefined, { account: "luohu.clerk", password: "her-own-pass-1" })).body.accessToken as string;
    const futianStreet = await platform.signIn("street");
    expect(await orderIdsSeenBy(futianStreet)).toContain(orderId);
    expect(await orderIdsSeenBy(luohuClerk)).not.toContain(orderId);

    expect((await platform.call("PATCH", `/api/v1/orgs/${f1}`, admin, { name: "迁址社区" })).status).toBe(200);
    const movedOrg = await platform.call("POST", `/api/v1/orgs/${f1}/move`, admin, { parentId: "sz-luohu-s" });
    expect(movedOrg.body.organization.place.path).toEqual(["sz", "sz-luohu", "sz-luohu-s", f1]);

    await waitFor(async () => (await orderIdsSeenBy(luohuClerk)).includes(orderId), { what: "the new street's staff to find the moved community's order", timeoutMs: 30_000 });
    expect(await orderIdsSeenBy(futianStreet)).not.toContain(orderId);
    const followed = await platform.call("GET", `/api/v1/orders/${orderId}`, luohuClerk);
    expect(followed.status).toBe(200);
    const steps = followed.body.order.timeline as { eventType: string; reason: string }[];
    expect(steps.map((step) => step.eventType.split(".").pop())).toEqual(["OrderSubmitted", "OrderCommunityMoved"]);
    expect(steps[1]!.reason).toContain("社区调整到新的街道/区");
    expect(steps[1]!.reason).toContain("→");
    // Stats counts the open order under the new district, no longer under the old one.
    await waitFor(async () => (await figuresOf(admin, "sz-luohu"))?.unmetByCommunity?.[f1] === 1, { what: "stats to count the open order under Luohu", timeoutMs: 30_000 });
    expect((await figuresOf(admin, "sz-futian"))?.unmetByCommunity?.[f1]).toBeUndefined();
    const accountsSeenBy = async (token: string) => ((await platform.call("GET", "/api/v1/accounts?pageSize=100", token)).body.accounts ?? []).map((a: { account: string }) => a.account) as string[];
    await waitFor(async () => (await accountsSeenBy(luohuClerk)).includes("f1.worker"), { what: "the new street to keep the moved community's worker account" });
    expect(await accountsSeenBy(futianStreet)).not.toContain("f1.worker");
    await platform.engines.waitForDocuments("dispatch", "orgs", [f1], (org) => org.name === "迁址社区");
    await platform.engines.waitForDocuments("stats", "org_facts", [f1], (org) => org.name === "迁址社区" && (org.path as string[]).includes("sz-luohu"), 30_000);

    // The community's worker sends it to the pool (转科协); the new street claims and dispatches it to a Luohu team, the old street cannot claim it.
    const worker = (await platform.call("POST", "/api/v1/auth/sign-in", undefined, { account: "f1.worker", password: "f1-worker-pass" })).body.accessToken as string;
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/pool`, worker, { reason: "本社区暂无队伍" })).body.order?.status).toBe("ORDER_STATUS_POOLED");
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/claim`, futianStreet, {})).status).toBeGreaterThanOrEqual(400);
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/claim`, luohuClerk, {})).body.order?.status).toBe("ORDER_STATUS_CLAIMED");
    const registry = createRpcClient(RegistryService, platform.services[0]!.grpcAddress, { signer: testSigner() });
    const asAdmin = { actor: { id: "admin", role: Role.ADMIN } };
    await registry.registerTeam({ teamId: "team-luohu", name: "罗湖区科技志愿服务队", orgId: "sz-luohu", themes: [Theme.DISASTER_PREVENTION], serviceAreaOrgIds: ["sz-luohu"] }, asAdmin);
    await registry.addVolunteer({ teamId: "team-luohu", volunteerId: "vol-luohu-1", realName: "罗志愿", phone: "13800000009", skills: [Theme.DISASTER_PREVENTION] }, asAdmin);
    registry.close();
    await platform.engines.waitForDocuments("dispatch", "teams", ["team-luohu"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, luohuClerk, { teamIds: ["team-luohu"] })).body.order?.status).toBe("ORDER_STATUS_DISPATCHED");

    const communitiesBefore = (await figuresOf(admin, "sz-luohu-s"))?.communities ?? 0;
    expect(communitiesBefore).toBeGreaterThanOrEqual(1);
    expect((await platform.call("POST", `/api/v1/orgs/${f1}/close`, admin, { reason: "撤并" })).status).toBe(200);
    await platform.engines.waitForDocuments("dispatch", "orgs", [f1], (org) => org.closed === true);
    const refused = await platform.call("POST", "/api/v1/orders", resident, freeOrder(f1)); // a token from before the close
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("COMMUNITY_CLOSED");
    const kept = await platform.call("GET", `/api/v1/orders/${orderId}`, admin);
    expect(kept.body.order.status).toBe("ORDER_STATUS_DISPATCHED");
    // Stats leaves the closed community out of the street's communities; its order still counts there.
    await waitFor(async () => ((await figuresOf(admin, "sz-luohu-s"))?.communities ?? 0) === communitiesBefore - 1, { what: "stats to leave the closed community out", timeoutMs: 30_000 });
    expect((await figuresOf(admin, "sz-luohu-s"))?.unmetByCommunity?.[f1]).toBe(1);
  }, 120_000);
});
