// Issue 19's campaigns as data in a real browser: the city creates a campaign in 活动节点 (the form
// checks its fields before sending); the community worker publishes an activity and registers it to
// the campaign (报备) at a level in 活动管理, then finds it by the campaign filter — whose choices are
// the campaigns as data, by name; the city's roll-up page counts it by level, theme and format (in
// English too: groups named by their key, not by list order), and 导出 downloads a csv whose rows say
// the same. Screenshots in test-artifacts/campaigns-journeys/, each without machine ids and through axe.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calendar } from "@kepu/calendar";
import { JourneyPlatform, choose, told } from "./journey-platform";

let j: JourneyPlatform;

// The campaign's days around today (Beijing): it began ten days ago and its 报备 is open until twenty days on.
const dayOffset = (days: number) => calendar.dayKey(new Date(Date.now() + days * 86_400_000));
const campaign = { name: "冬季科普宣传周", firstDay: dayOffset(-10), lastDay: dayOffset(30), opens: dayOffset(-15), closes: dayOffset(20), due: dayOffset(40) };
const title = "冬季健康养生讲座";

/** 深圳 → 福田区 → 园岭街道 → 红荔社区 (the worker's), and the demo team. */
beforeAll(async () => {
  j = await JourneyPlatform.start({ name: "campaignjourneys", shots: "test-artifacts/campaigns-journeys" });
}, 420_000);

afterAll(() => j?.stop());

const signedIn = (account: string) => j.signedIn(account);
const shot = (page: Page, name: string) => j.shot(page, name);
async function typeDay(page: Page, label: string, day: string) {
  const input = page.locator(`.el-dialog input[aria-label="${label}"]`);
  await input.fill(day);
  await input.press("Enter");
}

describe("issue 19 in the browser: a campaign created, an activity registered to it, its roll-up and export", () => {
  it("the city creates the campaign; the form names what is missing before sending", async () => {
    const city = await signedIn("city");
    await city.goto(`${j.gateway.httpUrl}/staff/campaigns`);
    await city.locator(".campaigns-page h2").waitFor();
    await city.locator(".new-campaign").click();
    await city.locator(".save-campaign").click();
    await city.locator(".el-dialog .el-form-item__error").filter({ hasText: "请填写名称" }).waitFor(); // checked before sending
    await city.locator(".el-dialog input[name=campaignName]").fill(campaign.name);
    await typeDay(city, "开始日期", campaign.firstDay);
    await typeDay(city, "结束日期", campaign.lastDay);
    await typeDay(city, "报备开始", campaign.opens);
    await typeDay(city, "报备截止", campaign.closes);
    await typeDay(city, "图文总结截止", campaign.due);
    await choose(city, ".el-dialog .el-select", "卫生健康");
    await city.locator(".el-dialog .el-dialog__title").click(); // close the themes' dropdown
    await shot(city, "1-city-new-campaign");
    await city.locator(".save-campaign").click();
    await told(city, "已新建活动节点");
    const row = city.locator(".campaigns .el-table__row").filter({ hasText: campaign.name });
    await row.filter({ hasText: `${campaign.firstDay} – ${campaign.lastDay}` }).filter({ hasText: "主场活动" }).filter({ hasText: "深圳市" }).waitFor();
    await shot(city, "2-city-campaigns");
  });

  it("the worker publishes an activity, registers it (报备) as a 主场活动 and finds it by the campaign's name", async () => {
    const worker = await signedIn("worker");
    await worker.goto(`${j.gateway.httpUrl}/staff/activities`);
    await worker.locator(".publish input[name=activityTitle]").fill(title);
    await worker.locator(".do-publish").click();
    const row = worker.locator(".activity-row").filter({ hasText: title });
    await row.waitFor();
    await row.locator(".el-collapse-item__header").click();
    await choose(worker, ".register .el-select", campaign.name, 0);
    await choose(worker, ".register .el-select", "主场活动", 1);
    await worker.locator(".do-register").click();
    await told(worker, "已报备");
    await row.locator(".registered").filter({ hasText: `${campaign.name} · 主场活动` }).waitFor();
    await shot(worker, "3-worker-registered");

    // The campaign filter lists the campaigns as data, by name: this one among the recurring ones.
    await worker.locator(".activities .filter-campaignId").click();
    const options = worker.locator(".el-select-dropdown__item:visible");
    await options.filter({ hasText: campaign.name }).waitFor();
    expect(await options.allTextContents()).toEqual(expect.arrayContaining([campaign.name, expect.stringMatching(/全国科普日暨深圳科普月$/)]));
    expect((await options.allTextContents()).some((o) => /kepu-month|tech-week/.test(o))).toBe(false);
    await options.filter({ hasText: campaign.name }).first().click();
    await row.waitFor();
    await shot(worker, "4-worker-filtered-by-campaign");
  });

  it("the roll-up counts it by level, theme and format, in English by key; the export's rows say the same", async () => {
    const city = await signedIn("city");
    await city.goto(`${j.gateway.httpUrl}/staff/campaigns`);
    await city.locator(".campaigns .el-table__row").filter({ hasText: campaign.name }).locator(".to-rollup").click();
    await city.locator(".campaign-rollup-page h2").filter({ hasText: campaign.name }).waitFor();
    // The stats service learns of the 报备 from the events topic: reload until it has.
    const activities = city.locator(".totals .el-statistic").first().locator(".el-statistic__content");
    await expect
      .poll(async () => {
        await city.reload();
        await city.locator(".campaign-rollup-page h2").filter({ hasText: campaign.name }).waitFor();
        return (await activities.count()) ? await activities.textContent() : "";
      }, { timeout: 60_000, interval: 2000 })
      .toContain("1");
    const level = city.locator("[data-section=byLevel] .el-table__row").filter({ hasText: "主场活动" });
    await expect.poll(() => level.locator("td").nth(1).textContent()).toBe("1");
    await city.locator("[data-section=byTheme] .el-table__row").filter({ hasText: "卫生健康/健康养生" }).waitFor();
    await city.locator("[data-on-time]").filter({ hasText: "未交 1" }).waitFor();
    await shot(city, "5-city-rollup");

    const [download] = await Promise.all([city.waitForEvent("download"), city.locator(".export-csv").click()]);
    const lines = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/).map((l) => l.split(",").map((c) => c.replace(/^"|"$/g, "")));
    const find = (section: string, name: string) => lines.find((l) => l[0] === section && l[1] === name);
    expect(find("合计", campaign.name)?.slice(2, 3), JSON.stringify(lines)).toEqual(["1"]);
    expect(lines.some((l) => l[1] === "主场活动" && l[2] === "1"), JSON.stringify(lines)).toBe(true);
    expect(lines.some((l) => l[0] === "主题" && l[1] === "卫生健康/健康养生" && l[2] === "1"), JSON.stringify(lines)).toBe(true);
    expect(find("合计", campaign.name)?.[7]).toContain("未交 1"); // its 图文总结 not in yet
    await told(city, "已导出");

    await city.getByRole("button", { name: "English" }).click();
    await city.locator("[data-section=byTheme] .el-table__row").filter({ hasText: "Health" }).waitFor(); // THEME_HEALTH (5) by its key
    await city.locator("[data-section=byLevel] .el-table__row").filter({ hasText: "Main venue" }).waitFor();
    await city.locator("[data-section=byFormat] .el-table__row").filter({ hasText: "Not specified" }).waitFor(); // published without a format
    await shot(city, "6-city-rollup-en");
    await city.getByRole("button", { name: "中文" }).click();
  });
});
