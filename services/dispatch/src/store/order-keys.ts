// Which index lists an order belongs to, and which lists answer a query (issue 20;
// docs/decisions/query-side.md). Pure: no I/O. The index (order-index.ts) keeps one Redis sorted set
// per key below (score: submitted-at, member: order id), the store (order-store.ts) answers a list
// from the sets a plan names. The same predicate as the store's scan (`matchesQuery`) re-checks
// every order read through the index, so an entry the index still holds for an order that moved on
// is dropped, never shown.
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { OrderQuery, OrderReach } from "./order-store.js";

/** The fields of an order the lists look at. */
export interface IndexedOrder {
  orderId: string;
  status: OrderStatus;
  requesterId: string;
  communityPath: readonly string[];
  invitedTeamIds: readonly string[];
  declinedTeamIds: readonly string[];
  acceptedTeamId: string;
  rating: number;
  submittedAt: Date;
  dueAt: Date | null | undefined;
}

/*
 * The keys (after the index's prefix), each a sorted set of order ids by submitted-at:
 *   all, all:s:<status>                   every order; by status
 *   org:<org>, org:<org>:s:<status>       orders whose community path holds <org> (a subtree); the
 *                                         pool within an area is org:<area>:s:POOLED
 *   req:<user>, req:<user>:s:<status>     a requester's orders (my orders)
 *   team:<t>, team:<t>:s:<status>         orders <t> was invited to or accepted (the teamId filter)
 *   offered:<t>                           dispatched to <t>, invited and not declined (its inbox)
 *   acc:<t>, acc:<t>:s:<status>           orders <t> accepted
 *   dec:<t>                               orders <t> declined
 *   rated:<t>                             orders <t> accepted that were rated; score: the rating
 * and `due` (score: the hop's deadline), which the escalation timer reads.
 */
const statusable = /^(all|org:.+|req:.+|team:.+|acc:.+)$/;

export const withStatus = (key: string, status: OrderStatus) => `${key}:s:${status}`;

/** Every list key the order belongs to (rated and due aside: their scores are not submitted-at). */
export function listKeysOf(order: IndexedOrder): string[] {
  const bases = ["all", ...new Set(order.communityPath.map((org) => `org:${org}`))];
  if (order.requesterId) bases.push(`req:${order.requesterId}`);
  for (const team of new Set([...order.invitedTeamIds, order.acceptedTeamId].filter(Boolean))) bases.push(`team:${team}`);
  if (order.acceptedTeamId) bases.push(`acc:${order.acceptedTeamId}`);
  const keys = bases.flatMap((key) => [key, withStatus(key, order.status)]);
  if (order.status === OrderStatus.DISPATCHED) for (const team of offeredTo(order)) keys.push(`offered:${team}`);
  for (const team of new Set(order.declinedTeamIds)) keys.push(`dec:${team}`);
  return keys;
}

const offeredTo = (order: IndexedOrder) => new Set(order.invitedTeamIds.filter((t) => !order.declinedTeamIds.includes(t)));

/** The rating key the order is in, with its score, when its team's suggestions count it. */
export function ratedKeyOf(order: IndexedOrder): { key: string; score: number } | undefined {
  return order.acceptedTeamId && order.rating > 0 ? { key: `rated:${order.acceptedTeamId}`, score: order.rating } : undefined;
}

/**
 * A list as sets: the intersection of its terms, each the union of its keys. No term: nothing
 * narrows (never returned by planList, which says `all`). A term with no key: the list is empty.
 */
export type ListPlan = string[][];

/** Which keys answer the query: the same orders as the store's filter (order-store.ts list). */
export function planList(query: Pick<OrderQuery, "reach" | "withinOrgIds" | "statuses" | "requesterId" | "teamId">): ListPlan {
  const given: string[][] = query.withinOrgIds.map((org) => [`org:${org}`]);
  if (query.requesterId) given.push([`req:${query.requesterId}`]);
  if (query.teamId) given.push([`team:${query.teamId}`]);
  if (query.reach.length > 0) given.push(query.reach.flatMap(reachKeys));
  const terms = simplified(given);
  const statuses = [...new Set(query.statuses)];
  if (statuses.length > 0) {
    // The status narrows one term whose keys all have status lists (or are of one status already).
    const carrier = terms.findIndex((term) => term.every((key) => statusable.test(key) || fixedStatus(key) !== undefined));
    if (carrier >= 0) terms[carrier] = terms[carrier]!.flatMap((key) => narrowed(key, statuses));
    else terms.push(statuses.map((s) => withStatus("all", s)));
  }
  if (terms.length === 0) terms.push(["all"]);
  return simplified(terms);
}

