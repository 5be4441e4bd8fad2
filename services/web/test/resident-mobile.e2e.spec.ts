// The resident's pages on a phone (390 × 844, touch) against the running platform, the gateway
// serving the built app: 获取验证码 counts down, the bottom tab bar instead of a stacked top bar,
// the menu searched and filtered (theme, audience, format, my street) with its empty states, an
// item's page with the order form, the free-topic form from the top of the menu, 我的 with the
// community picker; a worker's links folded into one menu on the same phone. No page shows a
// machine id, and axe finds nothing serious. Screenshots land in test-artifacts/resident-mobile/.
import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectAccessible, settled } from "./a11y";
import { expectNoIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("resident-mobile"));
const redis = new Redis(engines.urls.redisUrl);
const shots = "test-artifacts/resident-mobile";
const street = "sz-futian-yuanling";
const community = "sz-futian-yuanling-c1";
const otherCommunity = "sz-futian-lianhua-c1";
let platform: Platform;
let gateway: ServiceProcess;
let browser: Browser;

async function seed(registryAddress: string) {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  const orgs = [
    ["sz", "深圳市", OrgKind.CITY, ""],
    ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"],
    [street, "园岭街道", OrgKind.STREET, "sz-futian"],
    [community, "红荔社区", OrgKind.COMMUNITY, street],
    ["sz-futian-lianhua", "莲花街道", OrgKind.STREET, "sz-futian"],
    [otherCommunity, "彩田社区", OrgKind.COMMUNITY, "sz-futian-lianhua"],
  ] as const;
  for (const [orgId, name, kind, parentId] of orgs) await client.registerOrganization({ orgId, name, kind, parentId }, admin);
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH, Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"] }, admin);
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-li", realName: "李老师", phone: "13800138001", skills: [Theme.HEALTH] }, admin);
  const provider = { providerKind: ProviderKind.TEAM, providerId: "team-futian" };
  const items = [
    { itemId: "menu-health", title: "健康养生讲座", description: "三甲医院医生讲解慢病管理", theme: Theme.HEALTH, format: Format.EXPERT_TALK, audiences: [Audience.ELDERLY], serviceAreaOrgId: "sz-futian", leadTimeDays: 0 },
    { itemId: "menu-phone", title: "智能手机课堂", description: "手把手教老人用手机挂号、扫码、视频通话", theme: Theme.DIGITAL_LITERACY, format: Format.HANDS_ON, audiences: [Audience.ELDERLY, Audience.RESIDENTS], serviceAreaOrgId: street, leadTimeDays: 3 },
    { itemId: "menu-robot", title: "少儿机器人工作坊", description: "动手搭一个会走路的机器人", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.HANDS_ON, audiences: [Audience.YOUTH], serviceAreaOrgId: community, leadTimeDays: 0 },
    { itemId: "menu-fire", title: "家庭防火演练", description: "消防员教全家逃生和用灭火器", theme: Theme.DISASTER_PREVENTION, format: Format.HANDS_ON, audiences: [Audience.WOMEN_AND_FAMILIES], serviceAreaOrgId: "sz", leadTimeDays: 0 },
  ];
  for (const item of items) await client.publishMenuItem({ item: { ...item, durationMinutes: 90, capacity: 30, ...provider } }, admin);
  client.close();
  return items.map((i) => i.itemId);
}

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  const itemIds = await seed(platform.address("registry"));
  // 点单 is checked against dispatch's read model of the registry's events: wait for it.
  await engines.waitForDocuments("dispatch", "orgs", [community, otherCommunity]);
  await engines.waitForDocuments("dispatch", "menu_items", itemIds);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  redis.disconnect();
  await engines.cleanup();
});

