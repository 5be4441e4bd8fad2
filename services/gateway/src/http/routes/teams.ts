// Teams (科技志愿服务队) and their volunteers kept over HTTP: register, edit, deactivate; members
// join, leave and are listed paged. The registry decides who may (team.register / team.change /
// team.read) and whose phones are answered in clear (the team's leader and admins).
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, dateTime, enumName, enumValue, id, paging, params, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const themes = Type.Array(enumName(Theme, "THEME_"), { minItems: 1, maxItems: 20, description: "科普主题 / themes" });
const areas = Type.Array(id(), { minItems: 1, maxItems: 50, description: "服务范围（组织及其下级）/ service areas, each an org's subtree" });
const name = text(100, "队伍名称 / the team's name");
const leaderId = id("队长的账号 / the leader's account");
const themeValues = (names: string[]) => names.map((n) => enumValue(Theme, "THEME_", n));

const teams: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["teams"];
  const teamParams = params("teamId");

  const registerBody = strictObject({ teamId: id("队伍编号 / the team's id"), name, orgId: id("所属组织 / the owning org"), themes, serviceAreaOrgIds: areas, leaderId: Type.Optional(leaderId) });
  app.post("/api/v1/teams", { schema: { tags, ...secured, body: registerBody, response: answers(protoJson(r.RegisterTeamResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const res = await clients.registry.registerTeam({ teamId: b.teamId, name: b.name, orgId: b.orgId, themes: themeValues(b.themes), serviceAreaOrgIds: b.serviceAreaOrgIds, leaderId: b.leaderId ?? "" }, rpcOptions(request, caller));
    return json(r.RegisterTeamResponseSchema, res);
  });

  // Only the fields given change; the registry replaces all four, so the rest are the team's own.
  const changeBody = strictObject({ name: Type.Optional(name), themes: Type.Optional(themes), serviceAreaOrgIds: Type.Optional(areas), leaderId: Type.Optional(leaderId) });
  app.patch("/api/v1/teams/:teamId", { schema: { tags, ...secured, params: teamParams, body: changeBody, response: answers(protoJson(r.UpdateTeamResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const { teamId } = request.params;
    const current = (await clients.registry.getTeam({ teamId }, options)).team;
    const b = request.body;
    const res = await clients.registry.updateTeam(
      {
        teamId,
        name: b.name ?? current?.name ?? "",
        themes: b.themes ? themeValues(b.themes) : (current?.themes ?? []),
        serviceAreaOrgIds: b.serviceAreaOrgIds ?? current?.serviceAreaOrgIds ?? [],
        leaderId: b.leaderId ?? current?.leaderId ?? "",
      },
      options,
    );
    return json(r.UpdateTeamResponseSchema, res);
  });

  app.post("/api/v1/teams/:teamId/deactivate", { schema: { tags, ...secured, params: teamParams, body: Type.Optional(strictObject({ reason: Type.Optional(text(500)) })), response: answers(protoJson(r.DeactivateTeamResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.DeactivateTeamResponseSchema, await clients.registry.deactivateTeam({ teamId: request.params.teamId, reason: request.body?.reason ?? "" }, rpcOptions(request, caller)));
  });

  app.get("/api/v1/teams/:teamId/members", { schema: { tags, ...secured, params: teamParams, querystring: strictObject(paging), response: answers(protoJson(r.ListTeamMembersResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const { page = 0, pageSize = 50 } = request.query;
    return json(r.ListTeamMembersResponseSchema, await clients.registry.listTeamMembers({ teamId: request.params.teamId, page, pageSize }, rpcOptions(request, caller)));
  });

  const consent = strictObject({ guardianName: text(50), guardianPhone: text(20), relationship: text(20, "关系，如 父亲、母亲 / e.g. 父亲, 母亲"), consentedAt: dateTime("同意时间 / when they consented") });
  const joinBody = strictObject({
    volunteerId: id("志愿者编号 / the volunteer's id"),
    realName: text(50, "真实姓名 / real name"),
    phone: text(20, "手机号 / mobile number"),
    skills: Type.Optional(Type.Array(enumName(Theme, "THEME_"), { maxItems: 20 })),
    birthDate: Type.Optional(dateTime("出生日期；未满 14 周岁须有监护人同意 / birth date; under 14 needs a guardian's consent")),
    guardianConsent: Type.Optional(consent),
  });
  app.post("/api/v1/teams/:teamId/members", { schema: { tags, ...secured, params: teamParams, body: joinBody, response: answers(protoJson(r.AddVolunteerResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const res = await clients.registry.addVolunteer(
      {
        teamId: request.params.teamId,
        volunteerId: b.volunteerId,
        realName: b.realName,
        phone: b.phone,
        skills: themeValues(b.skills ?? []),
        ...(b.birthDate ? { birthDate: at(b.birthDate) } : {}),
        ...(b.guardianConsent ? { guardianConsent: { ...b.guardianConsent, consentedAt: at(b.guardianConsent.consentedAt) } } : {}),
      },
      rpcOptions(request, caller),
    );
    return json(r.AddVolunteerResponseSchema, res);
  });

  app.post("/api/v1/teams/:teamId/members/:volunteerId/leave", { schema: { tags, ...secured, params: params("teamId", "volunteerId"), response: answers(protoJson(r.LeaveTeamResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.LeaveTeamResponseSchema, await clients.registry.leaveTeam({ teamId: request.params.teamId, volunteerId: request.params.volunteerId }, rpcOptions(request, caller)));
  });
};

export default teams;
