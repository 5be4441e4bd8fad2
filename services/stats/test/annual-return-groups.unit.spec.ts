// The annual return's 分主题 and 分对象 tables (issue 19: "by theme and audience"), and the workbook
// with its three sheets.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { Audience, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { annualReturnByAudience, annualReturnByTheme, annualReturnSheets, type AnnualReturnFacts } from "../src/domain/annual-return.js";
import { toXlsxSheets } from "../src/domain/export.js";
import type { ActivityFact } from "../src/domain/figures.js";
import { calendarIn } from "@kepu/calendar";

const at = (iso: string) => new Date(iso);
const placeIn = (districtId: string) => ({ path: ["sz", districtId], districtId, streetId: `${districtId}-s1`, communityId: `${districtId}-s1-c1` });
const activity = (id: string, theme: number, audience: number, extra: Partial<ActivityFact> & { volunteers?: number } = {}): ActivityFact => ({
  activityId: id, theme, audience, format: 1, campaignId: "", startsAt: at("2026-09-15T02:00:00Z"), sessions: 1, status: "COMPLETED", participants: 0, residents: [], serviceHours: 2, ...placeIn("sz-futian"), ...extra,
});

const facts: AnnualReturnFacts = {
  districts: [{ orgId: "sz-futian", name: "福田区" }, { orgId: "sz-nanshan", name: "南山区" }],
  activities: [
    // 卫生健康 for the elderly: resident r1 at both (one person), r2 once, 3 walk-ins at h1.
    activity("h1", Theme.HEALTH, Audience.ELDERLY, { residents: ["r1", "r2"], participants: 5, sessions: 2, volunteers: 3, serviceHours: 4.25 }),
    activity("h2", Theme.HEALTH, Audience.ELDERLY, { residents: ["r1"], participants: 1, volunteers: 1, serviceHours: 1.5, ...placeIn("sz-nanshan") }),
    // 数字素养 for young people: r1 again (a third visit, the same person in the total).
    activity("d1", Theme.DIGITAL_LITERACY, Audience.YOUTH, { residents: ["r1", "r3"], participants: 2, volunteers: 2 }),
    activity("cancelled", Theme.DIGITAL_LITERACY, Audience.YOUTH, { status: "CANCELLED", residents: ["r9"], participants: 1 }),
    // 00:30 on 1 January 2027 in Beijing is 2027's, though 2026 in UTC.
    activity("new-year", Theme.HEALTH, Audience.ELDERLY, { startsAt: at("2026-12-31T16:30:00Z"), residents: ["r8"], participants: 1 }),
    activity("elsewhere", Theme.HEALTH, Audience.ELDERLY, { residents: ["r7"], participants: 1, ...placeIn("sz-luohu") }),
  ],
  orders: [],
  teams: [],
  bases: [
    { baseId: "b1", path: ["sz", "sz-futian"], districtId: "sz-futian", level: 4, status: 1, themes: [Theme.HEALTH, Theme.DIGITAL_LITERACY] },
    { baseId: "b2", path: ["sz", "sz-nanshan"], districtId: "sz-nanshan", level: 3, status: 1, themes: [Theme.AGRICULTURE] },
    { baseId: "revoked", path: ["sz", "sz-futian"], districtId: "sz-futian", level: 4, status: 4, themes: [Theme.HEALTH] },
    { baseId: "no-themes", path: ["sz", "sz-futian"], districtId: "sz-futian", level: 4, status: 1 },
    { baseId: "other-district", path: ["sz", "sz-luohu"], districtId: "sz-luohu", level: 4, status: 1, themes: [Theme.HEALTH] },
  ],
};
const cal = calendarIn("Asia/Shanghai");

describe("annual return by theme (分主题)", () => {
  const rows = annualReturnByTheme(facts, 2026, cal);

  it("has a named row per theme held or offered by a base, in the theme's order, then the total", () => {
    expect(rows.map((r) => r.group)).toEqual(["智慧生活/数字素养", "卫生健康/健康养生", "农业科技", "合计 Total"]);
  });

  it("counts activities, sessions, visits, distinct people, volunteer turns, hours and bases per theme", () => {
    expect(rows[1]).toEqual({ group: "卫生健康/健康养生", activities: 2, sessions: 3, participants: 6, uniqueParticipants: 5, volunteerTurns: 4, serviceHours: 5.75, bases: 1 });
    expect(rows[0]).toEqual({ group: "智慧生活/数字素养", activities: 1, sessions: 1, participants: 2, uniqueParticipants: 2, volunteerTurns: 2, serviceHours: 2, bases: 1 });
    expect(rows[2]).toMatchObject({ group: "农业科技", activities: 0, participants: 0, bases: 1 });
  });

  it("totals with each person once and each base once, whatever its themes", () => {
    expect(rows.at(-1)).toEqual({ group: "合计 Total", activities: 3, sessions: 4, participants: 8, uniqueParticipants: 6, volunteerTurns: 6, serviceHours: 7.75, bases: 2 });
  });
});

describe("annual return by audience (分对象)", () => {
  const rows = annualReturnByAudience(facts, 2026, cal);

  it("has a named row per audience held, then the total; the new year's activity is 2027's", () => {
    expect(rows.map((r) => r.group)).toEqual(["青少年", "老年人", "合计 Total"]);
    expect(rows[1]).toMatchObject({ activities: 2, participants: 6, uniqueParticipants: 5 });
    expect(annualReturnByAudience(facts, 2027, cal)).toEqual([
      { group: "老年人", activities: 1, sessions: 1, participants: 1, uniqueParticipants: 1, volunteerTurns: 0, serviceHours: 2, bases: 0 },
      { group: "合计 Total", activities: 1, sessions: 1, participants: 1, uniqueParticipants: 1, volunteerTurns: 0, serviceHours: 2, bases: 0 },
    ]);
  });

  it("sums to the same totals as the theme table and the district table", () => {
    const byTheme = annualReturnByTheme(facts, 2026, cal).at(-1)!;
    const { bases: _, group: __, ...total } = rows.at(-1)!;
    expect(byTheme).toMatchObject(total);
    const sheets = annualReturnSheets(facts, 2026, cal);
    expect(sheets[0]!.rows.at(-1)).toMatchObject({ activities: 3, sessions: 4, participants: 8, uniqueParticipants: 6, volunteerTurns: 6, serviceHours: 7.75 });
  });
});

describe("the workbook's sheets", () => {
  it("are 分地区, 分主题 and 分对象: one xlsx workbook, each sheet with its headers and 合计", async () => {
    const sheets = annualReturnSheets(facts, 2026, cal);
    expect(sheets.map((s) => s.name)).toEqual(["2026年科普统计", "2026年科普统计 分主题", "2026年科普统计 分对象"]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await toXlsxSheets(sheets)) as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(sheets.map((s) => s.name));
    expect(workbook.getWorksheet(sheets[0]!.name)!.getRow(4).getCell(1).value).toBe("合计 Total");
    const sheet = workbook.getWorksheet(sheets[1]!.name)!;
    expect(sheet.getRow(1).values).toEqual([undefined, "主题 Theme", "科普活动(次) Activities", "场次 Sessions", "参与人次 Visits", "参与人数 People", "志愿者服务人次 Volunteer turns", "志愿服务时长(小时) Service hours", "科普基地(在册) Bases"]);
    expect(sheet.getRow(3).values).toEqual([undefined, "卫生健康/健康养生", 2, 3, 6, 5, 4, 5.75, 1]);
    expect(sheets[2]!.columns.map((c) => c.key)).not.toContain("bases");
  });
});
