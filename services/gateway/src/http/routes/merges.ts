// Merged demand (合并需求, dispatch): suggestions of open orders that could be one activity, the
// proposal by a community worker or the street, each requester's answer, the confirmation. Who may
// do what is decided in dispatch (domain/merge.ts with @kepu/access).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import * as d from "@kepu/contracts/dispatch/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, id, params, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const merges: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["merges"];
  // Every merge call answers the same shape: the merge as it stands after it.
  const mergeAnswer = answers(protoJson(d.GetMergeResponseSchema));

  const suggestQuery = strictObject({
    orgId: id("街道或区：其下各社区的待派订单 / a street or district: the open orders of its communities"),
    windowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: "同组订单期望日期最多相隔几天（默认 14）/ at most this many days between wanted dates (default 14)" })),
  });
  app.get("/api/v1/orders/merge-suggestions", { schema: { tags, ...secured, querystring: suggestQuery, response: answers(protoJson(d.SuggestMergesResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const res = await clients.dispatch.suggestMerges({ orgId: request.query.orgId, windowDays: request.query.windowDays ?? 0 }, rpcOptions(request, caller));
    return json(d.SuggestMergesResponseSchema, res);
  });

  const proposeBody = strictObject({
    orderIds: Type.Array(id(), { minItems: 2, maxItems: 20, description: "要合并的订单 / the orders to merge" }),
    note: Type.Optional(text(500, "给点单人的说明 / a note for the requesters")),
  });
  app.post("/api/v1/merges", { config: { idempotent: true }, schema: { tags, ...secured, body: proposeBody, response: mergeAnswer } }, async (request) => {
    const caller = signedIn(request);
    const res = await clients.dispatch.proposeMerge({ orderIds: request.body.orderIds, note: request.body.note ?? "" }, rpcOptions(request, caller));
    return json(d.ProposeMergeResponseSchema, res);
  });

  app.get("/api/v1/merges/:mergeId", { schema: { tags, ...secured, params: params("mergeId"), response: mergeAnswer } }, async (request) => {
    const caller = signedIn(request);
    return json(d.GetMergeResponseSchema, await clients.dispatch.getMerge({ mergeId: request.params.mergeId }, rpcOptions(request, caller)));
  });
  // The requester's order page: the newest merge naming her order, if any (404 MERGE_NOT_FOUND when none).
  app.get("/api/v1/orders/:orderId/merge", { schema: { tags, ...secured, params: params("orderId"), response: mergeAnswer } }, async (request) => {
    const caller = signedIn(request);
    return json(d.GetMergeResponseSchema, await clients.dispatch.getMerge({ orderId: request.params.orderId }, rpcOptions(request, caller)));
  });

  const answerBody = (declining: boolean) =>
    strictObject({
      orderId: id("答复的订单（本人的，或代点单的）/ the order answered for: one's own, or a 代点单 one placed"),
      ...(declining ? { reason: Type.Optional(text(500, "保留原订单的原因（可选）/ why she keeps her own order, optional")) } : {}),
    });
  for (const [action, consent] of [
    ["consent", true],
    ["decline", false],
  ] as const) {
    app.post(`/api/v1/merges/:mergeId/${action}`, { schema: { tags, ...secured, params: params("mergeId"), body: answerBody(!consent), response: mergeAnswer } }, async (request) => {
      const caller = signedIn(request);
      const body = request.body as { orderId: string; reason?: string };
      const res = await clients.dispatch.answerMerge({ mergeId: request.params.mergeId, orderId: body.orderId, consent, reason: body.reason ?? "" }, rpcOptions(request, caller));
      return json(d.AnswerMergeResponseSchema, res);
    });
  }
  app.post("/api/v1/merges/:mergeId/confirm", { schema: { tags, ...secured, params: params("mergeId"), body: Type.Optional(strictObject({})), response: mergeAnswer } }, async (request) => {
    const caller = signedIn(request);
    return json(d.ConfirmMergeResponseSchema, await clients.dispatch.confirmMerge({ mergeId: request.params.mergeId }, rpcOptions(request, caller)));
  });
};

export default merges;
