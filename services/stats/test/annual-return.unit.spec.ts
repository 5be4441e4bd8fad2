import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { annualReturn, annualReturnColumns, type AnnualReturnFacts } from "../src/domain/annual-return.js";
import { toCsv, toXlsx } from "../src/domain/export.js";
import type { ActivityFact, OrderFact } from "../src/domain/figures.js";
import { calendarIn } from "@kepu/calendar";

const at = (year: number, month = 9) => new Date(Date.UTC(year, month - 1, 15));
const placeIn = (districtId: string) => ({ path: ["sz", districtId, `${districtId}-s1`, `${districtId}-s1-c1`], districtId, streetId: `${districtId}-s1`, communityId: `${districtId}-s1-c1` });
const activity = (id: string, districtId: string, extra: Partial<ActivityFact> & { volunteers?: number } = {}): ActivityFact => ({
  activityId: id, theme: 5, audience: 2, format: 1, campaignId: "", startsAt: at(2026), sessions: 1, status: "COMPLETED", participants: 40, residents: [], serviceHours: 6, ...placeIn(districtId), ...extra,
});
const order = (id: string, districtId: string, status: string, submittedAt = at(2026)): OrderFact => ({
  orderId: id, status, theme: 5, audience: 2, format: 1, campaignId: "", submittedAt, declines: 0, escalations: 0, ...placeIn(districtId),
});

const facts: AnnualReturnFacts = {
  districts: [{ orgId: "sz-futian", name: "福田区" }, { orgId: "sz-nanshan", name: "南山区" }],
  activities: [
    activity("a1", "sz-futian", { volunteers: 3 }),
    activity("a2", "sz-futian", { sessions: 2, participants: 60, serviceHours: 8.5, volunteers: 4 }),
    activity("a3", "sz-futian", { status: "CANCELLED" }),
    activity("a4", "sz-futian", { startsAt: at(2025) }),
    activity("a5", "sz-nanshan", { volunteers: 2 }),
    activity("a6", "sz-luohu"),
  ],
  orders: [order("o1", "sz-futian", "RATED"), order("o2", "sz-futian", "SUBMITTED"), order("o3", "sz-nanshan", "DELIVERED"), order("o4", "sz-nanshan", "DELIVERED", at(2025))],
  teams: [
    { teamId: "t1", districtId: "sz-futian", path: ["sz", "sz-futian"], volunteers: 12 },
    { teamId: "t2", districtId: "sz-futian", path: ["sz", "sz-futian"], volunteers: 5 },
    { teamId: "t3", districtId: "sz-nanshan", path: ["sz", "sz-nanshan"], volunteers: 7 },
  ],
  bases: [
    { baseId: "b1", districtId: "sz-futian", path: ["sz", "sz-futian"], level: 1, status: 1 },
    { baseId: "b2", districtId: "sz-futian", path: ["sz", "sz-futian"], level: 5, status: 1 },
    { baseId: "b3", districtId: "sz-futian", path: ["sz", "sz-futian"], level: 4, status: 4 },
    { baseId: "b4", districtId: "sz-nanshan", path: ["sz", "sz-nanshan"], level: 3, status: 1 },
  ],
};

describe("annual return (科普统计年报)", () => {
  const rows = annualReturn(facts, 2026);

  it("has one row per district, in the given order, then the total", () => {
    expect(rows.map((r) => r.district)).toEqual(["福田区", "南山区", "合计 Total"]);
  });

  it("counts the year's activities, people, volunteer turns and hours; cancelled and other years left out", () => {
    const [futian] = rows;
    expect(futian).toMatchObject({ activities: 2, sessions: 3, participants: 100, uniqueParticipants: 100, volunteerTurns: 7, serviceHours: 14.5, orders: 2, ordersDelivered: 1 });
  });

  it("counts teams, their members and the bases in good standing by level", () => {
    const [futian, nanshan] = rows;
    expect(futian).toMatchObject({ teams: 2, volunteers: 17, bases: 2, nationalBases: 1, demonstrationSites: 1, districtBases: 0 });
    expect(nanshan).toMatchObject({ activities: 1, teams: 1, volunteers: 7, bases: 1, cityBases: 1, orders: 1, ordersDelivered: 1 });
  });

  it("totals every column", () => {
    expect(rows.at(-1)).toMatchObject({ activities: 3, participants: 140, serviceHours: 20.5, teams: 3, volunteers: 24, bases: 3, orders: 3 });
  });

  it("writes a csv with a BOM and Chinese headers, and an xlsx that reads back", async () => {
    const csv = toCsv(annualReturnColumns, rows);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString("utf8").slice(1).trim().split("\r\n");
    expect(lines[0]).toMatch(/^地区 District,科普活动\(次\) Activities,/);
    expect(lines[1]).toMatch(/^福田区,2,3,100,100,7,14.5,2,17,2,1,0,0,0,1,2,1$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await toXlsx(annualReturnColumns, rows, "2026年科普统计")) as never);
    const sheet = workbook.getWorksheet("2026年科普统计")!;
    expect(sheet.getRow(1).getCell(1).value).toBe("地区 District");
    expect(sheet.getRow(4).getCell(1).value).toBe("合计 Total");
    expect(sheet.getRow(4).getCell(2).value).toBe(3);
  });

  it("counts distinct residents per district and across districts in the total", () => {
    const r = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `r${from + i}`);
    const rows = annualReturn(
      {
        ...facts,
        activities: [
          activity("x1", "sz-futian", { participants: 3, residents: r(3) }),
          activity("x2", "sz-futian", { participants: 5, residents: r(2) }), // r1, r2 again and 3 walk-ins
          activity("x3", "sz-futian", { participants: 1, residents: ["r1"] }),
          activity("x4", "sz-nanshan", { participants: 2, residents: ["r1", "r9"] }),
        ],
      },
      2026,
    );
    expect(rows.map((row) => [row.district, row.participants, row.uniqueParticipants])).toEqual([
      ["福田区", 9, 3 + 3], // r1 at three activities is one person
      ["南山区", 2, 2],
      ["合计 Total", 11, 4 + 3], // r1..r3, r9 and the walk-ins: not 6 + 2
    ]);
  });

  it("puts an activity and an order at 00:30 on 1 January Beijing in the new year", () => {
    const newYear = new Date("2027-01-01T00:30+08:00"); // 2026-12-31T16:30Z
    const held = { ...facts, activities: [activity("ny", "sz-futian", { startsAt: newYear })], orders: [order("o-ny", "sz-futian", "RATED", newYear)] };
    expect(annualReturn(held, 2027, calendarIn("Asia/Shanghai"))[0]).toMatchObject({ activities: 1, participants: 40, orders: 1, ordersDelivered: 1 });
    expect(annualReturn(held, 2026, calendarIn("Asia/Shanghai"))[0]).toMatchObject({ activities: 0, participants: 0, orders: 0 });
    expect(annualReturn(held, 2026, calendarIn("Europe/Berlin"))[0]).toMatchObject({ activities: 1, orders: 1 }); // another deployment's zone
  });
});
