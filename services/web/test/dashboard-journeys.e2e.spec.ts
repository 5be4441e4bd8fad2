// Issue 19's dashboard in a real browser: the district association opens 数据看板 over orders
// from 红荔 and 百花 on two themes; each slice is a filter chosen by name (the theme here), the
// breakdown table shows community names, and the gap view 需求与供给 draws its heat map theme ×
// community (a chunk loaded with it), marks 红荔's 数字素养 demand with no menu item serving it
// 无供给, and exports the table. Screenshots in test-artifacts/dashboard/.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectNoIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("dashjourneys"));
const shots = "test-artifacts/dashboard";
const files = join(tmpdir(), engines.prefix);
const hongli = "sz-futian-yuanling-c1";
const baihua = "sz-futian-yuanling-bh";
let platform: Platform;
let gateway: ServiceProcess;
let browser: Browser;
let redis: Redis;

async function seed(registryAddress: string) {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  const orgs: [string, string, OrgKind, string][] = [
    ["sz", "深圳市", OrgKind.CITY, ""],
    ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"],
    ["sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian"],
    [hongli, "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
    [baihua, "百花社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ];
  for (const [orgId, name, kind, parentId] of orgs) await client.registerOrganization({ orgId, name, kind, parentId }, admin);
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH, Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"] }, admin);
  const item = (itemId: string, title: string, theme: Theme, format: Format, serviceAreaOrgId: string) => ({ item: { itemId, title, theme, format, durationMinutes: 60, capacity: 40, serviceAreaOrgId, providerKind: ProviderKind.TEAM, providerId: "team-futian" } });
  await client.publishMenuItem(item("menu-health", "健康养生讲座", Theme.HEALTH, Format.EXPERT_TALK, "sz-futian"), admin);
  await client.publishMenuItem(item("menu-phone-bh", "老年人智能手机课", Theme.DIGITAL_LITERACY, Format.HANDS_ON, baihua), admin);
  client.close();
}

async function post(path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}
async function residentOf(communityId: string, phone: string): Promise<string> {
  await fetch(`${gateway.httpUrl}/api/v1/auth/resident-code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone }) });
  const code = await waitFor(async () => (await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`)) ?? undefined, { what: "the one-time code" });
  return (await post("/api/v1/auth/resident-sign-in", { phone, code, communityId })).accessToken as string;
}

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  mkdirSync(files, { recursive: true });
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  redis = new Redis(engines.urls.redisUrl);
  await seed(platform.address("registry"));
  // 红荔: two health orders and one 数字素养 (nothing on its menu serves that); 百花: two 数字素养 orders.
  const residents: Record<string, string> = { [hongli]: await residentOf(hongli, "13700007771"), [baihua]: await residentOf(baihua, "13700007772") };
  const orders: [string, string][] = [[hongli, "THEME_HEALTH"], [hongli, "THEME_HEALTH"], [hongli, "THEME_DIGITAL_LITERACY"], [baihua, "THEME_DIGITAL_LITERACY"], [baihua, "THEME_DIGITAL_LITERACY"]];
  for (const [communityId, theme] of orders) {
    await waitFor(async () => post("/api/v1/orders", { title: "想听的科普", theme, communityId, expectedParticipants: 10 }, residents[communityId]).then(() => true).catch(() => false), { what: "dispatch to take the order", timeoutMs: 30_000 });
  }
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  redis?.disconnect();
  await engines.cleanup();
});

async function signedIn(account: string): Promise<Page> {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  onTestFailed(() => page.screenshot({ path: `${files}/failed-${account}.png`, fullPage: true }).then(() => undefined));
  await page.goto(`${gateway.httpUrl}/sign-in`);
  await page.locator("input[name=account]").fill(account);
  await page.locator("input[name=password]").fill("kepu-demo");
  await page.getByRole("button", { name: "登录" }).first().click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  return page;
}
const card = (page: Page, key: string) => page.locator(`[data-figure="${key}"] .value`);
async function choose(page: Page, select: string, option: string) {
  await page.locator(select).first().click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: option }).first().click();
}

describe("issue 19 in the browser: every slice a filter, names in the tables, the gap view", () => {
  it("the district filters by theme, breaks down by community by name, and reads the gap heat map with its export", async () => {
    const district = await signedIn("district");
    await district.goto(`${gateway.httpUrl}/dashboard`);
    await expect.poll(() => card(district, "dashboard.orders").textContent(), { timeout: 60_000, message: "the five orders counted" }).toBe("5");

    await choose(district, "[data-test=dimension]", "社区");
    const table = district.locator(".breakdown .el-table__row");
    await table.filter({ hasText: "红荔社区" }).waitFor();
    await table.filter({ hasText: "百花社区" }).waitFor();

    const gap = district.locator("[data-test=gap-view]");
    await gap.locator("canvas").first().waitFor(); // the heat map's chunk loaded and drawn
    await gap.locator("[data-test=gap-table] .el-table__row").filter({ hasText: "红荔社区" }).filter({ hasText: "智慧生活" }).waitFor();
    await district.screenshot({ path: `${shots}/1-dashboard-gap-view.png`, fullPage: true });
    await expectNoIds(district, "the dashboard");

    await choose(district, "[data-test=slice-theme]", "智慧生活");
    await expect.poll(() => card(district, "dashboard.orders").textContent(), { message: "only the 数字素养 orders" }).toBe("3");
    await expect.poll(() => table.count()).toBe(2);
    const unserved = gap.locator("[data-test=gap-table] .el-table__row").filter({ hasText: "红荔社区" });
    await expect.poll(() => unserved.locator("td").last().textContent()).toBe("1"); // 红荔 has no item serving it
    await district.screenshot({ path: `${shots}/2-theme-filter.png`, fullPage: true });

    const download = district.waitForEvent("download");
    await gap.getByRole("button", { name: "导出需求与供给 CSV" }).click();
    expect((await download).suggestedFilename()).toMatch(/^kepu-demand-supply-\d{4}-\d{2}-\d{2}\.csv$/);
  });
});
