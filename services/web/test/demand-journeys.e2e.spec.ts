// Issue 19's demand and credits in a real browser, one platform (the shared journey fixture):
// (a) 合并需求 — residents of 红荔, 百花 and 园东 (one street) order a health talk days apart; the
// street opens 合并需求, sees the suggestion with the three communities by name, proposes the merge
// (asked first); two residents answer on their order page (one consents, one keeps her own order),
// the third through the API; the street confirms (asked first) and reads the outcome in words.
// (b) 我的学分 — a resident says in the browser she is a student of 福田实验小学; an activity marked
// 计学分 checks her in (API); 我的学分 shows its title, hours and credits; the school's staff export
// is an xlsx holding her row. (c) A campaign a district created is offered by name on the dashboard.
// Screenshots in test-artifacts/demand-journeys/, each without machine ids and through axe.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { waitFor } from "@kepu/testkit";
import { calendar } from "@kepu/calendar";
import { JourneyPlatform, community, district, street, told, type Tokens } from "./journey-platform";

const baihua = `${street}-bh`;
const yuandong = `${street}-yd`;
const school = "sz-futian-school-1";
let j: JourneyPlatform;

beforeAll(async () => {
  j = await JourneyPlatform.start({
    name: "demandjourneys",
    shots: "test-artifacts/demand-journeys",
    orgs: [
      [baihua, "百花社区", OrgKind.COMMUNITY, street],
      [yuandong, "园东社区", OrgKind.COMMUNITY, street],
      [school, "福田实验小学", OrgKind.SCHOOL, district],
    ],
  });
}, 420_000);
afterAll(() => j?.stop());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** The message box a step asks in, and its confirming button. */
const agree = async (page: Page, asked: string, shotName?: string) => {
  const box = page.locator(".el-message-box").filter({ hasText: asked });
  await box.waitFor();
  if (shotName) await j.shot(page, shotName);
  await box.locator(".el-button--primary").click();
};

