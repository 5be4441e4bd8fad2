// The staff tables (issue 17: "consistent tables with paging, filters and export") in a real browser
// (Debian's Chromium via playwright-core) against the running platform — the four services and the
// gateway serving the built app. A district association's 志愿服务队 list: 31 teams, 20 a page;
// filtered by a word of the name, page 2 holds the rest, and 导出 downloads a CSV (UTF-8 with a BOM)
// whose rows are exactly the filtered ones — all pages of them, not the one shown. A team's members
// (25, server-paged) export whole too. Then every converted list page, screenshotted into
// test-artifacts/tables-journeys/, with no visible machine id (visible-ids.ts) and no serious or
// critical axe violation (a11y.ts).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { bom, parseCsv } from "../src/domain/table";
import { expectAccessible, settled } from "./a11y";
import { JourneyPlatform, admin } from "./journey-platform";
import { expectNoIds } from "./visible-ids";

const shots = "test-artifacts/tables-journeys";
const healthTeams = 24;
const techTeams = 6;
const members = 25;
let j: JourneyPlatform;

beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "tables",
    shots,
    viewport: { width: 1280, height: 860 },
    seed: async (client) => {
      const two = (i: number) => String(i + 1).padStart(2, "0");
      for (let i = 0; i < healthTeams; i += 1) await client.registerTeam({ teamId: `team-health-${two(i)}`, name: `园岭健康志愿队 ${two(i)}`, orgId: "sz-futian-yuanling", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian-yuanling"] }, admin);
      for (let i = 0; i < techTeams; i += 1) await client.registerTeam({ teamId: `team-tech-${two(i)}`, name: `福田科创志愿队 ${two(i)}`, orgId: "sz-futian", themes: [Theme.ARTIFICIAL_INTELLIGENCE], serviceAreaOrgIds: ["sz-futian"] }, admin);
      for (let i = 0; i < members; i += 1) await client.addVolunteer({ teamId: "team-futian", volunteerId: `vol-${two(i)}`, realName: `队员${two(i)}`, phone: `138000000${two(i)}`, skills: [Theme.HEALTH] }, admin);
    },
  });
}, 420_000); // the build (when src/ changed) and five services on two shared cores

afterAll(() => j?.stop());

const pageAs = (account: string) => j.signedIn(account);

/** The table's rows once its loading has finished. */
async function rowsOf(page: Page, table: string): Promise<number> {
  await page.locator(`${table} .el-loading-mask`).waitFor({ state: "hidden" });
  return page.locator(`${table} .el-table__row`).count();
}

async function shot(page: Page, name: string) {
  await settled(page);
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  await expectNoIds(page, name);
  await expectAccessible(page, name);
}

/** 导出 clicked: the downloaded file's name and its CSV lines (the header first). */
async function exported(page: Page, table: string): Promise<{ name: string; text: string; lines: string[][] }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(`${table} .do-export`).click()]);
  const text = readFileSync((await download.path())!, "utf8");
  return { name: download.suggestedFilename(), text, lines: parseCsv(text) };
}

