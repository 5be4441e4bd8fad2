// The bell and the webhooks page in a real browser (Debian's Chromium via playwright-core) against
// the running platform — the four services, the notifications service and the gateway serving the
// built app: a resident's order is dispatched and accepted while her page is open, and her bell
// counts both without a reload; she reads them, marks them read and opts in to SMS. A district
// association subscribes a local receiver to 居民点单, sees the signed delivery in the log with its
// status code, and redelivers it. Screenshots of each page land in test-artifacts/journeys/; on each,
// no visible text looks like a machine id (visible-ids.ts) and axe finds no serious or critical
// violation (a11y.ts), as in the other journeys.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { expectAccessible } from "./a11y";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { visibleIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("bell"));
const redis = new Redis(engines.urls.redisUrl);
const shots = "test-artifacts/journeys";
const community = "sz-futian-yuanling-c1";
const healthTalk = { menuItemId: "menu-health", title: "健康养生讲座", theme: "THEME_HEALTH", expectedParticipants: 20, communityId: community };
let platform: Platform;
let notifications: ServiceProcess;
let gateway: ServiceProcess;
let browser: Browser;

// The other system: a local receiver that answers 200 and keeps what it got.
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver: Server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    received.push({ headers: request.headers, body });
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

async function seed(registryAddress: string) {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, name, kind, parentId] of [["sz", "深圳市", OrgKind.CITY, ""], ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"], ["sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian"], [community, "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling"]] as const) {
    await client.registerOrganization({ orgId, name, kind, parentId }, admin);
  }
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-wang", realName: "王医生", phone: "13800138000", skills: [Theme.HEALTH] }, admin);
  await client.publishMenuItem({ item: { itemId: "menu-health", title: "健康养生讲座", description: "三甲医院医生讲解慢病管理", theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 40, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } }, admin);
  client.close();
}