describe("issue 19 in the browser: merged demand, 我的学分, campaigns as data on the dashboard", () => {
  it("the street merges three communities' orders: two consent, one keeps her own; the page says so", async () => {
    const li = await j.resident("13700007701", community, "李桂英");
    const wang = await j.resident("13700007702", baihua, "王秀兰");
    const zhao = await j.resident("13700007703", yuandong, "赵淑珍");
    const wanted: [Tokens, string, string, number][] = [[li, community, "老年人健康讲座", 10], [wang, baihua, "慢病管理讲座", 12], [zhao, yuandong, "健康养生讲座", 14]];
    const orderIds: string[] = [];
    for (const [who, communityId, title, days] of wanted) {
      const body = { title, theme: "THEME_HEALTH", communityId, expectedParticipants: 20, preferredDate: inDays(days) };
      const placed = await waitFor(() => j.call("POST", "/api/v1/orders", who.accessToken, body).catch(() => undefined), { what: `dispatch to take the order of ${communityId}`, timeoutMs: 30_000 });
      orderIds.push(placed.order.orderId as string);
    }
    const [a, b, c] = orderIds as [string, string, string];

    const page = await j.signedIn("street");
    await page.getByRole("link", { name: "合并需求" }).first().click();
    const card = page.locator(".suggestion").filter({ hasText: "红荔社区、百花社区、园东社区" });
    await card.filter({ hasText: "卫生健康" }).filter({ hasText: "老年人健康讲座" }).filter({ hasText: "慢病管理讲座" }).filter({ hasText: "健康养生讲座" }).waitFor({ timeout: 30_000 });
    expect(await card.textContent()).not.toContain("UNSPECIFIED"); // no audience asked: none shown, no code
    await j.shot(page, "1-street-suggestion");

    await card.locator(".propose").click();
    await agree(page, "红荔社区、百花社区、园东社区 的 3 份同主题订单", "2-street-propose-asked");
    await told(page, "已发起合并");
    await card.getByText("已发起合并，等待点单人答复").waitFor();
    expect(await card.locator(".confirm").isDisabled()).toBe(true); // nobody has consented yet

    // 李桂英 consents and 王秀兰 keeps her own order, each on her order's page; 赵淑珍 answers through the API.
    const liPage = await j.pageWith(li, `/orders/${a}`, "li");
    await liPage.locator(".merge-consent").getByRole("button", { name: "同意合并" }).click();
    await told(liPage, "已答复");
    await liPage.locator(".merge-consent").getByText("您已同意合并").waitFor();
    await j.shot(liPage, "3-resident-consents");
    const wangPage = await j.pageWith(wang, `/orders/${b}`, "wang");
    await wangPage.locator(".merge-consent").getByRole("button", { name: "保留我的订单" }).click();
    await wangPage.locator(".merge-consent").getByText("您已选择保留原订单").waitFor();
    const { merge } = await j.call("GET", `/api/v1/orders/${c}/merge`, zhao.accessToken);
    await j.call("POST", `/api/v1/merges/${merge.mergeId}/consent`, zhao.accessToken, { orderId: c });

    await page.reload();
    await card.locator("li").filter({ hasText: "老年人健康讲座" }).filter({ hasText: "同意合并" }).waitFor();
    await card.locator("li").filter({ hasText: "慢病管理讲座" }).filter({ hasText: "保留原订单" }).waitFor();
    await card.locator("li").filter({ hasText: "健康养生讲座" }).filter({ hasText: "同意合并" }).waitFor();
    await j.shot(page, "4-street-answers");
    await card.locator(".confirm").click();
    await agree(page, "2 份同意的订单将合并为一场活动统一派单；1 份订单保留原样");
    await told(page, "已确认合并");
    const outcome = card.locator(".outcome");
    await outcome.getByText("已合并：由「老年人健康讲座」统一派单").waitFor();
    await outcome.getByText("2 份订单合并为一场活动；1 份订单保留原样，按原订单办理。").waitFor();
    await j.shot(page, "5-street-merged");

    // As the services have it: 赵淑珍's order follows 李桂英's, 王秀兰's is untouched.
    expect((await j.call("GET", `/api/v1/orders/${c}`, zhao.accessToken)).order).toMatchObject({ mergeId: merge.mergeId, leadOrderId: a, status: "ORDER_STATUS_SUBMITTED" });
    expect((await j.call("GET", `/api/v1/orders/${b}`, wang.accessToken)).order.mergeId ?? "").toBe("");
  }, 60_000);

  it("a student's credit from an activity marked 计学分 shows in 我的学分; the school exports it as xlsx", async () => {
    const ana = await j.resident("13700007711", community, "王小明妈妈");
    const page = await j.pageWith(ana, "/resident/credits", "ana");
    await page.getByText("还没有学生信息").waitFor();
    const form = page.locator(".register");
    await form.getByLabel("学生姓名").fill("王小明");
    await form.locator(".el-select input").fill("实验");
    await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "福田实验小学" }).first().click();
    await form.getByLabel("年级").fill("五年级");
    await form.getByRole("button", { name: "保存" }).click();
    await told(page, "已登记学生身份");
    await page.locator(".student h3").filter({ hasText: "王小明 · 福田实验小学 · 五年级" }).waitFor();

    // The organizer's activity, 3 hours, marked for credit; she books and is checked in.
    const worker = await j.staff("worker");
    const startsAt = new Date(Date.now() + 40 * 60_000);
    const session = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(), capacity: 30 };
    const { activity } = await j.call("POST", "/api/v1/activities", worker.accessToken, { title: "少年科学营：天文观测", theme: "THEME_HEALTH", orgId: community, sessions: [session], forCredit: true });
    const { booking } = await j.call("POST", `/api/v1/activities/${activity.activityId}/sessions/${activity.sessions[0].session.sessionId}/bookings`, ana.accessToken, {});
    await j.call("POST", "/api/v1/check-ins", worker.accessToken, { bookingId: booking.bookingId });

    await page.reload();
    const row = page.locator(".student .el-table__row").filter({ hasText: "少年科学营：天文观测" });
    await row.waitFor();
    expect((await row.locator("td").allTextContents()).slice(0, 3)).toEqual(["少年科学营：天文观测", "3", "1.5"]);
    await page.locator(".student .total").filter({ hasText: "累计 1.5 学分" }).waitFor();
    await j.shot(page, "6-my-credits");

    // The school's staff (an account at the school) finds her credit on 学校学分, its school chosen
    // already, and exports the school's xlsx from there: exactly her row.
    const admin = await j.staff("admin");
    await j.call("POST", "/api/v1/accounts", admin.accessToken, { account: "school-chen", displayName: "陈老师", role: "BASE_STAFF", orgId: school, initialPassword: "kepu-school-1", mustChangePassword: false }, { "idempotency-key": randomUUID() });
    const teacher = (await j.call("POST", "/api/v1/auth/sign-in", undefined, { account: "school-chen", password: "kepu-school-1" })) as Tokens;
    const schoolPage = await j.pageWith(teacher, "/staff/school-credits", "teacher");
    const record = schoolPage.locator(".credit-records .el-table__row").filter({ hasText: "少年科学营：天文观测" });
    await record.waitFor();
    expect((await record.locator("td").allTextContents()).slice(0, 5)).toEqual(["王小明", "五年级", "少年科学营：天文观测", "3", "1.5"]);
    await j.shot(schoolPage, "8-school-credits");
    const [download] = await Promise.all([schoolPage.waitForEvent("download"), schoolPage.locator(".export-xlsx").click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    await told(schoolPage, "已导出 Excel");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync((await download.path())!) as never);
    const rows = (book.worksheets[0]!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(0, 6)).toEqual(["王小明", "福田实验小学", "五年级", "少年科学营：天文观测", 3, 1.5]);
  }, 60_000);

  it("a campaign the district created is offered by its name on the dashboard", async () => {
    const districtStaff = await j.staff("district");
    const day = (days: number) => calendar.dayKey(new Date(Date.now() + days * 86_400_000));
    const name = "福田区食品安全宣传周";
    await j.call("POST", "/api/v1/campaigns", districtStaff.accessToken, { name, firstDay: day(-2), lastDay: day(5), registrationOpens: day(-10), registrationCloses: day(3), summaryDue: day(12), themes: ["THEME_FOOD_SAFETY"], levels: ["CAMPAIGN_LEVEL_MAIN"] });

    const page = await j.signedIn("district");
    await page.goto(j.url("/dashboard"));
    await page.locator("[data-test=slice-campaign]").first().click();
    await page.locator(".el-select-dropdown__item:visible").filter({ hasText: name }).first().click();
    await page.locator("[data-test=slice-campaign]").first().filter({ hasText: name }).waitFor(); // chosen by its name
    await j.shot(page, "7-dashboard-campaign-filter");
  }, 60_000);
});
