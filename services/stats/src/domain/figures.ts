// Figures from facts, computed in code (FerretDB has few aggregation operators, and these are
// clearer as code anyway). Pure: the same facts and slice always give the same figures.
// Days, ISO weeks, months and years are Beijing ones (@kepu/calendar, the deployment's zone).
import { calendar, type Calendar, type Period } from "@kepu/calendar";
import { inSlice, within, type Slice } from "./slice.js";

export type { Slice } from "./slice.js";

export interface OrderFact {
  orderId: string;
  status: string;
  theme: number;
  audience: number;
  format: number;
  path: string[];
  districtId: string;
  streetId: string;
  communityId: string;
  campaignId: string;
  submittedAt?: Date;
  dispatchedAt?: Date;
  acceptedAt?: Date;
  deliveredAt?: Date;
  declines: number;
  escalations: number;
}

export interface ActivityFact {
  activityId: string;
  theme: number;
  audience: number;
  format: number;
  path: string[];
  districtId: string;
  streetId: string;
  communityId: string;
  campaignId: string;
  startsAt?: Date;
  sessions: number;
  status: string;
  /** 参与人次 the activity reported when it completed (check-ins plus walk-ins); 0 before. */
  participants: number;
  /** Who checked in: one resident id per check-in (a resident at two sessions is here twice). */
  residents: string[];
  serviceHours: number;
  /** Residents' ratings of it (ActivityRated, 1–5): how many, and their sum (none when absent). */
  ratings?: number;
  ratingSum?: number;
}

/**
 * Walk-ins (现场参与): people counted at completion without a booking. They are anonymous, so
 * each walk-in is one visit and one person of that activity — the same walk-in at two activities
 * counts as two people (the only figure that can over-count, and only by returning walk-ins).
 */
export const walkIns = (a: ActivityFact) => (a.status === "COMPLETED" ? Math.max(0, a.participants - a.residents.length) : 0);

/** 参与人次 (visits): every check-in plus every walk-in. */
export const visits = (a: ActivityFact) => a.residents.length + walkIns(a);

/** 参与人数 (people): distinct residents who checked in at any of the activities, plus their walk-ins. */
export const people = (activities: ActivityFact[]) => new Set(activities.flatMap((a) => a.residents)).size + activities.reduce((sum, a) => sum + walkIns(a), 0);

/** A menu item: offered in its service area's subtree (an empty area: legacy items, everywhere). */
export interface MenuFact {
  itemId: string;
  theme: number;
  format?: number;
  audiences?: number[];
  areaOrgId: string;
  withdrawn: boolean;
}

export interface OrgFact {
  orgId: string;
  kind: number;
  name?: string;
  path: string[];
  /** When the registry closed it (OrganizationClosed); absent while open. */
  closedAt?: Date;
}

/**
 * A community counts among a slice's communities (coverage) unless it was closed by the slice's
 * end: from its closing on it is left out; a slice that ended before still has it.
 */
export const openThrough = (community: OrgFact, slice: Slice) => !community.closedAt || (!!slice.to && community.closedAt > slice.to);

export interface Facts {
  orders: OrderFact[];
  activities: ActivityFact[];
  menu: MenuFact[];
  communities: OrgFact[];
  /** Every org the registry told of (names, where service areas lie); the communities when absent. */
  orgs?: OrgFact[];
}

/** Where each org lies (it and its ancestors), by id. */
export const pathsOf = (facts: Facts) => new Map((facts.orgs ?? facts.communities).map((o) => [o.orgId, o.path]));

/**
 * A menu item serves an org's slice when its service area covers the org (the area is the org or
 * above it) or lies within the org's subtree (the item serves part of it). Every item serves the
 * whole world (no org).
 */
export function servesOrg(item: MenuFact, orgId: string, paths: Map<string, string[]>): boolean {
  if (!orgId || !item.areaOrgId) return true;
  return (paths.get(orgId) ?? [orgId]).includes(item.areaOrgId) || (paths.get(item.areaOrgId) ?? [item.areaOrgId]).includes(orgId);
}

