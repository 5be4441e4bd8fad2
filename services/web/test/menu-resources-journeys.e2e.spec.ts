// Issue 16's 名录 and menu in a real browser: 福田科技馆's staff submit a venue to the 科普资源名录
// (待审核); the district association's 名录审核 refuses an empty reason, rejects one submission with a
// reason, returns another for changes with a note and approves the venue; the base sees the words on
// its own list; the team's leader finds the venue in the directory (by kind and weekday) and
// publishes a menu item using it in 菜单管理 (asked first); the district withdraws an item with its
// reason; a material edit of the venue is asked first and sends it back to review. Screenshots of
// every new page in test-artifacts/menu-resources/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
import { JourneyPlatform, admin, choose, teamItem, told } from "./journey-platform";

let j: JourneyPlatform;

/** 深圳 → 福田区 → 园岭街道 → 红荔社区, the demo leader's team, 福田科技馆, and an item of the team's to withdraw. */
beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "menujourneys",
    shots: "test-artifacts/menu-resources",
    seed: async (client) => {
      await client.certifyBase({ baseId: "base-futian", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.DISTRICT, termYears: 5, themes: [Theme.HEALTH] }, admin);
      await client.publishMenuItem(teamItem("menu-old-talk", "旧版防诈讲座", Theme.DEBUNKING, Format.EXPERT_TALK, 40), admin);
    },
  });
}, 420_000);

afterAll(() => j?.stop());

const signedIn = (account: string) => j.signedIn(account);
const shot = (page: Page, name: string) => j.shot(page, name);
/** Element Plus's confirmation box: its question, then its primary button. */
async function confirm(page: Page, question: string) {
  await page.locator(".el-message-box").filter({ hasText: question }).waitFor();
  await page.locator(".el-message-box .el-button--primary").click();
}
/** The base's staff submit a resource of 福田区 through the form. */
async function submitResource(page: Page, name: string, kind: string, capacity: number) {
  await page.locator(".do-submit").click();
  await page.locator(".resource-form input[name=name]").fill(name);
  if (kind !== "场馆") await choose(page, ".resource-form .form-kind", kind);
  await page.locator(".resource-form .el-input-number input").first().fill(String(capacity));
  await page.locator(".resource-form .form-days .el-checkbox").filter({ hasText: "周六" }).click();
  await page.locator(".resource-form .form-days .el-checkbox").filter({ hasText: "周日" }).click();
  await page.locator(".resource-form input[name=availabilityNote]").fill("9:00–17:00，提前三天预约");
  await page.locator(".resource-form .org-picker-form-areas").getByText("福田区").waitFor(); // its own district, by name
  await page.locator(".resource-form .do-save").click();
  await told(page, `已提交「${name}」`);
}

