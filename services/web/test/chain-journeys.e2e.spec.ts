// Issue 17's order-chain page and its confirmations, in a real browser against the running
// platform (four services, the gateway serving the built app). A resident orders; the worker
// dispatches, the leader accepts and sees it in his schedule without a reload; residents book
// (one cancels, asked for her reason), one is checked in, the leader records hours, the worker
// files a summary with a photo and completes the activity (asked first); the resident rates, the
// stars stay with the score. The chain page shows every step by name, for her and for the worker
// (who alone gets the 编号 switch). Then 驳回, 转科协 and 取消 each refuse an empty reason and the
// typed one lands in the chain. Screenshots in test-artifacts/chain-journeys/.
import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectAccessible } from "./a11y";
import { expectNoIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("chainjourneys"));
const redis = new Redis(engines.urls.redisUrl);
const shots = "test-artifacts/chain-journeys";
const community = "sz-futian-yuanling-c1";
let platform: Platform;
let gateway: ServiceProcess;
let browser: Browser;

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

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  await seed(platform.address("registry"));
  await engines.waitForDocuments("dispatch", "orgs", [community]);
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"]);
  await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  browser = await launchBrowser();
}, 420_000); // a build and five services on two shared cores

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  redis.disconnect();
  await engines.cleanup();
});

