// Each role's main journey in a real browser (Debian's Chromium via playwright-core) against the
// running platform — four services, the gateway serving the built app: a resident orders and
// books, a worker dispatches, the team leader accepts, and the dashboard figure changes live; then
// the leader records service hours, the worker files a summary with a photo, staff see the bases,
// and a worker checks a resident in by pointing a (fake, file-fed) camera at her QR code.
// Screenshots of every page land in test-artifacts/journeys/; after each, no visible text looks like
// a machine id (visible-ids.ts), and axe-core finds no serious or critical accessibility
// violation on it (a11y.ts). The root URL renders, and Element Plus speaks the app's language
// (zh-CN, then English).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import QRCode from "qrcode";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BaseLevel, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { expectAccessible } from "./a11y";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectNoIds } from "./visible-ids";

const engines = new TestEngines(uniquePrefix("journeys"));
const redis = new Redis(engines.urls.redisUrl);
const shots = "test-artifacts/journeys";
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
  await client.certifyBase({ baseId: "base-futian-kjg", name: "福田区科技馆", orgId: "sz-futian", level: BaseLevel.CITY, certifiedOn: { seconds: BigInt(Date.UTC(2024, 2, 1) / 1000), nanos: 0 }, termYears: 3, themes: [Theme.HEALTH] }, admin);
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
  // 点单 and 派单 are checked against dispatch's read model of the registry's events: wait for it.
  await engines.waitForDocuments("dispatch", "orgs", [community]);
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-health"]);
  await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  browser = await launchBrowser();
}, 420_000); // the build (when src/ changed) and five services on two shared cores

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  redis.disconnect();
  await engines.cleanup();
});