describe("issue 16 in the browser: the 名录 reviewed, the menu kept by its providers", () => {
  it("the base submits a venue and two more; the district rejects one, asks changes on another and approves the venue", async () => {
    const base = await signedIn("base");
    await base.getByRole("link", { name: "科普资源名录" }).click();
    await base.locator(".resource-directory h2").waitFor();
    await base.locator(".do-submit").click();
    await base.locator(".resource-form input[name=name]").fill("福田科技馆报告厅");
    await base.locator(".resource-form .do-save").click();
    await base.locator(".resource-form .problem").filter({ hasText: "场馆须填写容纳人数" }).waitFor(); // checked before sending
    await base.locator(".resource-form .el-input-number input").first().fill("120");
    await base.locator(".resource-form .form-days .el-checkbox").filter({ hasText: "周六" }).click();
    await base.locator(".resource-form .form-days .el-checkbox").filter({ hasText: "周日" }).click();
    await base.locator(".resource-form input[name=availabilityNote]").fill("9:00–17:00，提前三天预约");
    await choose(base, ".resource-form .form-themes", "卫生健康");
    await base.locator(".resource-form .el-dialog__title").click(); // closes the multiple select
    await base.locator(".resource-form .org-picker-form-areas").getByText("福田区").waitFor();
    await shot(base, "1-submit-resource");
    await base.locator(".resource-form .do-save").click();
    await told(base, "已提交「福田科技馆报告厅」");
    await submitResource(base, "旧展厅", "设施", 30);
    await submitResource(base, "王医生（慢病管理）", "专家", 0);
    await base.locator(".mine .el-table__row").filter({ hasText: "福田科技馆报告厅" }).filter({ hasText: "待审核" }).waitFor();
    await shot(base, "2-directory-and-mine-pending");

    const district = await signedIn("district");
    await district.getByRole("link", { name: "名录审核" }).click();
    await district.locator(".queue .el-table__row").filter({ hasText: "福田科技馆报告厅" }).waitFor();
    expect(await district.locator(".queue .el-table__row").count()).toBe(3);
    await shot(district, "3-review-queue");
    // 不通过 asks the reason: none typed is refused by its label.
    await district.locator(".queue .el-table__row").filter({ hasText: "旧展厅" }).locator(".do-reject").click();
    await district.locator(".reason-dialog .confirm-reason").click();
    await district.locator(".reason-dialog").getByText("请填写不通过的原因").waitFor();
    await district.locator(".reason-dialog textarea[name=reason]").fill("展厅已停用，请勿入录");
    await shot(district, "4-reject-with-reason");
    await district.locator(".reason-dialog .confirm-reason").click();
    await told(district, "「旧展厅」未通过");
    await district.locator(".queue .el-table__row").filter({ hasText: "王医生" }).locator(".do-ask-changes").click();
    await district.locator(".reason-dialog textarea[name=reason]").fill("请补充专家的职称与擅长领域");
    await district.locator(".reason-dialog .confirm-reason").click();
    await told(district, "「王医生（慢病管理）」已退回修改");
    await district.locator(".queue .el-table__row").filter({ hasText: "福田科技馆报告厅" }).locator(".do-approve").click();
    await confirm(district, "进入科普资源名录");
    await told(district, "「福田科技馆报告厅」已通过");
    await district.locator(".queue").getByText("没有待审核的资源").waitFor();
    await shot(district, "5-review-queue-empty");

    // The base sees each outcome and the reviewer's words.
    await base.reload();
    await base.locator(".mine .el-table__row").filter({ hasText: "旧展厅" }).filter({ hasText: "未通过" }).filter({ hasText: "展厅已停用" }).waitFor();
    await base.locator(".mine .el-table__row").filter({ hasText: "王医生" }).filter({ hasText: "待修改" }).filter({ hasText: "请补充专家的职称" }).waitFor();
    await base.locator(".directory .el-table__row").filter({ hasText: "福田科技馆报告厅" }).filter({ hasText: "周六、周日" }).waitFor();
    await shot(base, "6-mine-reviewed");
  }, 300_000); // three people's pages, each screenshot checked by axe

  it("the leader finds the venue in the directory and publishes a menu item using it; the district withdraws an item with its reason", async () => {
    const leader = await signedIn("leader");
    await leader.getByRole("link", { name: "科普资源名录" }).click();
    await choose(leader, ".filter-kind", "场馆");
    await choose(leader, ".filter-weekday", "周六");
    await leader.locator(".directory .el-table__row").filter({ hasText: "福田科技馆报告厅" }).waitFor();
    await expect.poll(() => leader.locator(".directory .el-table__row").count()).toBe(1);
    await shot(leader, "7-directory-filtered");
    await choose(leader, ".filter-weekday", "周一");
    await leader.locator(".directory").getByText("没有符合条件的资源").waitFor();

    await leader.getByRole("link", { name: "菜单管理" }).click();
    await leader.locator(".items .el-table__row").filter({ hasText: "旧版防诈讲座" }).waitFor();
    await leader.locator(".do-publish").click();
    await leader.locator(".item-form input[name=title]").fill("健康讲座进社区（报告厅）");
    await choose(leader, ".item-form .form-theme", "卫生健康");
    await choose(leader, ".item-form .form-format", "专家讲座");
    await choose(leader, ".item-form .form-resources", "福田科技馆报告厅");
    await leader.locator(".item-form .org-picker-item-area").getByText("福田区").waitFor();
    await leader.locator(".item-form .el-dialog__title").click(); // closes the multiple select
    await shot(leader, "8-publish-item");
    await leader.locator(".item-form .do-save").click();
    await confirm(leader, "将发布到福田区的科普服务菜单");
    await told(leader, "「健康讲座进社区（报告厅）」已发布到菜单");
    await leader.locator(".items .el-table__row").filter({ hasText: "健康讲座进社区（报告厅）" }).filter({ hasText: "福田科技馆报告厅" }).waitFor();
    await shot(leader, "9-menu-admin");

    const district = await signedIn("district");
    await district.getByRole("link", { name: "菜单管理" }).click();
    const old = district.locator(".items .el-table__row").filter({ hasText: "旧版防诈讲座" });
    await old.filter({ hasText: "福田区科技志愿服务队" }).waitFor(); // the provider by name
    await old.locator(".do-withdraw").click();
    await district.locator(".reason-dialog .confirm-reason").click();
    await district.locator(".reason-dialog").getByText("请填写下架原因").waitFor();
    await district.locator(".reason-dialog textarea[name=reason]").fill("内容已过时，请更新后重新发布");
    await shot(district, "10-withdraw-with-reason");
    await district.locator(".reason-dialog .confirm-reason").click();
    await told(district, "「旧版防诈讲座」已下架");
    await expect.poll(() => old.count()).toBe(0);
    await district.locator(".items .el-table__row").filter({ hasText: "健康讲座进社区（报告厅）" }).waitFor();
    await shot(district, "11-district-menu");
  }, 300_000);

  it("a material edit of the venue is asked first and sends it back to review", async () => {
    const base = await signedIn("base");
    await base.getByRole("link", { name: "科普资源名录" }).click();
    await base.locator(".mine .el-table__row").filter({ hasText: "福田科技馆报告厅" }).locator(".do-edit").click();
    await base.locator(".resource-form .el-input-number input").first().fill("80");
    await base.locator(".resource-form .do-save").click();
    await confirm(base, "将重新审核");
    await told(base, "已重新提交审核");
    await base.locator(".mine .el-table__row").filter({ hasText: "福田科技馆报告厅" }).filter({ hasText: "待审核" }).waitFor();
    await expect.poll(() => base.locator(".directory .el-table__row").filter({ hasText: "福田科技馆报告厅" }).count()).toBe(0);
    await shot(base, "12-material-edit-back-to-review");
  }, 180_000);
});
