// Issue 14's examples that are dispatch's, tried through the HTTP API as a new user would: each is
// now refused with a bilingual error naming the field, and the store is unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendar } from "@kepu/calendar";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("references"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const C1 = "sz-futian-yuanling-c1"; // the demo worker's community
const day = 86_400_000;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
}
async function signIn(account: string): Promise<string> {
  const response = await fetch(`${gateway.httpUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ account, password: "kepu-demo" }) });
  return ((await response.json()) as Json).accessToken;
}
/** A refusal as users read it: 400, the code, the field, Chinese first and English second. */
function expectRefused(answer: { status: number; body: Json }, code: string, field: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body).toMatchObject({ code, field });
  expect(answer.body.messageZh).toMatch(/[\u4e00-\u9fff]/);
  expect(answer.body.messageEn).toMatch(/^[\x20-\x7e]+$/);
  expect(answer.body.message).toBe(`${answer.body.messageZh} / ${answer.body.messageEn}`);
}

let worker: string; // the community worker orders for her community (代点单) and dispatches
const orderIds = async () => ((await call("GET", "/api/v1/orders?pageSize=200", worker)).body.orders as Json[]).map((o) => o.orderId as string).sort();
const health = { theme: "THEME_HEALTH", title: "健康讲座", expectedParticipants: 20, communityId: C1 };

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch", "events", "stats"], () => engines.serviceEnv())));
  const [registry, dispatch, events, stats] = services.map((s) => s.grpcAddress);
  const limits = { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", ...limits, REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, STATS_GRPC: stats! }));

  const client = createRpcClient(RegistryService, registry!, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  const tree = [
    ["sz", OrgKind.CITY, ""],
    ["sz-futian", OrgKind.DISTRICT, "sz"],
    ["sz-futian-yuanling", OrgKind.STREET, "sz-futian"],
    [C1, OrgKind.COMMUNITY, "sz-futian-yuanling"],
    ["sz-luohu", OrgKind.DISTRICT, "sz"],
    ["sz-luohu-s", OrgKind.STREET, "sz-luohu"],
    ["sz-luohu-s-c", OrgKind.COMMUNITY, "sz-luohu-s"],
  ] as const;
  for (const [orgId, kind, parentId] of tree) await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  // team-futian (the demo leader's) and team-luohu have a volunteer each; team-empty has nobody yet.
  for (const [teamId, area] of [["team-futian", "sz-futian"], ["team-luohu", "sz-luohu"], ["team-empty", "sz-futian"]] as const) {
    await client.registerTeam({ teamId, name: teamId, orgId: area, themes: [Theme.HEALTH], serviceAreaOrgIds: [area] }, admin);
  }
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-futian", realName: "张志愿", phone: "13800000001", skills: [Theme.HEALTH] }, admin);
  await client.addVolunteer({ teamId: "team-luohu", volunteerId: "vol-luohu", realName: "李志愿", phone: "13800000002", skills: [Theme.HEALTH] }, admin);
  const item = (itemId: string, serviceAreaOrgId: string, providerId: string, leadTimeDays: number) => ({
    item: { itemId, title: "健康养生讲座", theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 50, leadTimeDays, serviceAreaOrgId, providerKind: ProviderKind.TEAM, providerId },
  });
  await client.publishMenuItem(item("menu-futian", "sz-futian", "team-futian", 7), admin);
  await client.publishMenuItem(item("menu-luohu", "sz-luohu", "team-luohu", 0), admin);
  await client.publishMenuItem(item("menu-gone", "sz-futian", "team-futian", 0), admin);
  await client.withdrawMenuItem({ itemId: "menu-gone", reason: "讲师调走" }, admin);
  client.close();
  await engines.waitForDocuments("dispatch", "orgs", tree.map(([orgId]) => orgId));
  await engines.waitForDocuments("dispatch", "teams", ["team-futian", "team-luohu"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  await engines.waitForDocuments("dispatch", "teams", ["team-empty"]);
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-futian", "menu-luohu"]);
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-gone"], (item) => item.withdrawn === true);
  worker = await signIn("worker");
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  await engines.cleanup();
});

describe("点单 checks the menu item and the community", () => {
  it("refuses a menu item that does not exist, one withdrawn, one offered elsewhere, and one inside its lead time — storing no order", async () => {
    const before = await orderIds();
    const inDays = (n: number) => new Date(Date.now() + n * day).toISOString();
    expectRefused(await call("POST", "/api/v1/orders", worker, { ...health, menuItemId: "menu-nowhere" }), "MENU_ITEM_NOT_FOUND", "request.menuItemId");
    expectRefused(await call("POST", "/api/v1/orders", worker, { ...health, menuItemId: "menu-gone" }), "MENU_ITEM_WITHDRAWN", "request.menuItemId");
    expectRefused(await call("POST", "/api/v1/orders", worker, { ...health, menuItemId: "menu-luohu" }), "MENU_ITEM_NOT_SERVED", "request.menuItemId");
    const tooSoon = await call("POST", "/api/v1/orders", worker, { ...health, menuItemId: "menu-futian", preferredDate: inDays(2) });
    expectRefused(tooSoon, "LEAD_TIME_TOO_SHORT", "request.preferredDate");
    const earliest = calendar.dayKey(new Date(Date.now() + 7 * day)); // 7 Beijing days after today
    expect(tooSoon.body.messageZh).toContain(earliest);
    expectRefused(await call("POST", "/api/v1/orders", worker, { ...health, preferredDate: inDays(-2) }), "PREFERRED_DATE_PAST", "request.preferredDate");
    expect(await orderIds()).toEqual(before);

    // The same item with its notice given, and a free topic (自选主题), are taken.
    const ok = await call("POST", "/api/v1/orders", worker, { ...health, menuItemId: "menu-futian", preferredDate: inDays(9) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const free = await call("POST", "/api/v1/orders", worker, { ...health, title: "自选：家庭急救" });
    expect(free.status, JSON.stringify(free.body)).toBe(200);
    expect(await orderIds()).toEqual([...before, ok.body.order.orderId, free.body.order.orderId].sort());
  });

  it("refuses an order whose community is not a community", async () => {
    const before = await orderIds();
    const admin = await signIn("admin");
    expectRefused(await call("POST", "/api/v1/orders", admin, { ...health, communityId: "sz-futian-yuanling" }), "NOT_A_COMMUNITY", "request.community");
    expect(await orderIds()).toEqual(before);
  });
});

describe("派单 and the suggestions offer only teams that can take the order", () => {
  it("refuses 派单 to a team that does not exist, one with no members and one of another district, and the order stays as it was", async () => {
    const placed = await call("POST", "/api/v1/orders", worker, { ...health, title: "健康讲座（派单）" });
    const orderId = placed.body.order.orderId as string;
    const order = async () => (await call("GET", `/api/v1/orders/${orderId}`, worker)).body.order as Json;
    const before = await order();
    for (const [teamId, code] of [["team-nowhere", "TEAM_NOT_FOUND"], ["team-empty", "TEAM_HAS_NO_MEMBERS"], ["team-luohu", "TEAM_OUTSIDE_AREA"]] as const) {
      const refused = await call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: [teamId] });
      expectRefused(refused, code, "teamIds");
      expect(refused.body.messageZh).toContain(teamId);
    }
    expectRefused(await call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian", "team-empty"] }), "TEAM_HAS_NO_MEMBERS", "teamIds");
    expect(await order()).toEqual(before);
    expect(before).toMatchObject({ status: "ORDER_STATUS_SUBMITTED", timeline: [{ eventType: "OrderSubmitted" }] });

    // The suggestions name only team-futian: not team-luohu (another district), not team-empty (nobody in it).
    const suggestions = (await call("GET", `/api/v1/orders/${orderId}/suggestions`, worker)).body.suggestions as Json[];
    expect(suggestions.map((s) => s.teamId)).toEqual(["team-futian"]);
    const dispatched = await call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian"] });
    expect(dispatched.body.order.status).toBe("ORDER_STATUS_DISPATCHED");
  });
});