async function pageAs(account: string, inBrowser = browser): Promise<Page> {
  const page = await (await inBrowser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(`${gateway.httpUrl}/sign-in`);
  await page.locator("input[name=account]").fill(account);
  await page.locator("input[name=password]").fill("kepu-demo");
  await page.getByRole("button", { name: "登录" }).first().click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  return page;
}

const figure = (page: Page, key: string) => page.locator(`[data-figure="${key}"] .value`);
const open = (page: Page, rowText: string) => page.locator(".el-collapse-item").filter({ hasText: rowText }).locator(".el-collapse-item__header").click();

describe("the web app in a browser, role by role", () => {
  it("the root URL shows the sign-in page, or the signed-in person's home; Element Plus speaks Chinese, then English", async () => {
    const stranger = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await stranger.goto(`${gateway.httpUrl}/`);
    await stranger.waitForURL("**/sign-in");
    await stranger.locator("input[name=account]").waitFor();
    expect(await stranger.locator("input[name=account]").isEnabled()).toBe(true);
    await stranger.screenshot({ path: `${shots}/0-root-sign-in.png`, fullPage: true });
    await expectNoIds(stranger, "0-root-sign-in");
    await expectAccessible(stranger, "0-root-sign-in");
    await stranger.goto(`${gateway.httpUrl}/no/such/page`);
    await stranger.waitForURL("**/sign-in");

    const worker = await pageAs("worker");
    await worker.waitForURL("**/staff/orders");
    await worker.goto(`${gateway.httpUrl}/`);
    await worker.waitForURL("**/staff/orders");
    // The date picker's panel in Chinese (此刻, 确定, 选择日期); English after the switch, Chinese again after the next.
    await worker.goto(`${gateway.httpUrl}/staff/activities`);
    const picker = worker.locator(".publish .el-date-editor input");
    const panel = worker.locator(".el-picker-panel:visible");
    await picker.click();
    await panel.getByRole("button", { name: "此刻", exact: true }).waitFor();
    await panel.getByRole("button", { name: "确定", exact: true }).waitFor();
    await panel.locator("input[placeholder='选择日期']").waitFor();
    await worker.screenshot({ path: `${shots}/0-worker-date-picker-zh.png`, fullPage: true });
    await expectNoIds(worker, "0-worker-date-picker-zh");
    await expectAccessible(worker, "0-worker-date-picker-zh");
    await worker.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    await worker.getByRole("button", { name: "English" }).click();
    await worker.getByRole("button", { name: "中文" }).waitFor();
    await picker.click();
    await panel.getByRole("button", { name: "Now", exact: true }).waitFor();
    await panel.getByRole("button", { name: "OK", exact: true }).waitFor();
    await panel.locator("input[placeholder='Select date']").waitFor();
    await worker.screenshot({ path: `${shots}/0-worker-date-picker-en.png`, fullPage: true });
    await expectNoIds(worker, "0-worker-date-picker-en");
    await expectAccessible(worker, "0-worker-date-picker-en");
    await worker.keyboard.press("Escape");
    await worker.getByRole("button", { name: "中文" }).click();
  }, 120_000);

  it("a resident orders and books, a worker dispatches, the team accepts, and the dashboard changes live", async () => {
    const dashboard = await pageAs("viewer");
    await expect.poll(() => figure(dashboard, "dashboard.orders").textContent(), { timeout: 20_000 }).toBe("0");
    await dashboard.getByText("实时").waitFor({ timeout: 20_000 }).catch(() => undefined); // the feed may only speak on the first change

    // 居民: phone + one-time code, then the menu of their community, 点单.
    const resident = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await resident.goto(`${gateway.httpUrl}/sign-in`);
    await resident.getByRole("tab", { name: "居民" }).click();
    await resident.locator("input[name=phone]").fill("13700002222");
    await resident.getByRole("button", { name: "获取验证码" }).click();
    const code = await expect.poll(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:13700002222`), { timeout: 10_000 }).toBeTruthy().then(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:13700002222`));
    await resident.locator("input[name=code]").fill(code!);
    // The community picked, never typed as a code: found by its pinyin initials, the selects follow (区 → 街道 → 社区).
    await resident.locator("input[name=communitySearch]").fill("hlsq");
    await resident.locator(".el-autocomplete-suggestion li").filter({ hasText: "红荔社区" }).click();
    await resident.locator(".pick-district").getByText("福田区").waitFor();
    await resident.locator(".pick-street").getByText("园岭街道").waitFor();
    await resident.locator(".pick-community").getByText("红荔社区").waitFor();
    await resident.screenshot({ path: `${shots}/0-resident-community-picker.png`, fullPage: true });
    await expectNoIds(resident, "0-resident-community-picker");
    await expectAccessible(resident, "0-resident-community-picker");
    await resident.getByRole("button", { name: "登录" }).last().click();
    await resident.waitForURL("**/resident/menu");
    await resident.getByText("健康养生讲座").waitFor();
    await resident.screenshot({ path: `${shots}/1-resident-menu.png`, fullPage: true });
    await expectNoIds(resident, "1-resident-menu");
    await expectAccessible(resident, "1-resident-menu");
    // 点单 double-clicked (an impatient thumb) places one order.
    await resident.locator(".menu-item").filter({ hasText: "健康养生讲座" }).getByRole("button", { name: "点单" }).dblclick();
    await resident.getByText("点单成功").first().waitFor();

    // The dashboard hears of the order without a reload.
    await expect.poll(() => figure(dashboard, "dashboard.orders").textContent(), { timeout: 20_000 }).toBe("1");
    const residentToken = await resident.evaluate(() => (JSON.parse(localStorage.getItem("kepu.tokens")!) as { accessToken: string }).accessToken);
    const placed = (await (await fetch(`${gateway.httpUrl}/api/v1/orders`, { headers: { authorization: `Bearer ${residentToken}` } })).json()) as { total: number };
    expect(placed.total).toBe(1);
    await dashboard.screenshot({ path: `${shots}/2-dashboard-live.png`, fullPage: true });
    await expectNoIds(dashboard, "2-dashboard-live");
    await expectAccessible(dashboard, "2-dashboard-live");

    // 社区派单 with the ranked suggestions.
    const worker = await pageAs("worker");
    await worker.waitForURL("**/staff/orders");
    await open(worker, "健康养生讲座");
    await worker.locator(".do-dispatch").waitFor();
    await worker.getByText("福田区科技志愿服务队").waitFor();
    await worker.screenshot({ path: `${shots}/3-worker-dispatch.png`, fullPage: true });
    await expectNoIds(worker, "3-worker-dispatch");
    await expectAccessible(worker, "3-worker-dispatch");
    await worker.locator(".do-dispatch").click();
    await worker.getByText("操作成功").waitFor();

    // 志愿者接单.
    const leader = await pageAs("leader");
    await leader.waitForURL("**/team/inbox");
    await open(leader, "健康养生讲座");
    await leader.locator(".do-accept").waitFor();
    await leader.screenshot({ path: `${shots}/4-leader-inbox.png`, fullPage: true });
    await expectNoIds(leader, "4-leader-inbox");
    await expectAccessible(leader, "4-leader-inbox");
    await leader.locator(".do-accept").click();
    await leader.getByText("操作成功").waitFor();

    // The accepted order became an activity: the resident books it and shows the check-in QR.
    await resident.goto(`${gateway.httpUrl}/resident/orders`);
    await resident.getByText("志愿者接单").waitFor();
    await resident.screenshot({ path: `${shots}/5-resident-timeline.png`, fullPage: true });
    await expectNoIds(resident, "5-resident-timeline");
    await expectAccessible(resident, "5-resident-timeline");
    await expect
      .poll(async () => {
        // Count once the page's list has arrived and rendered, not right after the navigation (on a
        // busy machine the count otherwise runs before the list is fetched, on every try).
        const listed = resident.waitForResponse((r) => r.url().includes("/api/v1/activities?") && r.request().method() === "GET");
        await resident.goto(`${gateway.httpUrl}/resident/activities`);
        await listed;
        await resident.evaluate(() => new Promise((rendered) => requestAnimationFrame(rendered)));
        return resident.locator(".activity").filter({ hasText: "健康养生讲座" }).count();
      }, { timeout: 30_000 })
      .toBe(1);
    await resident.locator(".activity").filter({ hasText: "健康养生讲座" }).getByRole("button", { name: "预约" }).click();
    await resident.getByText("预约成功").waitFor();
    await resident.goto(`${gateway.httpUrl}/resident/bookings`);
    await resident.locator(".show-qr").first().click();
    await resident.locator("img.qr").waitFor();
    await resident.screenshot({ path: `${shots}/6-resident-qr.png`, fullPage: true });
    await expectNoIds(resident, "6-resident-qr");
    await expectAccessible(resident, "6-resident-qr");

    // The dashboard in English, after all of it.
    await dashboard.getByRole("button", { name: "English" }).click();
    await dashboard.getByText("Outreach dashboard").waitFor();
    await dashboard.screenshot({ path: `${shots}/7-dashboard-en.png`, fullPage: true });
    await expectNoIds(dashboard, "7-dashboard-en");
    await expectAccessible(dashboard, "7-dashboard-en");
  }, 240_000);

  it("the team leader records service hours from the schedule, the worker files a summary with a photo, and staff see the bases", async () => {
    // 志愿服务时长 for a member, from the team's schedule (the activity the first journey made).
    const leader = await pageAs("leader");
    await leader.waitForURL("**/team/inbox");
    const row = leader.locator(".schedule .el-table__row").filter({ hasText: "健康养生讲座" });
    await row.getByRole("button", { name: "记录服务时长" }).click();
    await leader.locator(".pick-volunteer").click();
    await leader.locator(".el-select-dropdown__item").filter({ hasText: "王医生" }).click();
    const events = createRpcClient(EventsService, platform.address("events"), { signer: testSigner() });
    const { activities } = await events.listActivities({ teamId: "team-futian" }, { actor: { id: "admin", role: Role.ADMIN } });
    events.close();
    const held = activities.find((a) => a.title === "健康养生讲座")!.sessions[0]!.session!;
    platform.clock.to(new Date(Number(held.endsAt!.seconds) * 1000 + 60_000)); // hours are recorded once served
    await leader.locator(".do-hours").click();
    await leader.getByText("服务时长已记录").waitFor();
    platform.clock.reset();
    await leader.screenshot({ path: `${shots}/8-leader-hours.png`, fullPage: true });
    await expectNoIds(leader, "8-leader-hours");
    await expectAccessible(leader, "8-leader-hours");

    // 图文总结 with a photo: shrunk in the browser, uploaded, shown as a thumbnail.
    const worker = await pageAs("worker");
    await worker.goto(`${gateway.httpUrl}/staff/activities`);
    await worker.locator(".activity-row").filter({ hasText: "健康养生讲座" }).locator(".el-collapse-item__header").click();
    await worker.locator("textarea[name=summary]").fill("王医生讲解了高血压的日常管理，居民踊跃提问。");
    const photo = await worker.screenshot(); // any real PNG will do
    await worker.locator("input[name=photos]").setInputFiles({ name: "现场.png", mimeType: "image/png", buffer: photo });
    await worker.getByText("照片已上传").waitFor();
    await worker.locator("img.thumb").waitFor();
    await worker.locator(".file-summary").click();
    await worker.getByText("操作成功").waitFor();
    await worker.screenshot({ path: `${shots}/9-worker-summary-photo.png`, fullPage: true });
    await expectNoIds(worker, "9-worker-summary-photo");
    await expectAccessible(worker, "9-worker-summary-photo");

    // 科普基地 of the district.
    const district = await pageAs("district");
    await district.goto(`${gateway.httpUrl}/staff/bases`);
    await district.locator(".bases").getByText("福田区科技馆").waitFor();
    await district.locator(".bases .el-table").getByText("市级").first().waitFor(); // the level filter's options say it too
    await district.screenshot({ path: `${shots}/10-district-bases.png`, fullPage: true });
    await expectNoIds(district, "10-district-bases");
    await expectAccessible(district, "10-district-bases");
    await district.goto(`${gateway.httpUrl}/staff/overdue`);
    await district.locator(".campaign-activities").waitFor();
    await district.getByText("逾期未交的图文总结").waitFor();
    await district.screenshot({ path: `${shots}/11-district-campaigns.png`, fullPage: true });
    await expectNoIds(district, "11-district-campaigns");
    await expectAccessible(district, "11-district-campaigns");
  }, 180_000);

  it("checks a resident in by filming the QR code with the camera (扫码签到)", async () => {
    // A resident books over the API and gets the check-in token her QR code carries.
    const phone = "13700004444";
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${gateway.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json());
    await post("/api/v1/auth/resident-code", { phone });
    const code = await redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`);
    const { accessToken } = (await post("/api/v1/auth/resident-sign-in", { phone, code, communityId: community })) as { accessToken: string };
    const get = (path: string) => fetch(`${gateway.httpUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.json());
    const { activities } = (await get(`/api/v1/activities?orgId=${community}`)) as { activities: { activityId: string; title: string; sessions: { session: { sessionId: string; startsAt: string } }[] }[] };
    const activity = activities.find((a) => a.title === "健康养生讲座")!;
    const { booking } = (await post(`/api/v1/activities/${activity.activityId}/sessions/${activity.sessions[0]!.session.sessionId}/bookings`, {}, accessToken)) as { booking: { bookingId: string } };
    platform.clock.to(new Date(activity.sessions[0]!.session.startsAt)); // the session's day: check-in is open
    const { token } = (await get(`/api/v1/bookings/${booking.bookingId}/check-in-token`)) as { token: string };

    // The QR code on film: a JPEG of it, looped by Chromium's fake camera.
    const png = await QRCode.toDataURL(token, { width: 420, margin: 4 });
    const helper = await browser.newPage();
    const jpeg = await helper.evaluate(async (dataUrl) => {
      const image = new Image();
      image.src = dataUrl;
      await image.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 480 });
      const context = canvas.getContext("2d")!;
      context.fillStyle = "#fff";
      context.fillRect(0, 0, 640, 480);
      context.drawImage(image, 110, 30);
      return canvas.toDataURL("image/jpeg", 0.95).split(",")[1]!;
    }, png);
    const film = join(tmpdir(), `kepu-qr-${engines.prefix}.mjpeg`);
    writeFileSync(film, Buffer.concat(Array.from({ length: 5 }, () => Buffer.from(jpeg, "base64"))));
    const filming = await launchBrowser(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${film}`]);
    try {
      const worker = await pageAs("worker", filming);
      await worker.goto(`${gateway.httpUrl}/staff/activities`);
      await worker.locator(".activity-row").filter({ hasText: "健康养生讲座" }).locator(".el-collapse-item__header").click();
      await worker.locator(".start-scan").click();
      await worker.getByText("操作成功").waitFor();
      await worker.locator(".el-table__row").filter({ hasText: "已签到" }).first().waitFor();
      await worker.screenshot({ path: `${shots}/12-worker-camera-check-in.png`, fullPage: true });
      await expectNoIds(worker, "12-worker-camera-check-in");
      await expectAccessible(worker, "12-worker-camera-check-in");
    } finally {
      await filming.close();
      await helper.close();
      rmSync(film, { force: true });
    }
  }, 120_000);
});
