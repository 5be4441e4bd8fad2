// The registry's reads: the menu of a community, organizations, teams, 科普基地.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { MenuItemSchema, type MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { can } from "@kepu/access";
import { json, rpcOptions } from "../app.js";
import { answers, id, pageFields, paged, paging, params, protoJson, protoJsonWith, secured, strictObject } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const page = ["page", "pageSize", "total"];

const registry: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const menuCache = new Map<string, { at: number; items: MenuItem[] }>();
  const tags = ["registry"];

  const menuQuery = strictObject({ communityId: id("社区 / the community"), ...paging });
  app.get("/api/v1/menu", { schema: { tags: ["menu"], ...secured, querystring: menuQuery, response: answers(protoJsonWith(r.ListMenuForCommunityResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const { communityId } = request.query;
    // The menu changes rarely and reads are many: a cached answer is the registry's own, given again
    // only to a caller the same access model lets read it (a miss asks the registry, which decides).
    let cached = menuCache.get(communityId);
    if (!cached || Date.now() - cached.at >= 30_000 || !can("menu.read", caller, { orgId: communityId })) {
      cached = { at: Date.now(), items: (await clients.registry.listMenuForCommunity({ communityId }, rpcOptions(request, caller))).items };
      menuCache.set(communityId, cached);
    }
    const one = paged("items", cached.items, (item) => item.itemId, request.query);
    return { ...one, items: one.items.map((item) => json(MenuItemSchema, item)) };
  });
  app.get("/api/v1/orgs/:orgId", { schema: { tags, ...secured, params: params("orgId"), response: answers(protoJson(r.GetOrganizationResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetOrganizationResponseSchema, await clients.registry.getOrganization({ orgId: request.params.orgId }, rpcOptions(request, caller)));
  });
  const orgQuery = strictObject({ orgId: Type.Optional(id("组织（含其下级）/ the organization, with its subtree")), ...paging });
  app.get("/api/v1/teams", { schema: { tags, ...secured, querystring: orgQuery, response: answers(protoJsonWith(r.ListTeamsResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const { teams } = await clients.registry.listTeams({ orgId: request.query.orgId ?? "" }, rpcOptions(request, caller));
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
