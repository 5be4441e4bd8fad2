// Figures from facts, computed in code (FerretDB has few aggregation operators, and these are
// clearer as code anyway). Pure: the same facts and slice always give the same figures.

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
  /** 参与人次 and unique people: from the completion when there is one, else from check-ins. */
  participants: number;
  uniqueParticipants: number;
  checkIns: number;
  residents: string[];
  serviceHours: number;
}

export interface MenuFact {
  itemId: string;
  theme: number;
  path: string[];
  withdrawn: boolean;
}

export interface OrgFact {
  orgId: string;
  kind: number;
  path: string[];
}

export interface Facts {
  orders: OrderFact[];
  activities: ActivityFact[];
  menu: MenuFact[];
  communities: OrgFact[];
}

export interface Slice {
  orgId: string;
  theme: number;
  audience: number;
  format: number;
  campaignId: string;
  from?: Date;
  to?: Date;
}

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
}

const within = (at: Date | undefined, slice: Slice) => (!slice.from || (!!at && at >= slice.from)) && (!slice.to || (!!at && at <= slice.to));
const inSlice = (fact: { path: string[]; theme: number; audience: number; format: number; campaignId: string }, slice: Slice) =>
  (!slice.orgId || fact.path.includes(slice.orgId)) &&
  (!slice.theme || fact.theme === slice.theme) &&
  (!slice.audience || fact.audience === slice.audience) &&
  (!slice.format || fact.format === slice.format) &&
  (!slice.campaignId || fact.campaignId === slice.campaignId);

export const ordersIn = (facts: Facts, slice: Slice) => facts.orders.filter((o) => inSlice(o, slice) && within(o.submittedAt, slice));
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

const delivered = (o: OrderFact) => o.status === "DELIVERED" || o.status === "RATED";
const closedUnserved = (o: OrderFact) => o.status === "CANCELLED" || o.status === "REJECTED";

export function computeFigures(facts: Facts, slice: Slice, themeName: (theme: number) => string): Figures {
  const orders = ordersIn(facts, slice);
  const activities = activitiesIn(facts, slice);
  const countBy = <T>(items: T[], key: (item: T) => string) => items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {});
  const dispatched = orders.filter((o) => o.dispatchedAt);
  const communities = facts.communities.filter((c) => !slice.orgId || c.path.includes(slice.orgId));
  const served = new Set(activities.map((a) => a.communityId).filter(Boolean));
  const live = orders.filter((o) => !closedUnserved(o));
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
    participants: activities.reduce((sum, a) => sum + a.participants, 0),
    uniqueParticipants: activities.reduce((sum, a) => sum + a.uniqueParticipants, 0),
    serviceHours: round(activities.reduce((sum, a) => sum + a.serviceHours, 0)),
    communities: communities.length,
    communitiesWithActivity: communities.filter((c) => served.has(c.orgId)).length,
    coverage: ratio(communities.filter((c) => served.has(c.orgId)).length, communities.length),
    demandByTheme: countBy(orders, (o) => themeName(o.theme)),
    supplyByTheme: countBy(
      facts.menu.filter((m) => !m.withdrawn && (!slice.theme || m.theme === slice.theme) && (!slice.orgId || m.path.includes(slice.orgId) || m.path.length === 0)),
      (m) => themeName(m.theme),
    ),
    unmetByCommunity: countBy(live.filter((o) => !delivered(o)), (o) => o.communityId),
  };
}

export type Dimension = "district" | "street" | "community" | "theme" | "audience" | "format" | "campaign" | "day" | "week" | "month" | "year";

export interface BreakdownRow {
  key: string;
  orders: number;
  delivered: number;
  activities: number;
  participants: number;
  uniqueParticipants: number;
  serviceHours: number;
}

function periodKey(date: Date | undefined, dimension: Dimension): string {
  if (!date) return "";
  const iso = date.toISOString();
  if (dimension === "day") return iso.slice(0, 10);
  if (dimension === "month") return iso.slice(0, 7);
  if (dimension === "year") return iso.slice(0, 4);
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - ((date.getUTCDay() + 6) % 7)));
  return `W${monday.toISOString().slice(0, 10)}`;
}

/** The slice's figures split by one dimension, one row per value, sorted by key. */
export function breakdown(facts: Facts, slice: Slice, dimension: Dimension, label: (dimension: Dimension, value: number) => string): BreakdownRow[] {
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
        return periodKey(at, dimension);
    }
  };
  const rows = new Map<string, BreakdownRow>();
  const row = (key: string) => rows.get(key) ?? rows.set(key, { key, orders: 0, delivered: 0, activities: 0, participants: 0, uniqueParticipants: 0, serviceHours: 0 }).get(key)!;
  for (const o of ordersIn(facts, slice)) {
    const r = row(keyOf(o, o.submittedAt));
    r.orders++;
    if (delivered(o)) r.delivered++;
  }
  for (const a of activitiesIn(facts, slice)) {
    const r = row(keyOf(a, a.startsAt));
    r.activities++;
    r.participants += a.participants;
    r.uniqueParticipants += a.uniqueParticipants;
    r.serviceHours = round(r.serviceHours + a.serviceHours);
  }
  return [...rows.values()].filter((r) => r.key !== "").sort((a, b) => a.key.localeCompare(b.key));
}
