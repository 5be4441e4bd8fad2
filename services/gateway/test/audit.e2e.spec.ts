// The audit log through the gateway's HTTP API: staff writes and personal reads are recorded
// (who, what, when, from where — never the personal data), only admins list them, paged and filtered.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { containsPhone } from "@kepu/privacy";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import type { AuditEntry } from "../src/audit/entry.js";

const engines = new TestEngines(uniquePrefix("audit"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const redis = new Redis(engines.urls.redisUrl);
const community = "sz-futian-yuanling-c1";
const phone = "13812345678";
const tokens: Record<string, string> = {};

/** An entry as the API answers it (its time as an ISO string). */
type Entry = Omit<AuditEntry, "at"> & { at: string };
interface Page {
  entries: Entry[];
  total: number;
  nextCursor?: string;
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text, correlationId: response.headers.get("x-correlation-id") };
}
const signIn = async (account: string) => (await call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" })).body.accessToken as string;
const audit = async (query: Record<string, string | number>) => {
  const answer = await call("GET", `/api/v1/audit?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`, tokens.admin);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as Page;
};
/** Entries are written after the answer went out: wait until the one a request made is there. */
const entryFor = async (correlationId: string | null, query: Record<string, string | number> = {}) => {
  let found: Entry | undefined;
  await waitFor(async () => (found = (await audit({ ...query, limit: 200 })).entries.find((e) => e.correlationId === correlationId)) !== undefined, { timeoutMs: 10_000, intervalMs: 50, what: `the audit entry of ${correlationId}` });
  return found!;
};
/** Today in Beijing, as the admin would type it. */
const beijingDate = (offsetDays = 0) => new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch"], () => engines.serviceEnv())));
  const [registry, dispatch] = services.map((s) => s.grpcAddress);
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "10000", RATE_LIMIT_IP_PER_MINUTE: "10000", REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch! }));
  const client = createRpcClient(RegistryService, registry!, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"], ["sz-futian-yuanling", OrgKind.STREET, "sz-futian"], [community, OrgKind.COMMUNITY, "sz-futian-yuanling"]] as const) {
    await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  }
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  client.close();
  await engines.waitForDocuments("dispatch", "orgs", [community]); // dispatch takes orders for communities it has heard of
  for (const account of ["admin", "worker", "leader"]) tokens[account] = await signIn(account);
}, 180_000);

