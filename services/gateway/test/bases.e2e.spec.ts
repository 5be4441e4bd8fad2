// Issue 16's 科普基地 through HTTP only, every service a process: base staff apply; the district
// cannot decide a city-level application, the city rejects one with a reason and approves another
// (numbered, a 5-year Beijing term); ten activities held at the base's org that year, as the
// statistics count them, pre-fill 有活动 in the annual assessment the city then scores (优秀 / 合格 /
// 不合格 by the rule); residents' ratings of the base's activities move 有影响; renewal is refused
// years early; revoking the certification withdraws the base's two menu items (the registry's
// reaction to BaseRevoked) and they leave a resident's cached menu at once. Each step is its event
// on kepu.registry.v1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { testSigner, waitFor } from "@kepu/testkit";
import { community, Platform, expectStatus } from "./platform.js";

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => platform.call(method, path, tokens[who], body, headers);

const application = { name: "福田科技馆", orgId: "sz-futian", level: "BASE_LEVEL_CITY", themes: ["THEME_HEALTH"], offers: "常设展厅 2000 平方米、每周末科普课程" };
const day = 86_400_000;
const beijingYear = (at: number) => new Date(at + 8 * 3_600_000).getUTCFullYear();
/** The Beijing year a fortnight ago: the activities are held in its January, all in the past. */
const year = beijingYear(Date.now() - 15 * day);
type Score = { criterion: string; score: number; prefilled: number; evidence: string };
let baseId = "";

beforeAll(async () => {
  platform = await Platform.start("bases");
  for (const account of ["base", "district", "city", "admin", "worker"]) tokens[account] = await platform.signIn(account);
}, 180_000);
afterAll(() => platform?.stop());

