// 科普教育学分 credit rules in a real browser (issue 19): the district association opens 学分规则 from
// its nav, sees the default that applies while nothing is set, adds a rule for its campaign (named,
// never its id) — the form refuses 0 hours per credit before sending —, edits its cap, and removes it
// after a confirmation, each with its toast; the set the events service keeps follows every step. A
// community worker reads the rules but has no link and no button to change them. Screenshots in
// test-artifacts/credit-rules-journeys/, each without machine ids and through axe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { calendar } from "@kepu/calendar";
import { choose, JourneyPlatform, told } from "./journey-platform";

let journey: JourneyPlatform;
const campaignName = "福田少年科学节";
let campaignId = "";
const token = async (account: string) => (await journey.staff(account)).accessToken;
const futianSet = async () => ((await journey.call("GET", "/api/v1/credit-rules", await token("district"))).sets ?? []).find((s: { ownerOrgId: string }) => s.ownerOrgId === "sz-futian");

beforeAll(async () => {
  journey = await JourneyPlatform.start({ name: "creditrulejourneys", shots: "test-artifacts/credit-rules-journeys", team: false });
  const day = (days: number) => calendar.dayKey(new Date(Date.now() + days * 86_400_000));
  const body = { name: campaignName, firstDay: day(-1), lastDay: day(30), registrationOpens: day(-1), registrationCloses: day(20), summaryDue: day(28), levels: ["CAMPAIGN_LEVEL_MAIN"] };
  campaignId = (await journey.call("POST", "/api/v1/campaigns", await token("district"), body)).campaign.campaignId as string;
}, 420_000);
afterAll(() => journey?.stop());

const inDialog = (label: string) => `.el-dialog .el-select:has(input[aria-label="${label}"])`;
async function setNumber(page: Page, name: string, value: string) {
  const input = page.locator(`.el-dialog input[name=${name}]`);
  await input.fill(value);
  await input.press("Tab");
}

describe("credit rules as data in the browser", () => {
  it("the district adds a rule for its campaign (0 hours refused before sending), edits its cap and removes it after a confirmation", async () => {
    const district = await journey.signedIn("district");
    await district.locator(".links").getByRole("link", { name: "学分规则" }).click();
    const set = district.locator(".rule-set[data-owner=sz-futian]");
    await set.filter({ hasText: "福田区的规则" }).filter({ hasText: "尚未设置规则" }).waitFor();
    await district.locator(".fallback").filter({ hasText: "每 2 小时 1 学分，每次活动至多 2 学分" }).waitFor();
    await journey.shot(district, "1-district-no-rules");

    await set.locator(".add-rule").click();
    await choose(district, inDialog("活动节点"), campaignName);
    await setNumber(district, "hoursPerCredit", "0");
    await district.locator(".save-rule").click();
    await district.locator(".rule-problem").filter({ hasText: "每学分所需小时数须大于 0 且不超过 24" }).waitFor(); // checked before sending
    expect(await futianSet()).toBeUndefined();
    await journey.shot(district, "2-district-form-refuses-0-hours");
    await setNumber(district, "hoursPerCredit", "1");
    await setNumber(district, "capPerActivity", "3");
    await district.locator(".save-rule").click();
    await told(district, `已保存规则：${campaignName}，每 1 小时 1 学分，每次活动至多 3 学分`);
    const row = set.locator(".el-table__row").filter({ hasText: campaignName });
    await row.filter({ hasText: "每 1 小时 1 学分，每次活动至多 3 学分" }).waitFor();
    expect(await futianSet()).toMatchObject({ version: 1, rules: [{ campaignId, hoursPerCredit: 1, capPerActivity: 3 }] });
    await journey.shot(district, "3-district-campaign-rule");

    await row.locator(".edit-rule").click();
    await setNumber(district, "capPerActivity", "2");
    await district.locator(".save-rule").click();
    await told(district, "每次活动至多 2 学分");
    await row.filter({ hasText: "每 1 小时 1 学分，每次活动至多 2 学分" }).waitFor();
    expect(await futianSet()).toMatchObject({ version: 2, rules: [{ campaignId, capPerActivity: 2 }] });

    await district.getByRole("button", { name: "English" }).click();
    await set.filter({ hasText: "Rules of 福田区" }).locator(".el-table__row").filter({ hasText: "1 credit per 1 h, at most 2 per activity" }).waitFor();
    await journey.shot(district, "4-district-rules-en");
    await district.getByRole("button", { name: "中文" }).click();

    await row.locator(".remove-rule").click();
    const confirm = district.locator(".el-message-box").filter({ hasText: `删除“${campaignName}”的规则` });
    await confirm.waitFor();
    await journey.shot(district, "5-district-remove-confirm");
    await confirm.getByRole("button", { name: "删除" }).click();
    await told(district, "已删除规则");
    await set.filter({ hasText: "尚未设置规则" }).waitFor();
    expect(await futianSet()).toMatchObject({ version: 3 });
    expect((await futianSet()).rules ?? []).toEqual([]);
  });

  it("a community worker reads the rules without a link or a button to change them", async () => {
    await journey.call("PUT", "/api/v1/credit-rules/sz-futian", await token("district"), { rules: [{ theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK", hoursPerCredit: 1.5, capPerActivity: 2 }], expectedVersion: 3 });
    const worker = await journey.signedIn("worker");
    expect(await worker.locator(".links").getByRole("link", { name: "学分规则" }).count()).toBe(0);
    await worker.goto(journey.url("/staff/credit-rules"));
    await worker.locator(".rule-set[data-owner=sz-futian] .el-table__row").filter({ hasText: "卫生健康 · 专家讲座" }).filter({ hasText: "每 1.5 小时 1 学分" }).waitFor();
    expect(await worker.locator(".add-rule, .edit-rule, .remove-rule").count()).toBe(0);
    await journey.shot(worker, "6-worker-reads-rules");
  });
});
