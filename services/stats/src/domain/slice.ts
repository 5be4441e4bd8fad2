// Which part of the world a figure covers, and which facts fall in it. Pure: the same facts and
// slice always give the same answer. Periods and dates are the deployment calendar's (Beijing).
import { calendar, type Calendar, type LocalDate, type Period } from "@kepu/calendar";
import { fail, kepuError, ok, type Result } from "@kepu/errors";

export interface Slice {
  /** An org and its subtree; its level (city, district, street, community) is the org's own. */
  orgId: string;
  theme: number;
  audience: number;
  format: number;
  campaignId: string;
  /** Instants, both included. A reader's dates are Beijing days: 00:00 of the first to 24:00 of the last (`calendar.window`). */
  from?: Date;
  to?: Date;
}

/** A slice as asked: beside instants, a Beijing period holding a date, or Beijing dates. */
export interface SliceInput {
  orgId: string;
  theme: number;
  audience: number;
  format: number;
  campaignId: string;
  from?: Date;
  to?: Date;
  period?: Period;
  /** "2027-09-28" */
  date?: string;
  fromDate?: string;
  toDate?: string;
}

const problem = <T>(code: string, field: string, zh: string, en: string): Result<T> => fail(kepuError("invalid", code, zh, en, field));

/** "2027-09-28" as a calendar date, or nothing when it is not one (2027-02-30 is not). */
export function localDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? { year, month, day } : undefined;
}

const later = (a: Date | undefined, b: Date | undefined) => (!a ? b : !b ? a : a > b ? a : b);
const earlier = (a: Date | undefined, b: Date | undefined) => (!a ? b : !b ? a : a < b ? a : b);

/**
 * The instants a slice covers: from/to as given, narrowed by the Beijing period holding `date`
 * (its day, ISO week, month or year) and by Beijing dates (00:00 of fromDate to 24:00 of toDate).
 * Every bound given applies; a window that ends before it begins is refused.
 */
export function resolveSlice(input: SliceInput, cal: Calendar = calendar): Result<Slice> {
  let { from, to } = input;
  if (input.period || input.date) {
    if (!input.period) return problem("PERIOD_REQUIRED", "period", "请选择周期：日、周、月或年", "Choose a period: day, week, month or year");
    const date = localDate(input.date ?? "");
    if (!date) return problem("BAD_DATE", "date", "请填写日期，例如 2027-09-28", "Give a date, e.g. 2027-09-28");
    const at = cal.startOfDate(date);
    from = later(from, cal.startOf(input.period, at));
    to = earlier(to, cal.endOf(input.period, at));
  }
  for (const [field, text] of [["fromDate", input.fromDate], ["toDate", input.toDate]] as const) {
    if (!text) continue;
    const date = localDate(text);
    if (!date) return problem("BAD_DATE", field, `日期有误：${text}（例如 2027-09-28）`, `Not a date: ${text} (e.g. 2027-09-28)`);
    const window = cal.window(date, date);
    if (field === "fromDate") from = later(from, window.from);
    else to = earlier(to, window.to);
  }
  if (from && to && from > to) return problem("EMPTY_WINDOW", "to", "结束时间早于开始时间", "The end is before the start");
  const { orgId, theme, audience, format, campaignId } = input;
  return ok({ orgId, theme, audience, format, campaignId, ...(from ? { from } : {}), ...(to ? { to } : {}) });
}

/** What a fact carries for slicing. */
export interface Sliceable {
  path: string[];
  theme: number;
  audience: number;
  format: number;
  campaignId: string;
}

export const within = (at: Date | undefined, slice: Slice) => (!slice.from || (!!at && at >= slice.from)) && (!slice.to || (!!at && at <= slice.to));

/** The fact lies in the slice's org subtree and has its theme, audience, format and campaign (each when asked). */
export const inSlice = (fact: Sliceable, slice: Slice) =>
  (!slice.orgId || fact.path.includes(slice.orgId)) &&
  (!slice.theme || fact.theme === slice.theme) &&
  (!slice.audience || fact.audience === slice.audience) &&
  (!slice.format || fact.format === slice.format) &&
  (!slice.campaignId || fact.campaignId === slice.campaignId);

export type { Period };
