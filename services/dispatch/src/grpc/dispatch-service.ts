import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { v7 as uuidv7 } from "uuid";
import { listScope, requireAccess, teamPeople } from "@kepu/access";
import { ActorSchema, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { DispatchService, OrderSchema} from "@kepu/contracts/dispatch/v1/service_pb";
import { type ListOrdersRequest } from "@kepu/contracts/dispatch/v1/service_pb";
import type { CallContext, ServiceImplementation } from "@kepu/rpc";
import type { OrderCommand } from "../domain/decide.js";
import { orderErrors } from "../domain/errors.js";
import { placeOnBehalf } from "../domain/on-behalf.js";
import { canRead, orderFacts } from "../domain/policy.js";
import { suggestTeams, type TeamProfile } from "../domain/suggest.js";
import type { Merges } from "../merges.js";
import type { Orders } from "../orders.js";
import { mergeRpcs } from "./merge-service.js";
import type { OrderQuery, OrderReach, OrderStore, StoredOrder } from "../store/order-store.js";
import type { TeamStore } from "../store/team-store.js";
import { optionalName, optionalText, requireId, requireText, validateRequest } from "./validate.js";

type OrderMessage = MessageInitShape<typeof OrderSchema>;

/** The order as clients see it, with its timeline. */
export function toOrderMessage({ state, timeline }: StoredOrder): OrderMessage {
  return {
    orderId: state.orderId,
    status: state.status,
    requesterId: state.requesterId,
    request: state.request,
    campaignId: state.campaignId,
    holder: state.holder,
    invitedTeamIds: state.invitedTeamIds,
    declinedTeamIds: state.declinedTeamIds,
    acceptedTeamId: state.acceptedTeamId,
    activityId: state.activityId,
    rating: state.rating,
    version: BigInt(state.version),
    submittedAt: timestampFromDate(state.submittedAt),
    dueAt: state.dueAt ? timestampFromDate(state.dueAt) : undefined,
    ...(state.onBehalf ? { onBehalf: state.onBehalf } : {}),
    mergeId: state.mergeId ?? "",
    leadOrderId: state.leadOrderId ?? "",
    timeline: timeline.map((step) => ({
      eventType: step.eventType,
      occurredAt: timestampFromDate(step.at),
      actor: create(ActorSchema, { id: step.actorId, role: step.actorRole, orgId: step.actorOrgId, displayName: step.actorName }),
      reason: step.reason,
      teamIds: step.teamIds,
    })),
  };
}

/** The gRPC edge: validates every request, then hands a command to the use cases. */
export function dispatchService(orders: Orders, store: OrderStore, teams: TeamStore, merges: Merges): ServiceImplementation<typeof DispatchService> {
  const command = async (orderId: string, cmd: OrderCommand, context: CallContext) => ({
    order: toOrderMessage(await orders.handle(requireId(orderId, "orderId"), cmd, context.actor, { correlationId: context.correlationId })),
  });

  /** An order the actor may see; one they may not is not found, as if it did not exist. */
  const readable = async (orderId: string, actor: Actor | undefined): Promise<StoredOrder> => {
    const stored = await store.load(requireId(orderId, "orderId"));
    const areas = stored?.state.status === OrderStatus.POOLED && actor?.role !== undefined && teamPeople.includes(actor.role) ? await teams.areasOf(actor.orgId) : [];
    if (!stored || !canRead(stored.state, actor, areas)) throw orderErrors.notFound(orderId);
    return stored;
  };

  return {
    ...mergeRpcs(merges),
    async submitOrder(request, context) {
      const orderId = request.orderId ? requireId(request.orderId, "orderId") : uuidv7();
      const asked = validateRequest(request.request);
      const campaignId = optionalText(request.campaignId, "campaignId", 80);
      if (!request.onBehalf) return command(orderId, { kind: "submit", requesterId: context.actor?.id ?? "", request: asked, campaignId }, context);
      // 代点单: the resident becomes the requester; the placer is the caller.
      const named = { ...request.onBehalf, residentName: optionalName(request.onBehalf.residentName, "onBehalfOf.name", 20), consentNote: optionalText(request.onBehalf.consentNote, "onBehalfOf.consentNote", 200) }; // never a phone number in a name; masked in the note
      const placed = placeOnBehalf(context.actor, named, asked.community);
      if (!placed.ok) throw placed.error;
      return command(orderId, { kind: "submit", requesterId: placed.value.residentId, request: asked, campaignId, onBehalf: placed.value }, context);
    },
    dispatchOrder: (request, context) =>
      command(request.orderId, { kind: "dispatch", teamIds: request.teamIds.map((t) => requireId(t, "teamIds")), note: optionalText(request.note, "note") }, context),
    poolOrder: (request, context) =>
      command(request.orderId, { kind: "pool", poolOrgId: context.actor?.orgId ?? "", reason: optionalText(request.reason, "reason") }, context),
    claimOrder: (request, context) => command(request.orderId, { kind: "claim", associationOrgId: context.actor?.orgId ?? "" }, context),
    acceptOrder: (request, context) => command(request.orderId, { kind: "accept", teamId: requireId(request.teamId, "teamId") }, context),
    declineOrder: (request, context) =>
      command(request.orderId, { kind: "decline", teamId: requireId(request.teamId, "teamId"), reason: requireText(request.reason, "reason") }, context),
    cancelOrder: (request, context) => command(request.orderId, { kind: "cancel", reason: requireText(request.reason, "reason") }, context),
    rejectOrder: (request, context) => command(request.orderId, { kind: "reject", reason: requireText(request.reason, "reason") }, context),
    rateOrder: (request, context) =>
      command(request.orderId, { kind: "rate", raterId: context.actor?.id ?? "", score: request.score, comment: optionalText(request.comment, "comment") }, context),

    async getOrder(request, context) {
      return { order: toOrderMessage(await readable(request.orderId, context.actor)) };
    },

    async listOrders(request, context) {
      const { orders: found, total } = await store.list(await scopedQuery(request, context.actor, teams));
      return { orders: found.map(toOrderMessage), total };
    },

    async suggestTeams(request, context) {
      const stored = await readable(request.orderId, context.actor);
      requireAccess(stored.state.holder === OrderHolder.COMMUNITY ? "order.handleAtCommunity" : "order.dispatchClaimed", context.actor, orderFacts(stored.state, undefined));
      const { theme, community } = stored.state.request;
      const ranked = suggestTeams(await teamProfiles(store, teams), { theme, community, declinedTeamIds: stored.state.declinedTeamIds }, request.limit > 0 ? Math.min(request.limit, 50) : 10);
      return {
        suggestions: ranked.map((s) => ({ teamId: s.team.teamId, teamName: s.team.name, score: s.score, themes: s.team.themes, parts: s.parts })),
      };
    },
  };
}

/** Everyone lists only inside their reach (@kepu/access), in the query; a requested subtree narrows it, never widens it. */
async function scopedQuery(request: ListOrdersRequest, actor: Actor | undefined, teams: TeamStore): Promise<OrderQuery> {
  const scope = listScope("order.read", actor);
  const pageSize = request.pageSize > 0 ? Math.min(request.pageSize, 200) : 20;
  const withinOrgIds = request.orgId ? [requireId(request.orgId, "orgId")] : [];
  const base = { statuses: request.statuses, page: Math.max(request.page, 0), pageSize, withinOrgIds, teamId: request.teamId, requesterId: "" };
  if (scope.all) return { ...base, reach: [], requesterId: request.requesterId };
  const me = actor!;
  const areas = scope.scopes.includes("teamArea") ? await teams.areasOf(me.orgId) : [];
  const reach = scope.scopes.flatMap((s): OrderReach[] => {
    if (s === "own") return [{ requesterId: me.id }];
    if (s === "subtree") return [{ withinOrgId: me.orgId }];
    if (s === "offered") return [{ offeredTo: me.orgId }];
    if (s === "ownTeam") return [{ acceptedBy: me.orgId }];
    if (s === "teamArea") return areas.length > 0 ? [{ pooledWithin: areas }] : [];
    return [];
  });
  return { ...base, reach };
}

async function teamProfiles(store: OrderStore, teams: TeamStore): Promise<TeamProfile[]> {
  const all = await teams.all();
  const counts = await store.teamCounts(all.map((t) => t.teamId));
  return all.map((team, i) => {
    const { openOrders, accepted, declined, rated, ratingSum } = counts[i]!;
    return { ...team, openOrders, accepted, declined, rating: rated > 0 ? ratingSum / rated : 0 };
  });
}
