// The key plan of events' list indexes (store/activity-keys.ts), pure: an activity is in every key
// a query's plan names exactly when the store's scan filter matches it (the date window aside: the
// sets' scores answer it), so the intersection of the plan's sets is the query's answer.
import { describe, expect, it } from "vitest";
import { activityKeysOf, bookingKeysOf, matchesActivity, planActivities, type IndexedActivity } from "../src/store/activity-keys.js";
import type { ActivityQuery } from "../src/store/activity-store.js";

const paths = [
  ["sz", "d1", "d1-s1", "c1"],
  ["sz", "d1", "d1-s2", "c2"],
  ["sz", "d2", "d2-s1", "c3"],
];
const statuses = ["SCHEDULED", "COMPLETED", "CANCELLED"] as const;
const activities: IndexedActivity[] = Array.from({ length: 72 }, (_, i) => ({
  activityId: `a${i}`,
  status: statuses[i % 3]!,
  place: { path: paths[Math.floor(i / 3) % 3]! },
  teamId: ["", "t1", "t2"][Math.floor(i / 9) % 3]!,
  campaignId: i % 4 === 0 ? "camp" : "",
  theme: 1 + (Math.floor(i / 27) % 2),
  startsAt: new Date(Date.UTC(2026, 0, 1 + i)),
}));
const none = { withinOrgIds: [] as string[], teamId: "", campaignId: "", theme: 0, status: "" as ActivityQuery["status"], from: undefined, to: undefined };
const queries = [
  none,
  ...["sz", "d1", "d1-s2", "c3", "elsewhere"].flatMap((org) => ["", ...statuses].map((status) => ({ ...none, withinOrgIds: [org], status: status as ActivityQuery["status"] }))),
  { ...none, withinOrgIds: ["d1", "sz"], status: "SCHEDULED" as const },
  { ...none, withinOrgIds: ["c1", "d2"] },
  { ...none, teamId: "t1" },
  { ...none, teamId: "t2", status: "COMPLETED" as const },
  { ...none, teamId: "t1", withinOrgIds: ["d1"] },
  { ...none, status: "CANCELLED" as const },
  { ...none, campaignId: "camp", withinOrgIds: ["sz"] },
  { ...none, theme: 2, status: "SCHEDULED" as const },
  { ...none, theme: 1, teamId: "t2", campaignId: "camp", withinOrgIds: ["d1-s1"], status: "SCHEDULED" as const },
];

describe("the activity index's keys", () => {
  it.each(queries.map((q) => [JSON.stringify(q), q] as const))("a plan's keys hold exactly what the scan filter matches: %s", (_, query) => {
    const plan = planActivities(query);
    const viaKeys = activities.filter((a) => plan.every((key) => activityKeysOf(a).includes(key))).map((a) => a.activityId);
    const viaScan = activities.filter((a) => matchesActivity(a, query)).map((a) => a.activityId);
    expect(viaKeys).toEqual(viaScan);
  });

  it("answers most queries from ONE set: a subtree × status, a team's, everything", () => {
    expect(planActivities({ ...none, withinOrgIds: ["d1"], status: "SCHEDULED" })).toEqual(["org:d1:SCHEDULED"]);
    expect(planActivities({ ...none, teamId: "t1" })).toEqual(["team:t1"]);
    expect(planActivities(none)).toEqual(["all"]);
    expect(planActivities({ ...none, withinOrgIds: ["c1", "sz"] })).toEqual(["org:c1", "org:sz"]); // an intersection: the requested org within the caller's
  });

  it("keeps the date window to the scores: the scan filter checks it, the keys do not", () => {
    const a = activities[0]!;
    expect(matchesActivity(a, { ...none, from: new Date(Date.UTC(2026, 0, 2)) })).toBe(false);
    expect(matchesActivity(a, { ...none, to: new Date(Date.UTC(2026, 0, 1)) })).toBe(true);
    expect(planActivities({ ...none, status: "" })).toEqual(["all"]);
  });

  it("lists a booking under its resident and its activity", () => {
    expect(bookingKeysOf({ residentId: "r1", activityId: "a1" })).toEqual(["resident:r1", "activity:a1"]);
  });
});
