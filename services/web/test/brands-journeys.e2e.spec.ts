// Issue 16's 一社区一科普品牌 in a real browser: 红荔社区's worker opens her brand page, defines its
// brand (theme 卫生健康, 示范点 福田科技馆) and this year's plan (2 activities on 卫生健康 this month);
// with the page left open, an activity of the community on that theme completes (driven through the
// API) and the page's done goes from 0 to 1 of 2 without a reload (the live feed); the district's
// roll-up sums the street and the district; the district returns the plan with a typed comment, the
// worker sends it again, the district approves it (审批). Screenshots in test-artifacts/brands-journeys/,
// each checked for machine ids and by axe.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { JourneyPlatform, admin, choose, community, told } from "./journey-platform";

let j: JourneyPlatform;

/** Two hours ago, and its Beijing month: the activity is held then, in the plan's month. */
const heldAt = new Date(Date.now() - 2 * 3_600_000);
const month = new Date(heldAt.getTime() + 8 * 3_600_000).getUTCMonth() + 1;

/** 深圳 → 福田区 → 园岭街道 → 红荔社区, and 福田科技馆, a certified district base. */
beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "brandjourneys",
    shots: "test-artifacts/brands-journeys",
    team: false,
    seed: async (client) => void (await client.certifyBase({ baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.DISTRICT, termYears: 5, themes: [Theme.HEALTH] }, admin)),
  });
}, 420_000);

afterAll(() => j?.stop());

const signedIn = (account: string) => j.signedIn(account);
const shot = (page: Page, name: string) => j.shot(page, name);

/** The gateway's API as the admin, for what happens elsewhere while the page is open. */
async function api(method: string, path: string, body?: unknown, token?: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the route's JSON
  const response = await fetch(`${j.gateway.httpUrl}${path}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

describe("issue 16 in the browser: 一社区一科普品牌, plan against done live", () => {
  it("the worker defines 红荔社区's brand and plan; an activity completes while the page is open: done 0 → 1 of 2", async () => {
    const worker = await signedIn("worker");
    await worker.getByRole("link", { name: "科普品牌" }).click();
    await worker.locator(".brand-page .brand-form").waitFor(); // no brand yet: the form to define one
    await worker.locator(".brand-form input[name=brand-name]").fill("红荔健康科普");
    await choose(worker, ".brand-form .pick-theme", "卫生健康");
    await choose(worker, ".brand-form .pick-demo", "福田科技馆");
    await worker.getByRole("button", { name: "保存品牌" }).click();
    await told(worker, "品牌「红荔健康科普」已保存");
    await worker.locator("[data-brand]").filter({ hasText: "福田科技馆" }).filter({ hasText: "红荔社区" }).waitFor();

    await worker.getByLabel(`卫生健康 ${month}月计划场次`).fill("2");
    await worker.getByRole("button", { name: "保存年度计划" }).click();
    await told(worker, "年度计划已保存，共 2 场");
    await worker.locator("[data-plan-status]").filter({ hasText: "待审批" }).waitFor();
    const cell = worker.locator(`[data-cell="THEME_HEALTH-${month}"]`);
    await expect.poll(() => cell.textContent()).toBe("0 / 2");
    await shot(worker, "1-brand-and-plan");

    // Elsewhere, through the API: an activity of 红荔社区 on 卫生健康 is held and completed.
    const admin = (await api("POST", "/api/v1/auth/sign-in", { account: "admin", password: "kepu-demo" })).accessToken as string;
    const session = { startsAt: heldAt.toISOString(), endsAt: new Date(heldAt.getTime() + 3_600_000).toISOString(), capacity: 30 };
    const activityId = (await api("POST", "/api/v1/activities", { title: "红荔健康讲座", theme: "THEME_HEALTH", orgId: community, sessions: [session] }, admin)).activity.activityId as string;
    await api("POST", `/api/v1/activities/${activityId}/summary`, { text: "健康讲座与互动体验，现场 8 人" }, admin);
    await api("POST", `/api/v1/activities/${activityId}/complete`, { walkIns: 8 }, admin);

    // The open page follows the live feed: no reload.
    const url = worker.url();
    await expect.poll(() => cell.textContent(), { timeout: 30_000, message: "the page's done to reach 1 of 2" }).toBe("1 / 2");
    expect(worker.url()).toBe(url);
    await worker.locator("[data-totals]").filter({ hasText: "已开展 1 / 计划 2（50%）" }).waitFor();
    await shot(worker, "2-done-live");
  });

  it("the district's roll-up sums the street and the district; it returns the plan with a comment, the worker sends it again, the district approves it", async () => {
    const district = await signedIn("district");
    await district.getByRole("link", { name: "品牌计划汇总" }).click();
    await district.locator(".brand-rollup-page [data-rollup-total]").filter({ hasText: "已开展 1 / 计划 2" }).waitFor();
    await district.locator(".brand-rollup-page .el-table__row").filter({ hasText: "园岭街道" }).filter({ hasText: "1 / 2" }).waitFor();
    await district.locator(".brand-rollup-page .el-table__row").filter({ hasText: "红荔社区" }).filter({ hasText: "红荔健康科普" }).waitFor();
    await shot(district, "3-rollup");

    await district.goto(`${j.gateway.httpUrl}/brand/${community}`);
    await district.locator("[data-plan-status]").filter({ hasText: "待审批" }).waitFor();
    await district.getByRole("button", { name: "退回修改" }).click();
    const dialog = district.locator(".el-dialog:visible");
    await dialog.locator("textarea").fill("请在下个月加一场防范电信诈骗讲座");
    await dialog.getByRole("button", { name: "退回修改" }).click();
    await told(district, "年度计划已退回社区修改");
    await district.locator("[data-review]").filter({ hasText: "福田区：请在下个月加一场防范电信诈骗讲座" }).waitFor();
    await shot(district, "4-plan-returned");

    const worker = await signedIn("worker");
    await worker.getByRole("link", { name: "科普品牌" }).click();
    await worker.locator("[data-plan-status]").filter({ hasText: "已退回修改" }).waitFor();
    await worker.locator("[data-review]").filter({ hasText: "请在下个月加一场防范电信诈骗讲座" }).waitFor();
    await worker.getByLabel(`卫生健康 ${(month % 12) + 1}月计划场次`).fill("1");
    await worker.getByRole("button", { name: "保存年度计划" }).click();
    await told(worker, "年度计划已保存，共 3 场");
    await worker.locator("[data-plan-status]").filter({ hasText: "待审批" }).waitFor();

    await district.reload();
    await district.getByRole("button", { name: "批准计划" }).click();
    await told(district, "年度计划已批准");
    await district.locator("[data-plan-status]").filter({ hasText: "已批准" }).waitFor();
    await shot(district, "5-plan-approved");
  });
});
