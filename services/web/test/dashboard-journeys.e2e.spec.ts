// Issue 19's dashboard in a real browser: the district association opens 数据看板 over orders
// from 红荔 and 百花 on two themes; each slice is a filter chosen by name (the theme here), the
// breakdown table shows community names, and the gap view 需求与供给 draws its heat map theme ×
// community (a chunk loaded with it), marks 红荔's 数字素养 demand with no menu item serving it
// 无供给, and exports the table. Screenshots in test-artifacts/dashboard/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { waitFor } from "@kepu/testkit";
import { expectNoIds } from "./visible-ids";
import { JourneyPlatform, choose, community, street, teamItem } from "./journey-platform";

const shots = "test-artifacts/dashboard";
const hongli = community;
const baihua = "sz-futian-yuanling-bh";
let j: JourneyPlatform;

beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "dashjourneys",
    shots,
    orgs: [[baihua, "百花社区", OrgKind.COMMUNITY, street]],
    teamThemes: [Theme.HEALTH, Theme.DIGITAL_LITERACY],
    menu: [teamItem("menu-health", "健康养生讲座", Theme.HEALTH, Format.EXPERT_TALK, 40), teamItem("menu-phone-bh", "老年人智能手机课", Theme.DIGITAL_LITERACY, Format.HANDS_ON, 40, baihua)],
    viewport: { width: 1440, height: 1000 },
  });
  // 红荔: two health orders and one 数字素养 (nothing on its menu serves that); 百花: two 数字素养 orders.
  const residents: Record<string, string> = { [hongli]: (await j.resident("13700007771", hongli)).accessToken, [baihua]: (await j.resident("13700007772", baihua)).accessToken };
  const orders: [string, string][] = [[hongli, "THEME_HEALTH"], [hongli, "THEME_HEALTH"], [hongli, "THEME_DIGITAL_LITERACY"], [baihua, "THEME_DIGITAL_LITERACY"], [baihua, "THEME_DIGITAL_LITERACY"]];
  for (const [communityId, theme] of orders) {
    await waitFor(async () => j.call("POST", "/api/v1/orders", residents[communityId], { title: "想听的科普", theme, communityId, expectedParticipants: 10 }).then(() => true).catch(() => false), { what: "dispatch to take the order", timeoutMs: 30_000 });
  }
}, 600_000);

afterAll(() => j?.stop());

const card = (page: Page, key: string) => page.locator(`[data-figure="${key}"] .value`);

describe("issue 19 in the browser: every slice a filter, names in the tables, the gap view", () => {
  it("the district filters by theme, breaks down by community by name, and reads the gap heat map with its export", async () => {
    const district = await j.signedIn("district");
    await district.goto(j.url("/dashboard"));
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
