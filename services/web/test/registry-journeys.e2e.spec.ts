// Issue 15 in a real browser: a district officer (福田区科协) sets up her district in the web app —
// a street and a community in the org tree, an account for the new community worker (its initial
// password shown once), a volunteer team, a child member with a guardian's consent, and members
// imported from the downloaded template (a bad row reported per row and nothing written, then the
// fixed file imported); then the new worker signs in for the first time, must change her password,
// and lands on her community's orders. Screenshots of every new page in test-artifacts/registry-journeys/.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { expectAccessible } from "./a11y";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectNoIds } from "./visible-ids";

// The xlsx is written with the gateway's own exceljs (the web package does not depend on it).
interface Sheet { getRow(n: number): { values: unknown }; addRow(cells: string[]): void }
interface Workbook { xlsx: { load(data: ArrayBuffer): Promise<unknown>; writeBuffer(): Promise<ArrayBuffer> }; getWorksheet(name: string): Sheet | undefined; addWorksheet(name: string): Sheet }
const ExcelJS = createRequire(new URL("../../gateway/package.json", import.meta.url))("exceljs") as { Workbook: new () => Workbook };

const engines = new TestEngines(uniquePrefix("regjourneys"));
const shots = "test-artifacts/registry-journeys";
const files = join(tmpdir(), engines.prefix);
let platform: Platform;
let gateway: ServiceProcess;
let browser: Browser;

/** Only the city and 福田区, where the demo district officer works: the rest is built in the browser. */
async function seed(registryAddress: string) {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  await client.registerOrganization({ orgId: "sz", name: "深圳市", kind: OrgKind.CITY, parentId: "" }, admin);
  await client.registerOrganization({ orgId: "sz-futian", name: "福田区", kind: OrgKind.DISTRICT, parentId: "sz" }, admin);
  client.close();
}

beforeAll(async () => {
  await whenBuilt();
  mkdirSync(shots, { recursive: true });
  mkdirSync(files, { recursive: true });
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  await seed(platform.address("registry"));
  browser = await launchBrowser();
}, 420_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await platform?.stop();
  await engines.cleanup();
});

async function newPage(): Promise<Page> {
  return (await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
}
async function signIn(page: Page, account: string, password: string) {
  await page.goto(`${gateway.httpUrl}/sign-in`);
  await page.locator("input[name=account]").fill(account);
  await page.locator("input[name=password]").fill(password);
  await page.getByRole("button", { name: "登录" }).first().click();
}
/** A screenshot of a new page, which shows no machine id and passes axe (WCAG 2.1 A/AA; soft). */
async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await expectNoIds(page, name);
  await expectAccessible(page, name);
}
/** The message the page shows for an action's result (Element Plus's toast). */
const told = (page: Page, text: string) => page.locator(".el-message").filter({ hasText: text }).first().waitFor();
/** An OrgPicker: type part of the name, pick the org from the list. */
async function pickOrg(page: Page, picker: string, typed: string, name: string) {
  await page.locator(`.org-picker-${picker} input`).first().fill(typed);
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: name }).first().click();
}
/** An el-select: open it, click the option. */
async function choose(page: Page, select: string, option: string) {
  await page.locator(select).first().click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: option }).first().click();
}

/** The downloaded template's header row, and a sheet with those headers and these rows. */
async function sheetFrom(template: string, rows: Record<string, string>[], name: string): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(new Uint8Array(readFileSync(template)).buffer);
  const headers = (book.getWorksheet("导入")!.getRow(1).values as unknown[]).slice(1).map(String);
  const out = new ExcelJS.Workbook();
  const sheet = out.addWorksheet("导入");
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? ""));
  const path = join(files, name);
  writeFileSync(path, Buffer.from(await out.xlsx.writeBuffer()));
  return path;
}

