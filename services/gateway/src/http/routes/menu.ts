// The 科普服务菜单 kept by its providers over HTTP: a team's leader or a base's staff publishes an
// item, edits and withdraws their own; the district association withdraws any item in its district
// (with a reason). Staff list items by provider or within an org. The registry decides who may
// (menu.publish / menu.withdraw) and checks the references (the provider offers; every resource is
// published in the 名录 and the provider's own org's or open to it).
import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, id, idempotencyHeader, params, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

/** What an item offers: the same on publishing and on editing (an edit replaces it all). */
const contentFields = {
  title: text(100, "标题 / the title"),
  description: Type.Optional(text(2000, "介绍 / what it is")),
  theme: enumName(Theme, "THEME_"),
  format: enumName(Format, "FORMAT_"),
  audiences: Type.Optional(Type.Array(enumName(Audience, "AUDIENCE_"), { maxItems: 10, uniqueItems: true, description: "面向人群 / audiences" })),
  durationMinutes: Type.Integer({ minimum: 10, maximum: 1440, description: "时长（分钟）/ duration, minutes" }),
  capacity: Type.Integer({ minimum: 1, maximum: 100_000, description: "容纳人数 / capacity" }),
  leadTimeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: "至少提前几天预约 / days between ordering and the earliest date" })),
  resourceIds: Type.Optional(Type.Array(id(), { maxItems: 20, uniqueItems: true, description: "所用名录资源 / resources of the 名录 it uses" })),
};
type ContentBody = { title: string; description?: string; theme: string; format: string; audiences?: string[]; durationMinutes: number; capacity: number; leadTimeDays?: number; resourceIds?: string[] };

const content = (b: ContentBody) => ({
  title: b.title,
  description: b.description ?? "",
  theme: enumValue(Theme, "THEME_", b.theme),
  format: enumValue(Format, "FORMAT_", b.format),
  audiences: (b.audiences ?? []).map((a) => enumValue(Audience, "AUDIENCE_", a)),
  durationMinutes: b.durationMinutes,
  capacity: b.capacity,
  leadTimeDays: b.leadTimeDays ?? 0,
  resourceIds: b.resourceIds ?? [],
});

const menu: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["menu"];
  const itemParams = params("itemId");

  const listQuery = strictObject({ providerId: Type.Optional(id("提供方（队伍或基地）/ the provider, a team or a base")), underOrgId: Type.Optional(id("服务范围在此组织之内 / offered within this org")) });
  app.get("/api/v1/menu-items", { schema: { tags, summary: "菜单管理：在架的菜单项 / Menu items offered", ...secured, querystring: listQuery, response: answers(protoJson(r.ListMenuItemsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const { providerId = "", underOrgId = "" } = request.query;
    return json(r.ListMenuItemsResponseSchema, await clients.registry.listMenuItems({ providerId, underOrgId }, rpcOptions(request, caller)));
  });

  const publishBody = strictObject({
    itemId: Type.Optional(id("菜单项编号（不填则自动生成）/ the item's id (made when left out)")),
    ...contentFields,
    serviceAreaOrgId: id("服务范围 / the service area (an org's subtree)"),
    providerKind: Type.Unsafe<"TEAM" | "BASE">({ type: "string", enum: ["TEAM", "BASE"], description: "TEAM 队伍 / BASE 科普基地" }),
    providerId: id("提供方（队伍或基地）/ the provider"),
  });
  app.post(
    "/api/v1/menu-items",
    { config: { idempotent: true }, schema: { tags, summary: "发布菜单项 / Publish a menu item", ...secured, headers: idempotencyHeader, body: publishBody, response: answers(protoJson(r.PublishMenuItemResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const b = request.body;
      const item = { ...content(b), itemId: b.itemId ?? `menu-${randomUUID()}`, serviceAreaOrgId: b.serviceAreaOrgId, providerKind: b.providerKind === "BASE" ? ProviderKind.BASE : ProviderKind.TEAM, providerId: b.providerId };
      return json(r.PublishMenuItemResponseSchema, await clients.registry.publishMenuItem({ item }, rpcOptions(request, caller)));
    },
  );

  // An edit replaces what the item offers; its service area and provider stay as published.
  app.put("/api/v1/menu-items/:itemId", { schema: { tags, summary: "修改菜单项 / Edit a menu item", ...secured, params: itemParams, body: strictObject(contentFields), response: answers(protoJson(r.EditMenuItemResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const item = { ...content(request.body), itemId: request.params.itemId };
    return json(r.EditMenuItemResponseSchema, await clients.registry.editMenuItem({ item }, rpcOptions(request, caller)));
  });

  const withdrawBody = strictObject({ reason: Type.String({ minLength: 1, maxLength: 500, description: "下架原因 / why it is withdrawn" }) });
  app.post("/api/v1/menu-items/:itemId/withdraw", { schema: { tags, summary: "下架菜单项 / Withdraw a menu item", ...secured, params: itemParams, body: withdrawBody, response: answers(protoJson(r.WithdrawMenuItemResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.WithdrawMenuItemResponseSchema, await clients.registry.withdrawMenuItem({ itemId: request.params.itemId, reason: request.body.reason }, rpcOptions(request, caller)));
  });
};

export default menu;