async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${gateway.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

const staffToken = async (account: string) => (await (await fetch(`${gateway.httpUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ account, password: "kepu-demo" }) })).json() as { accessToken: string }).accessToken;

/** Each screenshot checked like the other journeys' — soft, so one page's finding does not hide the next pages'. */
async function checked(page: Page, what: string) {
  expect.soft(await visibleIds(page), `machine ids visible on ${what} (${page.url()})`).toEqual([]);
  await expectAccessible(page, what);
}

interface Tokens { accessToken: string; refreshToken: string }

async function residentSignIn(phone: string): Promise<Tokens> {
  await fetch(`${gateway.httpUrl}/api/v1/auth/resident-code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone }) });
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  const signedIn = await fetch(`${gateway.httpUrl}/api/v1/auth/resident-sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ phone, code, communityId: community }) });
  return (await signedIn.json()) as Tokens;
}

/** A page signed in with the given tokens (a resident's) or as a staff demo account. */
async function pageAs(who: { account: string } | { tokens: Tokens }, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const page = await (await browser.newContext({ locale: "zh-CN", viewport })).newPage();
  if ("tokens" in who) {
    await page.goto(`${gateway.httpUrl}/sign-in`);
    await page.evaluate((tokens) => localStorage.setItem("kepu.tokens", JSON.stringify(tokens)), who.tokens);
    return page;
  }
  await page.goto(`${gateway.httpUrl}/sign-in`);
  await page.locator("input[name=account]").fill(who.account);
  await page.locator("input[name=password]").fill("kepu-demo");
  await page.getByRole("button", { name: "登录" }).first().click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  return page;
}

const unread = (page: Page) => page.locator(".bell").getAttribute("data-unread");

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  notifications = await ServiceProcess.start("notifications", engines.serviceEnv({ TEST_CLOCK_FILE: platform.clock.file }));
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats"), NOTIFICATIONS_GRPC: notifications.grpcAddress };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  await seed(platform.address("registry"));
  // Orders are taken once dispatch knows the community, the menu item and the team's volunteer.
  await engines.waitForDocuments("dispatch", "orgs", [community]);
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"]);
  await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await notifications?.stop();
  await platform?.stop();
  receiver.close();
  redis.disconnect();
  await engines.cleanup();
});

describe("the bell and the webhooks page in a browser", () => {
  it("a resident's order is dispatched and accepted while her page is open: her bell counts each step live (派单, 接单, 排期), she reads and marks them, follows one to its page, and opts in to SMS", async () => {
    const tokens = await residentSignIn("13700006666");
    const { order } = await call<{ order: { orderId: string } }>("POST", "/api/v1/orders", tokens.accessToken, healthTalk);
    const resident = await pageAs({ tokens }, { width: 390, height: 844 });
    await resident.goto(`${gateway.httpUrl}/resident/orders`);
    await resident.locator(".bell").waitFor();
    expect(await unread(resident)).toBe("0");
    // Nothing yet: the empty inbox says what will appear there.
    await resident.locator(".open-inbox").click();
    await resident.getByText("暂时没有消息").waitFor();
    await resident.screenshot({ path: `${shots}/13-resident-inbox-empty.png`, fullPage: true });
    await checked(resident, "13-resident-inbox-empty");
    await resident.keyboard.press("Escape");

    // 派单 and 接单 happen elsewhere; the open page hears of each without a reload.
    await call("POST", `/api/v1/orders/${order.orderId}/dispatch`, await staffToken("worker"), { teamIds: ["team-futian"] });
    await expect.poll(() => unread(resident), { timeout: 20_000 }).toBe("1");
    // 接单 makes the activity too: she is told it was accepted, then when and where it takes place.
    await call("POST", `/api/v1/orders/${order.orderId}/accept`, await staffToken("leader"), {});
    await expect.poll(() => unread(resident), { timeout: 20_000 }).toBe("3");
    await resident.locator(".bell .el-badge__content").filter({ hasText: "3" }).waitFor();

    // The inbox, newest first, in Chinese, with the time in Beijing time.
    await resident.locator(".open-inbox").click();
    const notices = resident.locator(".inbox-drawer .notice");
    const titles = () => notices.locator(".notice-title").allTextContents();
    await expect.poll(titles).toEqual(["活动已排期", "点单已被接单", "点单已派单"]);
    expect(await notices.nth(1).textContent()).toContain("福田区科技志愿服务队");
    expect(await notices.first().locator("time").textContent()).toContain("北京时间");
    await resident.screenshot({ path: `${shots}/14-resident-bell-live.png`, fullPage: true });
    await checked(resident, "14-resident-bell-live");

    // One read, then all; the count follows.
    await notices.nth(2).locator(".mark-read").click();
    await resident.getByText("已标为已读").first().waitFor();
    await expect.poll(() => unread(resident)).toBe("2");
    await resident.locator(".mark-all").click();
    await resident.getByText("已全部标为已读").first().waitFor();
    await expect.poll(() => unread(resident)).toBe("0");
    expect(await resident.locator(".inbox-drawer .notice.unread").count()).toBe(0);
    expect((await call<{ unread: number }>("GET", "/api/v1/me/notifications/unread", tokens.accessToken)).unread ?? 0).toBe(0);

    // A notice links to what it is about: the scheduled activity, among her bookings.
    await notices.first().locator(".notice-open").click();
    await resident.waitForURL("**/resident/bookings");

    // The same inbox in English.
    await resident.getByRole("button", { name: "English" }).click();
    await resident.locator(".open-inbox").click();
    await expect.poll(titles).toEqual(["Scheduled", "Order accepted", "Order dispatched"]);
    await resident.screenshot({ path: `${shots}/15-resident-inbox-en.png`, fullPage: true });
    await checked(resident, "15-resident-inbox-en");
    await resident.keyboard.press("Escape");
    await resident.locator(".inbox-drawer").waitFor({ state: "hidden" });
    await resident.getByRole("button", { name: "中文" }).click();

    // SMS opt-in: the phone is kept and shown masked.
    await resident.locator(".open-inbox").click();
    await resident.locator(".open-settings").click();
    await resident.getByText("22:00 至次日 08:00").waitFor();
    await resident.locator(".sms-switch").click();
    await resident.locator("input[name=smsPhone]").fill("13700006666");
    await resident.locator(".save-settings").click();
    await resident.getByText("通知设置已保存").waitFor();
    await resident.locator(".open-settings").click();
    await expect.poll(() => resident.locator("input[name=smsPhone]").getAttribute("placeholder")).toContain("137****6666");
    await resident.screenshot({ path: `${shots}/16-resident-sms-settings.png`, fullPage: true });
    await checked(resident, "16-resident-sms-settings");
    const settings = await call<{ settings: { smsEnabled: boolean; phone: string } }>("GET", "/api/v1/me/notification-settings", tokens.accessToken);
    expect(settings.settings).toEqual({ smsEnabled: true, phone: "137****6666" });
  }, 180_000);

  it("a district association subscribes a receiver to 居民点单, sees the signed delivery in the log, redelivers it, disables and deletes it", async () => {
    const district = await pageAs({ account: "district" });
    await district.goto(`${gateway.httpUrl}/admin/webhooks`);
    await district.getByText("还没有订阅").waitFor();
    await district.screenshot({ path: `${shots}/17-district-webhooks-empty.png`, fullPage: true });
    await checked(district, "17-district-webhooks-empty");

    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kepu-hook`;
    await district.locator(".new-webhook").click();
    await district.getByText("福田区及下级").waitFor();
    await district.locator("input[name=url]").fill(url);
    await district.locator(".pick-types").click();
    await district.locator(".el-select-dropdown__item").filter({ hasText: "居民点单" }).click();
    await district.keyboard.press("Escape");
    await district.locator(".do-create").click();
    await district.getByText("订阅已创建").first().waitFor();
    const secret = await district.locator(".secret input").inputValue();
    expect(secret.length).toBeGreaterThan(16);
    await district.locator(".secret-done").click();
    const row = district.locator(".subscriptions .el-table__row").filter({ hasText: url });
    await row.getByText("福田区及下级").waitFor();
    await row.getByText("居民点单").waitFor();
    await row.getByText("启用中").waitFor();

    // A resident of the district orders: the receiver gets one signed POST.
    await call("POST", "/api/v1/orders", (await residentSignIn("13700007777")).accessToken, healthTalk);
    await waitFor(() => received.length === 1, { what: "the receiver's first delivery", timeoutMs: 30_000 });
    expect(received[0]!.headers["kepu-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // The log shows it delivered with the receiver's 200.
    await row.locator(".show-log").click();
    const deliveries = district.locator(".deliveries .el-table__row");
    await expect
      .poll(async () => {
        await district.locator(".refresh-log").click();
        return deliveries.filter({ hasText: "已送达" }).count();
      }, { timeout: 30_000 })
      .toBe(1);
    expect(await deliveries.first().locator(".status-code").textContent()).toBe("200");
    expect(await deliveries.first().textContent()).toContain("居民点单");
    await district.screenshot({ path: `${shots}/18-district-webhook-log.png`, fullPage: true });
    await checked(district, "18-district-webhook-log");

    // Redeliver asks first, then says what happened; the receiver gets the same event again.
    await deliveries.first().locator(".redeliver").click();
    await district.locator(".el-message-box").getByText("重新推送一次").waitFor();
    await district.locator(".el-message-box").getByRole("button", { name: "重新推送" }).click();
    await district.getByText("已重新推送").first().waitFor();
    await waitFor(() => received.length === 2, { what: "the redelivery", timeoutMs: 30_000 });
    expect(JSON.parse(received[1]!.body).id ?? JSON.parse(received[1]!.body).eventId).toBe(JSON.parse(received[0]!.body).id ?? JSON.parse(received[0]!.body).eventId);
    await expect
      .poll(async () => {
        await district.locator(".refresh-log").click();
        return deliveries.count();
      }, { timeout: 30_000 })
      .toBe(2);

    // Disabled: the row says so.
    await row.locator(".disable").click();
    await district.getByText("订阅已停用").first().waitFor();
    await row.getByText("已停用").waitFor();
    await district.screenshot({ path: `${shots}/19-district-webhooks.png`, fullPage: true });
    await checked(district, "19-district-webhooks");

    // Deleted after asking: the list is empty again.
    await row.locator(".delete").click();
    await district.locator(".el-message-box").getByText("无法恢复").waitFor();
    await district.locator(".el-message-box").getByRole("button", { name: "删除" }).click();
    await district.getByText("订阅已删除").first().waitFor();
    await district.getByText("还没有订阅").waitFor();
  }, 180_000);
});
