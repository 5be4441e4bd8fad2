// A resource's calendar and a mobile resource's rotation, as people read them: Beijing days and
// times, a month's days, the stays of a rotation with the travel days between them, why a community
// comes where it does (least recently visited first), and the API's words with names for ids. Pure.
import { calendar } from "@kepu/calendar";
import type { Locale } from "./labels";

/** Kinds of resource a session reserves (a calendar of their own): 场馆, 设施, 设备 (a caravan is one). */
export const bookable = (kind: string | undefined) => ["RESOURCE_KIND_VENUE", "RESOURCE_KIND_FACILITY", "RESOURCE_KIND_EQUIPMENT"].includes(kind ?? "");

/** One session holding the resource (the gateway's Reservation). */
export interface Reservation {
  sessionId: string;
  activityId: string;
  title: string;
  startsAt?: string;
  endsAt?: string;
}

export interface Stay {
  communityId: string;
  firstDay: string;
  lastDay: string;
}

export interface Plan {
  month: string;
  stayDays: number;
  travelDays: number;
  stays: Stay[];
  unplaced: string[];
  saved: boolean;
}

const dayMs = 86_400_000;
const dayNumber = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / dayMs;
const dayOf = (n: number) => new Date(n * dayMs).toISOString().slice(0, 10);

