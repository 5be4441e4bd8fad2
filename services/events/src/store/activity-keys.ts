// Which index lists an activity belongs to, and which lists answer a query (issue 20;
// docs/decisions/query-side.md). Pure: no I/O. The activity index (activity-index.ts) keeps one
// Redis sorted set per key below (score: starts-at, member: activity id); a query is answered from
// the one key its plan names, or from the intersection of a few. `matchesActivity` is the store's
// scan filter as a predicate: every activity read through the index is checked with it, so an
// entry left behind by an activity that moved on (a status, a place) is dropped, never shown.
import type { ActivityRecord } from "../domain/activity.js";
import type { ActivityQuery } from "./activity-store.js";

/** The fields of an activity the lists look at. */
export type IndexedActivity = Pick<ActivityRecord, "activityId" | "status" | "teamId" | "campaignId" | "theme" | "startsAt"> & { place: { path: readonly string[] } };

/*
 * The keys (after the index's prefix), each a sorted set of activity ids by starts-at:
 *   all, status:<s>                       every activity; by status
 *   org:<org>, org:<org>:<s>              activities whose place's path holds <org> (a subtree)
 *   team:<t>, team:<t>:<s>                the volunteer team's activities
 *   campaign:<c>                          registered to the campaign (报备)
 *   theme:<n>                             of the theme
 */
export function activityKeysOf(activity: IndexedActivity): string[] {
  const keys = ["all", `status:${activity.status}`];
  for (const org of new Set(activity.place.path)) keys.push(`org:${org}`, `org:${org}:${activity.status}`);
  if (activity.teamId) keys.push(`team:${activity.teamId}`, `team:${activity.teamId}:${activity.status}`);
  if (activity.campaignId) keys.push(`campaign:${activity.campaignId}`);
  if (activity.theme) keys.push(`theme:${activity.theme}`);
  return keys;
}

/**
 * The keys whose intersection holds exactly the query's activities but for its date window (a
 * score range). Most queries are one key: an org's (or a team's) with the status when asked. Two
 * orgs (a requested one within the caller's subtree), a team within an org, a campaign or a
 * theme make an intersection, whose cost is about the smallest set's size.
 */
export function planActivities(query: Pick<ActivityQuery, "withinOrgIds" | "teamId" | "campaignId" | "theme" | "status">): string[] {
  const status = query.status ? `:${query.status}` : "";
  const keys = query.withinOrgIds.map((org) => `org:${org}${status}`);
  if (query.teamId) keys.push(`team:${query.teamId}${status}`);
  if (keys.length === 0) keys.push(query.status ? `status:${query.status}` : "all");
  if (query.campaignId) keys.push(`campaign:${query.campaignId}`);
  if (query.theme) keys.push(`theme:${query.theme}`);
  return [...new Set(keys)];
}

/** The store's scan filter (ActivityStore.list without the index) as a predicate. */
export function matchesActivity(activity: IndexedActivity, query: Omit<ActivityQuery, "page" | "pageSize">): boolean {
  const startsAt = new Date(activity.startsAt).getTime();
  return (
    query.withinOrgIds.every((org) => activity.place.path.includes(org)) &&
    (!query.theme || activity.theme === query.theme) &&
    (!query.campaignId || activity.campaignId === query.campaignId) &&
    (!query.teamId || activity.teamId === query.teamId) &&
    (!query.status || activity.status === query.status) &&
    (!query.from || startsAt >= query.from.getTime()) &&
    (!query.to || startsAt <= query.to.getTime())
  );
}

/** The bookings' keys: a resident's (我的预约) and an activity's (its attendance), by booked-at. */
export const bookingKeysOf = (booking: { residentId: string; activityId: string }): string[] => [`resident:${booking.residentId}`, `activity:${booking.activityId}`];
