// A campaign's roll-up (活动节点汇总), from the facts of its activities. Pure: the same facts
// always give the same roll-up. What associations report after a campaign: its activities by
// level, theme and format; 人次 and distinct people; hours held and volunteer hours; how many
// 图文总结 came on time; and who filed late, by name.
import { people, visits, type ActivityFact } from "./figures.js";
import type { Column } from "./export.js";
import { label } from "./labels.js";

/** One activity of a campaign, as the projector keeps it: an activity's facts and what the campaign reports of it. */
export interface CampaignActivityFact extends ActivityFact {
  title: string;
  organizerOrgId: string;
  /** 报备's level (CampaignLevel: 1 主场 … 4 联合行动); 0 when the activity names the campaign unregistered. */
  campaignLevel: number;
  /** Hours held: the sessions' length, added up. */
  hours: number;
  summaryFiled: boolean;
  /** Filed after the campaign's due date (24:00 Beijing), as the events service judged when it was filed. */
  summaryLate: boolean;
  summaryFiledAt?: Date;
}

export interface RollupRow {
  key: string;
  name: string;
  activities: number;
  participants: number;
  uniqueParticipants: number;
  hours: number;
  serviceHours: number;
}

export interface LateFiler {
  activityId: string;
  title: string;
  organizerOrgId: string;
  organizerName: string;
  filedAt?: Date;
}

export interface CampaignRollup {
  campaignId: string;
  activities: number;
  participants: number;
  uniqueParticipants: number;
  hours: number;
  serviceHours: number;
  summariesOnTime: number;
  summariesLate: number;
  summariesMissing: number;
  /** On-time summaries of all the campaign's activities (cancelled ones left out), 0–1. */
  onTimeRate: number;
  byLevel: RollupRow[];
  byTheme: RollupRow[];
  byFormat: RollupRow[];
  lateFilers: LateFiler[];
}

export const levelNames: Record<number, string> = { 0: "未报备", 1: "主场活动", 2: "分会场活动", 3: "部门特色活动", 4: "联合行动" };
const levelKeys: Record<number, string> = { 0: "UNREGISTERED", 1: "MAIN", 2: "BRANCH", 3: "DEPARTMENT", 4: "JOINT" };

const round = (n: number) => Math.round(n * 100) / 100;
const sum = (list: CampaignActivityFact[], value: (a: CampaignActivityFact) => number) => round(list.reduce((total, a) => total + value(a), 0));

function totals(key: string, name: string, list: CampaignActivityFact[]): RollupRow {
  return { key, name, activities: list.length, participants: sum(list, visits), uniqueParticipants: people(list), hours: sum(list, (a) => a.hours), serviceHours: sum(list, (a) => a.serviceHours) };
}

/** Rows per value of a field, in the value's order, each with its name. */
function groups(list: CampaignActivityFact[], valueOf: (a: CampaignActivityFact) => number, keyOf: (v: number) => string, nameOf: (v: number) => string): RollupRow[] {
  const by = new Map<number, CampaignActivityFact[]>();
  for (const a of list) (by.get(valueOf(a)) ?? by.set(valueOf(a), []).get(valueOf(a))!).push(a);
  return [...by.keys()].sort((x, y) => x - y).map((v) => totals(keyOf(v), nameOf(v), by.get(v)!));
}

/** The roll-up of one campaign: its activities (cancelled ones left out) and the names of the orgs that organize them. */
export function campaignRollup(campaignId: string, facts: CampaignActivityFact[], orgNames: ReadonlyMap<string, string>): CampaignRollup {
  const held = facts.filter((a) => a.campaignId === campaignId && a.status !== "CANCELLED");
  const whole = totals("", "", held);
  const late = held.filter((a) => a.summaryFiled && a.summaryLate);
  const onTime = held.filter((a) => a.summaryFiled && !a.summaryLate).length;
  return {
    campaignId,
    activities: whole.activities,
    participants: whole.participants,
    uniqueParticipants: whole.uniqueParticipants,
    hours: whole.hours,
    serviceHours: whole.serviceHours,
    summariesOnTime: onTime,
    summariesLate: late.length,
    summariesMissing: held.filter((a) => !a.summaryFiled).length,
    onTimeRate: held.length === 0 ? 0 : round(onTime / held.length),
    byLevel: groups(held, (a) => a.campaignLevel, (v) => levelKeys[v] ?? String(v), (v) => levelNames[v] ?? String(v)),
    byTheme: groups(held, (a) => a.theme, String, (v) => label("theme", v)),
    byFormat: groups(held, (a) => a.format, String, (v) => label("format", v)),
    lateFilers: late
      .map((a) => ({ activityId: a.activityId, title: a.title, organizerOrgId: a.organizerOrgId, organizerName: orgNames.get(a.organizerOrgId) ?? a.organizerOrgId, ...(a.summaryFiledAt ? { filedAt: a.summaryFiledAt } : {}) }))
      .sort((x, y) => x.organizerName.localeCompare(y.organizerName, "zh") || x.title.localeCompare(y.title, "zh")),
  };
}

/** One line of the export: a section (级别 / 主题 / 形式 / 合计 / 迟交), the group's name and its figures. */
export interface RollupLine {
  section: string;
  name: string;
  activities: number | string;
  participants: number | string;
  uniqueParticipants: number | string;
  hours: number | string;
  serviceHours: number | string;
  note: string;
}

// Chinese headers first: the people who open these files report in Chinese.
export const rollupColumns: Column<RollupLine>[] = [
  { key: "section", header: "类别 Section" },
  { key: "name", header: "分组 Group" },
  { key: "activities", header: "活动数 Activities" },
  { key: "participants", header: "参与人次 Visits" },
  { key: "uniqueParticipants", header: "参与人数 People" },
  { key: "hours", header: "活动时长 Hours held" },
  { key: "serviceHours", header: "志愿服务时长 Volunteer hours" },
  { key: "note", header: "备注 Note" },
];

const line = (section: string, row: RollupRow, note = ""): RollupLine => ({ section, name: row.name, activities: row.activities, participants: row.participants, uniqueParticipants: row.uniqueParticipants, hours: row.hours, serviceHours: row.serviceHours, note });

/** The roll-up as the rows of its export: the total, each level, theme and format, then each late filer by name. */
export function rollupLines(rollup: CampaignRollup, campaignName: string): RollupLine[] {
  const rate = `图文总结按时率 ${Math.round(rollup.onTimeRate * 100)}%（按时 ${rollup.summariesOnTime}，迟交 ${rollup.summariesLate}，未交 ${rollup.summariesMissing}）`;
  return [
    line("合计", { ...rollup, key: "", name: campaignName }, rate),
    ...rollup.byLevel.map((r) => line("级别", r)),
    ...rollup.byTheme.map((r) => line("主题", r)),
    ...rollup.byFormat.map((r) => line("形式", r)),
    ...rollup.lateFilers.map((f) => ({ section: "迟交图文总结", name: f.organizerName, activities: f.title, participants: "", uniqueParticipants: "", hours: "", serviceHours: "", note: f.filedAt ? `提交于 ${f.filedAt.toISOString()}` : "" })),
  ];
}