describe("personal data at the gateway", () => {
  it("refuses a display name that holds a phone number, and the code still works with a proper one", async () => {
    await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    const code = await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`);
    const refused = await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: community, displayName: "王 138-1234-5678" });
    expect(refused).toMatchObject({ status: 400, body: { code: "PHONE_IN_NAME", field: "displayName", messageZh: "displayName 中不能包含手机号" } });
    const signedIn = await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: community, displayName: "王阿姨" });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    tokens.resident = signedIn.body.accessToken;
    expect((await call("GET", "/api/v1/me", tokens.resident)).body).toMatchObject({ displayName: "王阿姨" });
  });

  it("writes request paths and query strings to its log with the phone numbers in them masked", async () => {
    const file = fileURLToPath(new URL(`../../../.kepu/test-logs/${engines.prefix}gateway.log`, import.meta.url));
    await call("GET", `/api/v1/menu?communityId=19912345678`, tokens.worker);
    await call("GET", `/api/v1/orgs/+86%20177%201234%205678`, tokens.worker);
    await waitFor(async () => (await readFile(file, "utf8").catch(() => "")).includes("177****5678"), { timeoutMs: 10_000, intervalMs: 50, what: "the gateway's request log" });
    const log = await readFile(file, "utf8");
    expect(log).toContain("/api/v1/menu?communityId=199****5678");
    expect(containsPhone(log)).toBe(false);
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await engines.cleanup();
});

describe("the audit log", () => {
  it("records a staff write — who, what, when, from where — and none of the personal data it carried", async () => {
    const before = Date.now();
    const placed = await call("POST", "/api/v1/orders", tokens.worker, { theme: "THEME_HEALTH", communityId: community, title: "健康讲座", description: `代点单：王阿姨 ${phone}` });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const entry = await entryFor(placed.correlationId, { actor: "worker" });
    expect(entry).toMatchObject({ kind: "write", actor: { id: "worker", role: "COMMUNITY_WORKER", orgId: community }, method: "POST", route: "/api/v1/orders", params: {}, status: 200, outcome: "ok", ip: "127.0.0.1" });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now());
    expect(JSON.stringify(entry)).not.toMatch(/13812345678|138\*\*\*\*5678|王阿姨/);
    // The free text itself is stored with the number masked (代点单 for a resident without a phone of her own).
    const stored = await call("GET", `/api/v1/orders/${placed.body.order.orderId}`, tokens.worker);
    expect(stored.body.order.request).toMatchObject({ title: "健康讲座", description: "代点单：王阿姨 138****5678" });

    const refused = await call("POST", "/api/v1/orders/no-such-order/reject", tokens.worker, { reason: "重复" });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await entryFor(refused.correlationId, { actor: "worker" })).toMatchObject({ route: "/api/v1/orders/:orderId/reject", params: { orderId: "no-such-order" }, status: refused.status, outcome: "refused" });
  });

  it("records staff reads of members' personal data, not reads of the menu, and nothing a resident does", async () => {
    const menu = await call("GET", `/api/v1/menu?communityId=${community}`, tokens.worker);
    const residentOrder = await call("POST", "/api/v1/orders", tokens.resident, { theme: "THEME_HEALTH", communityId: community, title: "想听健康讲座" });
    expect([menu.status, residentOrder.status]).toEqual([200, 200]);
    const team = await call("GET", "/api/v1/teams/team-futian", tokens.leader);
    expect(team.status, JSON.stringify(team.body)).toBe(200);
    expect(await entryFor(team.correlationId, { kind: "personal-read" })).toMatchObject({ kind: "personal-read", actor: { id: "leader", role: "TEAM_LEADER" }, method: "GET", route: "/api/v1/teams/:teamId", params: { teamId: "team-futian" }, outcome: "ok" });
    // Asked before the team read, so stored before it if they were stored at all.
    const all = (await audit({ limit: 200 })).entries;
    expect(all.filter((e) => e.correlationId === menu.correlationId || e.correlationId === residentOrder.correlationId)).toEqual([]);
    expect(all.filter((e) => e.actor.role === "RESIDENT")).toEqual([]);
  });

  it("is listed for admins only", async () => {
    expect((await call("GET", "/api/v1/audit", tokens.resident)).status).toBe(403);
    const worker = await call("GET", "/api/v1/audit", tokens.worker);
    expect(worker.body).toMatchObject({ code: "ROLE_NOT_ALLOWED" });
    // The refused attempt is itself on record.
    expect(await entryFor(worker.correlationId, { actor: "worker" })).toMatchObject({ kind: "personal-read", route: "/api/v1/audit", status: 403, outcome: "refused" });
    expect((await call("GET", "/api/v1/audit")).status).toBe(401);
    expect((await call("GET", "/api/v1/audit?limit=1", tokens.admin)).status).toBe(200);
  });

  it("filters by actor, route, outcome, kind and Beijing dates, and pages newest first with a total", async () => {
    const rejects = await Promise.all(["o-1", "o-2", "o-3"].map((orderId) => call("POST", `/api/v1/orders/${orderId}/reject`, tokens.worker, { reason: "测试" })));
    for (const r of rejects) await entryFor(r.correlationId, { actor: "worker" });

    // The worker's writes: one order placed, four rejects refused (its refused GET of the log itself is a read).
    const refused = await audit({ actor: "worker", kind: "write", outcome: "refused" });
    expect(refused.total).toBe(4);
    expect(refused.entries.every((e) => e.outcome === "refused" && e.actor.id === "worker" && e.route === "/api/v1/orders/:orderId/reject")).toBe(true);
    expect((await audit({ route: "/api/v1/orders", method: "POST" })).entries.map((e) => e.actor.id)).toEqual(["worker"]);
    expect((await audit({ kind: "personal-read", actor: "leader" })).total).toBe(1);
    expect((await audit({ actor: "worker", kind: "write", from: beijingDate(), to: beijingDate() })).total).toBe(5);
    expect((await audit({ actor: "worker", from: beijingDate(1) })).total).toBe(0);
    expect((await audit({ actor: "worker", to: beijingDate(-1) })).total).toBe(0);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit({ actor: "worker", kind: "write", limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(5);
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect([...seen].sort().reverse()).toEqual(seen); // UUIDv7: newest first, no entry twice

    expect((await call("GET", "/api/v1/audit?limit=500", tokens.admin)).status).toBe(400);
    expect((await call("GET", "/api/v1/audit?from=yesterday", tokens.admin)).body).toMatchObject({ code: "BAD_DATE" });
    expect((await call("GET", `/api/v1/audit?from=${beijingDate(1)}&to=${beijingDate(-1)}`, tokens.admin)).body).toMatchObject({ code: "BAD_RANGE" });
  });
});
