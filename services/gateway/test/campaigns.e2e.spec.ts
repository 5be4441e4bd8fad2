// Issue 19's first "done when", through HTTP only, every service a process, with the events
// service's clock fixed (shifted) to the days of a 2027 科普月: the city creates the campaign
// (1–30 September, 报备 21 August to 10 September, 图文总结 by the 28th); 20 activities are
// registered at the notice's four levels and a 21st is refused after the window with its reason;
// 19 summaries are filed on the 27th and one on the 29th (late, for good); the roll-up counts
// exactly (by level, theme and format, 人次, distinct people, hours, on-time rate 95%, the late
// filer by name) and its csv export has those rows.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { TestClock, testSigner, waitFor } from "@kepu/testkit";
import { community, Platform, type Answer } from "./platform.js";

const clock = new TestClock();
process.env.TEST_CLOCK_FILE = clock.file; // the events service's (and notifications') clock: every service started below reads it
const beijing = (local: string) => new Date(`${local}+08:00`);

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown) => platform.call(method, path, tokens[who], body, body === undefined ? {} : { "idempotency-key": randomUUID() });
const ok = (answer: Answer) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

// The 20 activities: level, theme, format, length and walk-ins of each (i = 0…19); the 20th (#19) files late.
const levels = ["MAIN", "MAIN", ...Array(10).fill("BRANCH"), ...Array(5).fill("DEPARTMENT"), ...Array(3).fill("JOINT")] as string[];
const plan = levels.map((level, i) => ({
  level,
  theme: i % 2 === 0 ? "THEME_HEALTH" : "THEME_DIGITAL_LITERACY",
  format: i < 12 ? "FORMAT_EXPERT_TALK" : "FORMAT_HANDS_ON",
  hours: i % 2 === 0 ? 2 : 1.5,
  walkIns: 10 + i,
  // Held on 5–24 September, 10:00 Beijing time; the late one is the worker's (红荔社区), the rest the district's (福田区科协).
  startsAt: beijing(`2027-09-${String(5 + i).padStart(2, "0")}T10:00`),
  organizer: i === 19 ? "worker" : "district",
}));
// Two residents check in: A at #0 and #1, B at #0 — three visits, two people.
const checkIns: [resident: "a" | "b", activity: number][] = [["a", 0], ["b", 0], ["a", 1]];
const ids: string[] = [];
let campaignId = "";
const name = "2027年全国科普日暨深圳科普月";

