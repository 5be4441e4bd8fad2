// Resources' calendars over HTTP (the events service owns sessions, so it keeps them): a resource's
// month; the flag a worker sees before 派单 when an order's menu item uses a resource already held
// at the order's preferred date (the gateway composes it: the order from dispatch, the check from
// events); and a mobile resource's rotation plan across communities (流动科技馆 / 科普大篷车),
// proposed, saved, edited stay by stay — by the org that owns the resource (events decides).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import * as e from "@kepu/contracts/events/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, id, params, protoJson, secured, strictObject } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const month = Type.String({ pattern: "^\\d{4}-(0[1-9]|1[0-2])$", description: "月份（北京时间）/ the month, Beijing time: 2027-09" });
const day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "日期（北京时间）/ a Beijing day: 2027-09-05" });
// "2027-09-05 10:00" (Sweden's locale writes dates and times in ISO order).
const beijing = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short" });
const days = (description: string) => Type.Integer({ minimum: 0, maximum: 31, description });

const calendar: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["calendars"];

  app.get(
    "/api/v1/resources/:resourceId/calendar",
    { schema: { tags, summary: "资源日程（按月）/ A resource's calendar for a month", ...secured, params: params("resourceId"), querystring: strictObject({ month }), response: answers(protoJson(e.GetResourceCalendarResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const res = await clients.events.getResourceCalendar({ resourceId: request.params.resourceId, month: request.query.month }, rpcOptions(request, caller));
      return json(e.GetResourceCalendarResponseSchema, res);
    },
  );

  const conflictAnswer = Type.Object({
    conflict: Type.Boolean({ description: "所用资源在期望日期已被占用 / a resource of the order's item is held then" }),
    resourceId: Type.String(),
    heldBy: Type.Optional(protoJson(e.ReservationSchema)),
    zh: Type.String(),
    en: Type.String(),
  });
  app.get(
    "/api/v1/orders/:orderId/resource-conflict",
    { schema: { tags, summary: "派单前的资源冲突提示 / Whether the order's menu item's resources are held at its preferred date", ...secured, params: params("orderId"), response: answers(conflictAnswer) } },
    async (request) => {
      const caller = signedIn(request);
      const options = rpcOptions(request, caller);
      // Reading the order first: who may see it is dispatch's rule.
      const order = (await clients.dispatch.getOrder({ orderId: request.params.orderId }, options)).order;
      const wanted = order?.request;
      if (!wanted?.menuItemId || !wanted.preferredDate) return { conflict: false, resourceId: "", zh: "", en: "" };
      const found = await clients.events.checkResourceConflict({ menuItemId: wanted.menuItemId, startsAt: wanted.preferredDate }, options);
      if (!found.resourceId || !found.heldBy) return { conflict: false, resourceId: "", zh: "", en: "" };
      const held = json(e.ReservationSchema, found.heldBy) as { title: string; startsAt: string };
      const when = beijing.format(new Date(held.startsAt));
      return {
        conflict: true,
        resourceId: found.resourceId,
        heldBy: held,
        zh: `所用资源 ${found.resourceId} 在期望时间已被「${held.title}」占用（北京时间 ${when}）：请与居民另约时间`,
        en: `Resource ${found.resourceId} is already held then by "${held.title}" (${when} Beijing time): agree another time`,
      };
    },
  );

  const rotationParams = params("resourceId");
  const proposeBody = strictObject({
    month,
    stayDays: Type.Integer({ minimum: 1, maximum: 31, description: "每站驻留天数 / days of one stay" }),
    travelDays: days("两站之间的路途天数 / travel days between stays"),
    communities: Type.Array(strictObject({ communityId: id("社区 / the community"), lastVisit: Type.Optional(Type.Union([day, Type.Literal("")])) }), { minItems: 1, maxItems: 500 }),
  });
  app.post(
    "/api/v1/resources/:resourceId/rotation/propose",
    { schema: { tags, summary: "生成巡回计划（最久未到的社区优先）/ Propose a rotation (least recently visited first)", ...secured, params: rotationParams, body: proposeBody, response: answers(protoJson(e.ProposeRotationResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const b = request.body;
      const res = await clients.events.proposeRotation(
        { resourceId: request.params.resourceId, month: b.month, stayDays: b.stayDays, travelDays: b.travelDays, communities: b.communities.map((c) => ({ communityId: c.communityId, lastVisit: c.lastVisit ?? "" })) },
        rpcOptions(request, caller),
      );
      return json(e.ProposeRotationResponseSchema, res);
    },
  );

  const saveBody = strictObject({
    stayDays: Type.Integer({ minimum: 1, maximum: 31 }),
    travelDays: days("路途天数 / travel days"),
    stays: Type.Array(strictObject({ communityId: id(), firstDay: day, lastDay: day }), { maxItems: 31 }),
    unplaced: Type.Optional(Type.Array(id(), { maxItems: 500 })),
  });
  const monthParams = params("resourceId", "month");
  app.put(
    "/api/v1/resources/:resourceId/rotation/:month",
    { schema: { tags, summary: "保存巡回计划（占用资源日程）/ Save a rotation onto the resource's calendar", ...secured, params: monthParams, body: saveBody, response: answers(protoJson(e.SaveRotationResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const b = request.body;
      const plan = { resourceId: request.params.resourceId, month: request.params.month, stayDays: b.stayDays, travelDays: b.travelDays, stays: b.stays, unplaced: b.unplaced ?? [] };
      return json(e.SaveRotationResponseSchema, await clients.events.saveRotation({ plan }, rpcOptions(request, caller)));
    },
  );

  app.get(
    "/api/v1/resources/:resourceId/rotation/:month",
    { schema: { tags, summary: "已保存的巡回计划 / The saved rotation", ...secured, params: monthParams, response: answers(protoJson(e.GetRotationResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      return json(e.GetRotationResponseSchema, await clients.events.getRotation({ resourceId: request.params.resourceId, month: request.params.month }, rpcOptions(request, caller)));
    },
  );

  app.patch(
    "/api/v1/resources/:resourceId/rotation/:month/stays/:communityId",
    {
      schema: {
        tags,
        summary: "调整一站（改期或删除，重新检查）/ Move or remove one stay (checked again)",
        ...secured,
        params: params("resourceId", "month", "communityId"),
        body: strictObject({ moveToFirstDay: Type.Union([day, Type.Literal("")], { description: "新的开始日期；空为删除此站 / the new first day; empty to remove the stay" }) }),
        response: answers(protoJson(e.EditRotationResponseSchema)),
      },
    },
    async (request) => {
      const caller = signedIn(request);
      const { resourceId, month: m, communityId } = request.params;
      return json(e.EditRotationResponseSchema, await clients.events.editRotation({ resourceId, month: m, communityId, moveToFirstDay: request.body.moveToFirstDay }, rpcOptions(request, caller)));
    },
  );
};

export default calendar;
