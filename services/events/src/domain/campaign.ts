// Campaigns (活动节点) as data: a name, a window of Beijing days, themes, a registration window,
// the 图文总结's due date and the levels it allows. Pure: the store supplies the record, these
// functions answer what follows from it (when it runs, whether a 报备 is allowed, whether a
// summary is late). Every day is a Beijing day and ends at 24:00 Beijing time.
import { calendar as defaultCalendar, type Calendar, type LocalDate } from "@kepu/calendar";
import { fail, kepuError, ok, type Result } from "@kepu/errors";

/** The levels of the 2024 科普月 notice (全市联动): 主场 / 分会场 / 部门特色 / 联合行动 (CampaignLevel in the proto). */
export const campaignLevels = { 1: { zh: "主场活动", en: "main venue" }, 2: { zh: "分会场活动", en: "branch venue" }, 3: { zh: "部门特色活动", en: "department activity" }, 4: { zh: "联合行动", en: "joint action" } } as const;
export type CampaignLevel = keyof typeof campaignLevels;
const isLevel = (n: number): n is CampaignLevel => n in campaignLevels;

/** A campaign as stored (collection `campaigns`, addressed by `_id` = campaignId). Days are "YYYY-MM-DD", Beijing. */
export interface CampaignRecord {
  campaignId: string;
  name: string;
  firstDay: string;
  lastDay: string;
  themes: number[];
  registrationOpens: string;
  registrationCloses: string;
  summaryDue: string;
  levels: CampaignLevel[];
  /** The association that owns it (city or district) and its place in the tree (it and its ancestors). */
  ownerOrgId: string;
  ownerPath: string[];
  /** The recurring kind it was seeded from ("kepu-month", …); "" for one an association created. */
  recurring: string;
  version: number;
}

/** A campaign's days as instants: what every rule compares against. */
export interface Campaign {
  id: string;
  nameZh: string;
  /** 00:00 of the first day, in the deployment's zone (Asia/Shanghai). */
  from: Date;
  /** The last millisecond of the last day. */
  to: Date;
  /** 00:00 of the day registration opens, and 24:00 of the day it closes. */
  registrationFrom: Date;
  registrationUntil: Date;
  /** 24:00 of the due date: "by the 28th" ends at 2027-09-28T16:00Z in Beijing. */
  summaryDue: Date;
  levels: readonly CampaignLevel[];
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-09-28" as a calendar date, or undefined when it is not a real date. */
export function parseDay(day: string): LocalDate | undefined {
  const m = dayPattern.exec(day);
  if (!m) return undefined;
  const [year, month, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, d));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === d ? { year, month, day: d } : undefined;
}

const date = (day: string) => parseDay(day)!;

/** The campaign's days as instants of the deployment's zone. The record was validated when it was saved. */
export function campaignOf(record: CampaignRecord, cal: Calendar = defaultCalendar): Campaign {
  const { from, to } = cal.window(date(record.firstDay), date(record.lastDay));
  return {
    id: record.campaignId,
    nameZh: record.name,
    from,
    to,
    registrationFrom: cal.startOfDate(date(record.registrationOpens)),
    registrationUntil: cal.deadline(date(record.registrationCloses)),
    summaryDue: cal.deadline(date(record.summaryDue)),
    levels: record.levels,
  };
}

