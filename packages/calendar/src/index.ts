// Beijing time for every rule and every slice. Instants are stored and compared in UTC (a Date);
// what a user calls "a day", "a week", "September" or "the 28th, 24:00" is a span of the
// deployment's zone: Asia/Shanghai unless KEPU_TIME_ZONE names another IANA zone (read once).
import dayjs from "dayjs";
import isoWeek from "dayjs/plugin/isoWeek.js";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(isoWeek);

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The spans a figure is sliced by. A week is an ISO week: Monday 00:00 to Sunday 24:00. */
export type Period = "day" | "week" | "month" | "year";

/** A span of time: from its first millisecond to its last, both included. */
export interface Window {
  from: Date;
  to: Date;
}

/** A calendar date as people in the zone write it: month 1–12, day 1–31. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const isoDate = ({ year, month, day }: LocalDate) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

export interface Calendar {
  /** The IANA zone, e.g. "Asia/Shanghai". */
  readonly zone: string;
  /** The calendar date of an instant in the zone. */
  dateOf(at: Date): LocalDate;
  /** "2027-09-28": the day of an instant in the zone. */
  dayKey(at: Date): string;
  /** "2027-W39": the ISO week (and ISO week-year) of an instant in the zone. */
  isoWeekKey(at: Date): string;
  /** "2027-09". */
  monthKey(at: Date): string;
  /** "2027". */
  yearKey(at: Date): string;
  /** The year of an instant in the zone, as a number. */
  yearOf(at: Date): number;
  /** The key of an instant's period: dayKey, isoWeekKey, monthKey or yearKey. */
  periodKey(at: Date, period: Period): string;
  /** The first instant of the day, ISO week, month or year that holds `at`. */
  startOf(period: Period, at: Date): Date;
  /** The last millisecond of the day, ISO week, month or year that holds `at`. */
  endOf(period: Period, at: Date): Date;
  /** 00:00 of a calendar date in the zone. */
  startOfDate(date: LocalDate): Date;
  /** From 00:00 of the first date to 24:00 of the last (its last millisecond), e.g. 1–30 September. */
  window(first: LocalDate, last: LocalDate): Window;
  /** "By the 28th": 24:00 of that date in the zone, i.e. 00:00 of the next day. */
  deadline(date: LocalDate): Date;
}

/** Throws when `zone` is not an IANA zone this runtime knows. */
function checkedZone(zone: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    throw new Error(`时区无效：${zone}（KEPU_TIME_ZONE 须为 IANA 时区，如 Asia/Shanghai） / Unknown time zone: ${zone} (KEPU_TIME_ZONE must be an IANA zone such as Asia/Shanghai)`);
  }
}

/** A calendar of one zone. Pure: the same instant always gives the same keys and spans. */
export function calendarIn(zone: string): Calendar {
  checkedZone(zone);
  const local = (at: Date) => dayjs(at).tz(zone);
  const dateOf = (at: Date): LocalDate => {
    const d = local(at);
    return { year: d.year(), month: d.month() + 1, day: d.date() };
  };
  const dayKey = (at: Date) => isoDate(dateOf(at));
  // ISO weeks are counted on the zone's calendar date, which alone decides the week.
  const asUtcDate = (at: Date) => dayjs.utc(dayKey(at));
  const isoWeekKey = (at: Date) => {
    const d = asUtcDate(at);
    return `${pad(d.isoWeekYear(), 4)}-W${pad(d.isoWeek())}`;
  };
  const startOfDate = (date: LocalDate) => dayjs.tz(isoDate(date), zone).toDate();
  const firstDate = (period: Period, at: Date): LocalDate => {
    const date = dateOf(at);
    if (period === "day") return date;
    if (period === "month") return { ...date, day: 1 };
    if (period === "year") return { year: date.year, month: 1, day: 1 };
    const monday = asUtcDate(at).isoWeekday(1);
    return { year: monday.year(), month: monday.month() + 1, day: monday.date() };
  };
  const nextDate = (date: LocalDate, period: Period): LocalDate => {
    const next = dayjs.utc(isoDate(date)).add(1, period === "week" ? "week" : period);
    return { year: next.year(), month: next.month() + 1, day: next.date() };
  };
  const startOf = (period: Period, at: Date) => startOfDate(firstDate(period, at));
  const endOf = (period: Period, at: Date) => new Date(startOfDate(nextDate(firstDate(period, at), period)).getTime() - 1);
  const deadline = (date: LocalDate) => startOfDate(nextDate(date, "day"));
  const keys: Record<Period, (at: Date) => string> = {
    day: dayKey,
    week: isoWeekKey,
    month: (at) => dayKey(at).slice(0, 7),
    year: (at) => dayKey(at).slice(0, 4),
  };
  return {
    zone,
    dateOf,
    dayKey,
    isoWeekKey,
    monthKey: keys.month,
    yearKey: keys.year,
    yearOf: (at) => dateOf(at).year,
    periodKey: (at, period) => keys[period](at),
    startOf,
    endOf,
    startOfDate,
    window: (first, last) => ({ from: startOfDate(first), to: new Date(deadline(last).getTime() - 1) }),
    deadline,
  };
}

/** The zone of this deployment: KEPU_TIME_ZONE, else Asia/Shanghai. */
export function zoneFromEnv(env: Record<string, string | undefined> | undefined = globalThis.process?.env): string {
  return env?.KEPU_TIME_ZONE?.trim() || DEFAULT_TIME_ZONE;
}

/** The deployment's calendar, its zone read once from the environment. */
export const calendar: Calendar = calendarIn(zoneFromEnv());

/** Past a deadline: from the deadline's own instant on (24:00 of the 28th is already the 29th). */
export function isOverdue(deadline: Date, now: Date): boolean {
  return now.getTime() >= deadline.getTime();
}
