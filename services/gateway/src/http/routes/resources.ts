// The 《科普资源名录》 over HTTP: the directory searched (kind, theme, area served, weekday; paged),
// one resource, an org's submission (待审核), its owner's edits (a material one goes back to review),
// and the association's review (approve, reject with a reason, ask for changes with a note). The
// registry decides who may (resource.readPublished / readDraft / submit / review).
import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ResourceKind, ResourceStatus } from "@kepu/contracts/registry/v1/events_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, id, idempotencyHeader, paging, params, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const kind = enumName(ResourceKind, "RESOURCE_KIND_");
const theme = enumName(Theme, "THEME_");
const weekday = Type.Integer({ minimum: 1, maximum: 7, description: "星期几：1 周一 … 7 周日 / weekday: 1 Monday … 7 Sunday" });
/** What the owner says of a resource; every field optional on an edit (the rest stay as they are). */
const profileFields = {
  kind,
  name: text(100, "资源名称 / the resource's name"),
  description: Type.Optional(text(2000, "介绍 / what it is")),
  capacity: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: "容纳人数（场馆必填）/ seats or people it holds (venues)" })),
  themes: Type.Optional(Type.Array(theme, { maxItems: 20, uniqueItems: true, description: "科普主题 / themes" })),
  areaOrgIds: Type.Array(id(), { minItems: 1, maxItems: 50, description: "服务范围（组织及其下级）/ the areas it serves, each an org's subtree" }),
  weekdays: Type.Optional(Type.Array(weekday, { maxItems: 7, uniqueItems: true, description: "可用日 / the days it is available" })),
  availabilityNote: Type.Optional(text(200, "开放时间、预约方式 / hours, how to book")),
  photoIds: Type.Optional(Type.Array(id(), { maxItems: 9, description: "照片（先上传）/ photos, uploaded first" })),
  openToOthers: Type.Optional(Type.Boolean({ description: "开放共享：其他单位的队伍和基地可用于菜单项 / other orgs' teams and bases may name it on menu items" })),
};
type ProfileBody = { kind?: string; name?: string; description?: string; capacity?: number; themes?: string[]; areaOrgIds?: string[]; weekdays?: number[]; availabilityNote?: string; photoIds?: string[]; openToOthers?: boolean };

/** The profile message from a body, over what the resource says now (an edit) or nothing (a submission). */
function profileOf(b: ProfileBody, current?: r.Resource["profile"]) {
  return {
    kind: b.kind ? enumValue(ResourceKind, "RESOURCE_KIND_", b.kind) : (current?.kind ?? 0),
    name: b.name ?? current?.name ?? "",
    description: b.description ?? current?.description ?? "",
    capacity: b.capacity ?? current?.capacity ?? 0,
    themes: b.themes ? b.themes.map((t) => enumValue(Theme, "THEME_", t)) : (current?.themes ?? []),
    areaOrgIds: b.areaOrgIds ?? current?.areaOrgIds ?? [],
    availability: { weekdays: b.weekdays ?? current?.availability?.weekdays ?? [], note: b.availabilityNote ?? current?.availability?.note ?? "" },
    photoIds: b.photoIds ?? current?.photoIds ?? [],
    openToOthers: b.openToOthers ?? current?.openToOthers ?? true,
  };
}

const decisions = { APPROVE: r.ResourceReviewDecision.APPROVE, REJECT: r.ResourceReviewDecision.REJECT, ASK_CHANGES: r.ResourceReviewDecision.ASK_CHANGES } as const;