const phone = () => browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
// Every screenshot is also checked by axe (0 serious or critical violations, soft: one run lists them all).
// Both once the page has settled: no finite animation or transition still running (a toast fading in
// is lighter than it will be).
const shot = async (page: Page, name: string) => {
  await settled(page);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await expectAccessible(page, name);
};
const otp = (number: string) => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${number}`);
// (The menu comes in the gateway's order: by item id.)
const menuTitles = (page: Page) => page.locator(".menu-item .title").allInnerTexts();
const tokenOf = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem("kepu.tokens")!) as { accessToken: string }).accessToken);

describe("a resident on a phone", () => {
  it("signs in with a counting-down code button, finds her way by the tab bar, searches and filters the menu, orders from an item's page and from the top, and moves community", async () => {
    const page = await (await phone()).newPage();
    const number = "13700005555";
    await page.goto(`${gateway.httpUrl}/sign-in`);
    await page.getByRole("tab", { name: "居民" }).click();
    await page.locator("input[name=phone]").fill(number);
    const sendCode = page.locator(".send-code");
    await sendCode.click();
    // 获取验证码 counts down 60 s: disabled, the seconds on it, and no second code asked for meanwhile.
    await expect.poll(() => sendCode.innerText(), { timeout: 10_000 }).toMatch(/^(60|59|58) 秒后重新获取$/);
    expect(await sendCode.isDisabled()).toBe(true);
    await expect.poll(() => otp(number), { timeout: 10_000 }).toBeTruthy();
    await shot(page, "1-sign-in-countdown");
    await page.locator("input[name=code]").fill((await otp(number))!);
    await page.locator("input[name=communitySearch]").fill("hlsq");
    await page.locator(".el-autocomplete-suggestion li").filter({ hasText: "红荔社区" }).click();
    await page.locator(".pick-community").getByText("红荔社区").waitFor();
    await page.getByRole("button", { name: "登录" }).last().click();
    await page.waitForURL("**/resident/menu");

    // The tab bar at the bottom; the top bar one line high; my community by name with the way to change it.
    await page.locator(".menu-item").first().waitFor();
    const tabs = page.locator(".tabbar .tab");
    expect(await tabs.allInnerTexts()).toEqual(["菜单", "我的点单", "活动", "我的预约"]);
    const bar = (await page.locator(".tabbar").boundingBox())!;
    expect(bar.y + bar.height).toBeCloseTo(844, 0);
    expect((await page.locator(".bar").boundingBox())!.height).toBeLessThan(64);
    expect(await page.locator(".links").isVisible()).toBe(false);
    await page.locator(".community-name").getByText("红荔社区").waitFor();
    expect(await menuTitles(page)).toHaveLength(4);
    await expectNoIds(page, "menu");
    await shot(page, "2-menu");

    // Search, then each filter; a search with no match says what to do next.
    await page.locator("input[name=menuSearch]").fill("手机");
    await expect.poll(() => menuTitles(page)).toEqual(["智能手机课堂"]);
    await page.getByText("共 1 项").waitFor();
    await page.locator("input[name=menuSearch]").fill("量子");
    await page.locator(".menu-none-found").getByText("没有符合条件的项目").waitFor();
    await shot(page, "3-menu-none-found");
    await page.locator("input[name=menuSearch]").fill("");
    await page.locator(".toggle-filters").click();
    const pick = async (select: string, option: string) => {
      await page.locator(select).click();
      await page.locator(".el-select-dropdown__item:visible").filter({ hasText: option }).first().click();
    };
    await pick(".filter-format", "互动体验");
    await expect.poll(() => menuTitles(page)).toEqual(["家庭防火演练", "智能手机课堂", "少儿机器人工作坊"]);
    await pick(".filter-audience", "老年人");
    await expect.poll(() => menuTitles(page)).toEqual(["智能手机课堂"]);
    await page.locator(".clear-filters").click();
    await pick(".filter-theme", "防灾减灾");
    await expect.poll(() => menuTitles(page)).toEqual(["家庭防火演练"]);
    await page.locator(".clear-filters").click();
    await page.locator(".filter-street").click(); // 我的街道: what 园岭街道 and 红荔社区 offer, not the district's or city's
    await expect.poll(() => menuTitles(page)).toEqual(["智能手机课堂", "少儿机器人工作坊"]);
    await shot(page, "4-menu-my-street");
    await page.locator(".clear-filters").click();

    // The item's page: the area by name (one names request), the lead time, the order form.
    const names: string[] = [];
    page.on("request", (r) => r.url().includes("/api/v1/names") && names.push(r.url()));
    await page.locator(".menu-item").filter({ hasText: "智能手机课堂" }).locator(".title").click();
    await page.waitForURL("**/resident/menu/menu-phone");
    await page.locator(".area").getByText("园岭街道").waitFor();
    await page.getByText("请至少提前 3 天点单").waitFor();
    expect(names).toHaveLength(1);
    const earliest = await page.locator("input[name=preferredDay]").getAttribute("min");
    expect(earliest).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.locator("input[name=expectedParticipants]").fill("15");
    await page.locator("input[name=preferredDay]").fill(earliest!);
    await page.locator("textarea[name=orderNote]").fill("周末上午更方便");
    await expectNoIds(page, "item");
    await shot(page, "5-item-page");
    await page.locator(".place-order").dblclick(); // an impatient thumb: one order
    await page.locator(".placed").getByText("点单成功").waitFor();
    await shot(page, "6-item-ordered");
    const token = await tokenOf(page);
    const mine = (await (await fetch(`${gateway.httpUrl}/api/v1/orders`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number; orders: { request: { menuItemId: string; expectedParticipants: number; description: string; preferredDate?: string } }[] };
    expect(mine.total).toBe(1);
    expect(mine.orders[0]!.request).toMatchObject({ menuItemId: "menu-phone", expectedParticipants: 15, description: "周末上午更方便" });
    expect(mine.orders[0]!.request.preferredDate).toBeTruthy();

    // The free-topic form from the top of the menu: an empty topic is refused in the browser first.
    await tabs.filter({ hasText: "菜单" }).click();
    await page.waitForURL("**/resident/menu");
    await page.locator(".free-jump").click();
    await page.locator(".order-free").click();
    await page.getByText("请写下您想听的主题").waitFor();
    await page.locator("input[name=freeTitle]").fill("家里老人怎么防诈骗");
    await shot(page, "7-free-topic");
    await page.locator(".order-free").click();
    await page.getByText("点单成功").first().waitFor();
    await expect.poll(async () => ((await (await fetch(`${gateway.httpUrl}/api/v1/orders`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number }).total).toBe(2);

    // Activities: nothing scheduled yet, and the page says what to do about it.
    await tabs.filter({ hasText: "活动" }).click();
    await page.locator(".activities-empty").getByRole("button", { name: "去科普菜单" }).waitFor();
    await expectNoIds(page, "activities");
    await shot(page, "8-activities-empty");

    // 我的: my community by name, and another picked with the same picker.
    await page.locator(".profile-link").click();
    await page.waitForURL("**/resident/profile");
    await page.locator(".my-community").getByText("红荔社区").waitFor();
    await page.locator("input[name=communitySearch]").fill("彩田");
    await page.locator(".el-autocomplete-suggestion li").filter({ hasText: "彩田社区" }).click();
    await page.locator(".pick-street").getByText("莲花街道").waitFor();
    await page.locator(".do-move").click();
    await page.getByText("社区已更换").waitFor();
    await page.locator(".my-community").getByText("彩田社区").waitFor();
    await expectNoIds(page, "profile");
    await shot(page, "9-profile-moved");
    // The menu is the new community's now: 园岭街道's and 红荔社区's own items are not offered there.
    await tabs.filter({ hasText: "菜单" }).click();
    await page.locator(".community-name").getByText("彩田社区").waitFor();
    await expect.poll(() => menuTitles(page)).toEqual(["家庭防火演练", "健康养生讲座"]);
    // The English switch: the tab bar, the finder and the labels follow; names stay names.
    await page.getByRole("button", { name: "English" }).click();
    expect(await tabs.allInnerTexts()).toEqual(["Menu", "My orders", "Activities", "Bookings"]);
    await page.getByRole("button", { name: "Not on the menu? Tell us your topic" }).waitFor();
    await page.locator(".menu-item").filter({ hasText: "家庭防火演练" }).getByText("Disaster prevention").waitFor();
    await page.getByText("2 items").waitFor();
    await expectNoIds(page, "menu in English");
    await shot(page, "11-menu-en");
    await page.getByRole("button", { name: "中文" }).click();
  }, 180_000);

  it("a worker on the same phone gets one folded menu instead of four lines of links; the names route answers names only", async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${gateway.httpUrl}/sign-in`);
    await page.locator("input[name=account]").fill("worker");
    await page.locator("input[name=password]").fill("kepu-demo");
    await page.getByRole("button", { name: "登录" }).first().click();
    await page.waitForURL("**/staff/orders");
    expect((await page.locator(".bar").boundingBox())!.height).toBeLessThan(64);
    expect(await page.locator(".links").isVisible()).toBe(false);
    await page.locator(".nav-toggle").click();
    await page.locator(".el-dropdown-menu__item:visible").filter({ hasText: "科普基地" }).click();
    await page.waitForURL("**/staff/bases");
    await shot(page, "10-worker-folded-nav");

    const token = await tokenOf(page);
    const answer = await fetch(`${gateway.httpUrl}/api/v1/names?orgIds=${community},sz-futian,sz-nowhere`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ names: { [community]: "红荔社区", "sz-futian": "福田区" } });
  }, 60_000);
});
