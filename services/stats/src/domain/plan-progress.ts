// 一社区一科普品牌: what a community's annual plan is measured against — the activities it held
// (completed) per theme and Beijing month of one year. Pure: the same facts always give the same rows.
import { calendar, type Calendar } from "@kepu/calendar";
import type { ActivityFact } from "./figures.js";

export interface PlanProgressRow {
  communityId: string;
  streetId: string;
  districtId: string;
  theme: number;
  /** 1–12, the Beijing month the activity was held in. */
  month: number;
  done: number;
}

/**
 * Completed activities within `orgId`'s subtree (every org when empty), held in `year` as Beijing
 * counts it (an activity at 00:30 on 1 January, Beijing, is January's, not December's), one row per
 * community × theme × month, sorted. Activities not completed (planned, cancelled) are not done.
 */
export function planProgress(activities: readonly ActivityFact[], orgId: string, year: number, cal: Calendar = calendar): PlanProgressRow[] {
  const rows = new Map<string, PlanProgressRow>();
  for (const a of activities) {
    if (a.status !== "COMPLETED" || !a.startsAt || !a.communityId || !a.theme) continue;
    if (orgId && !a.path.includes(orgId)) continue;
    const date = cal.dateOf(a.startsAt);
    if (date.year !== year) continue;
    const key = `${a.communityId}|${a.theme}|${date.month}`;
    const row = rows.get(key) ?? rows.set(key, { communityId: a.communityId, streetId: a.streetId, districtId: a.districtId, theme: a.theme, month: date.month, done: 0 }).get(key)!;
    row.done++;
  }
  return [...rows.values()].sort((a, b) => a.communityId.localeCompare(b.communityId) || a.theme - b.theme || a.month - b.month);
}
