// Merged demand (合并需求): open orders on one theme from neighbouring communities, carried out as
// one activity. Pure rules: which orders could be merged (suggestMerges), and the merge's own life —
// proposed by the community worker or the street, each requester consents or keeps her own order,
// the proposer confirms and the consenting orders become one merge group (decideMerge/evolveMerge).
// Neighbouring: the registry has no adjacency of streets, so "neighbouring streets" is read as
// "streets of one district" (the default); a caller may narrow it to one street.
import { can } from "@kepu/access";
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { Audience, type Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { MergeAnswer, MergeStatus } from "@kepu/contracts/dispatch/v1/service_pb";
import type { OrderState } from "./order.js";
import { orderFacts } from "./policy.js";

const dayMs = 86_400_000;
export const defaultWindowDays = 14;

export const mergeErrors = {
  notFound: (mergeId: string) => kepuError("not_found", "MERGE_NOT_FOUND", `合并申请 ${mergeId} 不存在`, `Merge ${mergeId} does not exist`),
  tooFew: () => kepuError("invalid", "MERGE_TOO_FEW_ORDERS", "合并至少需要两个订单", "A merge needs at least two orders", "orderIds"),
  notOpen: (orderId: string) => kepuError("conflict", "MERGE_ORDER_NOT_OPEN", `订单 ${orderId} 已派单或已处理，不能合并`, `Order ${orderId} is no longer waiting to be dispatched and cannot be merged`, "orderIds"),
  alreadyMerged: (orderId: string) => kepuError("conflict", "ORDER_ALREADY_MERGED", `订单 ${orderId} 已在另一个合并组中`, `Order ${orderId} is already in another merge group`, "orderIds"),
  themeDiffers: () => kepuError("invalid", "MERGE_THEME_DIFFERS", "只能合并同一主题的订单", "Only orders on the same theme can be merged", "orderIds"),
  audienceDiffers: () => kepuError("invalid", "MERGE_AUDIENCE_DIFFERS", "订单面向的人群不同，不能合并", "The orders are for different audiences and cannot be merged", "orderIds"),
  tooFar: () => kepuError("invalid", "MERGE_COMMUNITIES_TOO_FAR", "只能合并同一区内相邻社区的订单", "Only orders from communities of one district can be merged", "orderIds"),
  onlyStaff: () => kepuError("forbidden", "MERGE_ONLY_WORKERS_OR_STREETS", "只有社区工作者或街道可以发起合并", "Only community workers and streets propose a merge"),
  notYourScope: () => kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "该订单不在您的管辖范围内", "This order is outside your area"),
  notMember: (orderId: string) => kepuError("invalid", "ORDER_NOT_IN_MERGE", `订单 ${orderId} 不在此合并申请中`, `Order ${orderId} is not part of this merge`, "orderId"),
  notRequester: () => kepuError("forbidden", "NOT_REQUESTER", "只有点单人或代点单的工作人员可以答复", "Only the requester, or the worker who ordered for her, can answer"),
  alreadyConfirmed: () => kepuError("conflict", "MERGE_ALREADY_CONFIRMED", "该合并已确认，不能再更改", "This merge is already confirmed and cannot change"),
  notProposer: () => kepuError("forbidden", "NOT_MERGE_PROPOSER", "只有发起合并的人员可以确认", "Only whoever proposed the merge can confirm it"),
  tooFewConsented: () => kepuError("conflict", "MERGE_TOO_FEW_CONSENTS", "同意合并的订单不足两个，无法合并", "Fewer than two requesters consented: nothing to merge"),
  mergedMember: () => kepuError("conflict", "ORDER_MERGED_INTO_GROUP", "该订单已合并，由合并组的主订单统一派单", "This order is merged: its group is dispatched through the lead order"),
};

// ---------------------------------------------------------------- suggestions

