// 一社区一科普品牌 over HTTP: a community's brand (name, theme, 示范点, partner bases) and its annual
// plans, owned by the registry (brand.read for everyone signed in; the community's worker writes
// them, the street and district above it approve or return a plan with a comment); plan against done, the done counted by the stats
// service (completed activities per theme × Beijing month; figures.read for the subtree), for one
// community and rolled up by street and district. The page follows /api/v1/stats/live for its
// community and reads the progress again on each `figures` event.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Audience, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import type { PlanProgressRow } from "@kepu/contracts/stats/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const theme = enumName(Theme, "THEME_");
const audience = enumName(Audience, "AUDIENCE_");
const themeName = (value: number) => `THEME_${Theme[value] ?? "UNSPECIFIED"}`;
const year = Type.Integer({ minimum: 2000, maximum: 2100, description: "计划年度 / the plan's year" });
const communityParams = strictObject({ communityId: id("社区 / the community") });
const planParams = strictObject({ communityId: id("社区 / the community"), year });
const orgPlanParams = strictObject({ orgId: id("街道、区或市 / a street, district or city"), year });

const cell = Type.Object({ theme: Type.String(), month: Type.Integer(), target: Type.Integer(), done: Type.Integer() });
const themeTotal = Type.Object({ theme: Type.String(), target: Type.Integer(), done: Type.Integer() });
const progressAnswer = Type.Object({
  communityId: Type.String(),
  communityName: Type.String(),
  brandName: Type.String(),
  year: Type.Integer(),
  target: Type.Integer({ description: "全年目标场次 / the year's target" }),
  done: Type.Integer({ description: "已开展（已完成）场次 / activities held" }),
  themes: Type.Array(themeTotal),
  cells: Type.Array(cell, { description: "主题 × 月份 / theme × month" }),
});
const area = Type.Object({ orgId: Type.String(), name: Type.String(), parentId: Type.String(), communities: Type.Integer(), target: Type.Integer(), done: Type.Integer() });
const rollupAnswer = Type.Object({
  orgId: Type.String(),
  orgName: Type.String(),
  year: Type.Integer(),
  target: Type.Integer(),
  done: Type.Integer(),
  districts: Type.Array(area),
  streets: Type.Array(area),
  communities: Type.Array(Type.Object({ communityId: Type.String(), name: Type.String(), brandName: Type.String(), streetId: Type.String(), districtId: Type.String(), target: Type.Integer(), done: Type.Integer() })),
});

type Cell = { theme: string; month: number; target: number; done: number };

/** A community's plan of `year` against its done rows: one cell per theme × month planned or held, totals per theme. */
export function mergeProgress(brand: r.Brand, y: number, done: readonly PlanProgressRow[]) {
  const cells = new Map<string, Cell>();
  const at = (t: number, month: number) => {
    const key = `${t}-${month}`;
    return cells.get(key) ?? cells.set(key, { theme: themeName(t), month, target: 0, done: 0 }).get(key)!;
  };
  for (const t of brand.plans.find((p) => p.year === y)?.targets ?? []) at(t.theme, t.month).target += t.target;
  for (const row of done) if (row.communityId === brand.communityId) at(row.theme, row.month).done += row.done;
  const sorted = [...cells.values()].sort((a, b) => a.theme.localeCompare(b.theme) || a.month - b.month);
  const themes = new Map<string, { theme: string; target: number; done: number }>();
  for (const c of sorted) {
    const total = themes.get(c.theme) ?? themes.set(c.theme, { theme: c.theme, target: 0, done: 0 }).get(c.theme)!;
    total.target += c.target;
    total.done += c.done;
  }
  const sum = (f: (c: Cell) => number) => sorted.reduce((n, c) => n + f(c), 0);
  return { communityId: brand.communityId, communityName: brand.communityName, brandName: brand.name, year: y, target: sum((c) => c.target), done: sum((c) => c.done), themes: [...themes.values()], cells: sorted };
}

