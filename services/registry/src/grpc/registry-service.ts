import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Document, Filter } from "mongodb";
import { OrgKind, Theme, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import {
  BaseAssessedSchema,
  BaseCertifiedSchema,
  BaseLevel,
  BaseStatus,
  BaseStatusChangedSchema,
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  MenuItemWithdrawnSchema,
  OrganizationRegisteredSchema,
  ProviderKind,
  ResourceKind,
  ResourceListedSchema,
  TeamRegisteredSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  type MenuItem,
} from "@kepu/contracts/registry/v1/events_pb";
import type { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { can, listScope, requireAccess, type Facts } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError, type Result } from "@kepu/errors";
import type { CallContext, ServiceImplementation } from "@kepu/rpc";
import { assessmentPassed, canAssess, certificationTerm, changeStatus } from "../domain/bases.js";
import { checkMenuItem, servesCommunity } from "../domain/menu.js";
import { placeUnder } from "../domain/org-tree.js";
import { checkTeamProfile, consentForJoining, teamFits, type TeamProfile } from "../domain/teams.js";
import type { Cause, Kind, RegistryStore } from "../store/registry-store.js";
import { menuFacts, placedFacts, teamFacts } from "./access.js";
import { baseMessage, menuMessage, orgMessage, placeOf, resourceMessage, storedItem, storedPlace, teamMessage, volunteerMessage } from "./messages.js";
import { guardianConsentOf, optionalId, requireEnum, requireId, requireMobile, requireName } from "./validate.js";

/** A rule's verdict: its value, or its error thrown to the caller. */
function must<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const notFound: Record<Kind, [code: string, zh: string, en: string]> = {
  organizations: ["ORG_NOT_FOUND", "组织不存在", "Organization does not exist"],
  teams: ["TEAM_NOT_FOUND", "队伍不存在", "Team does not exist"],
  bases: ["BASE_NOT_FOUND", "基地不存在", "Base does not exist"],
  resources: ["RESOURCE_NOT_FOUND", "资源不存在", "Resource does not exist"],
  menu: ["ITEM_NOT_FOUND", "菜单项不存在", "Menu item does not exist"],
};

const notFoundError = (kind: Kind, value: string, field: string) => {
  const [code, zh, en] = notFound[kind];
  return kepuError("not_found", code, `${zh}：${value}`, `${en}: ${value}`, field);
};

/** The provider of a menu item as the matrix sees it: a team (its leader), or a base (its staff's subtree). */
const providerFacts = (kind: ProviderKind, provider: Document): Facts => (kind === ProviderKind.BASE ? placedFacts(provider) : teamFacts(provider));

export function registryService(store: RegistryStore): ServiceImplementation<typeof RegistryService> {
  const cause = (context: CallContext): Cause => ({ correlationId: context.correlationId, actor: context.actor });

  /** The stored aggregate, or a not-found error naming the field it came from. */
  const existing = async (kind: Kind, value: string, field: string): Promise<Document> => {
    const doc = await store.get(kind, requireId(value, field));
    if (!doc) throw notFoundError(kind, value, field);
    return doc;
  };
  const community = async (orgId: string, field = "communityId"): Promise<OrgPlace> => {
    const doc = await existing("organizations", orgId, field);
    if (doc.kind !== OrgKind.COMMUNITY) throw kepuError("invalid", "NOT_A_COMMUNITY", "请选择一个社区", "Choose a community", field);
    return placeOf(doc);
  };
  /** A team's themes and areas as the domain accepts them; every area must exist. */
  const teamProfile = async (themes: Theme[], serviceAreaOrgIds: string[]): Promise<TeamProfile> => {
    for (const area of serviceAreaOrgIds) await existing("organizations", area, "serviceAreaOrgIds");
    return must(checkTeamProfile({ themes, serviceAreaOrgIds }));
  };
  /** Query filter: the subtree of `orgId` (by the stored ancestor path), or everything. */
  const subtree = (orgId: string) => (optionalId(orgId, "orgId") ? { "place.path": orgId } : {});
  /** Where the actor's own org sits in the tree (its path), for "a team serving my area". */
  const actorPath = async (actor: Actor | undefined): Promise<string[]> => {
    const org = actor?.orgId ? await store.get("organizations", actor.orgId) : undefined;
    return org ? placeOf(org).path : [];
  };
  /** The teams an actor may list, as a query filter: their subtree, the teams serving their area, or their own team. */
  const teamsWithinReach = async (actor: Actor | undefined): Promise<Filter<Document>> => {
    const scope = listScope("team.read", actor);
    if (scope.all) return {};
    const me = actor!;
    const path = scope.scopes.includes("servedArea") ? await actorPath(me) : [];
    const anyOf = scope.scopes.flatMap((s): Filter<Document>[] => {
      if (s === "subtree") return [{ "place.path": me.orgId }];
      if (s === "servedArea") return path.length > 0 ? [{ serviceAreaOrgIds: { $in: path } }] : [];
      if (s === "ownTeam") return [{ _id: me.orgId as never }];
      return [];
    });
    return { $or: anyOf };
  };
  const checkedItem = (item: MenuItem | undefined): MenuItem => {
    if (!item) throw kepuError("invalid", "ITEM_REQUIRED", "缺少菜单内容", "The menu item is missing", "item");
    return must(checkMenuItem(item));
  };

  return {
    async registerOrganization(request, context) {
      const orgId = requireId(request.orgId, "orgId");
      requireEnum(OrgKind, request.kind, "kind", "请选择组织类型", "Choose the kind of organization");
      const parent = request.parentId ? await existing("organizations", request.parentId, "parentId") : undefined;
      const place = must(placeUnder(parent && { orgId: String(parent._id), kind: parent.kind, place: placeOf(parent) }, orgId, request.kind));
      requireAccess("org.change", context.actor, { path: parent ? placeOf(parent).path : [] }); // a root is the admin's
      const state = { name: requireName(request.name), kind: request.kind, parentId: request.parentId, place: storedPlace(place) };
      const doc = await store.create("organizations", orgId, state, OrganizationRegisteredSchema, { orgId, ...state, place }, cause(context));
      return { organization: orgMessage(doc) };
    },

    async getOrganization(request) {
      return { organization: orgMessage(await existing("organizations", request.orgId, "orgId")) };
    },

    async listSubtree(request) {
      const root = await existing("organizations", request.orgId, "orgId");
      const docs = await store.find("organizations", { "place.path": String(root._id), ...(request.kind ? { kind: request.kind } : {}) });
      return { organizations: docs.map(orgMessage) };
    },

    async registerTeam(request, context) {
      const teamId = requireId(request.teamId, "teamId");
      const owner = await existing("organizations", request.orgId, "orgId");
      requireAccess("team.register", context.actor, placedFacts(owner));
      const profile = await teamProfile(request.themes, request.serviceAreaOrgIds);
      const state = { name: requireName(request.name), orgId: request.orgId, place: owner.place, ...profile, leaderId: optionalId(request.leaderId, "leaderId"), memberIds: [] };
      const doc = await store.create("teams", teamId, state, TeamRegisteredSchema, { teamId, ...state, place: placeOf(owner) }, cause(context));
      return { team: teamMessage(doc) };
    },

    async updateTeam(request, context) {
      const team = await existing("teams", request.teamId, "teamId");
      requireAccess("team.change", context.actor, teamFacts(team));
      const name = requireName(request.name);
      const leaderId = optionalId(request.leaderId, "leaderId");
      const profile = await teamProfile(request.themes, request.serviceAreaOrgIds);
      const changed = { name, ...profile, leaderId };
      const doc = await store.change("teams", String(team._id), () => ({ state: changed, payload: { teamId: String(team._id), ...changed } }), TeamUpdatedSchema, cause(context));
      return { team: teamMessage(doc) };
    },

    async getTeam(request, context) {
      const team = await existing("teams", request.teamId, "teamId");
      if (!can("team.read", context.actor, teamFacts(team, await actorPath(context.actor)))) throw notFoundError("teams", request.teamId, "teamId");
      const clear = can("team.readPhones", context.actor, teamFacts(team));
      const volunteers = (await store.volunteersOf(String(team._id))).map((v) => volunteerMessage(v, clear));
      return { team: teamMessage(team, volunteers) };
    },

    async listTeams(request, context) {
      return { teams: (await store.find("teams", { ...subtree(request.orgId), ...(await teamsWithinReach(context.actor)) })).map((t) => teamMessage(t)) };
    },

    // Real name and phone go to the registry's own volunteers collection only; the event carries
    // the volunteer's id and skills.
    async addVolunteer(request, context) {
      const team = await existing("teams", request.teamId, "teamId");
      const teamId = String(team._id);
      requireAccess("team.change", context.actor, teamFacts(team));
      const volunteerId = requireId(request.volunteerId, "volunteerId");
      const guardian = must(consentForJoining(request.birthDate && timestampDate(request.birthDate), guardianConsentOf(request.guardianConsent), new Date()));
      const volunteer = { teamId, realName: requireName(request.realName, "realName"), phone: requireMobile(request.phone), skills: request.skills, ...guardian };
      await store.saveVolunteer(volunteerId, volunteer); // first, so a retry after a crash completes the join
      await store.change(
        "teams",
        teamId,
        (current) => {
          const memberIds: string[] = current.memberIds ?? [];
          if (memberIds.includes(volunteerId)) throw kepuError("conflict", "ALREADY_EXISTS", "该志愿者已在队中", "The volunteer is already in the team", "volunteerId");
          return { state: { memberIds: [...memberIds, volunteerId] }, payload: { teamId, volunteerId, skills: request.skills } };
        },
        VolunteerJoinedTeamSchema,
        cause(context),
      );
      return { volunteer: volunteerMessage({ _id: volunteerId, ...volunteer }, false) };
    },

    async certifyBase(request, context) {
      const baseId = requireId(request.baseId, "baseId");
      const owner = await existing("organizations", request.orgId, "orgId");
      requireAccess("base.review", context.actor, placedFacts(owner));
      requireEnum(BaseLevel, request.level, "level", "请选择基地级别", "Choose the base's level");
      const certifiedOn = request.certifiedOn ? timestampDate(request.certifiedOn) : new Date();
      const termYears = must(certificationTerm(request.termYears));
      const state = { name: requireName(request.name), orgId: request.orgId, place: owner.place, level: request.level, status: BaseStatus.ACTIVE, certifiedOn, termYears, themes: request.themes, assessments: {} };
      const doc = await store.create("bases", baseId, state, BaseCertifiedSchema, { baseId, ...state, place: placeOf(owner), certifiedOn: timestampFromDate(certifiedOn) }, cause(context));
      return { base: baseMessage(doc) };
    },

    async changeBaseStatus(request, context) {
      const base = await existing("bases", request.baseId, "baseId");
      requireAccess("base.review", context.actor, placedFacts(base));
      requireEnum(BaseStatus, request.status, "status", "请选择基地状态", "Choose the base's status");
      const reason = request.reason.trim();
      const doc = await store.change(
        "bases",
        String(base._id),
        (current) => ({ state: { status: must(changeStatus(current.status, request.status, reason)) }, payload: { baseId: String(base._id), status: request.status, reason } }),
        BaseStatusChangedSchema,
        cause(context),
      );
      return { base: baseMessage(doc) };
    },

    async assessBase(request, context) {
      const base = await existing("bases", request.baseId, "baseId");
      requireAccess("base.review", context.actor, placedFacts(base));
      const passed = assessmentPassed(request);
      const doc = await store.change(
        "bases",
        String(base._id),
        (current) => {
          const assessments = current.assessments ?? {};
          const year = must(canAssess(current.status, request.year, Object.keys(assessments).map(Number)));
          const { hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact } = request;
          return { state: { assessments: { ...assessments, [year]: passed } }, payload: { baseId: String(base._id), year, hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact, passed } };
        },
        BaseAssessedSchema,
        cause(context),
      );
      return { base: baseMessage(doc) };
    },

    async listBases(request, context) {
      listScope("base.read", context.actor); // all staff see every base's status
      const bases = await store.find("bases", subtree(request.orgId));
      // Scores are for the base itself and the associations above it.
      return { bases: bases.map((b) => (can("base.readScores", context.actor, placedFacts(b)) ? baseMessage(b) : { ...baseMessage(b), assessments: {} })) };
    },

    async listResource(request, context) {
      const resourceId = requireId(request.resourceId, "resourceId");
      const owner = await existing("organizations", request.ownerOrgId, "ownerOrgId");
      requireAccess("resource.submit", context.actor, placedFacts(owner));
      requireEnum(ResourceKind, request.kind, "kind", "请选择资源类型", "Choose the kind of resource");
      if (request.capacity < 0) throw kepuError("invalid", "BAD_CAPACITY", "容纳人数不能为负数", "Capacity cannot be negative", "capacity");
      const state = { kind: request.kind, name: requireName(request.name), ownerOrgId: request.ownerOrgId, place: owner.place, capacity: request.capacity, available: true };
      const doc = await store.create("resources", resourceId, state, ResourceListedSchema, { resourceId, ...state, place: placeOf(owner) }, cause(context));
      return { resource: resourceMessage(doc) };
    },

    async listResources(request, context) {
      listScope("resource.readPublished", context.actor);
      const docs = await store.find("resources", { ...subtree(request.orgId), ...(request.kind ? { kind: request.kind } : {}) });
      return { resources: docs.map(resourceMessage) };
    },

    async publishMenuItem(request, context) {
      const item = checkedItem(request.item);
      const itemId = requireId(item.itemId, "item.itemId");
      const area = await existing("organizations", item.serviceAreaOrgId, "item.serviceAreaOrgId");
      const provider = await existing(item.providerKind === ProviderKind.BASE ? "bases" : "teams", item.providerId, "item.providerId");
      requireAccess("menu.publish", context.actor, providerFacts(item.providerKind, provider));
      for (const resourceId of item.resourceIds) await existing("resources", resourceId, "item.resourceIds");
      const doc = await store.create("menu", itemId, { item: storedItem(item), place: area.place, withdrawn: false }, MenuItemPublishedSchema, { item }, cause(context));
      return { item: menuMessage(doc) };
    },

    async editMenuItem(request, context) {
      const edit = checkedItem(request.item);
      const published = await existing("menu", edit.itemId, "item.itemId");
      const provider = await existing(published.item.providerKind === ProviderKind.BASE ? "bases" : "teams", published.item.providerId, "item.providerId");
      requireAccess("menu.publish", context.actor, providerFacts(published.item.providerKind, provider));
      for (const resourceId of edit.resourceIds) await existing("resources", resourceId, "item.resourceIds");
      const doc = await store.change(
        "menu",
        String(published._id),
        (current) => {
          if (current.withdrawn) throw kepuError("conflict", "ITEM_WITHDRAWN", "菜单项已下架，不能修改", "The menu item is withdrawn and cannot be edited", "item.itemId");
          // The service area and the provider stay as published: orders already point at them.
          const item = { ...edit, serviceAreaOrgId: current.item.serviceAreaOrgId, providerKind: current.item.providerKind, providerId: current.item.providerId };
          return { state: { item: storedItem(item) }, payload: { item } };
        },
        MenuItemEditedSchema,
        cause(context),
      );
      return { item: menuMessage(doc) };
    },

    async withdrawMenuItem(request, context) {
      const item = await existing("menu", request.itemId, "itemId");
      requireAccess("menu.withdraw", context.actor, menuFacts(item));
      const reason = request.reason.trim();
      await store.change(
        "menu",
        String(item._id),
        (current) => {
          if (current.withdrawn) throw kepuError("conflict", "ITEM_WITHDRAWN", "菜单项已下架", "The menu item is already withdrawn", "itemId");
          return { state: { withdrawn: true }, payload: { itemId: String(item._id), reason } };
        },
        MenuItemWithdrawnSchema,
        cause(context),
      );
      return {};
    },

    async listMenuForCommunity(request, context) {
      const place = await community(request.communityId);
      requireAccess("menu.read", context.actor, { orgId: place.orgId }); // a resident reads her own community's menu
      // The community's ancestors (and itself) are the only service areas that can contain it.
      const docs = await store.find("menu", { "item.serviceAreaOrgId": { $in: place.path }, withdrawn: false });
      const items = docs
        .map(menuMessage)
        .filter((i) => servesCommunity(i, place))
        .filter((i) => (!request.theme || i.theme === request.theme) && (!request.format || i.format === request.format) && (!request.audience || i.audiences.includes(request.audience)));
      return { items };
    },

    async listEligibleTeams(request, context) {
      listScope("team.read", context.actor);
      const item = request.itemId ? menuMessage(await existing("menu", request.itemId, "itemId")) : undefined;
      const theme = item ? item.theme : requireEnum(Theme, request.theme, "theme", "请选择科普主题，或给出菜单项", "Choose a theme, or give a menu item");
      const place = item ? placeOf(await existing("organizations", item.serviceAreaOrgId, "itemId")) : await community(request.communityId);
      const candidates = await store.find("teams", { themes: theme, serviceAreaOrgIds: { $in: place.path } });
      return { teams: candidates.filter((t) => teamFits({ themes: t.themes, serviceAreaOrgIds: t.serviceAreaOrgIds }, theme, place)).map((t) => teamMessage(t)) };
    },
  };
}