/** An item on the slice's theme, format and audience (each when asked), not withdrawn. */
export const offersSlice = (item: MenuFact, slice: Slice) =>
  !item.withdrawn && (!slice.theme || item.theme === slice.theme) && (!slice.format || item.format === slice.format) && (!slice.audience || (item.audiences ?? []).includes(slice.audience));

export interface Duration {
  medianHours: number;
  p90Hours: number;
  count: number;
}

export interface Figures {
  ordersByStatus: Record<string, number>;
  orders: number;
  timeToDispatch: Duration;
  timeToAccept: Duration;
  timeToDeliver: Duration;
  declineRate: number;
  timeoutRate: number;
  completionRate: number;
  activities: number;
  sessions: number;
  participants: number;
  uniqueParticipants: number;
  serviceHours: number;
  communities: number;
  communitiesWithActivity: number;
  coverage: number;
  demandByTheme: Record<string, number>;
  supplyByTheme: Record<string, number>;
  unmetByCommunity: Record<string, number>;
  /** Residents' ratings of the slice's activities: how many, and their average (2 decimals; 0 without any). */
  ratings: number;
  averageRating: number;
}

export const ordersIn = (facts: Facts, slice: Slice) => facts.orders.filter((o) => inSlice(o, slice) && within(o.submittedAt, slice));
/** Activities of the slice that were not cancelled: the ones held (or to be held). */
export const activitiesIn = (facts: Facts, slice: Slice) => facts.activities.filter((a) => inSlice(a, slice) && within(a.startsAt, slice) && a.status !== "CANCELLED");

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : 0);

/** Median and 90th percentile (nearest rank) of the hours between two moments of each order. */
export function duration(orders: OrderFact[], from: (o: OrderFact) => Date | undefined, to: (o: OrderFact) => Date | undefined): Duration {
  const hours = orders
    .flatMap((o) => {
      const a = from(o);
      const b = to(o);
      return a && b ? [(b.getTime() - a.getTime()) / 3_600_000] : [];
    })
    .sort((x, y) => x - y);
  const rank = (q: number) => hours[Math.max(0, Math.ceil(q * hours.length) - 1)] ?? 0;
  return { medianHours: round(rank(0.5)), p90Hours: round(rank(0.9)), count: hours.length };
}

export const delivered = (o: OrderFact) => o.status === "DELIVERED" || o.status === "RATED";
export const closedUnserved = (o: OrderFact) => o.status === "CANCELLED" || o.status === "REJECTED";

export function computeFigures(facts: Facts, slice: Slice, themeName: (theme: number) => string): Figures {
  const orders = ordersIn(facts, slice);
  const activities = activitiesIn(facts, slice);
  const countBy = <T>(items: T[], key: (item: T) => string) => items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {});
  const dispatched = orders.filter((o) => o.dispatchedAt);
  const communities = facts.communities.filter((c) => (!slice.orgId || c.path.includes(slice.orgId)) && openThrough(c, slice));
  const served = new Set(activities.map((a) => a.communityId).filter(Boolean));
  const live = orders.filter((o) => !closedUnserved(o));
  const paths = pathsOf(facts);
  return {
    ordersByStatus: countBy(orders, (o) => o.status),
    orders: orders.length,
    timeToDispatch: duration(orders, (o) => o.submittedAt, (o) => o.dispatchedAt),
    timeToAccept: duration(orders, (o) => o.submittedAt, (o) => o.acceptedAt),
    timeToDeliver: duration(orders, (o) => o.submittedAt, (o) => o.deliveredAt),
    declineRate: ratio(dispatched.filter((o) => o.declines > 0).length, dispatched.length),
    timeoutRate: ratio(orders.filter((o) => o.escalations > 0).length, orders.length),
    completionRate: ratio(live.filter(delivered).length, live.length),
    activities: activities.length,
    sessions: activities.reduce((sum, a) => sum + a.sessions, 0),
    participants: activities.reduce((sum, a) => sum + visits(a), 0),
    uniqueParticipants: people(activities),
    serviceHours: round(activities.reduce((sum, a) => sum + a.serviceHours, 0)),
    communities: communities.length,
    communitiesWithActivity: communities.filter((c) => served.has(c.orgId)).length,
    coverage: ratio(communities.filter((c) => served.has(c.orgId)).length, communities.length),
    demandByTheme: countBy(orders, (o) => themeName(o.theme)),
    supplyByTheme: countBy(facts.menu.filter((m) => offersSlice(m, slice) && servesOrg(m, slice.orgId, paths)), (m) => themeName(m.theme)),
    unmetByCommunity: countBy(live.filter((o) => !delivered(o)), (o) => o.communityId),
    ...ratingsOf(activities),
  };
}

