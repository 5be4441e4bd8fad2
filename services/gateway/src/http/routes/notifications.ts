// The inbox (站内消息): what changed for the signed-in person, her org's or team's mailbox, live;
// and her SMS settings. The notifications service decides which mailboxes are hers.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import * as n from "@kepu/contracts/notifications/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, errorBody, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { relayEvents, sseEvent } from "../sse.js";
import { signedIn, type RouteOptions } from "./context.js";

const inboxQuery = strictObject({
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: "每页条数 / per page (≤ 100)" })),
  pageToken: Type.Optional(text(200, "上一页给出的 nextPageToken / the nextPageToken of the page before")),
});
const settingsBody = strictObject({
  smsEnabled: Type.Boolean({ description: "接收短信通知 / receive notices by SMS" }),
  phone: Type.Optional(Type.String({ pattern: "^1[3-9]\\d{9}$", description: "接收短信的手机号 / the mobile number for SMS" })),
});
const liveAnswer = { 200: { description: "server-sent events: `unread`（{unread}）, `notification`（Notification JSON）and `error`", content: { "text/event-stream": { schema: sseEvent } } }, "4xx": errorBody, "5xx": errorBody };

const notifications: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["notifications"];
  const inbox = clients.notifications;
  app.get("/api/v1/me/notifications", { schema: { tags, ...secured, querystring: inboxQuery, response: answers(protoJson(n.ListInboxResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    return json(n.ListInboxResponseSchema, await inbox.listInbox({ pageSize: q.pageSize ?? 20, pageToken: q.pageToken ?? "" }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/me/notifications/unread", { schema: { tags, ...secured, response: answers(protoJson(n.UnreadCountResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(n.UnreadCountResponseSchema, await inbox.unreadCount({}, rpcOptions(request, caller)));
  });
  app.post("/api/v1/me/notifications/:notificationId/read", { schema: { tags, ...secured, params: strictObject({ notificationId: id() }), response: answers(protoJson(n.MarkReadResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(n.MarkReadResponseSchema, await inbox.markRead({ notificationIds: [request.params.notificationId] }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/me/notifications/read-all", { schema: { tags, ...secured, response: answers(protoJson(n.MarkReadResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(n.MarkReadResponseSchema, await inbox.markRead({ notificationIds: [] }, rpcOptions(request, caller))); // none named: all
  });
  app.get("/api/v1/me/notifications/live", { schema: { tags, ...secured, response: liveAnswer } }, async (request, reply) => {
    const caller = signedIn(request);
    await relayEvents(
      request,
      reply,
      (signal) => inbox.watchInbox({}, { ...rpcOptions(request, caller), signal }),
      (update) => [...(update.notification ? [{ event: "notification", data: json(n.NotificationSchema, update.notification) }] : []), { event: "unread", data: { unread: update.unread } }],
      { code: "NOTIFICATIONS_UNAVAILABLE", message: "消息服务暂不可用 / Notifications unavailable" },
    );
  });
  app.get("/api/v1/me/notification-settings", { schema: { tags, ...secured, response: answers(protoJson(n.GetSettingsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(n.GetSettingsResponseSchema, await inbox.getSettings({}, rpcOptions(request, caller)));
  });
  app.put("/api/v1/me/notification-settings", { schema: { tags, ...secured, body: settingsBody, response: answers(protoJson(n.SetSettingsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const { smsEnabled, phone } = request.body;
    return json(n.SetSettingsResponseSchema, await inbox.setSettings({ settings: { smsEnabled, phone: phone ?? "" } }, rpcOptions(request, caller)));
  });
};

export default notifications;