describe("the staff tables in a browser: filters, pages, export", () => {
  it("the teams list: 20 a page, filtered by name, page 2, and an export of every filtered row", async () => {
    const district = await pageAs("district");
    await district.goto(`${j.gateway.httpUrl}/staff/teams`);
    await expect.poll(() => rowsOf(district, ".teams"), { timeout: 20_000 }).toBe(20);
    await district.locator(".teams .el-pagination").getByText(`共 ${1 + healthTeams + techTeams} 条`).waitFor();
    await shot(district, "1-district-teams-page-1");

    // A word of the name: 24 teams, 20 here and 4 on page 2.
    await district.locator("input[name=teamSearch]").fill("健康");
    await district.locator("input[name=teamSearch]").press("Enter");
    await district.locator(".teams .el-pagination").getByText(`共 ${healthTeams} 条`).waitFor();
    expect(await rowsOf(district, ".teams")).toBe(20);
    await district.locator(".teams .el-pager li").filter({ hasText: /^2$/ }).click();
    await expect.poll(() => rowsOf(district, ".teams")).toBe(healthTeams - 20);
    for (const name of ["园岭健康志愿队 21", "园岭健康志愿队 24"]) await district.locator(".teams .el-table__row").filter({ hasText: name }).getByText("园岭街道").waitFor();
    await shot(district, "2-district-teams-filtered-page-2");

    // 导出: every team the filter matches (both pages), names not ids, Excel-ready.
    const file = await exported(district, ".teams");
    await district.getByText(`已导出 ${healthTeams} 行`).first().waitFor();
    expect(file.name).toMatch(/^志愿服务队-\d{8}\.csv$/);
    expect(file.text.startsWith(bom)).toBe(true);
    const [header, ...rows] = file.lines;
    expect(header).toEqual(["志愿服务队", "所属组织", "主题", "人数", "状态"]);
    expect(rows).toHaveLength(healthTeams);
    expect(rows.every((row) => row[0]!.startsWith("园岭健康志愿队") && row[1] === "园岭街道" && row[2] === "卫生健康" && row[4] === "服务中")).toBe(true);
    expect(new Set(rows.map((row) => row[0])).size).toBe(healthTeams);

    // A select filter with the search: none deactivated, and the empty state says what to do next.
    await district.locator(".teams .filter-status").click();
    await district.locator(".el-select-dropdown__item:visible").filter({ hasText: "已停用" }).click();
    await district.locator(".teams").getByText("没有符合条件的队伍").waitFor();
    await district.locator(".teams").getByText("调整筛选条件，或登记一支新队伍").waitFor();
    await shot(district, "3-district-teams-none-match");
  }, 120_000);

  it("a team's members: paged by the gateway, exported whole", async () => {
    const district = await pageAs("district");
    await district.goto(`${j.gateway.httpUrl}/staff/teams/team-futian`);
    await expect.poll(() => rowsOf(district, ".members"), { timeout: 20_000 }).toBe(20);
    await district.locator(".members .el-pager li").filter({ hasText: /^2$/ }).click();
    await expect.poll(() => rowsOf(district, ".members")).toBe(members - 20);
    await shot(district, "4-district-team-members-page-2");
    const file = await exported(district, ".members");
    expect(file.name).toMatch(/^福田区科技志愿服务队-队员-\d{8}\.csv$/);
    const [header, ...rows] = file.lines;
    expect(header).toEqual(["姓名", "手机号", "技能", "监护人", "状态"]);
    expect(rows).toHaveLength(members);
    expect(rows.every((row) => row[4] === "在队")).toBe(true);
  }, 90_000);

  it("every converted list page shows the convention: names, a filter bar, 导出, an empty state that says what next", async () => {
    const pages: [account: string, path: string, table: string, name: string][] = [
      ["worker", "/staff/orders", ".order-list", "5-worker-orders"],
      ["worker", "/staff/activities", ".activities", "6-worker-activities"],
      ["district", "/staff/pool", ".order-list", "7-district-pool"],
      ["district", "/staff/overdue", ".campaign-activities", "8-district-campaigns"],
      ["district", "/staff/accounts", ".accounts", "9-district-accounts"],
      ["district", "/staff/resource-review", ".queue", "10-district-resource-review"],
      ["district", "/admin/webhooks", ".subscriptions", "11-district-webhooks"],
      ["leader", "/team/inbox", ".schedule", "12-leader-inbox"],
    ];
    const signedIn = new Map<string, Page>();
    for (const [account, path, table, name] of pages) {
      const page = signedIn.get(account) ?? (await pageAs(account));
      signedIn.set(account, page);
      await page.goto(`${j.gateway.httpUrl}${path}`);
      await page.locator(`${table} .do-export`).waitFor();
      await page.locator(`${table} .el-loading-mask`).waitFor({ state: "hidden" });
      await shot(page, name);
    }
    // The accounts list exports every account the admin keeps (the demo accounts), as many as the table counts.
    const admin = await pageAs("admin");
    await admin.goto(`${j.gateway.httpUrl}/staff/accounts`);
    await expect.poll(() => rowsOf(admin, ".accounts"), { timeout: 20_000 }).toBeGreaterThan(1);
    const shown = await rowsOf(admin, ".accounts");
    const file = await exported(admin, ".accounts");
    expect(file.lines.slice(1)).toHaveLength(shown);
    expect(file.lines[0]).toEqual(["账号", "姓名 / 显示名", "角色", "所属组织", "状态"]);
    expect(file.lines.slice(1).map((row) => row[0])).toContain("district");
  }, 180_000);
});