beforeAll(async () => {
  clock.to(beijing("2027-08-22T09:00"));
  platform = await Platform.start("campaigns");
  for (const account of ["city", "district", "worker"]) tokens[account] = await platform.signIn(account);
  tokens.a = await platform.resident("13700001901");
  tokens.b = await platform.resident("13700001902");
  // The organizers' names, as the registry has them (the roll-up names the late filer).
  const registry = createRpcClient(RegistryService, platform.services[0]!.grpcAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  await registry.renameOrganization({ orgId: "sz-futian", name: "福田区科协" }, admin);
  await registry.renameOrganization({ orgId: community, name: "红荔社区" }, admin);
  registry.close();
}, 180_000);
afterAll(async () => {
  await platform?.stop();
  clock.remove();
});

describe("a 科普月 campaign: 报备, on-time and late summaries, the roll-up and its export", () => {
  it("is created by the city as data, beside the recurring campaigns seeded for the year; a worker may not", async () => {
    const body = { name, firstDay: "2027-09-01", lastDay: "2027-09-30", themes: ["THEME_HEALTH", "THEME_DIGITAL_LITERACY"], registrationOpens: "2027-08-21", registrationCloses: "2027-09-10", summaryDue: "2027-09-28", levels: ["CAMPAIGN_LEVEL_MAIN", "CAMPAIGN_LEVEL_BRANCH", "CAMPAIGN_LEVEL_DEPARTMENT", "CAMPAIGN_LEVEL_JOINT"] };
    const refused = await call("worker", "POST", "/api/v1/campaigns", body);
    expect(refused.status).toBe(403);
    expect(refused.body.messageZh).toMatch(/[\u4e00-\u9fff]/);
    const backwards = await call("city", "POST", "/api/v1/campaigns", { ...body, registrationCloses: "2027-08-01" });
    expect(backwards).toMatchObject({ status: 400, body: { code: "REGISTRATION_WINDOW_BACKWARDS" } });
    const { campaign } = ok(await call("city", "POST", "/api/v1/campaigns", body));
    campaignId = campaign.campaignId;
    expect(campaign).toMatchObject({ name, ownerOrgId: "sz", summaryDue: "2027-09-28", levels: body.levels });
    const listed = ok(await call("district", "GET", "/api/v1/campaigns?year=2027")).campaigns.map((c: { name: string }) => c.name);
    expect(listed).toEqual(expect.arrayContaining([name, "2027年全国科技活动周", "2027年全国科技工作者日", "2027年全国食品安全宣传周", "2027年全国科普日暨深圳科普月"]));
  });

  it("takes 20 activities' 报备 within the window and refuses a 21st after it, with the reason", async () => {
    for (const [i, a] of plan.entries()) {
      const endsAt = new Date(a.startsAt.getTime() + a.hours * 3_600_000);
      const published = ok(await call(a.organizer, "POST", "/api/v1/activities", { title: `科普月活动 ${i + 1}`, theme: a.theme, format: a.format, audience: "AUDIENCE_RESIDENTS", orgId: community, sessions: [{ startsAt: a.startsAt.toISOString(), endsAt: endsAt.toISOString(), capacity: 100 }] }));
      ids.push(published.activity.activityId);
      const registered = ok(await call(a.organizer, "POST", `/api/v1/activities/${ids[i]}/campaign-registration`, { campaignId, level: `CAMPAIGN_LEVEL_${a.level}` }));
      expect(registered.activity).toMatchObject({ campaignId, campaignLevel: `CAMPAIGN_LEVEL_${a.level}` });
    }
    const late = ok(await call("district", "POST", "/api/v1/activities", { title: "科普月活动 21", theme: "THEME_HEALTH", orgId: community, sessions: [{ startsAt: beijing("2027-09-26T10:00").toISOString(), endsAt: beijing("2027-09-26T12:00").toISOString(), capacity: 50 }] })).activity;
    clock.to(beijing("2027-09-11T00:05")); // the 10th is over in Beijing (still the 10th in UTC)
    const refused = await call("district", "POST", `/api/v1/activities/${late.activityId}/campaign-registration`, { campaignId, level: "CAMPAIGN_LEVEL_BRANCH" });
    expect(refused).toMatchObject({ status: 409, body: { code: "REGISTRATION_CLOSED", messageZh: `「${name}」的报备已于 2027-09-10 24:00（北京时间）截止`, messageEn: `Registration for "${name}" closed at 24:00 on 2027-09-10 (Beijing time)` } });
    expect(ok(await call("district", "GET", `/api/v1/activities/${late.activityId}`)).activity.campaignId ?? "").toBe("");
  });

  it("keeps each summary's flag: 19 filed on the 27th on time, one on the 29th late", async () => {
    // Bookings and check-ins first: A and B at #0, A at #1 (each on its session's morning).
    clock.to(beijing("2027-08-23T09:00"));
    const booked: Record<string, string> = {};
    for (const [resident, i] of checkIns) {
      const session = ok(await call("district", "GET", `/api/v1/activities/${ids[i]}`)).activity.sessions[0].session.sessionId;
      booked[`${resident}${i}`] = ok(await call(resident, "POST", `/api/v1/activities/${ids[i]}/sessions/${session}/bookings`)).booking.bookingId;
    }
    for (const [resident, i] of checkIns) {
      clock.to(new Date(plan[i]!.startsAt.getTime() + 10 * 60_000));
      ok(await call("district", "POST", "/api/v1/check-ins", { bookingId: booked[`${resident}${i}`] }));
    }
    clock.to(beijing("2027-09-27T20:00"));
    for (const i of plan.keys()) {
      if (i === 19) continue;
      const filed = ok(await call("district", "POST", `/api/v1/activities/${ids[i]}/summary`, { text: `第 ${i + 1} 场活动图文总结`, photoUrls: [] }));
      expect(filed.activity.summaryLate ?? false).toBe(false);
      ok(await call("district", "POST", `/api/v1/activities/${ids[i]}/complete`, { walkIns: plan[i]!.walkIns }));
    }
    clock.to(beijing("2027-09-29T00:30")); // the 28th is over in Beijing (16:30 of the 28th in UTC)
    const late = ok(await call("worker", "POST", `/api/v1/activities/${ids[19]}/summary`, { text: "第 20 场活动图文总结（补交）", photoUrls: [] }));
    expect(late.activity).toMatchObject({ summaryFiled: true, summaryLate: true });
    ok(await call("worker", "POST", `/api/v1/activities/${ids[19]}/complete`, { walkIns: plan[19]!.walkIns }));
    // An edit of the campaign later (the due date moved) does not change a flag already kept.
    const edited = ok(await call("city", "PUT", `/api/v1/campaigns/${campaignId}`, { name, firstDay: "2027-09-01", lastDay: "2027-09-30", registrationOpens: "2027-08-21", registrationCloses: "2027-09-10", summaryDue: "2027-09-30", levels: ["CAMPAIGN_LEVEL_MAIN", "CAMPAIGN_LEVEL_BRANCH", "CAMPAIGN_LEVEL_DEPARTMENT", "CAMPAIGN_LEVEL_JOINT"] }));
    expect(edited.campaign).toMatchObject({ summaryDue: "2027-09-30", version: "2" });
    expect(ok(await call("worker", "GET", `/api/v1/activities/${ids[19]}`)).activity.summaryLate).toBe(true);
  });

  it("rolls the campaign up exactly, and exports those rows", async () => {
    // What the plan says, counted here independently of the stats service.
    const visits = (i: number) => plan[i]!.walkIns + checkIns.filter(([, a]) => a === i).length;
    const rowOf = (picked: number[]) => ({ activities: picked.length, participants: picked.reduce((s, i) => s + visits(i), 0), uniqueParticipants: new Set(checkIns.filter(([, a]) => picked.includes(a)).map(([r]) => r)).size + picked.reduce((s, i) => s + plan[i]!.walkIns, 0), hours: picked.reduce((s, i) => s + plan[i]!.hours, 0) });
    const where = (test: (p: (typeof plan)[number]) => boolean) => [...plan.keys()].filter((i) => test(plan[i]!));
    const all = where(() => true);
    expect(rowOf(all)).toEqual({ activities: 20, participants: 393, uniqueParticipants: 392, hours: 35 });

    const rollup = await waitFor(
      async () => {
        const answer = await call("city", "GET", `/api/v1/campaigns/${campaignId}/rollup`);
        const r = answer.body.rollup;
        return answer.status === 200 && r.activities === 20 && r.participants === 393 && r.summariesLate === 1 && r.summariesOnTime === 19 ? answer.body : undefined;
      },
      { what: "the roll-up of 20 activities, 19 on time and 1 late", timeoutMs: 30_000 },
    );
    expect(rollup.campaign.name).toBe(name);
    expect(rollup.rollup).toMatchObject({ activities: 20, participants: 393, uniqueParticipants: 392, hours: 35, summariesOnTime: 19, summariesLate: 1, onTimeRate: 0.95 });
    expect(rollup.rollup.summariesMissing ?? 0).toBe(0);
    const rows = (list: { name: string; activities: number; participants: number; uniqueParticipants: number; hours: number }[]) => list.map((r) => ({ name: r.name, activities: r.activities, participants: r.participants, uniqueParticipants: r.uniqueParticipants, hours: r.hours }));
    expect(rows(rollup.rollup.byLevel)).toEqual([
      { name: "主场活动", ...rowOf(where((p) => p.level === "MAIN")) },
      { name: "分会场活动", ...rowOf(where((p) => p.level === "BRANCH")) },
      { name: "部门特色活动", ...rowOf(where((p) => p.level === "DEPARTMENT")) },
      { name: "联合行动", ...rowOf(where((p) => p.level === "JOINT")) },
    ]);
    expect(rows(rollup.rollup.byTheme)).toEqual([
      { name: "智慧生活/数字素养", ...rowOf(where((p) => p.theme === "THEME_DIGITAL_LITERACY")) },
      { name: "卫生健康/健康养生", ...rowOf(where((p) => p.theme === "THEME_HEALTH")) },
    ]);
    expect(rows(rollup.rollup.byFormat)).toEqual([
      { name: "专家讲座", ...rowOf(where((p) => p.format === "FORMAT_EXPERT_TALK")) },
      { name: "互动体验", ...rowOf(where((p) => p.format === "FORMAT_HANDS_ON")) },
    ]);
    expect(rollup.rollup.lateFilers).toEqual([{ activityId: ids[19], title: "科普月活动 20", organizerOrgId: community, organizerName: "红荔社区", filedAt: expect.stringMatching(/^2027-09-28T16:3\d/) }]);

    const csv = await call("city", "GET", `/api/v1/campaigns/${campaignId}/rollup/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = String(csv.body).replace(/^\uFEFF/, "").trim().split("\r\n").map((l) => l.split(","));
    expect(lines[0]).toEqual(["类别 Section", "分组 Group", "活动数 Activities", "参与人次 Visits", "参与人数 People", "活动时长 Hours held", "志愿服务时长 Volunteer hours", "备注 Note"]);
    expect(lines[1]).toEqual(["合计", name, "20", "393", "392", "35", "0", "图文总结按时率 95%（按时 19，迟交 1，未交 0）"]);
    const section = (s: string) => lines.filter((l) => l[0] === s).map((l) => l.slice(1, 6).join(" "));
    const line = (label: string, r: ReturnType<typeof rowOf>) => `${label} ${r.activities} ${r.participants} ${r.uniqueParticipants} ${r.hours}`;
    expect(section("级别")).toEqual([line("主场活动", rowOf(where((p) => p.level === "MAIN"))), line("分会场活动", rowOf(where((p) => p.level === "BRANCH"))), line("部门特色活动", rowOf(where((p) => p.level === "DEPARTMENT"))), line("联合行动", rowOf(where((p) => p.level === "JOINT")))]);
    expect(section("主题")).toEqual([line("智慧生活/数字素养", rowOf(where((p) => p.theme === "THEME_DIGITAL_LITERACY"))), line("卫生健康/健康养生", rowOf(where((p) => p.theme === "THEME_HEALTH")))]);
    expect(section("形式")).toEqual([line("专家讲座", rowOf(where((p) => p.format === "FORMAT_EXPERT_TALK"))), line("互动体验", rowOf(where((p) => p.format === "FORMAT_HANDS_ON")))]);
    expect(lines.filter((l) => l[0] === "迟交图文总结").map((l) => l.slice(1, 3))).toEqual([["红荔社区", "科普月活动 20"]]);
    const xlsx = await call("city", "GET", `/api/v1/campaigns/${campaignId}/rollup/export?format=xlsx`);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
  });
});