// ---- the API, as the people in the journey -------------------------------------------------------
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Tokens {
  accessToken: string;
  refreshToken: string;
}
async function call(method: string, path: string, token: string, body?: unknown, contentType = "application/json"): Promise<Json> {
  const raw = body instanceof Buffer ? body : body !== undefined ? JSON.stringify(body) : undefined;
  const response = await fetch(`${gateway.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(raw !== undefined ? { "content-type": contentType } : {}) }, ...(raw !== undefined ? { body: raw } : {}) });
  const answer = (await response.json()) as Json;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}
async function post(path: string, body: unknown): Promise<Json> {
  const response = await fetch(`${gateway.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await response.json()) as Json;
}
async function resident(phone: string, displayName: string): Promise<Tokens> {
  await post("/api/v1/auth/resident-code", { phone });
  const code = await waitFor(async () => (await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`)) ?? undefined, { what: "the one-time code" });
  return (await post("/api/v1/auth/resident-sign-in", { phone, code, communityId: community, displayName })) as Tokens;
}
const staff = async (account: string) => (await post("/api/v1/auth/sign-in", { account, password: "kepu-demo" })) as Tokens;
const chainOf = (orderId: string, tokens: Tokens) => call("GET", `/api/v1/orders/${orderId}/chain`, tokens.accessToken);

/** A page signed in with these tokens (the app keeps them in localStorage). */
async function pageWith(tokens: Tokens, path: string, phone = false): Promise<Page> {
  const context = await browser.newContext({ locale: "zh-CN", ...(phone ? { viewport: { width: 390, height: 844 }, isMobile: true } : { viewport: { width: 1280, height: 860 } }) });
  await context.addInitScript((saved) => localStorage.setItem("kepu.tokens", saved), JSON.stringify(tokens));
  const page = await context.newPage();
  await page.goto(`${gateway.httpUrl}${path}`);
  return page;
}
const row = (page: Page, rowText: string) => page.locator(".el-collapse-item").filter({ hasText: rowText });
const open = (page: Page, rowText: string) => row(page, rowText).locator(".el-collapse-item__header").click();
// The open one: a closed dialog stays in the page (hidden) once it has been shown.
const dialog = (page: Page) => page.locator(".reason-dialog").filter({ visible: true });
/**
 * Opens a row's action dialog. The list reloads after the previous action, which can swallow a
 * click made while it re-renders: click again until the dialog shows.
 */
async function ask(page: Page, rowText: string, button: string) {
  await expect
    .poll(async () => {
      const action = row(page, rowText).locator(button);
      if (!(await action.isVisible())) await open(page, rowText);
      await action.click({ timeout: 5_000 }).catch(() => undefined);
      return dialog(page).count();
    }, { timeout: 30_000 })
    .toBe(1);
}
/**
 * Clicks a row's button until `shown` is on the page. A click on a freshly rendered list can be
 * swallowed (CI, 2 Dec, load 7); the button is clicked only while it is enabled, so an action in
 * flight (its button loading) is never sent twice.
 */
async function clickUntil(page: Page, rowText: string, button: string, shown: Locator) {
  await expect
    .poll(async () => {
      if (await shown.isVisible()) return true;
      const action = row(page, rowText).locator(button);
      if (await action.isEnabled().catch(() => false)) await action.click({ timeout: 2_000 }).catch(() => undefined);
      return shown.isVisible();
    }, { timeout: 30_000 })
    .toBe(true);
}
/** Confirms a dialog with no reason (refused in the browser, naming the field), then with one. */
async function confirmWithReason(page: Page, refusal: string, reason: string, name: string) {
  await dialog(page).locator(".confirm-reason").click();
  await dialog(page).getByText(refusal).waitFor();
  await shot(page, name);
  await dialog(page).locator("textarea[name=reason]").fill(reason);
  await dialog(page).locator(".confirm-reason").click();
}
/** A screenshot of the page, then the checks that it shows names only (no machine ids) and that axe finds nothing serious. */
async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}`, fullPage: true });
  await expectNoIds(page, name);
  await expectAccessible(page, name);
}
const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0c6b50000000049454e44ae426082", "hex");

describe("the order-chain page and the confirmations (issue 17)", () => {
  it("shows an order's whole chain, 点单 to 评价, by name, one page for the resident and for staff", async () => {
    const li = await resident("13700005555", "李阿姨");
    const zhao = await resident("13700006666", "赵大爷");
    const [worker, leader] = await Promise.all([staff("worker"), staff("leader")]);
    const { order } = await call("POST", "/api/v1/orders", li.accessToken, { menuItemId: "menu-health", title: "健康养生讲座", theme: "THEME_HEALTH", communityId: community, expectedParticipants: 30 });
    const orderId = order.orderId as string;

    // 派单 on the orders page, which links each order to its chain.
    const workerPage = await pageWith(worker, "/staff/orders");
    await open(workerPage, "健康养生讲座");
    await row(workerPage, "健康养生讲座").locator(".do-dispatch").click();
    await workerPage.getByText("操作成功").first().waitFor();

    // 接单: the leader's schedule shows the activity without a reload.
    const leaderPage = await pageWith(leader, "/team/inbox");
    await open(leaderPage, "健康养生讲座");
    await clickUntil(leaderPage, "健康养生讲座", ".do-accept", leaderPage.getByText("已接单").filter({ visible: true }).first()); // the schedule's status filter lists 已接单 too, hidden
    await leaderPage.locator(".schedule .el-table__row").filter({ hasText: "健康养生讲座" }).waitFor({ timeout: 25_000 });
    await shot(leaderPage, "1-leader-schedule-after-accept.png");

    const { activity } = await waitFor(async () => ((await chainOf(orderId, worker)).activity ? chainOf(orderId, worker) : undefined), { what: "the order's activity", timeoutMs: 30_000 });
    const activityId = activity.activityId as string;
    const held = activity.sessions[0].session as { sessionId: string; startsAt: string; endsAt: string };
    const book = (who: Tokens) => call("POST", `/api/v1/activities/${activityId}/sessions/${held.sessionId}/bookings`, who.accessToken).then((a) => a.booking.bookingId as string);
    const liBooking = await book(li);
    await book(zhao);

    // 取消预约 asks for a reason first.
    const zhaoPage = await pageWith(zhao, "/resident/bookings", true);
    await zhaoPage.locator(".do-cancel-booking").click();
    await confirmWithReason(zhaoPage, "请填写取消原因", "临时要去医院复诊", "2-cancel-booking-reason-required.png");
    await zhaoPage.getByText("预约已取消").first().waitFor();

    // The day of the session: 李阿姨 is checked in; afterwards hours and the summary with a photo.
    platform.clock.to(new Date(held.startsAt));
    await call("POST", "/api/v1/check-ins", worker.accessToken, { bookingId: liBooking });
    platform.clock.to(new Date(Date.parse(held.endsAt) + 60_000));
    await call("POST", `/api/v1/activities/${activityId}/hours`, leader.accessToken, { volunteerId: "vol-wang", serviceContent: "健康养生讲座主讲", startedAt: held.startsAt, endedAt: held.endsAt });
    const { url } = await call("POST", `/api/v1/activities/${activityId}/photos`, worker.accessToken, png, "image/png");
    await call("POST", `/api/v1/activities/${activityId}/summary`, worker.accessToken, { text: "王医生讲解了高血压的日常管理，居民踊跃提问。", photoUrls: [url] });

    // 完成活动 asks first, saying how many checked in.
    await workerPage.goto(`${gateway.httpUrl}/staff/activities`);
    await ask(workerPage, "健康养生讲座", ".do-complete"); // one click can be swallowed while the fresh page's list renders (CI 2 Dec)
    await dialog(workerPage).getByText("已签到 1 人").waitFor();
    await shot(workerPage, "3-complete-asks-first.png");
    await dialog(workerPage).locator(".confirm-reason").click();
    await workerPage.getByText("活动已完成").first().waitFor();
    platform.clock.reset();
    await waitFor(async () => ((await chainOf(orderId, li)).order.status === "ORDER_STATUS_DELIVERED" ? true : undefined), { what: "the order delivered", timeoutMs: 30_000 });

    // 评价: the stars stay, with the score.
    const liPage = await pageWith(li, "/resident/orders", true);
    await liPage.locator(".rating .el-rate__item").nth(3).click();
    await liPage.getByText("感谢您的评价").first().waitFor();
    await liPage.locator(".rating").getByText("4 分").waitFor();
    await expect.poll(() => liPage.locator(".rating .el-rate__item .is-active, .rating .el-rate__icon.is-active").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    await shot(liPage, "4-resident-rated-stars-stay.png");

    // Her order's chain, from the link on her order.
    await liPage.getByRole("link", { name: "查看全过程" }).first().click();
    await liPage.waitForURL(`**/orders/${orderId}`);
    const steps = liPage.locator(".chain-step");
    for (const step of ["居民点单", "社区派单", "志愿者接单", "活动已排期", "活动已开展", "已评价"]) await steps.filter({ hasText: step }).first().waitFor();
    await steps.filter({ hasText: "居民点单" }).getByText("李阿姨").waitFor();
    await steps.filter({ hasText: "社区派单" }).getByText("红荔社区 李社工").waitFor();
    await steps.filter({ hasText: "志愿者接单" }).getByText("福田区科技志愿服务队 张队长").waitFor();
    await liPage.locator(".order-head").getByText("红荔社区").waitFor();
    await liPage.locator(".summary-part").getByText("王医生讲解了高血压的日常管理").waitFor();
    await liPage.locator(".summary-part img.photo").waitFor();
    await liPage.locator(".rating-part").getByText("4 分").waitFor();
    await expect(liPage.locator(".show-ids").count()).resolves.toBe(0); // no 编号 for residents
    await expect(liPage.locator(".figures-part").count()).resolves.toBe(0);
    await shot(liPage, "5-resident-order-chain.png");
    const herView = await liPage.locator("body").innerText();
    for (const id of [orderId, activityId, community]) expect(herView).not.toContain(id);

    // The worker's view: the team by name, the attendance and hours, the figures, 编号 on request.
    await workerPage.goto(`${gateway.httpUrl}/orders/${orderId}`);
    await workerPage.locator(".activity-part").getByText("福田区科技志愿服务队").first().waitFor();
    await expect.poll(() => workerPage.locator('[data-figure="checkedIn"] .el-statistic__number').textContent()).toBe("1");
    await expect.poll(() => workerPage.locator('[data-figure="participants"] .el-statistic__number').textContent()).toBe("1");
    await expect.poll(() => workerPage.locator('[data-figure="hours"] .el-statistic__number').textContent()).not.toBe("0.0");
    await workerPage.locator(".figures-part").waitFor();
    const seen = await workerPage.locator("body").innerText();
    for (const id of [orderId, activityId, community, "team-futian"]) expect(seen).not.toContain(id); // names; ids only behind the switch
    await shot(workerPage, "6-worker-order-chain.png");
    await workerPage.locator(".show-ids").click();
    await workerPage.getByText(`${orderId}@1`).waitFor();
    await workerPage.screenshot({ path: `${shots}/7-worker-order-chain-ids.png`, fullPage: true });
    // …and back from the activity to the order.
    await workerPage.goto(`${gateway.httpUrl}/staff/activities`);
    await open(workerPage, "健康养生讲座");
    await workerPage.getByRole("link", { name: "来自订单：查看全过程" }).click();
    await workerPage.waitForURL(`**/orders/${orderId}`);
  }, 240_000);

  it("驳回, 转科协 and 取消 ask first: an empty reason is refused by its label, the typed one lands in the chain", async () => {
    const chen = await resident("13700007777", "陈阿姨");
    const worker = await staff("worker");
    const placed = async (title: string) => (await call("POST", "/api/v1/orders", chen.accessToken, { theme: "THEME_HEALTH", title, communityId: community })).order.orderId as string;
    const [rejected, pooled, cancelled] = [await placed("想学广场舞编排"), await placed("手机防诈骗讲座"), await placed("垃圾分类小课堂")];

    const workerPage = await pageWith(worker, "/staff/orders");
    await ask(workerPage, "想学广场舞编排", ".do-reject");
    await confirmWithReason(workerPage, "请填写驳回原因", "广场舞不属于科普服务，请联系社区文体队", "8-reject-reason-required.png");
    await workerPage.getByText("订单已驳回").first().waitFor();

    await ask(workerPage, "手机防诈骗讲座", ".do-pool");
    await confirmWithReason(workerPage, "请填写转科协原因", "本社区暂无反诈方向的志愿队伍", "9-pool-reason-required.png");
    await workerPage.getByText("已转科协派单池").first().waitFor();

    const chenPage = await pageWith(chen, "/resident/orders", true);
    await chenPage.locator(".order").filter({ hasText: "垃圾分类小课堂" }).locator(".do-cancel-order").click();
    await confirmWithReason(chenPage, "请填写取消原因", "小区已经办过一场了", "10-cancel-order-reason-required.png");
    await chenPage.getByText("订单已取消").first().waitFor();

    // Each typed reason is in its order's chain, on the step it caused.
    for (const [orderId, step, reason] of [
      [rejected, "已驳回", "广场舞不属于科普服务，请联系社区文体队"],
      [pooled, "转科协", "本社区暂无反诈方向的志愿队伍"],
      [cancelled, "已取消", "小区已经办过一场了"],
    ] as const) {
      await chenPage.goto(`${gateway.httpUrl}/orders/${orderId}`);
      await chenPage.locator(".chain-step").filter({ hasText: step }).getByText(reason).waitFor();
    }
    await shot(chenPage, "11-cancelled-order-chain.png");

    // 我的预约, empty, says what to do.
    await chenPage.goto(`${gateway.httpUrl}/resident/bookings`);
    await chenPage.locator(".no-bookings").getByText("去“活动”里挑一场").waitFor();
    await chenPage.getByRole("button", { name: "去看活动" }).waitFor();
    await shot(chenPage, "12-no-bookings.png");
  }, 180_000);
});