const resources: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["resources"];
  const resourceParams = params("resourceId");

  const searchQuery = strictObject({
    kind: Type.Optional(kind),
    theme: Type.Optional(theme),
    areaOrgId: Type.Optional(id("服务于此组织 / serving this org")),
    weekday: Type.Optional(weekday),
    status: Type.Optional(enumName(ResourceStatus, "RESOURCE_STATUS_")),
    ownerOrgId: Type.Optional(id("所属单位 / the owning org")),
    q: Type.Optional(text(50, "名称或介绍中的字 / words of the name or description")),
    ...paging,
  });
  app.get("/api/v1/resources", { schema: { tags, summary: "科普资源名录 / The resource directory", ...secured, querystring: searchQuery, response: answers(protoJson(r.SearchResourcesResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    const found = await clients.registry.searchResources(
      {
        kind: enumValue(ResourceKind, "RESOURCE_KIND_", q.kind),
        theme: enumValue(Theme, "THEME_", q.theme),
        areaOrgId: q.areaOrgId ?? "",
        weekday: q.weekday ?? 0,
        status: enumValue(ResourceStatus, "RESOURCE_STATUS_", q.status),
        ownerOrgId: q.ownerOrgId ?? "",
        query: q.q ?? "",
        page: q.page ?? 0,
        pageSize: q.pageSize ?? 20,
      },
      rpcOptions(request, caller),
    );
    return json(r.SearchResourcesResponseSchema, found);
  });

  app.get("/api/v1/resources/:resourceId", { schema: { tags, ...secured, params: resourceParams, response: answers(protoJson(r.GetResourceResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetResourceResponseSchema, await clients.registry.getResource({ resourceId: request.params.resourceId }, rpcOptions(request, caller)));
  });

  const submitBody = strictObject({ resourceId: Type.Optional(id("资源编号（不填则自动生成）/ the resource's id (made when left out)")), ownerOrgId: id("所属单位 / the owning org"), ...profileFields });
  app.post(
    "/api/v1/resources",
    { config: { idempotent: true }, schema: { tags, summary: "提交资源入录（待审核）/ Submit a resource for review", ...secured, headers: idempotencyHeader, body: submitBody, response: answers(protoJson(r.SubmitResourceResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const b = request.body;
      const res = await clients.registry.submitResource({ resourceId: b.resourceId ?? `res-${randomUUID()}`, ownerOrgId: b.ownerOrgId, profile: profileOf(b) }, rpcOptions(request, caller));
      return json(r.SubmitResourceResponseSchema, res);
    },
  );

  const editBody = Type.Object(
    { ...profileFields, kind: Type.Optional(kind), name: Type.Optional(profileFields.name), areaOrgIds: Type.Optional(profileFields.areaOrgIds) },
    { additionalProperties: false, minProperties: 1 },
  );
  app.patch("/api/v1/resources/:resourceId", { schema: { tags, summary: "修改资源（实质修改重新审核）/ Edit a resource (a material change goes back to review)", ...secured, params: resourceParams, body: editBody, response: answers(protoJson(r.EditResourceResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const { resourceId } = request.params;
    const current = (await clients.registry.getResource({ resourceId }, options)).resource;
    return json(r.EditResourceResponseSchema, await clients.registry.editResource({ resourceId, profile: profileOf(request.body, current?.profile) }, options));
  });

  const reviewBody = strictObject({
    decision: Type.Unsafe<keyof typeof decisions>({ type: "string", enum: Object.keys(decisions), description: "APPROVE 通过 / REJECT 不通过 / ASK_CHANGES 退回修改" }),
    note: Type.Optional(text(500, "不通过的原因或需修改的内容（不通过、退回修改时必填）/ the reason or what to change (required to reject or ask for changes)")),
  });
  app.post("/api/v1/resources/:resourceId/review", { schema: { tags, summary: "审核资源 / Review a resource", ...secured, params: resourceParams, body: reviewBody, response: answers(protoJson(r.ReviewResourceResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const res = await clients.registry.reviewResource({ resourceId: request.params.resourceId, decision: decisions[request.body.decision], note: request.body.note ?? "" }, rpcOptions(request, caller));
    return json(r.ReviewResourceResponseSchema, res);
  });
};

export default resources;
