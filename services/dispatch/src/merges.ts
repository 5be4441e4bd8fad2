// The use cases of merged demand (domain/merge.ts): suggest, propose, answer, confirm, read.
// A confirmed merge puts each consenting order into the group through the order's own decider
// (the "merge" command: OrdersMerged on each), so the lead order is dispatched and accepted once.
import { create } from "@bufbuild/protobuf";
import { newEvent, type EventEnvelope } from "@kepu/bus";
import { can, listScope } from "@kepu/access";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { MergeConsentedSchema, MergeDeclinedSchema, MergedOrderSchema, MergeProposedSchema, OrderStatus, type MergedOrder } from "@kepu/contracts/dispatch/v1/events_pb";
import { kepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import type { OutboxRelay } from "@kepu/outbox";
import {
  candidateOf,
  decideMerge,
  evolveMerge,
  mergedReason,
  mergeErrors,
  suggestMerges,
  type MergeCommand,
  type MergeEvent,
  type MergeState,
  type MergeSuggestionGroup,
  type SuggestOptions,
} from "./domain/merge.js";
import type { OrderState } from "./domain/order.js";
import { orderFacts } from "./domain/policy.js";
import type { Cause } from "./messaging/order-events.js";
import type { Clock, Orders } from "./orders.js";
import type { MergeStore } from "./store/merge-store.js";
import type { OrderReach, OrderStore } from "./store/order-store.js";

const maxAttempts = 8;

function toEnvelope(state: MergeState, event: MergeEvent, version: number, at: Date, actor: Actor | undefined, cause: Cause): EventEnvelope | undefined {
  const meta = { source: "dispatch", aggregateId: state.mergeId, aggregateVersion: version, occurredAt: at, actor, correlationId: cause.correlationId, ...(cause.causationId ? { causationId: cause.causationId } : {}) };
  switch (event.kind) {
    case "MergeProposed":
      return newEvent(MergeProposedSchema, { mergeId: state.mergeId, orderIds: event.members.map((m) => m.orderId), proposedByOrgId: event.proposedByOrgId, note: event.note }, meta);
    case "MergeConsented":
      return newEvent(MergeConsentedSchema, { mergeId: state.mergeId, orderId: event.orderId }, meta);
    case "MergeDeclined":
      return newEvent(MergeDeclinedSchema, { mergeId: state.mergeId, orderId: event.orderId, reason: event.reason }, meta);
    case "MergeConfirmed":
      return undefined; // told by OrdersMerged on each order of the group
  }
}

export class Merges {
  constructor(
    private readonly store: MergeStore,
    private readonly orderStore: OrderStore,
    private readonly orders: Orders,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: Omit<SuggestOptions, "windowDays"> & { defaultWindowDays: number },
  ) {}

  /** Groups of the open orders under `orgId` that the actor can see, that could be one activity each. */
  async suggest(orgId: string, windowDays: number, actor: Actor | undefined): Promise<MergeSuggestionGroup[]> {
    const scope = listScope("order.read", actor);
    if (!scope.all && !scope.scopes.includes("subtree")) throw mergeErrors.onlyStaff();
    const reach: OrderReach[] = scope.all ? [] : [{ withinOrgId: actor!.orgId }];
    const { orders } = await this.orderStore.list({ reach, withinOrgIds: orgId ? [orgId] : [], statuses: [OrderStatus.SUBMITTED], teamId: "", requesterId: "", page: 0, pageSize: 200 });
    return suggestMerges(
      orders.map((o) => candidateOf(o.state)),
      { neighbourhood: this.options.neighbourhood, windowDays: windowDays > 0 ? Math.min(windowDays, 90) : this.options.defaultWindowDays },
    );
  }

  async propose(mergeId: string, orderIds: string[], note: string, actor: Actor | undefined, cause: Cause): Promise<MergeState> {
    const orders = await this.ordersNamed([...new Set(orderIds)], actor);
    return this.run(mergeId, { kind: "propose", orders, note }, actor, cause);
  }

  async answer(mergeId: string, orderId: string, consent: boolean, reason: string, actor: Actor | undefined, cause: Cause): Promise<MergeState> {
    const order = (await this.orderStore.load(orderId, { fresh: true }))?.state;
    if (!order) throw mergeErrors.notMember(orderId);
    return this.run(mergeId, { kind: "answer", order, consent, reason }, actor, cause);
  }

  /** Confirms, then puts each order of the group into it (again after a crash: each step is a no-op the second time). */
  async confirm(mergeId: string, actor: Actor | undefined, cause: Cause): Promise<MergeState> {
    const before = await this.store.load(mergeId);
    if (!before) throw mergeErrors.notFound(mergeId);
    const current = await Promise.all(before.members.map((m) => this.orderStore.load(m.orderId, { fresh: true })));
    const merged = await this.run(mergeId, { kind: "confirm", orders: current.flatMap((o) => (o ? [o.state] : [])) }, actor, cause);
    const group = await Promise.all(merged.mergedOrderIds.map((id) => this.orderStore.load(id, { fresh: true })));
    const members = group.flatMap((o): MergedOrder[] => (o ? [memberOf(o.state)] : []));
    for (const orderId of merged.mergedOrderIds) {
      const command = { kind: "merge" as const, mergeId, leadOrderId: merged.leadOrderId, orders: members, reason: mergedReason(members.length, orderId === merged.leadOrderId) };
      await this.orders.handle(orderId, command, actor, cause);
    }
    return merged;
  }

  /** A merge the actor may see: its proposer, staff over one of its orders, or a requester (or her 代点单 placer) of one. */
  async get(mergeId: string, orderId: string, actor: Actor | undefined): Promise<MergeState> {
    const merge = mergeId ? await this.store.load(mergeId) : await this.store.newestFor(orderId);
    if (!merge) throw mergeErrors.notFound(mergeId || orderId);
    if (actor?.id === merge.proposedById || merge.members.some((m) => m.requesterId === actor?.id || (m.placedById && m.placedById === actor?.id))) return merge;
    const orders = await Promise.all(merge.members.map((m) => this.orderStore.load(m.orderId)));
    if (orders.some((o) => o && can("order.read", actor, orderFacts(o.state, undefined)))) return merge;
    throw mergeErrors.notFound(mergeId || orderId);
  }

  private async ordersNamed(orderIds: string[], actor: Actor | undefined): Promise<OrderState[]> {
    const found = await Promise.all(orderIds.map((id) => this.orderStore.load(id, { fresh: true })));
    return found.map((o, i) => {
      // One the actor may not see is not found, as if it did not exist.
      if (!o || (actor?.role !== Role.ADMIN && !can("order.read", actor, orderFacts(o.state, undefined)))) {
        throw kepuError("not_found", "ORDER_NOT_FOUND", `订单 ${orderIds[i]} 不存在`, `Order ${orderIds[i]} does not exist`, "orderIds");
      }
      return o.state;
    });
  }

  private async run(mergeId: string, command: MergeCommand, actor: Actor | undefined, cause: Cause): Promise<MergeState> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const before = await this.store.load(mergeId);
      const decision = decideMerge(before, command, actor);
      if (!decision.ok) throw decision.error;
      if (decision.value.length === 0) {
        if (!before) throw mergeErrors.notFound(mergeId);
        return before;
      }
      const now = this.clock();
      let state = before;
      const envelopes: EventEnvelope[] = [];
      for (const event of decision.value) {
        state = evolveMerge(state, event, mergeId);
        const envelope = toEnvelope(state, event, state.version, now, actor, cause);
        if (envelope) envelopes.push(envelope);
      }
      if ((await this.store.save(before, state!, envelopes, now)) === "saved") {
        this.relay.kick(this.store.merges, mergeId);
        return state!;
      }
      this.log.debug({ mergeId, attempt, command: command.kind }, "merge changed meanwhile; deciding again");
    }
    throw kepuError("conflict", "MERGE_BUSY", "合并申请正被频繁修改，请稍后重试", "The merge is changing quickly; please retry");
  }
}

/** An order as its merge group's activity needs it. */
function memberOf(state: OrderState): MergedOrder {
  return create(MergedOrderSchema, { orderId: state.orderId, requesterId: state.requesterId, community: state.request.community, expectedParticipants: state.request.expectedParticipants });
}