// "2027-09-05 10:00" (Sweden's locale writes dates and times in ISO order), in Beijing.
const iso = new Intl.DateTimeFormat("sv-SE", { timeZone: calendar.zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const beijing = (at: string | undefined) => (at && !Number.isNaN(Date.parse(at)) ? iso.format(new Date(at)) : "");

/** The Beijing day of an instant: "2027-09-05" ("" for none). */
export const beijingDay = (at: string | undefined) => beijing(at).slice(0, 10);
/** The Beijing clock time of an instant: "10:00". */
export const beijingClock = (at: string | undefined) => beijing(at).slice(11, 16);

/** This month in Beijing: "2027-09". */
export const monthNow = (now = new Date()) => beijing(now.toISOString()).slice(0, 7);

/** The month `by` months from `month` ("2027-09", -1 → "2027-08"). */
export function shiftMonth(month: string, by: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Every day of a month, in order. */
export function monthDays(month: string): string[] {
  const first = dayNumber(`${month}-01`);
  const last = dayNumber(`${shiftMonth(month, 1)}-01`) - 1;
  return Array.from({ length: last - first + 1 }, (_, i) => dayOf(first + i));
}

/** The day `by` days after `day`. */
export const addDays = (day: string, by: number) => dayOf(dayNumber(day) + by);

/** Whole days from one day to another (both included): 2027-09-01 → 2027-09-02 is 2. */
export const daysIncluded = (first: string, last: string) => dayNumber(last) - dayNumber(first) + 1;

/**
 * The community a reservation is a rotation stay of (the events service names a stay's session
 * "rot:<resource>:<month>:<community>"), or "" for a session of an activity.
 */
export function stayCommunity(r: Pick<Reservation, "sessionId">): string {
  const match = /^rot:.+:\d{4}-\d{2}:([^:]+)$/.exec(r.sessionId);
  return match?.[1] ?? "";
}

/**
 * The reservations on each day of the month (Beijing), in time order: a session on its day, a
 * stay on every day it holds. A session that ends at 00:00 does not hold the next day.
 */
export function byDay(reservations: readonly Reservation[], month: string): Map<string, Reservation[]> {
  const days = new Map(monthDays(month).map((d) => [d, [] as Reservation[]]));
  const sorted = [...reservations].sort((a, b) => Date.parse(a.startsAt ?? "") - Date.parse(b.startsAt ?? ""));
  for (const r of sorted) {
    const first = beijingDay(r.startsAt);
    const lastInstant = r.endsAt ? new Date(Math.max(Date.parse(r.endsAt) - 1, Date.parse(r.startsAt ?? r.endsAt))).toISOString() : r.startsAt;
    const last = beijingDay(lastInstant) || first;
    if (!first) continue;
    for (let d = first; d <= last; d = addDays(d, 1)) days.get(d)?.push(r);
  }
  return days;
}

/** "10:00–11:30" in Beijing; a stay over whole days reads "全天" / "all day". */
export function timeSpan(r: Reservation, locale: Locale): string {
  if (stayCommunity(r)) return locale === "zh" ? "全天" : "all day";
  return [beijingClock(r.startsAt), beijingClock(r.endsAt)].filter(Boolean).join("–");
}

export type PlanRow =
  | { kind: "stay"; communityId: string; firstDay: string; lastDay: string; days: number; rank: number }
  | { kind: "travel"; firstDay: string; lastDay: string; days: number };

/** The plan as a timeline: its stays by date with the travel (or free) days between two of them. */
export function planRows(plan: Pick<Plan, "stays">, fairOrder: readonly string[] = []): PlanRow[] {
  const stays = [...plan.stays].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  const rows: PlanRow[] = [];
  stays.forEach((s, i) => {
    const before = stays[i - 1];
    if (before && daysIncluded(before.lastDay, s.firstDay) > 2) {
      const firstDay = addDays(before.lastDay, 1);
      const lastDay = addDays(s.firstDay, -1);
      rows.push({ kind: "travel", firstDay, lastDay, days: daysIncluded(firstDay, lastDay) });
    }
    rows.push({ kind: "stay", ...s, days: daysIncluded(s.firstDay, s.lastDay), rank: fairOrder.indexOf(s.communityId) + 1 });
  });
  return rows;
}

/** Least recently visited first (never visited before all), then by id — the events service's rule (fairOrder). */
export function fairOrder(communities: readonly { communityId: string; lastVisit: string }[]): string[] {
  return [...communities].sort((a, b) => (a.lastVisit || "").localeCompare(b.lastVisit || "") || a.communityId.localeCompare(b.communityId)).map((c) => c.communityId);
}

/** Why a community comes where it does: its turn and when it last had the resource. */
export function fairnessReason(rank: number, lastVisit: string, locale: Locale): string {
  if (locale === "zh") return `第 ${rank} 位：${lastVisit ? `上次驻留 ${lastVisit}` : "从未驻留"}（最久未到的社区优先）`;
  return `Turn ${rank}: ${lastVisit ? `last stay ${lastVisit}` : "never had it"} (least recently visited first)`;
}

/** Each community's last day of a stay in these saved plans. */
export function lastVisits(plans: readonly Pick<Plan, "stays">[]): Record<string, string> {
  const last: Record<string, string> = {};
  for (const plan of plans) for (const s of plan.stays) if (!last[s.communityId] || s.lastDay > last[s.communityId]!) last[s.communityId] = s.lastDay;
  return last;
}

/** A stay moved to start on `firstDay`, as long as before (the plan not yet saved; the server checks the saved one). */
export function moveStay(plan: Plan, communityId: string, firstDay: string): Plan {
  const stays = plan.stays
    .map((s) => (s.communityId === communityId ? { communityId, firstDay, lastDay: addDays(firstDay, daysIncluded(s.firstDay, s.lastDay) - 1) } : s))
    .sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  return { ...plan, stays };
}

/** The API's words with names for the ids in them (its rotation messages name communities by id). */
export function withNames(text: string, names: Readonly<Record<string, string>>): string {
  return Object.entries(names)
    .filter(([id, name]) => id && name)
    .sort((a, b) => b[0].length - a[0].length)
    .reduce((words, [id, name]) => words.split(id).join(name), text);
}

/** The flag a worker reads before 派单: what is held, by which activity, when. */
export function conflictWords(conflict: { resourceName: string; title: string; startsAt?: string; endsAt?: string }, locale: Locale): string {
  const when = `${beijingDay(conflict.startsAt)} ${[beijingClock(conflict.startsAt), beijingClock(conflict.endsAt)].filter(Boolean).join("–")}`.trim();
  const resource = conflict.resourceName || (locale === "zh" ? "所用资源" : "a resource it uses");
  if (locale === "zh") return `「${resource}」在北京时间 ${when} 已被「${conflict.title}」占用：这时派单，队伍接单后活动将无法排期。请先与居民另约时间。`;
  return `“${resource}” is held ${when} (Beijing time) by “${conflict.title}”: dispatched now, the activity cannot be scheduled once a team accepts. Agree another time with the resident first.`;
}
