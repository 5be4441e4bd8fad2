// 代点单 (issue 19) in a real browser: 红荔社区's worker opens 代点单, finds the resident 李桂英 by
// name (her phone masked), orders 健康养生讲座 for her as 网格员 with consent 电话 — the button stays
// disabled until the consent is chosen — and sees the order placed for her by name. Screenshots in
// test-artifacts/proxy-order-journeys/, each checked for machine ids and by axe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { JourneyPlatform, community, teamItem } from "./journey-platform";

let j: JourneyPlatform;

/** 深圳 → 福田区 → 园岭街道 → 红荔社区, a Futian team with one volunteer, and its health talk on the menu. */
beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "proxyjourneys",
    shots: "test-artifacts/proxy-order-journeys",
    volunteer: { volunteerId: "vol-1", realName: "张志愿", phone: "13800000001", skills: [Theme.HEALTH] },
    menu: [teamItem("menu-health", "健康养生讲座", Theme.HEALTH, 1, 50)],
  });
  await j.engines.waitForDocuments("dispatch", "menu_items", ["menu-health"], () => true, 30_000);
  await j.engines.waitForDocuments("dispatch", "orgs", [community], () => true, 30_000);
  // 李桂英 signed in once (so her community's workers can find her).
  await j.resident("13700008811", community, "李桂英");
}, 420_000);

afterAll(() => j?.stop());

describe("代点单 in the browser", () => {
  it("the worker finds 李桂英 by name and orders for her with consent by phone", async () => {
    const page = await j.signedIn("worker");
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
    await j.shot(page, "1-found-no-consent-yet");

    await page.locator(".consent .el-radio").filter({ hasText: "电话" }).click();
    await expect.poll(() => page.locator("button.place").isDisabled()).toBe(false);
    await page.locator("button.place").click();
    await page.getByText("已为 李桂英 代为点单").waitFor();
    await j.shot(page, "2-placed");
  });
});
