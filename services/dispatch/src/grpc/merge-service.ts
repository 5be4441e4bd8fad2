import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { DispatchService, MergeSchema } from "@kepu/contracts/dispatch/v1/service_pb";
import type { ServiceImplementation } from "@kepu/rpc";
import { v7 as uuidv7 } from "uuid";
import type { MergeState } from "../domain/merge.js";
import type { Merges } from "../merges.js";
import { optionalText, requireId } from "./validate.js";

type MergeRpcs = Pick<ServiceImplementation<typeof DispatchService>, "suggestMerges" | "proposeMerge" | "answerMerge" | "confirmMerge" | "getMerge">;

function toMergeMessage(state: MergeState): MessageInitShape<typeof MergeSchema> {
  return {
    mergeId: state.mergeId,
    status: state.status,
    members: state.members.map((m) => ({ orderId: m.orderId, answer: m.answer, answeredById: m.answeredById, reason: m.reason, communityId: m.communityId, requesterId: m.requesterId })),
    proposedById: state.proposedById,
    proposedByOrgId: state.proposedByOrgId,
    leadOrderId: state.leadOrderId,
    version: BigInt(state.version),
    note: state.note,
  };
}

/** The gRPC edge of merged demand (merges.ts): validates, then hands over. */
export function mergeRpcs(merges: Merges): MergeRpcs {
  const cause = (correlationId: string) => ({ correlationId });
  return {
    async suggestMerges(request, context) {
      const groups = await merges.suggest(request.orgId ? requireId(request.orgId, "orgId") : "", request.windowDays, context.actor);
      return {
        suggestions: groups.map((g) => ({
          orderIds: g.orderIds,
          theme: g.theme,
          audience: g.audience,
          areaOrgId: g.areaOrgId,
          communityIds: g.communityIds,
          earliest: timestampFromDate(g.earliest),
          latest: timestampFromDate(g.latest),
          reasonZh: `${g.communityIds.length} 个社区的 ${g.orderIds.length} 个同主题订单，期望日期相近，可合并为一场活动`,
          reasonEn: `${g.orderIds.length} orders on one theme from ${g.communityIds.length} communities, wanted within days of each other: one activity could serve them`,
        })),
      };
    },
    async proposeMerge(request, context) {
      const mergeId = request.mergeId ? requireId(request.mergeId, "mergeId") : `merge-${uuidv7()}`;
      const orderIds = request.orderIds.map((id) => requireId(id, "orderIds"));
      return { merge: toMergeMessage(await merges.propose(mergeId, orderIds, optionalText(request.note, "note", 500), context.actor, cause(context.correlationId))) };
    },
    async answerMerge(request, context) {
      const state = await merges.answer(requireId(request.mergeId, "mergeId"), requireId(request.orderId, "orderId"), request.consent, optionalText(request.reason, "reason", 500), context.actor, cause(context.correlationId));
      return { merge: toMergeMessage(state) };
    },
    async confirmMerge(request, context) {
      return { merge: toMergeMessage(await merges.confirm(requireId(request.mergeId, "mergeId"), context.actor, cause(context.correlationId))) };
    },
    async getMerge(request, context) {
      const mergeId = request.mergeId ? requireId(request.mergeId, "mergeId") : "";
      const orderId = mergeId ? "" : requireId(request.orderId, "orderId");
      return { merge: toMergeMessage(await merges.get(mergeId, orderId, context.actor)) };
    },
  };
}
