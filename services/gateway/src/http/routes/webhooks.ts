// Webhooks (/api/v1/webhooks): other systems' subscriptions to the platform's events for an org
// subtree and event types, their delivery log and redelivery from it. The gateway authenticates;
// the notifications service authorizes every call with "webhook.manage" (associations for their
// subtree, admins) and answers a subscription outside the caller's reach as not found.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import * as w from "@kepu/contracts/notifications/v1/webhooks_pb";
import { json, rpcOptions } from "../app.js";
import { answers, id, idempotencyHeader, pageFields, paging, params, protoJson, protoJsonWith, secured, strictObject } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const eventType = Type.String({ pattern: "^kepu\\.[a-z0-9_.]+\\.v[0-9]+\\.[A-Za-z0-9]+$", maxLength: 120, description: "事件类型全名 / a payload's full name, e.g. kepu.dispatch.v1.OrderSubmitted" });
const createBody = strictObject({
  orgId: Type.Optional(id("只收此组织及其下级的事件；不填：全部（仅管理员）/ events at or below this org; none: every event (admins only)")),
  eventTypes: Type.Optional(Type.Array(eventType, { maxItems: 100, description: "不填：全部类型 / none: every type" })),
  url: Type.String({ minLength: 1, maxLength: 2000, description: "接收端 http(s) 地址 / the receiver's http(s) URL" }),
});
const listQuery = strictObject({ orgId: Type.Optional(id("只列此组织下的订阅 / only subscriptions within this org's subtree")) });
const enabledBody = strictObject({ enabled: Type.Boolean({ description: "启用（失败计数清零）或停用 / enable (failures reset) or disable" }) });
const deliveriesQuery = strictObject(paging);

const webhooks: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const client = clients.webhooks;
  const tags = ["webhooks"];

  app.post("/api/v1/webhooks", { config: { idempotent: true }, schema: { tags, ...secured, headers: idempotencyHeader, body: createBody, response: answers(protoJson(w.CreateSubscriptionResponseSchema)) } }, async (request) => {
    const { orgId = "", eventTypes = [], url } = request.body;
    return json(w.CreateSubscriptionResponseSchema, await client.createSubscription({ orgId, eventTypes, url }, rpcOptions(request, signedIn(request))));
  });
  app.get("/api/v1/webhooks", { schema: { tags, ...secured, querystring: listQuery, response: answers(protoJson(w.ListSubscriptionsResponseSchema)) } }, async (request) => {
    return json(w.ListSubscriptionsResponseSchema, await client.listSubscriptions({ orgId: request.query.orgId ?? "" }, rpcOptions(request, signedIn(request))));
  });
  app.put("/api/v1/webhooks/:subscriptionId/enabled", { schema: { tags, ...secured, params: params("subscriptionId"), body: enabledBody, response: answers(protoJson(w.SetSubscriptionEnabledResponseSchema)) } }, async (request) => {
    const answer = await client.setSubscriptionEnabled({ subscriptionId: request.params.subscriptionId, enabled: request.body.enabled }, rpcOptions(request, signedIn(request)));
    return json(w.SetSubscriptionEnabledResponseSchema, answer);
  });
  app.delete("/api/v1/webhooks/:subscriptionId", { schema: { tags, ...secured, params: params("subscriptionId"), response: answers(protoJson(w.DeleteSubscriptionResponseSchema)) } }, async (request) => {
    return json(w.DeleteSubscriptionResponseSchema, await client.deleteSubscription({ subscriptionId: request.params.subscriptionId }, rpcOptions(request, signedIn(request))));
  });
  // The delivery log, newest first, with each attempt's status code.
  app.get(
    "/api/v1/webhooks/:subscriptionId/deliveries",
    { schema: { tags, ...secured, params: params("subscriptionId"), querystring: deliveriesQuery, response: answers(protoJsonWith(w.ListDeliveriesResponseSchema, pageFields, ["page", "pageSize"])) } },
    async (request) => {
      const page = request.query.page ?? 0;
      const pageSize = request.query.pageSize ?? 20;
      const answer = await client.listDeliveries({ subscriptionId: request.params.subscriptionId, page, pageSize }, rpcOptions(request, signedIn(request)));
      return { deliveries: answer.deliveries.map((d) => json(w.DeliverySchema, d)), total: answer.total, page, pageSize };
    },
  );
  // The same event sent again, as a new delivery (its log entry names the one it repeats).
  app.post("/api/v1/webhook-deliveries/:deliveryId/redeliver", { config: { idempotent: true }, schema: { tags, ...secured, headers: idempotencyHeader, params: params("deliveryId"), response: answers(protoJson(w.RedeliverResponseSchema)) } }, async (request) => {
    return json(w.RedeliverResponseSchema, await client.redeliver({ deliveryId: request.params.deliveryId }, rpcOptions(request, signedIn(request))));
  });
};

export default webhooks;