export const campaignErrors = {
  notFound: (id: string) => kepuError("not_found", "CAMPAIGN_NOT_FOUND", `活动节点 ${id} 不存在`, `There is no campaign ${id}`, "campaignId"),
  nameRequired: () => kepuError("invalid", "CAMPAIGN_NAME_REQUIRED", "请填写活动节点名称", "Give the campaign a name", "name"),
  badDay: (field: string, got: string) => kepuError("invalid", "BAD_CAMPAIGN_DAY", `${field} 须为 YYYY-MM-DD 格式的日期（收到 ${got || "空"}）`, `${field} must be a date as YYYY-MM-DD (got ${got || "nothing"})`, field),
  windowBackwards: () => kepuError("invalid", "CAMPAIGN_WINDOW_BACKWARDS", "活动节点的结束日期不能早于开始日期", "The campaign's last day cannot be before its first", "lastDay"),
  registrationBackwards: () => kepuError("invalid", "REGISTRATION_WINDOW_BACKWARDS", "报备截止日期不能早于报备开始日期", "Registration cannot close before it opens", "registrationCloses"),
  registrationAfterWindow: () => kepuError("invalid", "REGISTRATION_AFTER_CAMPAIGN", "报备截止日期不能晚于活动节点的最后一天", "Registration cannot close after the campaign's last day", "registrationCloses"),
  dueBeforeStart: () => kepuError("invalid", "SUMMARY_DUE_BEFORE_CAMPAIGN", "图文总结截止日期不能早于活动节点的开始日期", "The summary cannot be due before the campaign starts", "summaryDue"),
  levelsRequired: () => kepuError("invalid", "CAMPAIGN_LEVELS_REQUIRED", "请至少选择一个活动级别（主场/分会场/部门特色/联合行动）", "Choose at least one level (main venue, branch venue, department activity, joint action)", "levels"),
  // 报备.
  levelNotAllowed: (level: number, name: string) =>
    kepuError("invalid", "CAMPAIGN_LEVEL_NOT_ALLOWED", `「${name}」不接受${isLevel(level) ? `「${campaignLevels[level].zh}」` : "该级别的"}报备`, `"${name}" does not take registrations ${isLevel(level) ? `as a ${campaignLevels[level].en}` : "at that level"}`, "level"),
  registrationNotOpen: (name: string, opens: string) => kepuError("conflict", "REGISTRATION_NOT_OPEN", `「${name}」的报备自 ${opens} 起开放`, `Registration for "${name}" opens on ${opens}`),
  registrationClosed: (name: string, closes: string) => kepuError("conflict", "REGISTRATION_CLOSED", `「${name}」的报备已于 ${closes} 24:00（北京时间）截止`, `Registration for "${name}" closed at 24:00 on ${closes} (Beijing time)`),
  activityOutsideCampaign: (name: string, day: string) => kepuError("invalid", "ACTIVITY_OUTSIDE_CAMPAIGN", `活动日期 ${day} 不在「${name}」的活动期内`, `The activity's date (${day}) is outside "${name}"`),
  activityDayReached: (day: string) => kepuError("conflict", "REGISTRATION_AFTER_ACTIVITY_DAY", `活动须在举办日（${day}）之前报备`, `An activity must be registered before its day (${day})`),
};

export interface CampaignInput {
  name: string;
  firstDay: string;
  lastDay: string;
  themes: number[];
  registrationOpens: string;
  registrationCloses: string;
  summaryDue: string;
  levels: number[];
}

/** A campaign as entered, checked: its days real and in order, at least one level. */
export function validateCampaign(input: CampaignInput): Result<Omit<CampaignInput, "levels"> & { levels: CampaignLevel[] }> {
  const name = input.name.trim();
  if (!name) return fail(campaignErrors.nameRequired());
  for (const field of ["firstDay", "lastDay", "registrationOpens", "registrationCloses", "summaryDue"] as const) {
    if (!parseDay(input[field])) return fail(campaignErrors.badDay(field, input[field]));
  }
  // "YYYY-MM-DD" strings order as the days they name.
  if (input.lastDay < input.firstDay) return fail(campaignErrors.windowBackwards());
  if (input.registrationCloses < input.registrationOpens) return fail(campaignErrors.registrationBackwards());
  if (input.registrationCloses > input.lastDay) return fail(campaignErrors.registrationAfterWindow());
  if (input.summaryDue < input.firstDay) return fail(campaignErrors.dueBeforeStart());
  const levels = [...new Set(input.levels)].filter(isLevel).sort();
  if (levels.length === 0 || levels.length !== new Set(input.levels).size) return fail(campaignErrors.levelsRequired());
  return ok({ ...input, name, themes: [...new Set(input.themes)].filter((t) => t > 0), levels });
}

/**
 * 报备: an activity whose first session starts at `startsAt` may be registered to the campaign at
 * `level` now, when the level is one the campaign takes, registration is open (from 00:00 of its
 * first day to 24:00 of its last), the activity falls within the campaign and its day has not
 * come yet (registration is in advance: before 00:00 of the activity's Beijing day).
 */
