// Issue 16's calendars in a real browser against the running platform (five services, the gateway
// serving the built app). A venue of the 名录 is used by a menu item; a resident orders it twice,
// the second half an hour into the first. The first is dispatched and accepted: the venue's
// calendar (opened from the directory's 日历 link) shows its session by title and Beijing time,
// linked to its order. The worker opening the second order sees, before 派单, the alert naming
// the venue, the session in the way and its time; dispatched and accepted anyway, it is refused at
// scheduling and the order's chain shows that step in words. The district's caravan gets its
// September rotation over four communities, chosen by name: August's saved plan tells who had it
// last, those who never had it come first and each stay says why; a stay is moved before saving,
// the plan saved, a stay moved too close to the next one is refused (by community names) and then
// moved; the caravan's calendar shows the stays by name. Screenshots in test-artifacts/calendar-journeys/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
import { waitFor } from "@kepu/testkit";
import { JourneyPlatform, admin, community, street, told, type Tokens } from "./journey-platform";

const communities: [string, string][] = [
  [community, "红荔社区"],
  ["sz-futian-yuanling-c2", "园东社区"],
  ["sz-futian-yuanling-c3", "华林社区"],
  ["sz-futian-yuanling-c4", "通新岭社区"],
];
let j: JourneyPlatform;

beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "caljourneys",
    shots: "test-artifacts/calendar-journeys",
    orgs: communities.slice(1).map(([id, name]) => [id, name, OrgKind.COMMUNITY, street]),
    volunteer: { volunteerId: "vol-wang", realName: "王老师", phone: "13800138001", skills: [Theme.HEALTH] },
    seed: async (client) => void (await client.certifyBase({ baseId: "base-futian", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.DISTRICT, termYears: 5, themes: [Theme.HEALTH] }, admin)),
  });
  await j.engines.waitForDocuments("dispatch", "orgs", [community]);
  await j.engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
}, 420_000); // a build and five services on two shared cores

afterAll(() => j?.stop());

// ---- the API, as the people in the journey -------------------------------------------------------
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function answer(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${j.gateway.httpUrl}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as Json };
}
async function call(method: string, path: string, who: Tokens, body?: unknown): Promise<Json> {
  const got = await answer(method, path, who.accessToken, body);
  if (got.status !== 200) throw new Error(`${method} ${path}: ${got.status} ${JSON.stringify(got.body)}`);
  return got.body;
}
const staff = (account: string) => j.staff(account);
const resident = (phone: string, displayName: string) => j.resident(phone, community, displayName);
const pageWith = (tokens: Tokens, path: string, name: string) => j.pageWith(tokens, path, name);
const shot = (page: Page, name: string) => j.shot(page, name);
const row = (page: Page, rowText: string) => page.locator(".el-collapse-item").filter({ hasText: rowText });

