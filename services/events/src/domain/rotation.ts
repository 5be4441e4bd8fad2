// The rotation plan of a mobile resource (流动科技馆 / 科普大篷车) across communities for one month:
// stays of a few days with travel days between them. Pure: `proposeRotation` places the
// communities that had it least recently first, each as early as the calendar allows; `editRotation`
// moves or removes a stay and checks the whole plan again. Days are calendar dates ("2027-09-05")
// in the zone; a stay holds the resource from 00:00 of its first day to 24:00 of its last.
import { calendar as defaultCalendar, type Calendar } from "@kepu/calendar";
import { fail, kepuError, ok, type KepuError, type Result } from "@kepu/errors";
import type { Reservation } from "./calendar.js";

export interface RotationCommunity {
  communityId: string;
  /** The last day the resource stayed there ("2027-06-14"); empty when it never has. */
  lastVisit: string;
}

export interface Stay {
  communityId: string;
  firstDay: string;
  lastDay: string;
}

export interface RotationRules {
  /** "2027-09". */
  month: string;
  /** Days of one stay (at least 1). */
  stayDays: number;
  /** Days with no stay between two stays, to move the resource (0 or more). */
  travelDays: number;
}

export interface RotationPlan extends RotationRules {
  stays: Stay[];
  /** Communities with no room left this month, least recently visited first (the next month's first). */
  unplaced: string[];
}

export type RotationEdit = { kind: "move"; communityId: string; firstDay: string } | { kind: "remove"; communityId: string };

const dayMs = 86_400_000;
const dayNumber = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / dayMs;
const dayOf = (n: number) => new Date(n * dayMs).toISOString().slice(0, 10);
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && dayOf(dayNumber(day)) === day;

const errors = {
  badRules: () => kepuError("invalid", "BAD_ROTATION_RULES", "驻留天数至少 1 天，路途天数不能为负，月份须为 YYYY-MM", "A stay is at least 1 day, travel days cannot be negative, and the month is YYYY-MM", "stayDays"),
  badDay: (day: string) => kepuError("invalid", "BAD_DAY", `日期须为 YYYY-MM-DD（收到 ${day}）`, `A day is YYYY-MM-DD (got ${day})`, "firstDay"),
  outsideMonth: (s: Stay, month: string) => kepuError("invalid", "STAY_OUTSIDE_MONTH", `社区 ${s.communityId} 的驻留（${s.firstDay} 至 ${s.lastDay}）不在 ${month} 内`, `The stay at ${s.communityId} (${s.firstDay} to ${s.lastDay}) is not within ${month}`, "stays"),
  tooClose: (a: Stay, b: Stay, travelDays: number) =>
    kepuError("conflict", "TRAVEL_DAYS_TOO_FEW", `社区 ${a.communityId}（至 ${a.lastDay}）与社区 ${b.communityId}（自 ${b.firstDay}）之间须留 ${travelDays} 天路途`, `Leave ${travelDays} travel day(s) between ${a.communityId} (until ${a.lastDay}) and ${b.communityId} (from ${b.firstDay})`, "stays"),
  busy: (s: Stay, by: Reservation) => kepuError("conflict", "RESOURCE_BUSY", `社区 ${s.communityId} 的驻留（${s.firstDay} 至 ${s.lastDay}）与「${by.title}」冲突`, `The stay at ${s.communityId} (${s.firstDay} to ${s.lastDay}) collides with "${by.title}"`, "stays"),
  twice: (communityId: string) => kepuError("invalid", "COMMUNITY_TWICE", `社区 ${communityId} 在本月计划中出现了两次`, `Community ${communityId} is in the month's plan twice`, "stays"),
  notInPlan: (communityId: string) => kepuError("not_found", "STAY_NOT_FOUND", `计划中没有社区 ${communityId} 的驻留`, `The plan has no stay at ${communityId}`, "communityId"),
};

/** The days of the month, as day numbers: [first, last]. */
function monthDays(month: string): [number, number] {
  const first = dayNumber(`${month}-01`);
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return [first, Date.UTC(y, m, 1) / dayMs - 1];
}

/** The local days a reservation holds, as day numbers: [first, last]. */
function heldDays(r: Reservation, cal: Calendar): [number, number] {
  return [dayNumber(cal.dayKey(r.startsAt)), dayNumber(cal.dayKey(new Date(r.endsAt.getTime() - 1)))];
}

function validRules(rules: RotationRules): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(rules.month) && Number.isInteger(rules.stayDays) && rules.stayDays >= 1 && Number.isInteger(rules.travelDays) && rules.travelDays >= 0;
}

/** Least recently visited first (never visited before all), then by id so the same input gives the same plan. */
export function fairOrder(communities: readonly RotationCommunity[]): RotationCommunity[] {
  return [...communities].sort((a, b) => (a.lastVisit || "").localeCompare(b.lastVisit || "") || a.communityId.localeCompare(b.communityId));
}

/**
 * A month's stays, least recently visited first, each placed at the earliest day that leaves the
 * travel days after the previous stay and around whatever else holds the resource (`held`, e.g. a
 * base's open day on its calendar). Nothing is double-booked; who does not fit is `unplaced`.
 */
