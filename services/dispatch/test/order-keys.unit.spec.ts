// Which index lists an order is in and which lists answer a query (store/order-keys.ts): for every
// order and query, "in every term's union of the plan's keys" must equal the store's filter.
import { describe, expect, it } from "vitest";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { intersectionKeys, listKeysOf, matchesQuery, planList, ratedKeyOf, type IndexedOrder } from "../src/store/order-keys.js";
import type { OrderQuery, OrderReach } from "../src/store/order-store.js";

const order = (over: Partial<IndexedOrder> = {}): IndexedOrder => ({
  orderId: "o-1",
  status: OrderStatus.DISPATCHED,
  requesterId: "r-1",
  communityPath: ["sz", "ft", "s1", "c1"],
  invitedTeamIds: ["t-1", "t-2"],
  declinedTeamIds: ["t-2"],
  acceptedTeamId: "",
  rating: 0,
  submittedAt: new Date("2026-09-01T08:00:00Z"),
  dueAt: null,
  ...over,
});

const query = (over: Partial<OrderQuery> = {}): OrderQuery => ({ reach: [], withinOrgIds: [], statuses: [], teamId: "", requesterId: "", page: 0, pageSize: 20, ...over });

/** The plan evaluated on one order's keys, as Redis evaluates it on the sets. */
const inPlan = (keys: ReadonlySet<string>, plan: string[][]) => plan.every((term) => term.some((key) => keys.has(key)));

describe("the lists an order is in", () => {
  it("are every ancestor's, the requester's and the teams', each also by status; offered only to teams that did not decline", () => {
    expect(listKeysOf(order()).sort()).toEqual(
      [
        "all", "all:s:2", "org:sz", "org:sz:s:2", "org:ft", "org:ft:s:2", "org:s1", "org:s1:s:2", "org:c1", "org:c1:s:2",
        "req:r-1", "req:r-1:s:2", "team:t-1", "team:t-1:s:2", "team:t-2", "team:t-2:s:2", "offered:t-1", "dec:t-2",
      ].sort(),
    );
  });

  it("hold an accepted order in its team's lists, and a rated one in its team's ratings", () => {
    const accepted = order({ status: OrderStatus.RATED, invitedTeamIds: ["t-1"], declinedTeamIds: [], acceptedTeamId: "t-1", rating: 4 });
    expect(listKeysOf(accepted)).toEqual(expect.arrayContaining(["acc:t-1", "acc:t-1:s:8", "team:t-1"]));
    expect(listKeysOf(accepted).filter((k) => k.startsWith("offered:"))).toEqual([]);
    expect(ratedKeyOf(accepted)).toEqual({ key: "rated:t-1", score: 4 });
    expect(ratedKeyOf(order())).toBeUndefined();
  });
});

describe("a list's plan", () => {
  it("is one key for the common lists: my orders, an org's orders by status, a team's offers, the pool of one area", () => {
    expect(planList(query({ reach: [{ requesterId: "r-1" }] }))).toEqual([["req:r-1"]]);
    expect(planList(query({ reach: [{ withinOrgId: "ft" }], withinOrgIds: ["ft"], statuses: [OrderStatus.SUBMITTED] }))).toEqual([["org:ft:s:1"]]);
    expect(planList(query({ withinOrgIds: ["c1"], statuses: [OrderStatus.POOLED] }))).toEqual([["org:c1:s:3"]]);
    expect(planList(query({ reach: [{ offeredTo: "t-1" }, { pooledWithin: ["ft"] }], statuses: [OrderStatus.POOLED] }))).toEqual([["org:ft:s:3"]]);
    expect(planList(query())).toEqual([["all"]]);
  });

  it("is empty when the status rules the list out, and a union where the reach is several", () => {
    expect(planList(query({ reach: [{ offeredTo: "t-1" }], statuses: [OrderStatus.RATED] }))).toEqual([[]]);
    expect(planList(query({ reach: [{ offeredTo: "t-1" }, { acceptedBy: "t-1" }] }))).toEqual([["acc:t-1", "offered:t-1"]]);
  });

  it("answers exactly the store's filter for every combination of reach, org, status, requester and team", () => {
    const paths = [["sz", "ft", "s1", "c1"], ["sz", "ft", "s2", "c2"], ["sz", "ns", "s3", "c3"], []];
    const teams = ["t-1", "t-2", "t-3"];
    const statuses = [OrderStatus.SUBMITTED, OrderStatus.DISPATCHED, OrderStatus.POOLED, OrderStatus.ACCEPTED, OrderStatus.RATED];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)]!;
    const some = <T>(xs: readonly T[]) => xs.filter(() => rnd(3) === 0);
    const orders = Array.from({ length: 200 }, (_, i) => {
      const invited = some(teams);
      return order({
        orderId: `o-${i}`,
        status: pick(statuses),
        requesterId: pick(["r-1", "r-2", ""]),
        communityPath: pick(paths),
        invitedTeamIds: invited,
        declinedTeamIds: some(invited),
        acceptedTeamId: rnd(3) === 0 ? pick(teams) : "",
      });
    });
    const reaches: OrderReach[] = [
      { requesterId: "r-1" },
      { withinOrgId: "ft" },
      { withinOrgId: "c3" },
      { offeredTo: "t-1" },
      { acceptedBy: "t-2" },
      { pooledWithin: ["ft"] },
      { pooledWithin: ["s1", "ns"] },
    ];
    const keysOf = new Map(orders.map((o) => [o, new Set(listKeysOf(o))]));
    let compared = 0;
    const differing: { q: OrderQuery; o: IndexedOrder }[] = [];
    for (let n = 0; n < 400; n++) {
      const q = query({
        reach: some(reaches),
        withinOrgIds: some(["sz", "ft", "s1", "c2", "ns"]).slice(0, 2),
        statuses: some(statuses),
        requesterId: rnd(5) === 0 ? pick(["r-1", "r-2"]) : "",
        teamId: rnd(4) === 0 ? pick(teams) : "",
      });
      const plan = planList(q);
      for (const o of orders) {
        if (inPlan(keysOf.get(o)!, plan) !== matchesQuery(o, q)) differing.push({ q, o });
        compared++;
      }
    }
    expect(differing).toEqual([]);
    expect(compared).toBe(80_000);
    // The narrowed intersections a union's size is counted with hold exactly the orders in all the keys.
    const unions = [["offered:t-1", "acc:t-1", "org:ft:s:3"], ["acc:t-2", "org:s1:s:3", "org:ns:s:3"], ["req:r-1", "org:ft"], ["offered:t-2", "org:c2:s:2", "team:t-2"]];
    for (const keys of unions)
      for (const o of orders) {
        const narrowed = intersectionKeys(keys);
        const own = keysOf.get(o)!;
        expect(narrowed ? narrowed.every((k) => own.has(k)) : false).toBe(keys.every((k) => own.has(k)));
      }
  });
});
