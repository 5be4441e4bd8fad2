// 代点单 (issue 19) in a real browser: 红荔社区's worker opens 代点单, finds the resident 李桂英 by
// name (her phone masked), orders 健康养生讲座 for her as 网格员 with consent 电话 — the button stays
// disabled until the consent is chosen — and sees the order placed for her by name. Screenshots in
// test-artifacts/proxy-order-journeys/, each checked for machine ids and by axe.
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { Redis } from "ioredis";
import { expectAccessible } from "./a11y";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectNoIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("proxyjourneys"));
const shots = "test-artifacts/proxy-order-journeys";
const community = "sz-futian-yuanling-c1";
const redis = new Redis(engines.urls.redisUrl);
let platform: Platform;
let gateway: ServiceProcess;
let browser: Browser;

/** 深圳 → 福田区 → 园岭街道 → 红荔社区, a Futian team with one volunteer, and its health talk on the menu. */
async function seed(registryAddress: string) {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  const orgs: [string, string, OrgKind, string][] = [
    ["sz", "深圳市", OrgKind.CITY, ""],
    ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"],
    ["sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian"],
    [community, "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ];
  for (const [orgId, name, kind, parentId] of orgs) await client.registerOrganization({ orgId, name, kind, parentId }, admin);
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-1", realName: "张志愿", phone: "13800000001", skills: [Theme.HEALTH] }, admin);
  await client.publishMenuItem({ item: { itemId: "menu-health", title: "健康养生讲座", theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 50, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } }, admin);
  client.close();
}

async function api(method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the route's JSON
  const response = await fetch(`${gateway.httpUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  await seed(platform.address("registry"));
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"], () => true, 30_000);
  await engines.waitForDocuments("dispatch", "orgs", [community], () => true, 30_000);
  // 李桂英 signed in once (so her community's workers can find her).
  const phone = "13700008811";
  await api("POST", "/api/v1/auth/resident-code", { phone });
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  await api("POST", "/api/v1/auth/resident-sign-in", { phone, code, communityId: community, displayName: "李桂英" });
  browser = await launchBrowser();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  redis.disconnect();
  await engines.cleanup();
});

async function shot(page: Page, name: string) {
  await expect.poll(() => page.locator(".el-loading-mask:visible").count(), { message: `${name} still loading` }).toBe(0);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await expectNoIds(page, name);
  await expectAccessible(page, name);
}

describe("代点单 in the browser", () => {
  it("the worker finds 李桂英 by name and orders for her with consent by phone", async () => {
    const page = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${gateway.httpUrl}/sign-in`);
    await page.locator("input[name=account]").fill("worker");
    await page.locator("input[name=password]").fill("kepu-demo");
    await page.getByRole("button", { name: "登录" }).first().click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await page.getByRole("link", { name: "代点单" }).first().click();
    await page.locator(".proxy-order").waitFor();

    await page.locator("input[name=residentQuery]").fill("桂英");
    await page.getByRole("button", { name: "查找" }).click();
    await page.locator(".resident").filter({ hasText: "李桂英" }).filter({ hasText: "137****8811" }).waitFor();
    await page.locator(".el-radio").filter({ hasText: "网格员" }).click();
    await page.locator(".item").first().click();
    await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "健康养生讲座" }).first().click();
    // No consent yet: the button waits, and says why.
    await expect.poll(() => page.locator("button.place").isDisabled()).toBe(true);
    await page.getByText("请先选择居民的同意方式").waitFor();
    await shot(page, "1-found-no-consent-yet");

    await page.locator(".consent .el-radio").filter({ hasText: "电话" }).click();
    await expect.poll(() => page.locator("button.place").isDisabled()).toBe(false);
    await page.locator("button.place").click();
    await page.getByText("已为 李桂英 代为点单").waitFor();
    await shot(page, "2-placed");
  });
});