const brands: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["brands"];

  app.get("/api/v1/communities/:communityId/brand", { schema: { tags, summary: "社区科普品牌 / A community's brand", ...secured, params: communityParams, response: answers(protoJson(r.GetBrandResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetBrandResponseSchema, await clients.registry.getBrand({ communityId: request.params.communityId }, rpcOptions(request, caller)));
  });

  const brandBody = strictObject({
    name: text(40, "品牌名称 / the brand's name"),
    theme,
    demoBaseId: id("科普示范点（基地）/ the demonstration site, a base"),
    partnerBaseIds: Type.Optional(Type.Array(id(), { maxItems: 20, description: "合作基地 / partner bases" })),
    slogan: Type.Optional(text(100, "品牌口号 / slogan")),
  });
  app.put("/api/v1/communities/:communityId/brand", { schema: { tags, summary: "设立或修改社区科普品牌 / Define or change the brand", ...secured, params: communityParams, body: brandBody, response: answers(protoJson(r.DefineBrandResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const res = await clients.registry.defineBrand(
      { communityId: request.params.communityId, name: b.name, theme: enumValue(Theme, "THEME_", b.theme), demoBaseId: b.demoBaseId, partnerBaseIds: b.partnerBaseIds ?? [], slogan: b.slogan ?? "" },
      rpcOptions(request, caller),
    );
    return json(r.DefineBrandResponseSchema, res);
  });

  const planBody = strictObject({
    targets: Type.Array(
      strictObject({
        theme,
        month: Type.Integer({ minimum: 1, maximum: 12, description: "月份 1–12（北京时间）/ the month" }),
        target: Type.Integer({ minimum: 0, maximum: 1000, description: "目标场次 / activities to hold" }),
      }),
      { maxItems: 200, description: "按主题和月份的目标 / targets by theme and month" },
    ),
    audiences: Type.Optional(Type.Array(audience, { maxItems: 10, uniqueItems: true, description: "服务人群 / audiences" })),
  });
  app.put("/api/v1/communities/:communityId/plan/:year", { schema: { tags, summary: "制定年度计划 / Set the annual plan", ...secured, params: planParams, body: planBody, response: answers(protoJson(r.SetBrandPlanResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const targets = request.body.targets.map((t) => ({ theme: enumValue(Theme, "THEME_", t.theme), month: t.month, target: t.target }));
    const audiences = (request.body.audiences ?? []).map((a) => enumValue(Audience, "AUDIENCE_", a));
    return json(r.SetBrandPlanResponseSchema, await clients.registry.setBrandPlan({ communityId: request.params.communityId, year: request.params.year, targets, audiences }, rpcOptions(request, caller)));
  });

  const reviewBody = strictObject({
    decision: Type.Union([Type.Literal("approve"), Type.Literal("return")], { description: "approve 批准 / return 退回修改" }),
    comment: Type.Optional(text(200, "审批意见（退回时必填）/ the comment, required to return")),
  });
  app.post("/api/v1/communities/:communityId/plan/:year/review", { schema: { tags, summary: "审批年度计划：批准或退回修改 / Approve a plan, or return it with a comment", ...secured, params: planParams, body: reviewBody, response: answers(protoJson(r.ReviewBrandPlanResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const { communityId, year: y } = request.params;
    const review = { communityId, year: y, approve: request.body.decision === "approve", comment: request.body.comment ?? "" };
    return json(r.ReviewBrandPlanResponseSchema, await clients.registry.reviewBrandPlan(review, rpcOptions(request, caller)));
  });

  // Plan against done: the stats service decides who reads the done (the subtree's staff; another's is not found).
  app.get("/api/v1/communities/:communityId/plan/:year/progress", { schema: { tags, summary: "年度计划完成情况 / Plan against done", ...secured, params: planParams, response: answers(progressAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const { communityId, year: y } = request.params;
    const { rows } = await clients.stats.getPlanProgress({ orgId: communityId, year: y }, options);
    const { brand } = await clients.registry.getBrand({ communityId }, options);
    return mergeProgress(brand!, y, rows);
  });

  // The roll-up: each street and district the sum of the communities with a brand below it.
  app.get("/api/v1/orgs/:orgId/plan/:year/progress", { schema: { tags, summary: "街道、区的品牌计划完成汇总 / Plans against done by street and district", ...secured, params: orgPlanParams, response: answers(rollupAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const { orgId, year: y } = request.params;
    const { rows } = await clients.stats.getPlanProgress({ orgId, year: y }, options);
    const { brands: found } = await clients.registry.listBrands({ orgId }, options);
    const communities = found.map((b) => {
      const p = mergeProgress(b, y, rows);
      return { communityId: b.communityId, name: b.communityName, brandName: b.name, streetId: b.place?.streetId ?? "", districtId: b.place?.districtId ?? "", target: p.target, done: p.done };
    });
    const areaIds = [...new Set([orgId, ...communities.flatMap((c) => [c.streetId, c.districtId])])].filter(Boolean);
    const orgs = new Map(await Promise.all(areaIds.map(async (o) => [o, (await clients.registry.getOrganization({ orgId: o }, options)).organization] as const)));
    const rollUp = (key: "streetId" | "districtId") => {
      const areas = new Map<string, { orgId: string; name: string; parentId: string; communities: number; target: number; done: number }>();
      for (const c of communities) {
        if (!c[key]) continue;
        const a = areas.get(c[key]) ?? areas.set(c[key], { orgId: c[key], name: orgs.get(c[key])?.name ?? "", parentId: key === "streetId" ? c.districtId : "", communities: 0, target: 0, done: 0 }).get(c[key])!;
        a.communities++;
        a.target += c.target;
        a.done += c.done;
      }
      return [...areas.values()].sort((a, b) => a.orgId.localeCompare(b.orgId));
    };
    const total = (f: (c: (typeof communities)[number]) => number) => communities.reduce((n, c) => n + f(c), 0);
    return { orgId, orgName: orgs.get(orgId)?.name ?? "", year: y, target: total((c) => c.target), done: total((c) => c.done), districts: rollUp("districtId"), streets: rollUp("streetId"), communities };
  });
};

export default brands;
