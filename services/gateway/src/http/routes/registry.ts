// The registry over HTTP: the menu of a community; the org tree (the picker's open lookups, the
// ancestors, and creating, renaming, moving and closing orgs); teams' and 科普基地's reads.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { MenuItemSchema } from "@kepu/contracts/registry/v1/events_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { can } from "@kepu/access";
import { isKepuError } from "@kepu/errors";
import { json, rpcOptions } from "../app.js";
import { MenuCache } from "../menu-cache.js";
import { answers, enumName, enumValue, id, pageFields, paged, paging, params, protoJson, protoJsonWith, secured, strictObject, text } from "../schemas.js";
import { gatewayActor, signedIn, type RouteOptions } from "./context.js";

const page = ["page", "pageSize", "total"];

const registry: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients, deps }) => {
  const menuCache = new MenuCache(deps.redis, deps.prefix);
  const tags = ["registry"];

  const menuQuery = strictObject({ communityId: id("社区 / the community"), ...paging });
  app.get("/api/v1/menu", { schema: { tags: ["menu"], ...secured, querystring: menuQuery, response: answers(protoJsonWith(r.ListMenuForCommunityResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const { communityId } = request.query;
    // The menu changes rarely and reads are many: a cached answer is the registry's own, given again
    // only to a caller the same access model lets read it (a miss asks the registry, which decides),
    // and dropped when the menu changes (../menu-cache.ts: an item withdrawn leaves the menu at once).
    const items = await menuCache.items(communityId, can("menu.read", caller, { orgId: communityId }), async () => (await clients.registry.listMenuForCommunity({ communityId }, rpcOptions(request, caller))).items);
    const one = paged("items", items, (item) => item.itemId, request.query);
    return { ...one, items: one.items.map((item) => json(MenuItemSchema, item)) };
  });
  app.get("/api/v1/orgs/:orgId", { schema: { tags, ...secured, params: params("orgId"), response: answers(protoJson(r.GetOrganizationResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetOrganizationResponseSchema, await clients.registry.getOrganization({ orgId: request.params.orgId }, rpcOptions(request, caller)));
  });
  // Names, never ids, on a page: the names of many orgs in one request (a page asks once for every
  // place, community column and chart axis it shows). Names are everyone's (org.read); an id the
  // registry does not know is left out of the answer.
  const namesQuery = strictObject({
    orgIds: Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,120}(,[A-Za-z0-9_.:-]{1,120}){0,199}$", description: "组织编码，逗号分隔，最多 200 个 / org ids, comma-separated, at most 200" }),
  });
  const namesAnswer = Type.Object({ names: Type.Record(Type.String(), Type.String(), { description: "编码 → 名称 / id → name" }) });
  app.get("/api/v1/names", { schema: { tags, ...secured, querystring: namesQuery, response: answers(namesAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const ids = [...new Set(request.query.orgIds.split(","))];
    const found = await Promise.all(
      ids.map((orgId) =>
        clients.registry
          .getOrganization({ orgId }, rpcOptions(request, caller))
          .then((answer) => [orgId, answer.organization?.name ?? ""] as const)
          .catch((error: unknown) => (isKepuError(error) && (error.kind === "not_found" || error.kind === "forbidden") ? ([orgId, ""] as const) : Promise.reject(error))),
      ),
    );
    return { names: Object.fromEntries(found.filter(([, name]) => name)) };
  });
  // ---- the org tree. The picker's lookups (children, search by name) are open: residents pick their
  // community before they sign in, so they are answered with the gateway's own identity (names and
  // the tree are everyone's: org.read). Changes are the registry's to authorize (org.change).
  const kind = Type.Optional(enumName(OrgKind, "ORG_KIND_"));
  const kindOf = (name: string | undefined) => enumValue(OrgKind, "ORG_KIND_", name) as OrgKind;
  const asGateway = (request: { id: string }) => ({ actor: gatewayActor, correlationId: request.id });
  const searchQuery = strictObject({
    q: Type.String({ minLength: 1, maxLength: 50, description: "名称的一部分或拼音首字母（如 ylsq）/ part of the name, or its pinyin initials" }),
    kind,
    underOrgId: Type.Optional(id("只在此组织之下 / only within this org's subtree")),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: "最多条数（默认 20）/ at most (20 by default)" })),
  });
  app.get("/api/v1/orgs", { schema: { tags, querystring: searchQuery, response: answers(protoJson(r.SearchOrganizationsResponseSchema)) } }, async (request) => {
    const { q, underOrgId, limit } = request.query;
    const found = await clients.registry.searchOrganizations({ query: q, kind: kindOf(request.query.kind), underOrgId: underOrgId ?? "", limit: limit ?? 20 }, asGateway(request));
    return json(r.SearchOrganizationsResponseSchema, found);
  });
  app.get("/api/v1/orgs/:orgId/children", { schema: { tags, params: params("orgId"), querystring: strictObject({ kind }), response: answers(protoJson(r.ListChildrenResponseSchema)) } }, async (request) => {
    const children = await clients.registry.listChildren({ orgId: request.params.orgId, kind: kindOf(request.query.kind) }, asGateway(request));
    return json(r.ListChildrenResponseSchema, children);
  });
  app.get("/api/v1/orgs/:orgId/ancestors", { schema: { tags, ...secured, params: params("orgId"), response: answers(protoJson(r.ListAncestorsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.ListAncestorsResponseSchema, await clients.registry.listAncestors({ orgId: request.params.orgId }, rpcOptions(request, caller)));
  });
  const orgName = text(100, "名称 / the name");
  const newOrg = strictObject({ orgId: id("组织编码 / the org's id"), name: orgName, kind: enumName(OrgKind, "ORG_KIND_"), parentId: Type.Optional(id("上级组织（市级组织没有）/ the parent (none for a city)")) });
  const orgAnswer = answers(protoJson(r.GetOrganizationResponseSchema));
  app.post("/api/v1/orgs", { schema: { tags, ...secured, body: newOrg, response: answers(protoJson(r.GetOrganizationResponseSchema), 201) } }, async (request, reply) => {
    const caller = signedIn(request);
    const { orgId, name, parentId = "" } = request.body; // a city, the root, has none: only an admin may make one (org.change on an empty path)
    const { organization } = await clients.registry.registerOrganization({ orgId, name, kind: kindOf(request.body.kind), parentId }, rpcOptions(request, caller));
    reply.code(201);
    return { organization: organization && json(r.OrganizationSchema, organization) };
  });
  const orgChange = Type.Object(
    { name: Type.Optional(orgName), servedCommunityIds: Type.Optional(Type.Array(id(), { maxItems: 200, description: "所服务的社区（文明实践站 / 所 / 中心 / 实践点、党群服务中心）/ the communities it serves" })) },
    { additionalProperties: false, minProperties: 1 },
  );
  app.patch("/api/v1/orgs/:orgId", { schema: { tags, ...secured, params: params("orgId"), body: orgChange, response: orgAnswer } }, async (request) => {
    const caller = signedIn(request);
    const { orgId } = request.params;
    let organization: r.Organization | undefined;
    if (request.body.name !== undefined) organization = (await clients.registry.renameOrganization({ orgId, name: request.body.name }, rpcOptions(request, caller))).organization;
    if (request.body.servedCommunityIds) organization = (await clients.registry.setServedCommunities({ orgId, communityIds: request.body.servedCommunityIds }, rpcOptions(request, caller))).organization;
    return { organization: organization && json(r.OrganizationSchema, organization) };
  });
  app.post("/api/v1/orgs/:orgId/move", { schema: { tags, ...secured, params: params("orgId"), body: strictObject({ parentId: id("新的上级组织 / the new parent") }), response: orgAnswer } }, async (request) => {
    const caller = signedIn(request);
    return json(r.MoveOrganizationResponseSchema, await clients.registry.moveOrganization({ orgId: request.params.orgId, parentId: request.body.parentId }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/orgs/:orgId/close", { schema: { tags, ...secured, params: params("orgId"), body: strictObject({ reason: Type.Optional(text(200, "撤销原因 / why")) }), response: orgAnswer } }, async (request) => {
    const caller = signedIn(request);
    return json(r.CloseOrganizationResponseSchema, await clients.registry.closeOrganization({ orgId: request.params.orgId, reason: request.body.reason ?? "" }, rpcOptions(request, caller)));
  });
  const orgQuery = strictObject({ orgId: Type.Optional(id("组织（含其下级）/ the organization, with its subtree")), ...paging });
  // The staff table's filters: words of the name, and active or deactivated.
  const teamsQuery = strictObject({
    orgId: Type.Optional(id("组织（含其下级）/ the organization, with its subtree")),
    q: Type.Optional(text(40, "队名中的字 / words of the team's name")),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("inactive")], { description: "服务中或已停用 / active or deactivated" })),
    ...paging,
  });
  app.get("/api/v1/teams", { schema: { tags, ...secured, querystring: teamsQuery, response: answers(protoJsonWith(r.ListTeamsResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const { q, status } = request.query;
    const words = (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
    const { teams: all } = await clients.registry.listTeams({ orgId: request.query.orgId ?? "" }, rpcOptions(request, caller));
    const teams = all.filter((team) => words.every((w) => team.name.toLowerCase().includes(w)) && (!status || team.active === (status === "active")));
    const one = paged("teams", teams, (team) => team.teamId, request.query);
    return { ...one, teams: one.teams.map((team) => json(r.TeamSchema, team)) };
  });
  app.get("/api/v1/teams/:teamId", { schema: { tags, ...secured, params: params("teamId"), response: answers(protoJson(r.GetTeamResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetTeamResponseSchema, await clients.registry.getTeam({ teamId: request.params.teamId }, rpcOptions(request, caller)));
  });
  // 科普基地: all staff see every base's status; the registry decides who sees scores.
  app.get("/api/v1/bases", { schema: { tags, ...secured, querystring: orgQuery, response: answers(protoJsonWith(r.ListBasesResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const { bases } = await clients.registry.listBases({ orgId: request.query.orgId ?? "" }, rpcOptions(request, caller));
    const one = paged("bases", bases, (base) => base.baseId, request.query);
    return { ...one, bases: one.bases.map((base) => json(r.BaseSchema, base)) };
  });
};

export default registry;
