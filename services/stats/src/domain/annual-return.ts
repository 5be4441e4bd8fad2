// 科普统计年报: the yearly return a district association hands in, one row per district. Activities,
// participants, service hours and orders count what happened in the year; teams, volunteers and
// bases are the stock at the time of the export. The year is a Beijing one (@kepu/calendar): an
// activity at 00:30 on 1 January belongs to the new year.
import { calendar, type Calendar } from "@kepu/calendar";
import type { Column } from "./export.js";
import { people, visits, type ActivityFact, type OrderFact } from "./figures.js";

export interface TeamFact {
  teamId: string;
  path: string[];
  districtId: string;
  /** Members now (joins minus leaves). */
  volunteers: number;
}

export interface BaseFact {
  baseId: string;
  path: string[];
  districtId: string;
  /** BaseLevel: 1 national, 2 provincial, 3 city, 4 district, 5 demonstration site (示范点). */
  level: number;
  /** BaseStatus: 1 active. */
  status: number;
}

export interface District {
  orgId: string;
  name: string;
}

export interface AnnualReturnFacts {
  activities: ActivityFact[];
  orders: OrderFact[];
  teams: TeamFact[];
  bases: BaseFact[];
  districts: District[];
}

export interface AnnualReturnRow {
  district: string;
  activities: number;
  sessions: number;
  participants: number;
  uniqueParticipants: number;
  volunteerTurns: number;
  serviceHours: number;
  teams: number;
  volunteers: number;
  bases: number;
  nationalBases: number;
  provincialBases: number;
  cityBases: number;
  districtBases: number;
  demonstrationSites: number;
  orders: number;
  ordersDelivered: number;
}

export type ActivityWithVolunteers = ActivityFact & { volunteers?: number };

const ACTIVE = 1;
const levelColumn: Record<number, keyof AnnualReturnRow> = { 1: "nationalBases", 2: "provincialBases", 3: "cityBases", 4: "districtBases", 5: "demonstrationSites" };
const round = (n: number) => Math.round(n * 100) / 100;

function emptyRow(district: string): AnnualReturnRow {
  return { district, activities: 0, sessions: 0, participants: 0, uniqueParticipants: 0, volunteerTurns: 0, serviceHours: 0, teams: 0, volunteers: 0, bases: 0, nationalBases: 0, provincialBases: 0, cityBases: 0, districtBases: 0, demonstrationSites: 0, orders: 0, ordersDelivered: 0 };
}

/**
 * One row per district (named, in the order of `districts`), then 合计. Facts outside the listed
 * districts are left out; a cancelled activity does not count. 参与人数 (people) are distinct
 * residents: within a district's activities in its row, across all of them in the total (a
 * resident at activities in two districts is one person in each row and one in the total).
 */
export function annualReturn(facts: AnnualReturnFacts, year: number, cal: Calendar = calendar): AnnualReturnRow[] {
  const inYear = (at: Date | undefined) => !!at && cal.yearOf(at) === year;
  const rows = new Map(facts.districts.map((d) => [d.orgId, emptyRow(d.name)]));
  const rowOf = (districtId: string) => rows.get(districtId);
  const counted = new Map<string, ActivityFact[]>();
  for (const a of facts.activities as ActivityWithVolunteers[]) {
    const row = rowOf(a.districtId);
    if (!row || a.status === "CANCELLED" || !inYear(a.startsAt)) continue;
    row.activities++;
    row.sessions += a.sessions;
    row.participants += visits(a);
    row.volunteerTurns += a.volunteers ?? 0;
    row.serviceHours = round(row.serviceHours + a.serviceHours);
    (counted.get(a.districtId) ?? counted.set(a.districtId, []).get(a.districtId)!).push(a);
  }
  for (const [districtId, activities] of counted) rowOf(districtId)!.uniqueParticipants = people(activities);
  for (const o of facts.orders) {
    const row = rowOf(o.districtId);
    if (!row || !inYear(o.submittedAt)) continue;
    row.orders++;
    if (o.status === "DELIVERED" || o.status === "RATED") row.ordersDelivered++;
  }
  for (const t of facts.teams) {
    const row = rowOf(t.districtId);
    if (!row) continue;
    row.teams++;
    row.volunteers += Math.max(0, t.volunteers);
  }
  for (const b of facts.bases) {
    const row = rowOf(b.districtId);
    if (!row || b.status !== ACTIVE) continue;
    row.bases++;
    const column = levelColumn[b.level];
    if (column) (row[column] as number)++;
  }
  const districtRows = [...rows.values()];
  const total = emptyRow("合计 Total");
  for (const row of districtRows) {
    for (const key of Object.keys(total) as (keyof AnnualReturnRow)[]) if (key !== "district") (total[key] as number) += row[key] as number;
  }
  total.serviceHours = round(total.serviceHours);
  total.uniqueParticipants = people([...counted.values()].flat());
  return [...districtRows, total];
}

/** Column headers in the 科普统计 order, Chinese first. */
export const annualReturnColumns: Column<AnnualReturnRow>[] = [
  { key: "district", header: "地区 District" },
  { key: "activities", header: "科普活动(次) Activities" },
  { key: "sessions", header: "场次 Sessions" },
  { key: "participants", header: "参与人次 Visits" },
  { key: "uniqueParticipants", header: "参与人数 People" },
  { key: "volunteerTurns", header: "志愿者服务人次 Volunteer turns" },
  { key: "serviceHours", header: "志愿服务时长(小时) Service hours" },
  { key: "teams", header: "科技志愿服务队 Teams" },
  { key: "volunteers", header: "注册志愿者(队员) Volunteers" },
  { key: "bases", header: "科普基地(在册) Bases" },
  { key: "nationalBases", header: "其中国家级 National" },
  { key: "provincialBases", header: "省级 Provincial" },
  { key: "cityBases", header: "市级 City" },
  { key: "districtBases", header: "区级 District" },
  { key: "demonstrationSites", header: "科普示范点 Demonstration sites" },
  { key: "orders", header: "群众点单 Orders" },
  { key: "ordersDelivered", header: "已完成 Delivered" },
];
