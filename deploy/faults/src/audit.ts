import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { Figures } from "@kepu/contracts/stats/v1/service_pb";
import { waitFor } from "@kepu/testkit";
import { compareIds, type ScenarioReport } from "./report.js";
import { city, type Clients, type Journey } from "./workload.js";

const auditor = { id: "fault-auditor", role: Role.ADMIN };

/** What the services' own records hold, read page by page through their public APIs. */
export interface Records {
  orders: { orderId: string; status: OrderStatus }[];
  activities: { activityId: string; participants: number }[];
  bookings: string[];
}

async function allPages<T>(page: (n: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const all: T[] = [];
  for (let n = 0; ; n++) {
    const { items, total } = await page(n);
    all.push(...items);
    if (items.length === 0 || all.length >= total) return all;
  }
}

export async function readRecords(clients: Clients, journeys: Journey[]): Promise<Records> {
  const orders = await allPages(async (page) => {
    const r = await clients.dispatch.listOrders({ orgId: city, page, pageSize: 200 }, { actor: auditor });
    return { items: r.orders.map((o) => ({ orderId: o.orderId, status: o.status })), total: r.total };
  });
  const activities = await allPages(async (page) => {
    const r = await clients.events.listActivities({ orgId: city, page, pageSize: 200 }, { actor: auditor });
    return { items: r.activities.map((a) => ({ activityId: a.activityId, participants: a.participants })), total: r.total };
  });
  const bookings: string[] = [];
  for (const journey of journeys) {
    for (const residentId of journey.bookings.keys()) {
      const mine = await clients.events.listMyBookings({}, { actor: { id: residentId, role: Role.RESIDENT, orgId: journey.communityId } });
      bookings.push(...mine.bookings.map((b) => b.bookingId));
    }
  }
  return { orders: orders.filter((o) => !o.orderId.startsWith("fz-probe")), activities, bookings };
}

/** The figures that must equal a count of the services' own records. */
function expectedFigures(records: Records) {
  return {
    orders: records.orders.length,
    delivered: records.orders.filter((o) => o.status === OrderStatus.DELIVERED).length,
    activities: records.activities.length,
    participants: records.activities.reduce((sum, a) => sum + a.participants, 0),
  };
}

function countedFigures(f: Figures) {
  return { orders: f.orders - (f.ordersByStatus.CANCELLED ?? 0), delivered: f.ordersByStatus.DELIVERED ?? 0, activities: f.activities, participants: f.participants };
}

/** The stats figures for the whole load, once they equal the records (or the last ones seen). */
export async function settledFigures(clients: Clients, records: Records, timeoutMs = 60_000): Promise<{ figures: Figures; problems: string[] }> {
  const expected = expectedFigures(records);
  let figures: Figures | undefined;
  const same = () => JSON.stringify(countedFigures(figures!)) === JSON.stringify(expected);
  await waitFor(
    async () => {
      figures = (await clients.stats.getFigures({ slice: { orgId: city } }, { actor: auditor })).figures;
      return figures !== undefined && same();
    },
    { timeoutMs, intervalMs: 250, what: "the stats figures to equal the services' records" },
  ).catch(() => undefined);
  if (!figures) return { figures: undefined as never, problems: ["the stats service gave no figures"] };
  const counted = countedFigures(figures);
  const problems = Object.entries(expected)
    .filter(([name, value]) => counted[name as keyof typeof counted] !== value)
    .map(([name, value]) => `stats counted ${counted[name as keyof typeof counted]} ${name}, the services' records hold ${value}`);
  return { figures, problems };
}

/**
 * After a scenario: everything the load generator was told was accepted exists exactly once in the
 * services' records, the scenario's journeys all finished, and the stats figures equal a count of
 * the records.
 */
export async function audit(scenario: string, clients: Clients, journeys: Journey[], batch: Journey[], deadLettered = 0): Promise<ScenarioReport> {
  const records = await readRecords(clients, journeys);
  const sentOrders = journeys.map((j) => j.orderId);
  const problems = [
    ...compareIds("order", sentOrders, records.orders.map((o) => o.orderId)),
    ...compareIds("activity", sentOrders.map((id) => `act-${id}`), records.activities.map((a) => a.activityId)),
    ...compareIds("booking", journeys.flatMap((j) => [...j.bookings.values()]), records.bookings),
    ...batch.filter((j) => !j.delivered).map((j) => `order ${j.orderId} stopped at "${j.step}": ${j.failure ?? "unfinished"}`),
  ];
  const { figures, problems: statsProblems } = await settledFigures(clients, records);
  problems.push(...statsProblems);
  return { scenario, sent: sentOrders.length, stored: records.orders.length, counted: figures ? countedFigures(figures).orders : 0, deadLettered, problems };
}