describe("issue 15 in the browser: a district officer sets up her district, the new worker signs in", () => {
  let workerPassword = "";

  it("the district officer builds a street and a community, a worker account, a team and its members (imported from Excel)", async () => {
    const page = await newPage();
    onTestFailed(() => page.screenshot({ path: `${files}/failed.png`, fullPage: true }).then(() => undefined));
    await signIn(page, "district", "kepu-demo");
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));

    // 组织机构: 福田区 at the top of her tree; a street under it, a community under the street.
    await page.getByRole("link", { name: "组织机构" }).click();
    await page.locator(".selected-name").filter({ hasText: "福田区" }).waitFor();
    await page.locator(".do-add-child").click();
    await page.locator(".child-kind").getByText("街道").waitFor(); // the first kind a district may hold
    await page.locator(".org-dialog input[name=orgName]").fill("莲花街道");
    await page.locator(".org-dialog .do-submit").click();
    await told(page, "已新建「莲花街道」");
    await page.locator(".org-tree .node").filter({ hasText: "莲花街道" }).click();
    await page.locator(".selected-name").filter({ hasText: "莲花街道" }).waitFor();
    await page.locator(".do-add-child").click();
    await page.locator(".child-kind").getByText("社区").waitFor();
    await page.locator(".org-dialog input[name=orgName]").fill("彩田社区");
    await page.locator(".org-dialog .do-submit").click();
    await told(page, "已新建「彩田社区」");
    await page.locator(".org-tree .node").filter({ hasText: "彩田社区" }).waitFor();
    // A 党群服务中心 of the street, serving the new community.
    await page.locator(".do-add-child").click();
    await choose(page, ".child-kind", "党群服务中心");
    await page.locator(".org-dialog input[name=orgName]").fill("莲花街道党群服务中心");
    await page.locator(".org-dialog .do-submit").click();
    await told(page, "已新建「莲花街道党群服务中心」");
    await page.locator(".org-tree .node").filter({ hasText: "莲花街道党群服务中心" }).click();
    await page.locator(".selected-name").filter({ hasText: "莲花街道党群服务中心" }).waitFor();
    await pickOrg(page, "served", "彩田", "彩田社区");
    await page.locator(".org-tree-page h2").click(); // closes the multiple select
    await page.locator(".do-save-served").click();
    await told(page, "已保存「莲花街道党群服务中心」服务的 1 个社区");
    await shot(page, "1a-org-served-communities");
    // Closed with a typed reason, asked again first: it leaves the tree.
    await page.locator(".do-close").click();
    await expect(page.locator(".org-dialog .do-submit").isDisabled()).resolves.toBe(true);
    await page.locator(".org-dialog textarea[name=closeReason]").fill("并入社区党群服务中心");
    await page.locator(".org-dialog .do-submit").click();
    await page.locator(".el-message-box").getByText("确定撤销「莲花街道党群服务中心」吗").waitFor();
    await page.locator(".el-message-box").getByRole("button", { name: "撤销" }).click();
    await told(page, "「莲花街道党群服务中心」已撤销");
    await page.locator(".selected-name").getByText("已撤销").waitFor();
    await expect.poll(() => page.locator(".org-tree .node").filter({ hasText: "莲花街道党群服务中心" }).count()).toBe(0);
    // Found by name, too.
    await page.locator("input[name=orgSearch]").fill("彩田");
    await page.locator(".do-search").click();
    await page.locator(".found-org").filter({ hasText: "彩田社区" }).click();
    await page.locator(".selected-name").filter({ hasText: "彩田社区" }).waitFor();
    await page.getByText("深圳市 / 福田区 / 莲花街道 / 彩田社区").waitFor();
    await shot(page, "1b-org-tree-search");
    // Renamed, by name.
    await page.locator(".do-rename").click();
    await page.locator(".org-dialog input[name=orgName]").fill("彩田社区居委会");
    await page.locator(".org-dialog .do-submit").click();
    await told(page, "已改名为「彩田社区居委会」");
    await page.locator(".selected-name").filter({ hasText: "彩田社区居委会" }).waitFor();
    await page.locator(".do-rename").click();
    await page.locator(".org-dialog input[name=orgName]").fill("彩田社区");
    await page.locator(".org-dialog .do-submit").click();
    await told(page, "已改名为「彩田社区」");

    // 账号管理: an account for the community's new worker; its initial password shown once.
    await page.getByRole("link", { name: "账号管理" }).click();
    await page.locator(".accounts-page h2").filter({ hasText: "账号管理" }).waitFor();
    await page.locator(".new-account").click();
    await page.locator("input[name=newAccount]").fill("caitian-lin");
    await page.locator("input[name=newDisplayName]").fill("彩田社区 林社工");
    await page.locator(".new-role").getByText("社区工作者").waitFor();
    await pickOrg(page, "new-account", "彩田", "彩田社区");
    await page.locator(".do-create").click();
    await told(page, "账号 caitian-lin 已创建");
    const secret = page.locator(".shown-once .secret-value");
    await secret.waitFor();
    workerPassword = await secret.inputValue();
    expect(workerPassword.length).toBeGreaterThanOrEqual(8);
    await shot(page, "2-account-initial-password");
    await page.locator(".shown-once .saved").click();
    await page.locator("input[name=accountSearch]").fill("caitian");
    await page.locator("input[name=accountSearch]").press("Enter");
    const row = page.locator(".accounts .el-table__row").filter({ hasText: "caitian-lin" });
    await row.getByText("彩田社区 林社工").waitFor();
    await row.getByText("待改初始密码").waitFor();
    await expect.poll(() => page.locator(".accounts .el-table__row").count()).toBe(1);
    // Disable and enable again, each asked first.
    await row.locator(".do-disable").click();
    await page.locator(".el-message-box").getByText("确定停用 彩田社区 林社工（caitian-lin）吗").waitFor();
    await page.locator(".el-message-box").getByRole("button", { name: "确定" }).click();
    await told(page, "caitian-lin 已停用");
    await row.getByText("已停用").waitFor();
    await row.locator(".do-enable").click();
    await page.locator(".el-message-box").getByRole("button", { name: "确定" }).click();
    await told(page, "caitian-lin 已启用");
    await row.getByText("启用中").waitFor();
    // Reset: a new initial password, shown once; the first one no longer counts.
    await row.locator(".do-reset").click();
    await page.locator(".el-message-box").getByRole("button", { name: "确定" }).click();
    await told(page, "caitian-lin 的密码已重置");
    await secret.waitFor();
    const reset = await secret.inputValue();
    expect(reset).not.toBe(workerPassword);
    workerPassword = reset;
    await page.locator(".shown-once .saved").click();
    await page.locator(".accounts .el-loading-mask").waitFor({ state: "hidden" });
    await shot(page, "3-accounts");

    // 志愿服务队: a team of the new community, serving it.
    await page.getByRole("link", { name: "志愿服务队" }).click();
    await page.locator(".do-register").click();
    await page.locator(".register-team input[name=teamName]").fill("彩田社区健康志愿队");
    await pickOrg(page, "team-org", "彩田", "彩田社区");
    await choose(page, ".team-themes", "卫生健康");
    const closeDropdown = () => page.locator(".register-team .el-dialog__header").click(); // a multiple select stays open after a pick
    await closeDropdown();
    await pickOrg(page, "team-area", "彩田", "彩田社区");
    await closeDropdown();
    await page.locator(".do-save-team").click();
    await told(page, "已登记「彩田社区健康志愿队」");
    await page.waitForURL("**/staff/teams/team-*");
    const teamId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    await page.locator(".team-name").filter({ hasText: "彩田社区健康志愿队" }).waitFor();
    await page.locator(".area").filter({ hasText: "彩田社区" }).waitFor();

    // A child of 11 joins only with her guardian's consent: the form asks for it.
    await page.locator(".do-add-member").click();
    await page.locator(".add-member input[name=realName]").fill("林小雨");
    await page.locator(".add-member input[name=memberPhone]").fill("13900001111");
    await page.locator(".add-member .birth-date input").fill(`${new Date().getFullYear() - 11}-03-01`);
    await page.locator(".add-member .birth-date input").press("Enter");
    await page.locator(".consent-why").waitFor();
    await expect(page.locator(".add-member .do-add").isDisabled()).resolves.toBe(true);
    await page.locator(".add-member input[name=guardianName]").fill("林大海");
    await page.locator(".add-member input[name=guardianPhone]").fill("13900002222");
    await page.locator(".add-member input[name=relationship]").fill("父亲");
    await page.locator(".add-member input[name=consentedAt]").fill(new Date().toISOString().slice(0, 10));
    await page.locator(".add-member input[name=consentedAt]").press("Enter");
    await page.locator(".add-member .do-add").click();
    await told(page, "林小雨 已加入队伍");
    const members = page.locator(".members .el-table__row");
    // Name and phones masked for the association (in clear only for the leader and admins).
    const girl = members.filter({ hasText: "139****1111" });
    await girl.getByText("林**", { exact: true }).waitFor();
    await girl.getByText("未满 14 周岁").waitFor();
    await girl.getByText("139****2222").waitFor();

    // 批量导入: the template downloaded from the page, filled in with one bad row: reported, nothing written.
    await page.getByRole("link", { name: "批量导入" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".do-template").click()]);
    const template = join(files, "template.xlsx");
    await download.saveAs(template);
    const child = `${new Date().getFullYear() - 10}-06-01`;
    const people: Record<string, string>[] = [
      { 队伍编号: teamId, 志愿者编号: "vol-ct-1", 姓名: "陈医生", 手机号: "13900000001", 技能: "HEALTH" },
      { 队伍编号: teamId, 志愿者编号: "vol-ct-2", 姓名: "刘护士", 手机号: "12345", 技能: "HEALTH" }, // row 3: not a mobile number
      { 队伍编号: teamId, 志愿者编号: "vol-ct-3", 姓名: "赵药师", 手机号: "13900000003", 技能: "FOOD_SAFETY", 出生日期: "1990/13/45" }, // row 4: not a date
      { 队伍编号: teamId, 志愿者编号: "vol-ct-4", 姓名: "孙小明", 手机号: "13900000004", 出生日期: child }, // row 5: under 14, no guardian
    ];
    await page.locator("input[name=importFile]").setInputFiles(await sheetFrom(template, people, "bad.xlsx"));
    await page.locator(".do-upload").click();
    await page.locator(".report-summary.failed").filter({ hasText: "未导入任何数据" }).waitFor();
    const problems = page.locator(".problems .el-table__row");
    await expect.poll(() => problems.allInnerTexts().then((rows) => rows.map((r) => r.split(/\s+/).slice(0, 2).join(" ")))).toEqual(["3 手机号", "4 出生日期", "5 监护人姓名"]);
    await shot(page, "4-import-report");

    Object.assign(people[1]!, { 手机号: "13900000002" });
    Object.assign(people[2]!, { 出生日期: "1990-04-05" });
    Object.assign(people[3]!, { 监护人姓名: "孙大海", 监护人电话: "13900000005", 监护人关系: "父亲", 监护人同意日期: new Date().toISOString().slice(0, 10) });
    await page.locator("input[name=importFile]").setInputFiles(await sheetFrom(template, people, "fixed.xlsx"));
    await page.locator(".do-upload").click();
    await page.locator(".report-summary.imported").filter({ hasText: "已写入 4 行" }).waitFor();
    await shot(page, "5-import-done");

    // The team now has the child and the three imported, phones masked.
    await page.goto(`${gateway.httpUrl}/staff/teams/${encodeURIComponent(teamId)}`);
    for (const [name, phone] of [["陈**", "139****0001"], ["刘**", "139****0002"], ["赵**", "139****0003"], ["孙**", "139****0004"]]) {
      await members.filter({ hasText: phone! }).getByText(name!, { exact: true }).waitFor();
    }
    await members.filter({ hasText: "139****0004" }).getByText("未满 14 周岁").waitFor();
    await expect.poll(() => members.count()).toBe(5);
    await shot(page, "6-team-detail");
    await page.getByRole("link", { name: "返回队伍列表" }).click();
    await page.locator(".teams .el-table__row").filter({ hasText: "彩田社区健康志愿队" }).getByText("彩田社区", { exact: true }).waitFor();
    await shot(page, "7-teams");
  });

  it("the new worker signs in for the first time, must change her password, and sees her community's orders", async () => {
    expect(workerPassword).not.toBe("");
    const page = await newPage();
    await signIn(page, "caitian-lin", workerPassword);
    await page.getByText("首次登录，请修改初始密码").waitFor();
    await page.locator("input[name=newPassword]").fill("caitian-2026!");
    await page.locator("input[name=newPasswordAgain]").fill("caitian-2026!");
    await shot(page, "8-change-password");
    await page.getByRole("button", { name: "修改密码并登录" }).click();
    await page.waitForURL("**/staff/orders");
    await page.getByText("彩田社区 林社工").waitFor();
    await shot(page, "9-worker-orders");

    // The initial password no longer opens the account; the new one does.
    const again = await newPage();
    await signIn(again, "caitian-lin", workerPassword);
    await again.locator(".el-message--error").first().waitFor();
    await signIn(again, "caitian-lin", "caitian-2026!");
    await again.waitForURL("**/staff/orders");
  });
});