function reachKeys(reach: OrderReach): string[] {
  if ("requesterId" in reach) return [`req:${reach.requesterId}`];
  if ("withinOrgId" in reach) return [`org:${reach.withinOrgId}`];
  if ("offeredTo" in reach) return [`offered:${reach.offeredTo}`];
  if ("acceptedBy" in reach) return [`acc:${reach.acceptedBy}`];
  return reach.pooledWithin.map((org) => withStatus(`org:${org}`, OrderStatus.POOLED));
}

/** The one status every order of the key has, for keys that hold one status only. */
function fixedStatus(key: string): OrderStatus | undefined {
  if (key.startsWith("offered:")) return OrderStatus.DISPATCHED;
  const match = /:s:(\d+)$/.exec(key);
  return match ? (Number(match[1]) as OrderStatus) : undefined;
}

function narrowed(key: string, statuses: OrderStatus[]): string[] {
  const fixed = fixedStatus(key);
  if (fixed !== undefined) return statuses.includes(fixed) ? [key] : [];
  return statuses.map((s) => withStatus(key, s));
}

/** Drops repeated keys and terms, and every term that holds all the keys of another (it adds nothing to the intersection). */
function simplified(terms: string[][]): ListPlan {
  const unique = terms.map((term) => [...new Set(term)].sort());
  return unique.filter((term, i) =>
    unique.every((other, j) => j === i || !other.every((key) => term.includes(key)) || (other.length === term.length && j > i)),
  );
}

/** The store's filter (order-store.ts list) as a predicate: does the order belong to the list? */
export function matchesQuery(order: IndexedOrder, query: Pick<OrderQuery, "reach" | "withinOrgIds" | "statuses" | "requesterId" | "teamId">): boolean {
  if (!query.withinOrgIds.every((org) => order.communityPath.includes(org))) return false;
  if (query.statuses.length > 0 && !query.statuses.includes(order.status)) return false;
  if (query.requesterId && order.requesterId !== query.requesterId) return false;
  if (query.teamId && !order.invitedTeamIds.includes(query.teamId) && order.acceptedTeamId !== query.teamId) return false;
  return query.reach.length === 0 || query.reach.some((reach) => withinReach(order, reach));
}

function withinReach(order: IndexedOrder, reach: OrderReach): boolean {
  if ("requesterId" in reach) return order.requesterId === reach.requesterId;
  if ("withinOrgId" in reach) return order.communityPath.includes(reach.withinOrgId);
  if ("offeredTo" in reach) return order.status === OrderStatus.DISPATCHED && offeredTo(order).has(reach.offeredTo);
  if ("acceptedBy" in reach) return order.acceptedTeamId === reach.acceptedBy;
  return order.status === OrderStatus.POOLED && reach.pooledWithin.some((org) => order.communityPath.includes(org));
}

/**
 * Keys whose intersection holds the same orders as the intersection of `keys`, as small as the key
 * scheme allows (for counting a union's size): undefined when it is surely empty. Keys of one
 * status only (offered:, …:s:<status>) of two different statuses share nothing; with one such
 * status, every other key may be narrowed to its list of that status.
 */
export function intersectionKeys(keys: readonly string[]): string[] | undefined {
  const fixed = [...new Set(keys.map(fixedStatus).filter((s) => s !== undefined))];
  if (fixed.length > 1) return undefined;
  if (fixed.length === 0) return [...keys];
  return keys.map((key) => (fixedStatus(key) === undefined && statusable.test(key) ? withStatus(key, fixed[0]!) : key));
}