/** What a suggestion needs of an open order. */
export interface MergeCandidate {
  orderId: string;
  status: OrderStatus;
  mergeId: string;
  theme: Theme;
  audience: Audience;
  communityId: string;
  streetId: string;
  districtId: string;
  /** The wanted date (preferred date, else when it was ordered). */
  wantedAt: Date;
}

export interface SuggestOptions {
  windowDays: number;
  /** Communities of one street, or of one district (neighbouring streets: the default). */
  neighbourhood: "street" | "district";
}

export interface MergeSuggestionGroup {
  orderIds: string[];
  theme: Theme;
  audience: Audience;
  areaOrgId: string;
  communityIds: string[];
  earliest: Date;
  latest: Date;
}

/** 社区居民 and an unstated audience are the general public: they go together; other audiences only with themselves. */
const audienceClass = (audience: Audience): Audience => (audience === Audience.UNSPECIFIED ? Audience.RESIDENTS : audience);

export const compatibleAudience = (a: Audience, b: Audience): boolean => audienceClass(a) === audienceClass(b);

/** Open: submitted, not yet dispatched, in no merge group. */
export const mergeable = (c: Pick<MergeCandidate, "status" | "mergeId">): boolean => c.status === OrderStatus.SUBMITTED && !c.mergeId;

/**
 * Groups of open orders that could be one merged activity: same theme, compatible audience, the
 * same street or district, wanted dates at most `windowDays` apart, from at least two communities.
 * Each order is in at most one group (the earliest window it fits). Sorted by group size, then date.
 */
export function suggestMerges(candidates: readonly MergeCandidate[], options: SuggestOptions): MergeSuggestionGroup[] {
  const buckets = new Map<string, MergeCandidate[]>();
  for (const c of candidates) {
    const area = options.neighbourhood === "street" ? c.streetId : c.districtId;
    if (!mergeable(c) || !area || !c.communityId) continue;
    const key = `${c.theme}|${audienceClass(c.audience)}|${area}`;
    buckets.set(key, [...(buckets.get(key) ?? []), c]);
  }
  const groups: MergeSuggestionGroup[] = [];
  for (const bucket of buckets.values()) {
    const sorted = [...bucket].sort((a, b) => a.wantedAt.getTime() - b.wantedAt.getTime() || a.orderId.localeCompare(b.orderId));
    let start = 0;
    while (start < sorted.length) {
      const first = sorted[start]!;
      let end = start + 1;
      while (end < sorted.length && sorted[end]!.wantedAt.getTime() - first.wantedAt.getTime() <= options.windowDays * dayMs) end++;
      const window = sorted.slice(start, end);
      const communityIds = [...new Set(window.map((c) => c.communityId))];
      if (communityIds.length >= 2) {
        const specific = window.find((c) => c.audience !== Audience.UNSPECIFIED && c.audience !== Audience.RESIDENTS);
        groups.push({
          orderIds: window.map((c) => c.orderId),
          theme: first.theme,
          audience: specific?.audience ?? (window.some((c) => c.audience === Audience.RESIDENTS) ? Audience.RESIDENTS : Audience.UNSPECIFIED),
          areaOrgId: options.neighbourhood === "street" ? first.streetId : first.districtId,
          communityIds,
          earliest: first.wantedAt,
          latest: window[window.length - 1]!.wantedAt,
        });
        start = end;
      } else start++;
    }
  }
  return groups.sort((a, b) => b.orderIds.length - a.orderIds.length || a.earliest.getTime() - b.earliest.getTime());
}

/** An order as a candidate: its preferred date, else when it was ordered. */
export function candidateOf(state: OrderState & { mergeId?: string }): MergeCandidate {
  const community = state.request.community;
  const preferred = state.request.preferredDate;
  return {
    orderId: state.orderId,
    status: state.status,
    mergeId: state.mergeId ?? "",
    theme: state.request.theme,
    audience: state.request.audience,
    communityId: community?.orgId ?? "",
    streetId: community?.streetId ?? "",
    districtId: community?.districtId ?? "",
    wantedAt: preferred ? new Date(Number(preferred.seconds) * 1000) : state.submittedAt,
  };
}