/** How many ratings the activities have, and their average (2 decimals; 0 without any). */
export function ratingsOf(activities: ActivityFact[]): { ratings: number; averageRating: number } {
  const ratings = activities.reduce((sum, a) => sum + (a.ratings ?? 0), 0);
  return { ratings, averageRating: ratings > 0 ? round(activities.reduce((sum, a) => sum + (a.ratingSum ?? 0), 0) / ratings) : 0 };
}

export type Dimension = "district" | "street" | "community" | "theme" | "audience" | "format" | "campaign" | "day" | "week" | "month" | "year";

export interface BreakdownRow {
  key: string;
  /** What a person reads: the org's name, the label of a theme, audience or format, the period's key. */
  name: string;
  orders: number;
  delivered: number;
  activities: number;
  participants: number;
  uniqueParticipants: number;
  serviceHours: number;
}

/**
 * The slice's figures split by one dimension, one row per value, sorted by key. Periods are keyed
 * in the calendar's zone: "2027-09-28", "2027-W39", "2027-09", "2027". Each row's people are the
 * distinct residents across that row's activities (rows do not add up to the slice's people).
 */
export function breakdown(facts: Facts, slice: Slice, dimension: Dimension, label: (dimension: Dimension, value: number) => string, cal: Calendar = calendar): BreakdownRow[] {
  const keyOf = (f: OrderFact | ActivityFact, at: Date | undefined): string => {
    switch (dimension) {
      case "district":
        return f.districtId;
      case "street":
        return f.streetId;
      case "community":
        return f.communityId;
      case "campaign":
        return f.campaignId;
      case "theme":
      case "audience":
      case "format":
        return label(dimension, f[dimension]);
      default:
        return at ? cal.periodKey(at, dimension as Period) : "";
    }
  };
  const names = new Map((facts.orgs ?? facts.communities).map((o) => [o.orgId, o.name ?? ""]));
  const nameOf = (key: string) => (dimension === "district" || dimension === "street" || dimension === "community" ? names.get(key) || key : key);
  const rows = new Map<string, BreakdownRow>();
  const row = (key: string) => rows.get(key) ?? rows.set(key, { key, name: nameOf(key), orders: 0, delivered: 0, activities: 0, participants: 0, uniqueParticipants: 0, serviceHours: 0 }).get(key)!;
  for (const o of ordersIn(facts, slice)) {
    const r = row(keyOf(o, o.submittedAt));
    r.orders++;
    if (delivered(o)) r.delivered++;
  }
  const activitiesOf = new Map<string, ActivityFact[]>();
  for (const a of activitiesIn(facts, slice)) {
    const key = keyOf(a, a.startsAt);
    const r = row(key);
    r.activities++;
    r.participants += visits(a);
    r.serviceHours = round(r.serviceHours + a.serviceHours);
    (activitiesOf.get(key) ?? activitiesOf.set(key, []).get(key)!).push(a);
  }
  for (const [key, activities] of activitiesOf) row(key).uniqueParticipants = people(activities);
  return [...rows.values()].filter((r) => r.key !== "").sort((a, b) => a.key.localeCompare(b.key));
}