export function mayRegister(campaign: Campaign, level: number, startsAt: Date, now: Date, cal: Calendar = defaultCalendar): Result<CampaignLevel> {
  if (!isLevel(level) || !campaign.levels.includes(level)) return fail(campaignErrors.levelNotAllowed(level, campaign.nameZh));
  if (now < campaign.registrationFrom) return fail(campaignErrors.registrationNotOpen(campaign.nameZh, cal.dayKey(campaign.registrationFrom)));
  if (now >= campaign.registrationUntil) return fail(campaignErrors.registrationClosed(campaign.nameZh, cal.dayKey(new Date(campaign.registrationUntil.getTime() - 1))));
  if (startsAt < campaign.from || startsAt > campaign.to) return fail(campaignErrors.activityOutsideCampaign(campaign.nameZh, cal.dayKey(startsAt)));
  if (now >= cal.startOfDate(cal.dateOf(startsAt))) return fail(campaignErrors.activityDayReached(cal.dayKey(startsAt)));
  return ok(level);
}

/** A summary filed at `filedAt` is late when its campaign's due date has ended (24:00 Beijing); no campaign, never late. */
export const summaryLate = (campaign: Campaign | undefined, filedAt: Date): boolean => !!campaign && filedAt >= campaign.summaryDue;

/** A campaign activity whose summary is still missing once its due date has ended (24:00, Beijing). */
export const summaryOverdue = (campaign: Campaign | undefined, summaryFiled: boolean, now: Date): boolean => !!campaign && !summaryFiled && now >= campaign.summaryDue;

/** Whether an instant falls within a campaign's window (its first day 00:00 to its last day 24:00). */
export const withinCampaign = (campaign: Campaign | undefined, at: Date): boolean => !!campaign && at >= campaign.from && at <= campaign.to;

const allLevels: CampaignLevel[] = [1, 2, 3, 4];
const pad = (n: number) => String(n).padStart(2, "0");
const dayOf = (year: number, [month, day]: readonly [number, number]) => `${year}-${pad(month)}-${pad(day)}`;

/**
 * The recurring campaigns, seeded per year as data (and edited from then on like any other):
 * 全国科普日暨深圳科普月 1–30 September, 报备 from 21 August, 图文总结 by the 28th (the 2024
 * notice); 全国科技活动周 in the third week of May (its days change each year: edit them);
 * 全国科技工作者日 30 May; 全国食品安全宣传周 (a June week by default: edit it to the year's notice).
 */
export const recurringKinds = [
  { kind: "kepu-month", name: "全国科普日暨深圳科普月", first: [9, 1], last: [9, 30], opens: [8, 21], closes: [9, 30], due: [9, 28], themes: [] },
  { kind: "tech-week", name: "全国科技活动周", first: [5, 18], last: [5, 24], opens: [4, 20], closes: [5, 24], due: [5, 31], themes: [] },
  { kind: "scientist-day", name: "全国科技工作者日", first: [5, 30], last: [5, 30], opens: [5, 1], closes: [5, 29], due: [6, 6], themes: [12] },
  { kind: "food-safety-week", name: "全国食品安全宣传周", first: [6, 10], last: [6, 16], opens: [5, 20], closes: [6, 16], due: [6, 23], themes: [7] },
] as const;

/** The recurring campaigns of one year, owned by the city (`ownerOrgId`, at `ownerPath`). Ids like "kepu-month-2027". */
export function recurringCampaigns(year: number, ownerOrgId: string, ownerPath: string[]): CampaignRecord[] {
  return recurringKinds.map((k) => ({
    campaignId: `${k.kind}-${year}`,
    name: `${year}年${k.name}`,
    firstDay: dayOf(year, k.first),
    lastDay: dayOf(year, k.last),
    themes: [...k.themes],
    registrationOpens: dayOf(year, k.opens),
    registrationCloses: dayOf(year, k.closes),
    summaryDue: dayOf(year, k.due),
    levels: allLevels,
    ownerOrgId,
    ownerPath,
    recurring: k.kind,
    version: 1,
  }));
}