// ---------------------------------------------------------------- the merge's life

export interface MergeMemberState {
  orderId: string;
  requesterId: string;
  /** The worker who placed her 代点单 (may answer for her), or "". */
  placedById: string;
  communityId: string;
  answer: MergeAnswer;
  answeredById: string;
  reason: string;
}

export interface MergeState {
  mergeId: string;
  status: MergeStatus;
  members: MergeMemberState[];
  proposedById: string;
  proposedByOrgId: string;
  note: string;
  leadOrderId: string;
  /** Once merged: the group's orders, the lead first. */
  mergedOrderIds: string[];
  version: number;
}

export type MergeEvent =
  | { kind: "MergeProposed"; members: MergeMemberState[]; proposedById: string; proposedByOrgId: string; note: string }
  | { kind: "MergeConsented"; orderId: string; byId: string }
  | { kind: "MergeDeclined"; orderId: string; byId: string; reason: string }
  /** The proposer confirmed: the consenting orders (lead first) become one group. */
  | { kind: "MergeConfirmed"; leadOrderId: string; orderIds: string[] };

export type MergeCommand =
  | { kind: "propose"; orders: OrderState[]; note: string }
  | { kind: "answer"; order: OrderState; consent: boolean; reason: string }
  /** `orders`: the members' orders as they are now. */
  | { kind: "confirm"; orders: OrderState[] };

const mergeOf = (state: OrderState & { mergeId?: string }) => state.mergeId ?? "";

/** The community worker or the street, over each order's community (the access model's order.read subtree). */
function mayPropose(actor: Actor | undefined, orders: readonly OrderState[]): Result<void> {
  if (actor?.role !== Role.COMMUNITY_WORKER && actor?.role !== Role.STREET_STAFF && actor?.role !== Role.ADMIN) return fail(mergeErrors.onlyStaff());
  if (orders.some((o) => !can("order.read", actor, orderFacts(o, undefined)))) return fail(mergeErrors.notYourScope());
  return ok(undefined);
}

function propose(orders: OrderState[], note: string, actor: Actor | undefined): Result<MergeEvent[]> {
  const ids = new Set(orders.map((o) => o.orderId));
  if (ids.size < 2 || ids.size !== orders.length) return fail(mergeErrors.tooFew());
  const allowed = mayPropose(actor, orders);
  if (!allowed.ok) return allowed;
  for (const o of orders) {
    if (mergeOf(o)) return fail(mergeErrors.alreadyMerged(o.orderId));
    if (o.status !== OrderStatus.SUBMITTED) return fail(mergeErrors.notOpen(o.orderId));
  }
  const [first, ...rest] = orders as [OrderState, ...OrderState[]];
  if (rest.some((o) => o.request.theme !== first.request.theme)) return fail(mergeErrors.themeDiffers());
  if (rest.some((o) => !compatibleAudience(o.request.audience, first.request.audience))) return fail(mergeErrors.audienceDiffers());
  const district = first.request.community?.districtId ?? "";
  if (!district || rest.some((o) => o.request.community?.districtId !== district)) return fail(mergeErrors.tooFar());
  const members = orders.map(
    (o): MergeMemberState => ({
      orderId: o.orderId,
      requesterId: o.requesterId,
      placedById: o.onBehalf?.placedById ?? "",
      communityId: o.request.community?.orgId ?? "",
      answer: MergeAnswer.PENDING,
      answeredById: "",
      reason: "",
    }),
  );
  return ok([{ kind: "MergeProposed", members, proposedById: actor?.id ?? "", proposedByOrgId: actor?.orgId ?? "", note: note.trim() }]);
}

