// 科普统计年报: the yearly return a district association hands in, one row per district. Activities,
// participants, service hours and orders count what happened in the year; teams, volunteers and
// bases are the stock at the time of the export. The year is a Beijing one (@kepu/calendar): an
// activity at 00:30 on 1 January belongs to the new year.
import { calendar, type Calendar } from "@kepu/calendar";
import type { Column } from "./export.js";
import { people, visits, type ActivityFact, type OrderFact } from "./figures.js";
import { label } from "./labels.js";

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
  /** The themes it offers (Theme numbers), when the store knows them: the by-theme table counts a base under each. */
  themes?: number[];
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

/** The district table's figures the by-theme and by-audience tables have too (科普统计's 分主题 / 分对象 sheets). */
const groupFigures = ["activities", "sessions", "participants", "uniqueParticipants", "volunteerTurns", "serviceHours", "bases"] as const;
/** One row of the by-theme or by-audience table. */
export type AnnualReturnGroupRow = { group: string } & Pick<AnnualReturnRow, (typeof groupFigures)[number]>;
const isGroupFigure = (key: string): key is (typeof groupFigures)[number] => (groupFigures as readonly string[]).includes(key);

/**
 * The year's activities of the listed districts grouped by one field (theme or audience), one row
 * per value that has any (in the value's order, named), then 合计. As in the district table: a
 * cancelled activity or one of another year does not count; 参与人数 are distinct within a row and
 * across all in the total. `bases` counts the active bases of the districts per value when `basesOf`
 * says which values a base serves (a base under two themes counts in each row, once in the total).
 */
function annualReturnBy(facts: AnnualReturnFacts, year: number, valueOf: (a: ActivityFact) => number, nameOf: (v: number) => string, basesOf: ((b: BaseFact) => number[]) | undefined, cal: Calendar): AnnualReturnGroupRow[] {
  const districts = new Set(facts.districts.map((d) => d.orgId));
  const held = (facts.activities as ActivityWithVolunteers[]).filter((a) => districts.has(a.districtId) && a.status !== "CANCELLED" && !!a.startsAt && cal.yearOf(a.startsAt) === year);
  const bases = facts.bases.filter((b) => districts.has(b.districtId) && b.status === ACTIVE);
  const values = new Set([...held.map(valueOf), ...(basesOf ? bases.flatMap(basesOf) : [])]);
  const row = (group: string, list: ActivityWithVolunteers[], baseCount: number): AnnualReturnGroupRow => ({
    group,
    activities: list.length,
    sessions: list.reduce((n, a) => n + a.sessions, 0),
    participants: list.reduce((n, a) => n + visits(a), 0),
    uniqueParticipants: people(list),
    volunteerTurns: list.reduce((n, a) => n + (a.volunteers ?? 0), 0),
    serviceHours: round(list.reduce((n, a) => n + a.serviceHours, 0)),
    bases: baseCount,
  });
  const rows = [...values].sort((x, y) => x - y).map((v) => row(nameOf(v), held.filter((a) => valueOf(a) === v), basesOf ? bases.filter((b) => basesOf(b).includes(v)).length : 0));
  return [...rows, row("合计 Total", held, basesOf ? bases.filter((b) => basesOf(b).length > 0).length : 0)];
}

/** 分主题: the year's activities by theme, with the active bases offering each theme. */
export const annualReturnByTheme = (facts: AnnualReturnFacts, year: number, cal: Calendar = calendar) =>
  annualReturnBy(facts, year, (a) => a.theme, (v) => label("theme", v), (b) => b.themes ?? [], cal);

/** 分对象: the year's activities by audience (bases are not registered by audience: their column stays 0 and the sheet leaves it out). */
export const annualReturnByAudience = (facts: AnnualReturnFacts, year: number, cal: Calendar = calendar) =>
  annualReturnBy(facts, year, (a) => a.audience, (v) => label("audience", v), undefined, cal);

/** The group's header, then the district table's headers of the figures it has (bases only when `withBases`). */
const groupColumns = (first: string, withBases: boolean): Column<AnnualReturnGroupRow>[] => [
  { key: "group", header: first },
  ...annualReturnColumns.flatMap((c) => (isGroupFigure(c.key) && (withBases || c.key !== "bases") ? [{ key: c.key, header: c.header }] : [])),
];
export const annualReturnByThemeColumns = groupColumns("主题 Theme", true);
export const annualReturnByAudienceColumns = groupColumns("对象 Audience", false);

/** A sheet of the return's workbook: its name, columns and rows. */
export interface AnnualReturnSheet {
  name: string;
  columns: Column<never>[];
  rows: object[];
}

/** The return as the 科普统计 workbook: the district table (one row per district), 分主题 and 分对象, each with its 合计. */
export function annualReturnSheets(facts: AnnualReturnFacts, year: number, cal: Calendar = calendar): AnnualReturnSheet[] {
  const sheet = <Row extends object>(name: string, columns: Column<Row>[], rows: Row[]): AnnualReturnSheet => ({ name, columns: columns as unknown as Column<never>[], rows });
  return [
    sheet(`${year}年科普统计`, annualReturnColumns, annualReturn(facts, year, cal)), // the name the one-sheet return had
    sheet(`${year}年科普统计 分主题`, annualReturnByThemeColumns, annualReturnByTheme(facts, year, cal)),
    sheet(`${year}年科普统计 分对象`, annualReturnByAudienceColumns, annualReturnByAudience(facts, year, cal)),
  ];
}
