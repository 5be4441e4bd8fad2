// Orders (dispatch): 点单, the inbox and the pool, 派单 · 领单 · 接单 and the rest of an order's life.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type, type TSchema } from "typebox";
import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import * as d from "@kepu/contracts/dispatch/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, dateTime, enumName, enumValue, id, idempotencyHeader, paging, params, protoJson, protoJsonWith, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const orderStatuses = Object.keys(OrderStatus).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED");
const statusList = Type.String({
  pattern: `^(${orderStatuses.join("|")})(,(${orderStatuses.join("|")}))*$`,
  description: `一个或多个状态，逗号分隔 / one or more statuses, comma-separated: ${orderStatuses.join(", ")}`,
});

const orderBody = strictObject({
  menuItemId: Type.Optional(id("菜单项 / the menu item")),
  title: Type.Optional(text(100)),
  description: Type.Optional(text(2000)),
  theme: enumName(Theme, "THEME_"),
  format: Type.Optional(enumName(Format, "FORMAT_")),
  audience: Type.Optional(enumName(Audience, "AUDIENCE_")),
  expectedParticipants: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  preferredDate: Type.Optional(dateTime()),
  communityId: id("下单的社区 / the ordering community"),
  campaignId: Type.Optional(text(80)),
});

const orders: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["orders"];
  app.post("/api/v1/orders", { config: { idempotent: true }, schema: { tags, ...secured, headers: idempotencyHeader, body: orderBody, response: answers(protoJson(d.SubmitOrderResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const community = (await clients.registry.getOrganization({ orgId: b.communityId }, rpcOptions(request, caller))).organization?.place;
    const preferredDate = b.preferredDate ? { seconds: BigInt(Math.floor(Date.parse(b.preferredDate) / 1000)), nanos: 0 } : undefined;
    const res = await clients.dispatch.submitOrder(
      {
        campaignId: b.campaignId ?? "",
        request: {
          menuItemId: b.menuItemId ?? "",
          title: b.title ?? "",
          description: b.description ?? "",
          theme: enumValue(Theme, "THEME_", b.theme),
          format: enumValue(Format, "FORMAT_", b.format),
          audience: enumValue(Audience, "AUDIENCE_", b.audience),
          expectedParticipants: b.expectedParticipants ?? 0,
          ...(community ? { community } : {}),
          ...(preferredDate ? { preferredDate } : {}),
        },
      },
      rpcOptions(request, caller),
    );
    return json(d.SubmitOrderResponseSchema, res);
  });
  const listQuery = strictObject({ orgId: Type.Optional(id()), teamId: Type.Optional(id()), status: Type.Optional(statusList), ...paging });
  const listAnswer = protoJsonWith(d.ListOrdersResponseSchema, { page: { type: "integer" }, pageSize: { type: "integer" } }, ["page", "pageSize"]);
  app.get("/api/v1/orders", { schema: { tags, ...secured, querystring: listQuery, response: answers(listAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    // "SUBMITTED,POOLED": several statuses at once (a worker's inbox, the association's pool).
    const statuses = (q.status ? q.status.split(",") : []).map((name) => OrderStatus[name as keyof typeof OrderStatus]);
    const page = q.page ?? 0;
    const pageSize = q.pageSize ?? 20;
    // Dispatch lists only what is within the caller's reach; orgId and teamId narrow it.
    const res = await clients.dispatch.listOrders({ orgId: q.orgId ?? "", teamId: q.teamId ?? "", statuses, page, pageSize }, rpcOptions(request, caller));
    return { ...(json(d.ListOrdersResponseSchema, res) as object), page, pageSize };
  });
  app.get("/api/v1/orders/:orderId", { schema: { tags, ...secured, params: params("orderId"), response: answers(protoJson(d.GetOrderResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(d.GetOrderResponseSchema, await clients.dispatch.getOrder({ orderId: request.params.orderId }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/orders/:orderId/suggestions", { schema: { tags, ...secured, params: params("orderId"), response: answers(protoJson(d.SuggestTeamsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(d.SuggestTeamsResponseSchema, await clients.dispatch.suggestTeams({ orderId: request.params.orderId, limit: 10 }, rpcOptions(request, caller)));
  });

  const orderAnswer = answers(Type.Object({ order: Type.Optional(protoJson(d.OrderSchema)) }));
  const orderAction = <B extends TSchema>(action: string, body: B, call: (orderId: string, b: Record<string, unknown>, opts: ReturnType<typeof rpcOptions>) => Promise<{ order?: d.Order }>) =>
    app.post(`/api/v1/orders/:orderId/${action}`, { schema: { tags, ...secured, params: params("orderId"), body, response: orderAnswer } }, async (request) => {
      const caller = signedIn(request);
      const res = await call(request.params.orderId, (request.body ?? {}) as Record<string, unknown>, rpcOptions(request, caller));
      return res.order ? { order: json(d.OrderSchema, res.order) } : {};
    });
  const reason = (required: boolean) => strictObject({ reason: required ? text(500) : Type.Optional(text(500)) });
  const teamIds = Type.Array(id(), { minItems: 1, maxItems: 20 });
  orderAction("dispatch", strictObject({ teamIds, note: Type.Optional(text(500)) }), (orderId, b, o) => clients.dispatch.dispatchOrder({ orderId, teamIds: b.teamIds as string[], note: String(b.note ?? "") }, o)); // 派单
  orderAction("pool", reason(false), (orderId, b, o) => clients.dispatch.poolOrder({ orderId, reason: String(b.reason ?? "") }, o)); // 转科协
  orderAction("claim", strictObject({}), (orderId, _b, o) => clients.dispatch.claimOrder({ orderId }, o)); // 领单
  orderAction("accept", strictObject({}), (orderId, _b, o) => clients.dispatch.acceptOrder({ orderId, teamId: o.actor.orgId }, o)); // 接单
  orderAction("decline", reason(true), (orderId, b, o) => clients.dispatch.declineOrder({ orderId, teamId: o.actor.orgId, reason: String(b.reason) }, o));
  orderAction("cancel", reason(true), (orderId, b, o) => clients.dispatch.cancelOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("reject", reason(true), (orderId, b, o) => clients.dispatch.rejectOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("rate", strictObject({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(text(500)) }), (orderId, b, o) => clients.dispatch.rateOrder({ orderId, score: Number(b.score), comment: String(b.comment ?? "") }, o));
};

export default orders;