/**
 * The rules of a merge: proposed over open orders of one theme, compatible audience and one
 * district by a community worker or the street over them; each requester (or the worker who placed
 * her 代点单) consents or keeps her own order, and may change her mind until it is confirmed; the
 * proposer confirms and the consenting orders still open (two at least) become one group led by the
 * first of them. Declined and unanswered orders stay as they were.
 */
export function decideMerge(state: MergeState | undefined, command: MergeCommand, actor: Actor | undefined): Result<MergeEvent[]> {
  if (command.kind === "propose") return state ? ok([]) : propose(command.orders, command.note, actor); // a retried proposal
  if (!state) return fail(mergeErrors.notFound(""));
  if (command.kind === "answer") {
    const member = state.members.find((m) => m.orderId === command.order.orderId);
    if (!member) return fail(mergeErrors.notMember(command.order.orderId));
    if (!actor?.id || (actor.id !== command.order.requesterId && actor.id !== (command.order.onBehalf?.placedById ?? ""))) return fail(mergeErrors.notRequester());
    if (state.status !== MergeStatus.PROPOSED) return fail(mergeErrors.alreadyConfirmed());
    const answer = command.consent ? MergeAnswer.CONSENTED : MergeAnswer.DECLINED;
    if (member.answer === answer) return ok([]);
    return ok([command.consent ? { kind: "MergeConsented", orderId: member.orderId, byId: actor.id } : { kind: "MergeDeclined", orderId: member.orderId, byId: actor.id, reason: command.reason.trim() }]);
  }
  if (actor?.id !== state.proposedById && actor?.role !== Role.ADMIN) return fail(mergeErrors.notProposer());
  if (state.status === MergeStatus.MERGED) return ok([]); // confirmed already
  const current = new Map(command.orders.map((o) => [o.orderId, o]));
  const joining = state.members
    .filter((m) => m.answer === MergeAnswer.CONSENTED)
    .map((m) => current.get(m.orderId))
    .filter((o): o is OrderState => o !== undefined && o.status === OrderStatus.SUBMITTED && (!mergeOf(o) || mergeOf(o) === state.mergeId));
  if (joining.length < 2) return fail(mergeErrors.tooFewConsented());
  return ok([{ kind: "MergeConfirmed", leadOrderId: joining[0]!.orderId, orderIds: joining.map((o) => o.orderId) }]);
}

export function evolveMerge(state: MergeState | undefined, event: MergeEvent, mergeId: string): MergeState {
  if (event.kind === "MergeProposed") {
    return { mergeId, status: MergeStatus.PROPOSED, members: event.members, proposedById: event.proposedById, proposedByOrgId: event.proposedByOrgId, note: event.note, leadOrderId: "", mergedOrderIds: [], version: 1 };
  }
  if (!state) throw new Error(`${event.kind} before MergeProposed`);
  const next = { ...state, version: state.version + 1 };
  const answered = (orderId: string, answer: MergeAnswer, byId: string, reason: string) => ({
    ...next,
    members: state.members.map((m) => (m.orderId === orderId ? { ...m, answer, answeredById: byId, reason } : m)),
  });
  switch (event.kind) {
    case "MergeConsented":
      return answered(event.orderId, MergeAnswer.CONSENTED, event.byId, "");
    case "MergeDeclined":
      return answered(event.orderId, MergeAnswer.DECLINED, event.byId, event.reason);
    case "MergeConfirmed":
      return { ...next, status: MergeStatus.MERGED, leadOrderId: event.leadOrderId, mergedOrderIds: event.orderIds };
  }
}

/** The timeline's words for an order joining a group (Chinese, then English). */
export function mergedReason(orderCount: number, lead: boolean): string {
  const others = orderCount - 1;
  return lead
    ? `与其他 ${others} 个订单合并为一场活动，由本订单统一派单 / Merged with ${others} other order(s) into one activity, dispatched through this order`
    : `与其他 ${others} 个订单合并为一场活动，由合并组的主订单统一派单 / Merged with ${others} other order(s) into one activity, dispatched through the group's lead order`;
}