// 10:00 Beijing (02:00 UTC), 12 days from now; the second order half an hour later.
const first = new Date(Date.now() + 12 * 86_400_000);
first.setUTCHours(2, 0, 0, 0);
const second = new Date(first.getTime() + 30 * 60_000);
const month = new Date(first.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
const day = new Date(first.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
let venueId = "";
let secondOrder = "";

describe("issue 16's calendars in the browser", () => {
  it("a venue's calendar shows the session that reserves it, by title and Beijing time, linked to its order", async () => {
    const [base, district, leader, worker] = await Promise.all(["base", "district", "leader", "worker"].map(staff));
    const li = await resident("13700001818", "李阿姨");
    const venue = { ownerOrgId: "sz-futian", kind: "RESOURCE_KIND_VENUE", name: "福田天文台报告厅", capacity: 60, themes: ["THEME_HEALTH"], areaOrgIds: ["sz-futian"], weekdays: [1, 2, 3, 4, 5, 6, 7], openToOthers: true };
    venueId = (await call("POST", "/api/v1/resources", base!, venue)).resource.resourceId;
    await call("POST", `/api/v1/resources/${venueId}/review`, district!, { decision: "APPROVE" });
    const item = { title: "星空观测夜", theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK", durationMinutes: 90, capacity: 60, leadTimeDays: 3, serviceAreaOrgId: "sz-futian-yuanling", providerKind: "TEAM", providerId: "team-futian", resourceIds: [venueId] };
    const itemId = (await call("POST", "/api/v1/menu-items", leader!, item)).item.itemId as string;
    const order = (at: Date, title: string) =>
      waitFor(async () => {
        const got = await answer("POST", "/api/v1/orders", li.accessToken, { menuItemId: itemId, title, theme: "THEME_HEALTH", expectedParticipants: 40, communityId: community, preferredDate: at.toISOString() });
        return got.status === 200 ? (got.body.order.orderId as string) : undefined;
      }, { what: "dispatch to know the item and take the order", timeoutMs: 30_000 });
    const firstOrder = await order(first, "星空观测夜（第一场）");
    await call("POST", `/api/v1/orders/${firstOrder}/dispatch`, worker!, { teamIds: ["team-futian"] });
    await call("POST", `/api/v1/orders/${firstOrder}/accept`, leader!, {});
    await waitFor(async () => ((await call("GET", `/api/v1/resources/${venueId}/calendar?month=${month}`, worker!)).reservations.length === 1 ? true : undefined), { what: "the venue held by the first session", timeoutMs: 30_000 });
    secondOrder = await order(second, "星空观测夜（第二场）");

    // From the directory's 日历 link to the month of the session.
    const page = await pageWith(worker!, "/staff/resources", "worker-calendar");
    await page.locator(".directory .el-table__row").filter({ hasText: "福田天文台报告厅" }).getByRole("link", { name: "日历" }).click();
    await page.locator(".resource-calendar h2").filter({ hasText: "福田天文台报告厅的日程" }).waitFor();
    if (!(await page.locator(".months .month").filter({ hasText: month }).count())) await page.locator(".next-month").click();
    await page.locator(".months .month").filter({ hasText: month }).waitFor();
    const held = page.locator(".held .el-table__row").filter({ hasText: "星空观测夜（第一场）" });
    await held.filter({ hasText: day }).filter({ hasText: "10:00–11:30" }).waitFor();
    await page.locator(".month-view .entry").filter({ hasText: "10:00–11:30" }).filter({ hasText: "星空观测夜（第一场）" }).waitFor();
    await shot(page, "1-venue-calendar");
    await held.getByRole("link", { name: "星空观测夜（第一场）" }).click();
    await page.waitForURL(`**/orders/${firstOrder}`);
    await page.locator(".chain-step").filter({ hasText: "活动已排期" }).first().waitFor();
  }, 240_000);

  it("the worker sees the conflict before 派单; accepted anyway, it is refused at scheduling and the chain says so", async () => {
    const [worker, leader] = await Promise.all(["worker", "leader"].map(staff));
    const page = await pageWith(worker!, "/staff/orders", "worker-conflict");
    await row(page, "星空观测夜（第二场）").locator(".el-collapse-item__header").click();
    const alert = row(page, "星空观测夜（第二场）").locator(".resource-conflict");
    await alert.filter({ hasText: "所用资源在期望时间已被占用" }).waitFor({ timeout: 30_000 });
    await alert.filter({ hasText: `「福田天文台报告厅」在北京时间 ${day} 10:00–11:30 已被「星空观测夜（第一场）」占用` }).waitFor();
    await shot(page, "2-conflict-before-dispatch");

    await row(page, "星空观测夜（第二场）").locator(".do-dispatch").click();
    await told(page, "操作成功");
    await call("POST", `/api/v1/orders/${secondOrder}/accept`, leader!, {});
    await waitFor(async () => ((await call("GET", `/api/v1/orders/${secondOrder}/chain`, worker!)).order.timeline.some((s: Json) => /OrderSchedulingConflicted$/.test(s.eventType)) ? true : undefined), { what: "the conflict on the order's timeline", timeoutMs: 30_000 });

    await page.goto(`${j.gateway.httpUrl}/orders/${secondOrder}`);
    const step = page.locator(".chain-step").filter({ hasText: "活动未能排期（资源已被占用）" });
    await step.filter({ hasText: `本单的时段（北京时间 ${day} 10:30–12:00）所用资源已被「星空观测夜（第一场）」占用` }).waitFor();
    await step.getByText("系统自动").waitFor();
    await shot(page, "3-chain-conflict-step");
    // Still one session on the venue's calendar.
    expect((await call("GET", `/api/v1/resources/${venueId}/calendar?month=${month}`, worker!)).reservations.map((r: Json) => r.title)).toEqual(["星空观测夜（第一场）"]);
  }, 180_000);

  it("the district's caravan: a September rotation over four communities, proposed fairly, a stay moved, saved, shown with names", async () => {
    const district = (await staff("district"))!;
    const caravan = { ownerOrgId: "sz-futian", kind: "RESOURCE_KIND_EQUIPMENT", name: "福田科普大篷车", capacity: 0, themes: ["THEME_HEALTH"], areaOrgIds: ["sz-futian"], openToOthers: true };
    const caravanId = (await call("POST", "/api/v1/resources", district, caravan)).resource.resourceId as string;
    await call("POST", `/api/v1/resources/${caravanId}/review`, district, { decision: "APPROVE" });
    // August's saved plan: 红荔 then 园东 had it (so 华林 and 通新岭, never visited, come first in September).
    const august = { month: "2027-08", stayDays: 2, travelDays: 1, communities: [{ communityId: community }, { communityId: "sz-futian-yuanling-c2" }] };
    const plan = await waitFor(async () => {
      const got = await answer("POST", `/api/v1/resources/${caravanId}/rotation/propose`, district.accessToken, august);
      return got.status === 200 ? got.body.plan : undefined;
    }, { what: "events to know the caravan", timeoutMs: 30_000 });
    await call("PUT", `/api/v1/resources/${caravanId}/rotation/2027-08`, district, { stayDays: 2, travelDays: 1, stays: plan.stays });

    const page = await pageWith(district, "/staff/resources", "district-rotation");
    await page.locator(".directory .el-table__row").filter({ hasText: "福田科普大篷车" }).getByRole("link", { name: "日历" }).click();
    await page.locator(".resource-calendar .to-rotation").click();
    await page.locator(".rotation-planner h2").filter({ hasText: "福田科普大篷车的巡回计划" }).waitFor();
    await page.goto(`${j.gateway.httpUrl}/resources/${caravanId}/rotation/2027-09`);
    await page.locator(".rotation-planner h2").filter({ hasText: "福田科普大篷车的巡回计划" }).waitFor();
    await page.locator(".plan").getByText("还没有计划").waitFor();

    // The communities, by name: typed and picked from the district's own.
    const picker = page.locator(".org-picker-rotation-communities");
    for (const [, name] of communities) {
      await picker.click();
      await picker.locator("input").fill(name.slice(0, 2));
      await page.locator(".el-select-dropdown__item:visible").filter({ hasText: name }).first().click();
      await page.locator(".chosen .el-table__row").filter({ hasText: name }).waitFor();
    }
    await page.locator(".rotation-planner h2").click(); // closes the multiple select
    // August's stays are the last visits; the others never had it.
    await expect.poll(() => page.locator(".chosen .el-table__row").filter({ hasText: "红荔社区" }).locator("input").inputValue()).toMatch(/^2027-08-/);
    await page.locator(".do-propose").click();
    await told(page, "已生成 4 站的计划（尚未保存）");
    const stays = page.locator(".plan .el-table__row").filter({ has: page.locator(".stay-name") });
    await expect.poll(() => stays.locator(".stay-name").allInnerTexts()).toEqual(["驻留：华林社区", "驻留：通新岭社区", "驻留：红荔社区", "驻留：园东社区"]);
    await page.locator(".plan .el-table__row").filter({ hasText: "华林社区" }).filter({ hasText: "第 1 位：从未驻留（最久未到的社区优先）" }).filter({ hasText: "2027-09-01 至 2027-09-02" }).waitFor();
    await page.locator(".plan .el-table__row").filter({ hasText: "红荔社区" }).filter({ hasText: "第 3 位：上次驻留 2027-08-" }).waitFor();
    await page.locator(".plan .el-table__row").filter({ hasText: "路途 / 空档" }).first().waitFor();
    await shot(page, "4-rotation-proposed");

    // Moved before saving: 园东 to the 20th; then saved onto the calendar.
    const move = async (name: string, firstDay: string) => {
      await page.locator(".plan .el-table__row").filter({ hasText: name }).locator(".do-move").click();
      const dialog = page.locator(".move-dialog").filter({ visible: true });
      await dialog.locator(".move-to").click();
      await page.locator(".el-select-dropdown__item:visible").filter({ hasText: `${firstDay}（` }).first().click();
      await dialog.locator(".confirm-move").click();
    };
    await move("园东社区", "2027-09-20");
    await told(page, "「园东社区」已改到 2027-09-20 开始");
    await page.locator(".plan .el-table__row").filter({ hasText: "园东社区" }).filter({ hasText: "2027-09-20 至 2027-09-21" }).waitFor();
    await page.locator(".do-save").click();
    await told(page, "计划已保存：4 站已占用资源日程");
    await page.locator(".plan-state").filter({ hasText: "已保存" }).waitFor();

    // A saved stay moved too close to the next is refused, in names; then moved where it fits.
    await move("红荔社区", "2027-09-19");
    await page.locator(".el-message--error").filter({ hasText: "园东社区" }).filter({ hasText: "红荔社区" }).first().waitFor();
    await expect(page.locator(".el-message--error").first().innerText()).resolves.not.toContain("sz-futian");
    await shot(page, "5-rotation-move-refused-by-name");
    await page.locator(".move-dialog").filter({ visible: true }).locator(".move-to").click();
    await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "2027-09-25（" }).first().click();
    await page.locator(".move-dialog").filter({ visible: true }).locator(".confirm-move").click();
    await told(page, "「红荔社区」已改到 2027-09-25 开始，资源日程已更新");
    await page.locator(".plan .el-table__row").filter({ hasText: "红荔社区" }).filter({ hasText: "2027-09-25 至 2027-09-26" }).waitFor();
    await shot(page, "6-rotation-saved-and-edited");

    // The caravan's September calendar: the stays by community name.
    await page.locator(".to-calendar").click();
    await page.locator(".resource-calendar .months .month").filter({ hasText: "2027-09" }).waitFor();
    await expect.poll(() => page.locator(".held .held-title").allInnerTexts()).toEqual(["巡回驻留：华林社区", "巡回驻留：通新岭社区", "巡回驻留：园东社区", "巡回驻留：红荔社区"]);
    await page.locator(".month-view .entry.stay").filter({ hasText: "巡回驻留：红荔社区" }).first().waitFor();
    await shot(page, "7-caravan-calendar-stays");
    const saved = (await call("GET", `/api/v1/resources/${caravanId}/rotation/2027-09`, district)).plan;
    expect(saved.stays.map((s: Json) => `${s.communityId} ${s.firstDay}`)).toEqual(["sz-futian-yuanling-c3 2027-09-01", "sz-futian-yuanling-c4 2027-09-04", "sz-futian-yuanling-c2 2027-09-20", "sz-futian-yuanling-c1 2027-09-25"]);
  }, 300_000);
});