export function proposeRotation(communities: readonly RotationCommunity[], held: readonly Reservation[], rules: RotationRules, cal: Calendar = defaultCalendar): Result<RotationPlan> {
  if (!validRules(rules)) return fail(errors.badRules());
  const [first, last] = monthDays(rules.month);
  const blocked = held.map((r) => heldDays(r, cal));
  // A stay may start once the resource has travelled from anything before it, and must leave room to travel to anything after it.
  const free = (start: number) => blocked.every(([from, to]) => start + rules.stayDays - 1 + rules.travelDays < from || start > to + rules.travelDays);
  const stays: Stay[] = [];
  const unplaced: string[] = [];
  let cursor = first;
  for (const community of fairOrder(communities)) {
    let start = cursor;
    while (start + rules.stayDays - 1 <= last && !free(start)) start++;
    if (start + rules.stayDays - 1 > last) {
      unplaced.push(community.communityId);
      continue;
    }
    stays.push({ communityId: community.communityId, firstDay: dayOf(start), lastDay: dayOf(start + rules.stayDays - 1) });
    cursor = start + rules.stayDays + rules.travelDays;
  }
  return ok({ ...rules, stays, unplaced });
}

/** Every rule a plan must keep: within its month, travel days between stays, no collision with `held`, each community once. */
export function checkRotation(plan: RotationPlan, held: readonly Reservation[], cal: Calendar = defaultCalendar): KepuError | undefined {
  if (!validRules(plan)) return errors.badRules();
  const [first, last] = monthDays(plan.month);
  const seen = new Set<string>();
  for (const stay of plan.stays) {
    if (!isDay(stay.firstDay)) return errors.badDay(stay.firstDay);
    if (!isDay(stay.lastDay)) return errors.badDay(stay.lastDay);
    if (seen.has(stay.communityId)) return errors.twice(stay.communityId);
    seen.add(stay.communityId);
    if (dayNumber(stay.firstDay) < first || dayNumber(stay.lastDay) > last || dayNumber(stay.lastDay) < dayNumber(stay.firstDay)) return errors.outsideMonth(stay, plan.month);
    const by = held.find((r) => {
      const [from, to] = heldDays(r, cal);
      return dayNumber(stay.firstDay) <= to + plan.travelDays && from <= dayNumber(stay.lastDay) + plan.travelDays;
    });
    if (by) return errors.busy(stay, by);
  }
  const ordered = [...plan.stays].sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  for (let i = 1; i < ordered.length; i++) {
    const [a, b] = [ordered[i - 1]!, ordered[i]!];
    if (dayNumber(b.firstDay) - dayNumber(a.lastDay) - 1 < plan.travelDays) return errors.tooClose(a, b, plan.travelDays);
  }
  return undefined;
}

/** A staff member's change to a plan (a stay moved to another first day, keeping its length, or removed), checked again whole. */
export function editRotation(plan: RotationPlan, edit: RotationEdit, held: readonly Reservation[], cal: Calendar = defaultCalendar): Result<RotationPlan> {
  const stay = plan.stays.find((s) => s.communityId === edit.communityId);
  if (!stay) return fail(errors.notInPlan(edit.communityId));
  let stays: Stay[];
  if (edit.kind === "remove") {
    stays = plan.stays.filter((s) => s !== stay);
  } else {
    if (!isDay(edit.firstDay)) return fail(errors.badDay(edit.firstDay));
    const length = dayNumber(stay.lastDay) - dayNumber(stay.firstDay);
    const moved = { communityId: stay.communityId, firstDay: edit.firstDay, lastDay: dayOf(dayNumber(edit.firstDay) + length) };
    stays = plan.stays.map((s) => (s === stay ? moved : s)).sort((a, b) => a.firstDay.localeCompare(b.firstDay));
  }
  const next: RotationPlan = { ...plan, stays, unplaced: edit.kind === "remove" ? [...plan.unplaced, edit.communityId] : plan.unplaced };
  const problem = checkRotation(next, held, cal);
  return problem ? fail(problem) : ok(next);
}

/** The reservations a saved plan holds on the resource's calendar: one per stay, whole local days. */
export function stayReservations(resourceId: string, plan: RotationPlan, cal: Calendar = defaultCalendar): Reservation[] {
  return plan.stays.map((s) => {
    const [y, m, d] = s.lastDay.split("-").map(Number) as [number, number, number];
    const [fy, fm, fd] = s.firstDay.split("-").map(Number) as [number, number, number];
    return {
      sessionId: rotationSessionId(resourceId, plan.month, s.communityId),
      activityId: "",
      title: `驻留 ${s.communityId} / stay at ${s.communityId}`,
      startsAt: cal.startOfDate({ year: fy, month: fm, day: fd }),
      endsAt: cal.deadline({ year: y, month: m, day: d }),
    };
  });
}

/** The calendar's session id for a stay of a month's plan; the plan's own stays are recognised by its prefix. */
export const rotationPrefix = (resourceId: string, month: string) => `rot:${resourceId}:${month}:`;
const rotationSessionId = (resourceId: string, month: string, communityId: string) => `${rotationPrefix(resourceId, month)}${communityId}`;