describe("科普基地 from application to revocation over HTTP", () => {
  it("base staff apply (retried with the same key: the same application); another org's staff cannot", async () => {
    const applied = expectStatus(await call("base", "POST", "/api/v1/bases/applications", application, { "idempotency-key": "base-apply-00001" }), 200).base;
    baseId = applied.baseId;
    expect(applied).toMatchObject({ status: "BASE_STATUS_APPLIED", name: "福田科技馆", level: "BASE_LEVEL_CITY", offers: application.offers });
    expect(expectStatus(await call("base", "POST", "/api/v1/bases/applications", application, { "idempotency-key": "base-apply-00001" }), 200).base.baseId).toBe(baseId);
    expectStatus(await call("worker", "POST", "/api/v1/bases/applications", { ...application, name: "不是我的基地" }), 403);
  });

  it("the district may not decide a city-level application; the city rejects one with a reason and certifies this one: numbered, five years", async () => {
    expectStatus(await call("district", "POST", `/api/v1/bases/${baseId}/review`, { approve: true }), 403, "WRONG_REVIEW_LEVEL");
    const other = expectStatus(await call("base", "POST", "/api/v1/bases/applications", { ...application, name: "福田旧展馆" }), 200).base.baseId;
    expectStatus(await call("city", "POST", `/api/v1/bases/${other}/review`, { approve: false }), 400, "REASON_REQUIRED");
    expect(expectStatus(await call("city", "POST", `/api/v1/bases/${other}/review`, { approve: false, reason: "展馆面积不足 500 平方米" }), 200).base).toMatchObject({ status: "BASE_STATUS_REJECTED", reason: "展馆面积不足 500 平方米" });

    const certified = expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/review`, { approve: true }), 200).base;
    const thisYear = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    expect(certified).toMatchObject({ status: "BASE_STATUS_ACTIVE", termYears: 5, certificateNumber: `深科普基地〔${thisYear}〕001` });
    const start = new Date(certified.termStart);
    const end = new Date(certified.termEnd);
    expect((start.getTime() + 8 * 3_600_000) % day).toBe(0); // a Beijing midnight
    expect(new Date(end.getTime() + 8 * 3_600_000).getUTCFullYear()).toBe(new Date(start.getTime() + 8 * 3_600_000).getUTCFullYear() + 5);
    expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/review`, { approve: true }), 409, "BASE_NOT_APPLIED");
    // Years before its end, a renewal is refused.
    expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/renewal`), 409, "RENEWAL_TOO_EARLY");
  });

  it("ten activities held at the base's org pre-fill 有活动; the city scores the year, 合格", async () => {
    for (let i = 0; i < 10; i++) {
      const startsAt = new Date(Date.UTC(year, 0, 10 + i, 2));
      const session = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(), capacity: 50 };
      const activityId = expectStatus(await call("admin", "POST", "/api/v1/activities", { title: `科技馆周末课堂 ${i + 1}`, theme: "THEME_HEALTH", orgId: "sz-futian-yuanling-c1", sessions: [session] }), 200).activity.activityId;
      expectStatus(await call("admin", "POST", `/api/v1/activities/${activityId}/summary`, { text: `第 ${i + 1} 场：展厅讲解与动手实验，现场 12 人` }), 200);
      expect(expectStatus(await call("admin", "POST", `/api/v1/activities/${activityId}/complete`, { walkIns: 12 }), 200).activity.status).toBe("ACTIVITY_STATUS_COMPLETED");
    }
    // As the statistics count them: 10 held → 有活动 90; 120 participants, no rating yet → 有影响 60.
    const draft = await waitFor(
      async () => {
        const scores = expectStatus(await call("city", "GET", `/api/v1/bases/${baseId}/assessment-draft?year=${year}`), 200).scores as Score[];
        // Each completion reaches the statistics as its own event: wait for all ten and their participants.
        const counted = (criterion: string, evidence: string) => scores.find((s) => s.criterion === criterion)?.evidence === evidence;
        return counted("ASSESSMENT_CRITERION_ACTIVITIES", "全年开展活动 10 场") && counted("ASSESSMENT_CRITERION_IMPACT", "全年参与 120 人次，暂无评分") ? scores : undefined;
      },
      { what: "the statistics to count the ten held activities and their 120 participants", timeoutMs: 60_000 },
    );
    expect(draft.find((s) => s.criterion === "ASSESSMENT_CRITERION_ACTIVITIES")).toMatchObject({ prefilled: 90, evidence: "全年开展活动 10 场" });
    expect(draft.find((s) => s.criterion === "ASSESSMENT_CRITERION_IMPACT")).toMatchObject({ score: 60, prefilled: 60, evidence: "全年参与 120 人次，暂无评分" });
    expect(draft.find((s) => s.criterion === "ASSESSMENT_CRITERION_FUNDING")).toMatchObject({ prefilled: -1 });
    expectStatus(await call("base", "GET", `/api/v1/bases/${baseId}/assessment-draft?year=${year}`), 403); // the base does not assess itself

    // The assessor scores the other three and keeps the pre-filled ones; each with evidence.
    const typed: Record<string, number> = { ASSESSMENT_CRITERION_ORGANIZATION: 85, ASSESSMENT_CRITERION_FUNDING: 70, ASSESSMENT_CRITERION_VENUE: 95 };
    const scores = draft.map((s) => ({ criterion: s.criterion, score: typed[s.criterion] ?? s.score, evidence: s.evidence || "年度台账与现场核查", prefilled: s.prefilled }));
    expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/assessments`, { year, scores: scores.map((s) => ({ ...s, evidence: " " })) }), 400, "BAD_SCORE");
    const assessed = expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/assessments`, { year, scores }, { "idempotency-key": "base-assess-0001" }), 200).base;
    expect(assessed.scored).toEqual([expect.objectContaining({ year, result: "ASSESSMENT_RESULT_QUALIFIED", total: 80 })]);
    expect(assessed.assessments).toEqual({ [year]: true });
    expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/assessments`, { year, scores }), 409, "ALREADY_ASSESSED");
  });

  it("three residents who came rate an activity at the base's org: 有影响 weighs their average rating with the participants", async () => {
    // The rated session is today's: in a year's first fortnight `year` is last year's and holds no rating of today.
    if (beijingYear(Date.now()) !== year) return;
    const startsAt = new Date(Date.now() + 45 * 60_000); // bookable (30 min before) and checked in (from 60 min before) now
    const session = { startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(), capacity: 50 };
    const activity = expectStatus(await call("admin", "POST", "/api/v1/activities", { title: "科技馆夜场", theme: "THEME_HEALTH", orgId: community, sessions: [session] }), 200).activity;
    const sessionId = activity.sessions[0].session.sessionId as string;
    const events = createRpcClient(EventsService, platform.services[2]!.grpcAddress, { signer: testSigner() });
    try {
      for (const [i, score] of [5, 5, 4].entries()) {
        const resident = await platform.resident(`1370000${4000 + i}`);
        const me = expectStatus(await platform.call("GET", "/api/v1/me", resident), 200);
        const booking = expectStatus(await platform.call("POST", `/api/v1/activities/${activity.activityId}/sessions/${sessionId}/bookings`, resident), 200).booking;
        expectStatus(await call("admin", "POST", "/api/v1/check-ins", { bookingId: booking.bookingId }), 200);
        // Rating an activity is the events service's (no HTTP route yet): as the resident, over gRPC.
        await events.rateActivity({ activityId: activity.activityId, score, comment: "讲解清楚" }, { actor: { id: me.id, role: Role.RESIDENT, orgId: community } });
      }
    } finally {
      events.close();
    }
    // 120 walk-ins + 3 check-ins → 60; three ratings averaging 4.67 → 93; 0.7 × 60 + 0.3 × 93 → 70.
    const impact = await waitFor(
      async () => {
        const scores = expectStatus(await call("city", "GET", `/api/v1/bases/${baseId}/assessment-draft?year=${year}`), 200).scores as Score[];
        const found = scores.find((s) => s.criterion === "ASSESSMENT_CRITERION_IMPACT");
        return found?.evidence.includes("（3 条）") ? found : undefined;
      },
      { what: "the statistics to count the three ratings", timeoutMs: 60_000 },
    );
    expect(impact).toMatchObject({ score: 70, prefilled: 70, evidence: "全年参与 123 人次，平均评分 4.7（3 条）" });
  });

  it("the base's term is listed within its days, and the overdue list holds no assessed base", async () => {
    const soon = expectStatus(await call("city", "GET", "/api/v1/bases/deadlines?withinDays=3650"), 200);
    expect((soon.expiring ?? []).map((b: { baseId: string }) => b.baseId)).toContain(baseId);
    const later = expectStatus(await call("city", "GET", "/api/v1/bases/deadlines?withinDays=30"), 200);
    expect((later.expiring ?? []).map((b: { baseId: string }) => b.baseId)).not.toContain(baseId);
  });

  it("revoked with a reason, the base's two menu items are withdrawn by the revocation's event, and leave a resident's cached menu at once", async () => {
    const item = { title: "科技馆周末课堂", theme: "THEME_HEALTH", format: "FORMAT_HANDS_ON", durationMinutes: 90, capacity: 40, serviceAreaOrgId: "sz-futian", providerKind: "BASE", providerId: baseId };
    const itemIds = [
      expectStatus(await call("base", "POST", "/api/v1/menu-items", item), 200).item.itemId as string,
      expectStatus(await call("base", "POST", "/api/v1/menu-items", { ...item, title: "科技馆夜场" }), 200).item.itemId as string,
    ].sort();
    const offered = async () => ((expectStatus(await call("district", "GET", `/api/v1/menu-items?providerId=${baseId}`), 200).items ?? []) as { itemId: string }[]).map((i) => i.itemId).sort();
    expect(await offered()).toEqual(itemIds);
    // A resident of a community in the items' area reads the menu: the answer is cached for 30 s.
    const resident = await platform.resident("13700005555");
    const onMenu = async () => ((expectStatus(await platform.call("GET", `/api/v1/menu?communityId=${community}&pageSize=100`, resident), 200).items ?? []) as { itemId: string }[]).map((i) => i.itemId).filter((id) => itemIds.includes(id)).sort();
    await waitFor(async () => (await onMenu()).length === 2, { what: "the resident's menu to hold both items", timeoutMs: 40_000 });
    const cachedAt = Date.now();

    expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/revocation`, { reason: " " }), 400, "REASON_REQUIRED");
    const revoked = expectStatus(await call("city", "POST", `/api/v1/bases/${baseId}/revocation`, { reason: "年度考核弄虚作假" }), 200);
    expect(revoked.base).toMatchObject({ status: "BASE_STATUS_REVOKED", reason: "年度考核弄虚作假" });
    expect(revoked.withdrawn ?? 0).toBe(0); // not in the call: by the registry's reaction to BaseRevoked
    await waitFor(async () => (await offered()).length === 0, { what: "both items withdrawn", timeoutMs: 20_000 });
    await platform.engines.waitForDocuments("registry", "menu_items", itemIds, (d) => d.withdrawn === true);
    // Off the resident's menu well before the cached answer would have expired (the withdrawals dropped it).
    await waitFor(async () => (await onMenu()).length === 0, { what: "the withdrawn items to leave the resident's cached menu", timeoutMs: 20_000 });
    expect(Date.now() - cachedAt).toBeLessThan(30_000);
    // A revoked base offers nothing again.
    expectStatus(await call("base", "POST", "/api/v1/menu-items", { ...item, title: "再上架" }), 409);
  });
});
