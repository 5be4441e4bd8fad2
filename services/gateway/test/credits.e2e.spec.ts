// 科普教育学分 (issue 19) through HTTP only, every service a process: two residents of 红荔 say they
// are students of a Futian school (an org of kind 学校 under the district); both book an activity
// marked 计学分; the organizer checks one in (twice: one record); only she has a credit, with the
// session's hours and the rule's credits (1 per 2 hours); she reads it at /api/v1/me/credits; the
// school's export (xlsx, read back with exceljs) holds her row; a parent books for her child (beside
// her own seat) and the child's check-in earns the child's credit, seen by the parent and in the
// export; the district reads it too,
// a foreign school's staff and a resident are refused.
import ExcelJS from "exceljs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Platform, community, expectStatus } from "./platform.js";

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown) => platform.call(method, path, tokens[who], body, { "idempotency-key": randomUUID() });
const school = "sz-futian-school-1";
const foreignSchool = "sz-luohu-school-1";

beforeAll(async () => {
  platform = await Platform.start("credits");
  for (const account of ["worker", "district", "admin"]) tokens[account] = await platform.signIn(account);
  expectStatus(await call("admin", "POST", "/api/v1/orgs", { orgId: school, name: "福田实验小学", kind: "ORG_KIND_SCHOOL", parentId: "sz-futian" }), 201);
  expectStatus(await call("admin", "POST", "/api/v1/orgs", { orgId: foreignSchool, name: "罗湖外国语学校", kind: "ORG_KIND_SCHOOL", parentId: "sz-luohu" }), 201);
  // Each school's staff: an account at the school's org.
  for (const [account, orgId] of [["school-staff", school], ["foreign-staff", foreignSchool]] as const) {
    expectStatus(await call("admin", "POST", "/api/v1/accounts", { account, displayName: `${orgId} 老师`, role: "BASE_STAFF", orgId, initialPassword: "kepu-school-1", mustChangePassword: false }), 200);
    tokens[account] = (await platform.call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-school-1" })).body.accessToken as string;
  }
  tokens.ana = await platform.resident("13700001111");
  tokens.bo = await platform.resident("13700002222");
}, 240_000);
afterAll(() => platform?.stop());

describe("科普教育学分: credits from attendance, seen and exported", () => {
  let activityId = "";
  let anaBooking = "";

  it("residents say they are students of a school; a parent adds a child; a school that is not one of the tree is refused", async () => {
    const ana = expectStatus(await call("ana", "POST", "/api/v1/me/students", { name: "王小明", schoolId: school, grade: "五年级" }), 200).student;
    expect(ana).toMatchObject({ name: "王小明", schoolId: school, schoolName: "福田实验小学", grade: "五年级" });
    expectStatus(await call("bo", "POST", "/api/v1/me/students", { name: "李小红", schoolId: school, grade: "六年级" }), 200);
    const child = expectStatus(await call("bo", "POST", "/api/v1/me/students", { name: "李小华", schoolId: school, grade: "二年级", child: true }), 200).student;
    expect(child.studentId).toMatch(/^stu-/);
    expect(expectStatus(await call("bo", "GET", "/api/v1/me/credits"), 200).students.map((s: { name: string }) => s.name).sort()).toEqual(["李小华", "李小红"]);
    expect((await call("ana", "POST", "/api/v1/me/students", { name: "王小明", schoolId: "sz-no-such-school", grade: "五年级" })).status).toBe(404);
    expect((await call("worker", "POST", "/api/v1/me/students", { name: "王小明", schoolId: school, grade: "五年级" })).status).toBe(403);
  });

  it("an activity marked for credit, both book, the organizer checks one in (twice): only she has a credit, 3 hours → 1.5", async () => {
    const startsAt = new Date(Date.now() + 40 * 60_000);
    const session = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(), capacity: 30 };
    const activity = expectStatus(await call("worker", "POST", "/api/v1/activities", { title: "少年科学营：天文观测", theme: "THEME_HEALTH", orgId: community, sessions: [session], forCredit: true }), 200).activity;
    expect(activity.forCredit).toBe(true);
    activityId = activity.activityId;
    const sessionId = activity.sessions[0].session.sessionId;
    anaBooking = expectStatus(await call("ana", "POST", `/api/v1/activities/${activityId}/sessions/${sessionId}/bookings`), 200).booking.bookingId;
    expectStatus(await call("bo", "POST", `/api/v1/activities/${activityId}/sessions/${sessionId}/bookings`), 200);
    for (let i = 0; i < 2; i++) expectStatus(await call("worker", "POST", "/api/v1/check-ins", { bookingId: anaBooking }), 200);

    const mine = expectStatus(await call("ana", "GET", "/api/v1/me/credits"), 200);
    expect(mine.credits).toHaveLength(1);
    expect(mine.credits[0]).toMatchObject({ studentName: "王小明", schoolId: school, schoolName: "福田实验小学", grade: "五年级", activityId, activityTitle: "少年科学营：天文观测", hours: 3, credits: 1.5 });
    expect(mine.credits[0].confirmedBy).not.toBe("");
    expect(expectStatus(await call("bo", "GET", "/api/v1/me/credits"), 200).credits ?? []).toHaveLength(0); // booked, not checked in
  });

  it("a parent books a seat for her child beside her own; the child's check-in earns the child's credit, seen by the parent", async () => {
    const { students } = expectStatus(await call("bo", "GET", "/api/v1/me/credits"), 200);
    const child = students.find((st: { name: string }) => st.name === "李小华");
    const sessionId = (expectStatus(await call("worker", "GET", `/api/v1/activities/${activityId}`), 200).activity.sessions[0].session.sessionId) as string;
    const bookings = `/api/v1/activities/${activityId}/sessions/${sessionId}/bookings`;
    // Only her own child: another resident naming him is refused.
    expect(await call("ana", "POST", bookings, { studentId: child.studentId })).toMatchObject({ status: 403, body: { code: "STUDENT_NOT_YOURS" } });
    const forChild = expectStatus(await call("bo", "POST", bookings, { studentId: child.studentId }), 200).booking;
    expect(forChild).toMatchObject({ status: "BOOKING_STATUS_SEATED", attendeeId: child.studentId, attendeeName: "李小华" });
    // Her own seat in the same session is another booking; 我的预约 says whom each is for.
    const mine = expectStatus(await call("bo", "GET", "/api/v1/me/bookings"), 200).bookings as { bookingId: string; attendeeId: string; attendeeName?: string }[];
    expect(mine).toHaveLength(2);
    expect(mine.find((bk) => bk.bookingId === forChild.bookingId)).toMatchObject({ attendeeId: child.studentId, attendeeName: "李小华" });
    expect(mine.find((bk) => bk.bookingId !== forChild.bookingId)?.attendeeName ?? "").toBe("");
    // A page at a time, paged by the events service: oldest first, her total on every page.
    const second = expectStatus(await call("bo", "GET", "/api/v1/me/bookings?page=1&pageSize=1"), 200);
    expect(second).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(second.bookings.map((bk: { bookingId: string }) => bk.bookingId)).toEqual([mine[1]!.bookingId]);
    expectStatus(await call("worker", "POST", "/api/v1/check-ins", { bookingId: forChild.bookingId }), 200);
    const credits = expectStatus(await call("bo", "GET", "/api/v1/me/credits"), 200).credits;
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({ studentId: child.studentId, studentName: "李小华", schoolId: school, grade: "二年级", activityId, hours: 3, credits: 1.5 });
  });

  it("the school's export has her row and the child's; the district reads it; a foreign school's staff and a resident are refused", async () => {
    const exported = await fetch(`${platform.gateway.httpUrl}/api/v1/schools/${school}/credits/export`, { headers: { authorization: `Bearer ${tokens["school-staff"]}` } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("spreadsheetml");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await exported.arrayBuffer()) as never);
    const rows = (book.worksheets[0]!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).map((r) => r.slice(0, 6)).sort()).toEqual([
      ["李小华", "福田实验小学", "二年级", "少年科学营：天文观测", 3, 1.5],
      ["王小明", "福田实验小学", "五年级", "少年科学营：天文观测", 3, 1.5],
    ]);
    expect((await call("district", "GET", `/api/v1/schools/${school}/credits/export`)).status).toBe(200);
    expect((await call("foreign-staff", "GET", `/api/v1/schools/${school}/credits/export`)).status).toBe(403);
    expect((await call("ana", "GET", `/api/v1/schools/${school}/credits/export`)).status).toBe(403);
  });

  // Credit rules as data (issue 19): the district association sets a rule for its campaign; a check-in after it follows it.
  it("the district sets 1 credit per hour, at most 3, for its campaign: 3 hours in it earn 3, outside it the default 1.5; a record made before keeps its 1.5", async () => {
    const day = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
    const campaignBody = { name: "福田少年科学节", firstDay: day(-1), lastDay: day(30), registrationOpens: day(-1), registrationCloses: day(20), summaryDue: day(28), levels: ["CAMPAIGN_LEVEL_MAIN"] };
    const campaignId = expectStatus(await call("district", "POST", "/api/v1/campaigns", campaignBody), 200).campaign.campaignId as string;
    const before = expectStatus(await call("district", "GET", "/api/v1/credit-rules"), 200);
    expect(before.defaultRule).toMatchObject({ hoursPerCredit: 2, capPerActivity: 2 });
    const version = (before.sets ?? []).find((s: { ownerOrgId: string }) => s.ownerOrgId === "sz-futian")?.version ?? 0;
    const set = expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [{ campaignId, hoursPerCredit: 1, capPerActivity: 3 }], expectedVersion: version }), 200).set;
    expect(set).toMatchObject({ ownerOrgId: "sz-futian", ownerPath: ["sz", "sz-futian"], rules: [{ campaignId, hoursPerCredit: 1, capPerActivity: 3 }], version: version + 1 });
    expect(expectStatus(await call("worker", "GET", "/api/v1/credit-rules"), 200).sets).toContainEqual(expect.objectContaining({ ownerOrgId: "sz-futian", version: version + 1 }));

    const checkedIn = async (who: string, title: string, extra: Record<string, unknown>) => {
      const startsAt = new Date(Date.now() + 40 * 60_000);
      const session = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(), capacity: 30 };
      const activity = expectStatus(await call("worker", "POST", "/api/v1/activities", { title, theme: "THEME_HEALTH", orgId: community, sessions: [session], forCredit: true, ...extra }), 200).activity;
      const booking = expectStatus(await call(who, "POST", `/api/v1/activities/${activity.activityId}/sessions/${activity.sessions[0].session.sessionId}/bookings`), 200).booking.bookingId;
      expectStatus(await call("worker", "POST", "/api/v1/check-ins", { bookingId: booking }), 200);
      return activity.activityId as string;
    };
    const inCampaign = await checkedIn("ana", "少年科学节：机器人", { campaignId });
    const outside = await checkedIn("bo", "少年科学营：植物观察", {});
    const credit = async (who: string, id: string) => (expectStatus(await call(who, "GET", "/api/v1/me/credits"), 200).credits as { activityId: string; hours: number; credits: number }[]).find((c) => c.activityId === id);
    expect(await credit("ana", inCampaign)).toMatchObject({ hours: 3, credits: 3 });
    expect(await credit("bo", outside)).toMatchObject({ hours: 3, credits: 1.5 });
    expect(await credit("ana", activityId)).toMatchObject({ hours: 3, credits: 1.5 }); // made before the rule: kept
  });

  it("a community worker may not set credit rules (403), nor a district another's or one for the city's campaign; a bad rule answers 400 in Chinese and changes nothing", async () => {
    const current = () => call("district", "GET", "/api/v1/credit-rules").then((a) => (expectStatus(a, 200).sets as { ownerOrgId: string; version: number }[]).find((s) => s.ownerOrgId === "sz-futian"));
    const before = await current();
    const version = before?.version ?? 0;
    const rule = { theme: "THEME_HEALTH", hoursPerCredit: 1, capPerActivity: 2 };
    expectStatus(await call("worker", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [rule], expectedVersion: version }), 403);
    expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-luohu", { rules: [rule], expectedVersion: 0 }), 403);
    const zeroHours = expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [{ ...rule, hoursPerCredit: 0 }], expectedVersion: version }), 400, "BAD_HOURS_PER_CREDIT");
    expect(zeroHours.messageZh).toContain("每学分所需小时数须大于 0");
    expect(zeroHours.messageEn).toContain("hours per credit");
    const unknown = expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [{ ...rule, campaignId: "cmp-no-such" }], expectedVersion: version }), 400, "CREDIT_RULE_CAMPAIGN_UNKNOWN");
    expect(unknown.messageZh).toContain("活动节点 cmp-no-such 不存在");
    expectStatus(await call("district", "PUT", `/api/v1/credit-rules/${community}`, { rules: [rule], expectedVersion: 0 }), 400, "CREDIT_RULE_OWNER");
    // A campaign's rule is its owner's: the district may not set one for the city's 科普月, even in its own set.
    expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [{ ...rule, campaignId: "kepu-month-2026" }], expectedVersion: version }), 403);
    expectStatus(await call("district", "PUT", "/api/v1/credit-rules/sz-futian", { rules: [rule], expectedVersion: version + 5 }), 409, "CREDIT_RULES_CHANGED");
    expect(await current()).toEqual(before);
  });
});
