// The gRPC edge of the registry: each handler checks its request's fields and calls a use case
// (../use-cases); the rules are in ../domain, who may do what in the use cases.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel, BaseStatus, ResourceKind, type MenuItem, type ResourceProfile as ProfileMessage } from "@kepu/contracts/registry/v1/events_pb";
import { ImportKind, ResourceReviewDecision, type RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { kepuError } from "@kepu/errors";
import type { CallContext, ServiceImplementation } from "@kepu/rpc";
import { checkMenuItem, type MenuItemFields } from "../domain/menu.js";
import type { ResourceProfile } from "../domain/resource.js";
import { checkProfile, type ReviewDecision } from "../domain/resource-review.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { Bases } from "../use-cases/bases.js";
import { Brands } from "../use-cases/brands.js";
import { must, type Clock } from "../use-cases/decisions.js";
import { Imports, type ImportKind as Kind } from "../use-cases/imports.js";
import { Menu } from "../use-cases/menu.js";
import { Organizations } from "../use-cases/organizations.js";
import { Resources } from "../use-cases/resources.js";
import { Teams } from "../use-cases/teams.js";
import { baseMessage, brandMessage, menuMessage, orgMessage, resourceMessage, teamMessage, volunteerMessage } from "./messages.js";
import { guardianConsentOf, optionalId, optionalText, requireEnum, requireId, requireMobile, requireName } from "./validate.js";

const importKinds: Partial<Record<ImportKind, Kind>> = { [ImportKind.VOLUNTEERS]: "volunteers", [ImportKind.TEAMS]: "teams", [ImportKind.ORGS]: "orgs" };

/** The kind of import asked for: volunteers, teams or org units. */
function importKind(kind: ImportKind): Kind {
  const known = importKinds[kind];
  if (!known) throw kepuError("invalid", "IMPORT_KIND_UNSUPPORTED", "请选择导入的类型：志愿者、队伍或组织", "Choose what to import: volunteers, teams or orgs", "kind");
  return known;
}

const cause = (context: CallContext): Cause => ({ correlationId: context.correlationId, actor: context.actor });

/** A menu item's content, checked (ids well formed, the fields checkMenuItem asks for). */
function checkedItem(item: MenuItem | undefined): MenuItemFields {
  if (!item) throw kepuError("invalid", "ITEM_REQUIRED", "缺少菜单内容", "The menu item is missing", "item");
  const { $typeName: _t, ...fields } = must(checkMenuItem(item));
  requireId(fields.itemId, "item.itemId");
  requireId(fields.serviceAreaOrgId, "item.serviceAreaOrgId");
  requireId(fields.providerId, "item.providerId");
  for (const id of fields.resourceIds) requireId(id, "item.resourceIds");
  return fields;
}

/** A resource's profile as sent, checked (ids well formed, what checkProfile asks for). */
function checkedProfile(profile: ProfileMessage | undefined): ResourceProfile {
  if (!profile) throw kepuError("invalid", "PROFILE_REQUIRED", "缺少资源信息", "The resource's details are missing", "profile");
  for (const id of profile.areaOrgIds) requireId(id, "profile.areaOrgIds");
  for (const id of profile.photoIds) requireId(id, "profile.photoIds");
  const { kind, name, description, capacity, themes, areaOrgIds, photoIds, openToOthers } = profile;
  return must(checkProfile({ kind, name, description, capacity, themes, areaOrgIds, weekdays: profile.availability?.weekdays ?? [], availabilityNote: optionalText(profile.availability?.note ?? "", "profile.availability.note", 200), photoIds, openToOthers }));
}

const reviewDecisions: Partial<Record<ResourceReviewDecision, ReviewDecision>> = {
  [ResourceReviewDecision.APPROVE]: "approve",
  [ResourceReviewDecision.REJECT]: "reject",
  [ResourceReviewDecision.ASK_CHANGES]: "askChanges",
};

/** A team's name, leader, themes and areas as sent: well formed (whether the areas exist is the decider's). */
function teamProfile(request: { name: string; leaderId: string; themes: Theme[]; serviceAreaOrgIds: string[] }) {
  for (const id of request.serviceAreaOrgIds) requireId(id, "serviceAreaOrgIds");
  return { name: requireName(request.name), leaderId: optionalId(request.leaderId, "leaderId"), themes: request.themes, serviceAreaOrgIds: request.serviceAreaOrgIds };
}

export function registryService(store: RegistryStore, clock: Clock = () => new Date()): ServiceImplementation<typeof RegistryService> {
  const orgs = new Organizations(store);
  const teams = new Teams(store, orgs, clock);
  const bases = new Bases(store, orgs, clock);
  const resources = new Resources(store, orgs);
  const menu = new Menu(store, orgs);
  const imports = new Imports(store, clock);
  const brands = new Brands(store, orgs);

  return {
    async registerOrganization(request, context) {
      const orgId = requireId(request.orgId, "orgId");
      const kind = requireEnum(OrgKind, request.kind, "kind", "请选择组织类型", "Choose the kind of organization");
      const parentId = optionalId(request.parentId, "parentId");
      const org = await orgs.register({ type: "register", orgId, name: requireName(request.name), kind, parentId }, cause(context));
      return { organization: orgMessage(org) };
    },

    async getOrganization(request) {
      return { organization: orgMessage(await orgs.get(requireId(request.orgId, "orgId"))) };
    },

    async listSubtree(request) {
      return { organizations: (await orgs.subtree(requireId(request.orgId, "orgId"), request.kind)).map(orgMessage) };
    },

    async renameOrganization(request, context) {
      const org = await orgs.change(requireId(request.orgId, "orgId"), { type: "rename", name: requireName(request.name) }, cause(context));
      return { organization: orgMessage(org) };
    },

    async moveOrganization(request, context) {
      const org = await orgs.change(requireId(request.orgId, "orgId"), { type: "move", parentId: requireId(request.parentId, "parentId") }, cause(context));
      return { organization: orgMessage(org) };
    },

    async closeOrganization(request, context) {
      const org = await orgs.change(requireId(request.orgId, "orgId"), { type: "close", reason: optionalText(request.reason, "reason", 200) }, cause(context));
      return { organization: orgMessage(org) };
    },

    async setServedCommunities(request, context) {
      for (const id of request.communityIds) requireId(id, "communityIds");
      const org = await orgs.change(requireId(request.orgId, "orgId"), { type: "serve", communityIds: request.communityIds }, cause(context));
      return { organization: orgMessage(org) };
    },

    async listChildren(request) {
      return { organizations: (await orgs.children(requireId(request.orgId, "orgId"), request.kind)).map(orgMessage) };
    },

    async listAncestors(request) {
      return { organizations: (await orgs.ancestors(requireId(request.orgId, "orgId"))).map(orgMessage) };
    },

    async searchOrganizations(request) {
      const limit = request.limit > 0 ? Math.min(request.limit, 50) : 20;
      const query = optionalText(request.query, "query", 50);
      const found = await orgs.search(query, { kind: request.kind, under: optionalId(request.underOrgId, "underOrgId") }, limit);
      return { organizations: found.map(orgMessage) };
    },

    async registerTeam(request, context) {
      const teamId = requireId(request.teamId, "teamId");
      const orgId = requireId(request.orgId, "orgId");
      const team = await teams.register({ type: "register", teamId, orgId, ...teamProfile(request) }, cause(context));
      return { team: teamMessage(team) };
    },

    async updateTeam(request, context) {
      const team = await teams.update(requireId(request.teamId, "teamId"), teamProfile(request), cause(context));
      return { team: teamMessage(team) };
    },

    async getTeam(request, context) {
      const { team, volunteers, clear } = await teams.get(requireId(request.teamId, "teamId"), context.actor);
      return { team: teamMessage(team, volunteers.map((v) => volunteerMessage(v, clear))) };
    },

    async listTeams(request, context) {
      return { teams: (await teams.list(optionalId(request.orgId, "orgId"), context.actor)).map((t) => teamMessage(t)) };
    },

    async addVolunteer(request, context) {
      const teamId = requireId(request.teamId, "teamId");
      const volunteer = await teams.addVolunteer(
        teamId,
        {
          volunteerId: requireId(request.volunteerId, "volunteerId"),
          realName: requireName(request.realName, "realName"),
          phone: requireMobile(request.phone),
          skills: request.skills,
          birthDate: request.birthDate && timestampDate(request.birthDate),
          guardianConsent: guardianConsentOf(request.guardianConsent),
        },
        cause(context),
      );
      return { volunteer: volunteerMessage(volunteer, false) };
    },

    async deactivateTeam(request, context) {
      return { team: teamMessage(await teams.deactivate(requireId(request.teamId, "teamId"), request.reason.trim().slice(0, 500), cause(context))) };
    },

    async leaveTeam(request, context) {
      return { team: teamMessage(await teams.leave(requireId(request.teamId, "teamId"), requireId(request.volunteerId, "volunteerId"), cause(context))) };
    },

    async listTeamMembers(request, context) {
      const page = Math.max(request.page, 0);
      const pageSize = request.pageSize > 0 ? Math.min(request.pageSize, 200) : 50;
      const { volunteers, total, clear } = await teams.members(requireId(request.teamId, "teamId"), { page, pageSize }, context.actor);
      return { volunteers: volunteers.map((v) => volunteerMessage(v, clear)), page, pageSize, total };
    },

    async importColumns(request) {
      return { columns: imports.columns(importKind(request.kind)) };
    },

    async importRows(request, context) {
      const kind = importKind(request.kind);
      if (!/^[0-9a-f]{64}$/.test(request.fileHash)) throw kepuError("invalid", "BAD_FILE_HASH", "文件摘要应为 64 位十六进制 sha256", "The file hash must be a hex sha256", "fileHash");
      const report = await imports.importRows(kind, request.fileHash, request.headers, request.rows, cause(context));
      return { ...report, problems: report.problems.map(({ row, column, zh, en }) => ({ row, column, problem: zh, problemEn: en })) };
    },

    async certifyBase(request, context) {
      const base = await bases.certify(
        {
          type: "certify",
          baseId: requireId(request.baseId, "baseId"),
          name: requireName(request.name),
          orgId: requireId(request.orgId, "orgId"),
          level: requireEnum(BaseLevel, request.level, "level", "请选择基地级别", "Choose the base's level"),
          certifiedOn: request.certifiedOn && timestampDate(request.certifiedOn),
          termYears: request.termYears,
          themes: request.themes,
        },
        cause(context),
      );
      return { base: baseMessage(base) };
    },

    async changeBaseStatus(request, context) {
      const baseId = requireId(request.baseId, "baseId");
      const status = requireEnum(BaseStatus, request.status, "status", "请选择基地状态", "Choose the base's status");
      // A base revoked this way has its menu items withdrawn by the reaction to its event (messaging/base-revocations.ts).
      const changed = await bases.review(baseId, { type: "changeStatus", status, reason: request.reason }, cause(context));
      return { base: baseMessage(changed) };
    },

    async applyBase(request, context) {
      const base = await bases.apply(
        {
          type: "apply",
          baseId: requireId(request.baseId, "baseId"),
          name: requireName(request.name),
          orgId: requireId(request.orgId, "orgId"),
          level: requireEnum(BaseLevel, request.level, "level", "请选择基地级别", "Choose the base's level"),
          themes: request.themes,
          offers: request.offers,
        },
        cause(context),
      );
      return { base: baseMessage(base) };
    },

    async reviewBaseApplication(request, context) {
      return { base: baseMessage(await bases.reviewApplication(requireId(request.baseId, "baseId"), { approve: request.approve, reason: request.reason }, cause(context))) };
    },

    async draftBaseAssessment(request, context) {
      const figures = { activities: Math.max(0, request.activities), participants: Math.max(0, request.participants), ratings: Math.max(0, request.ratings), averageRating: Number.isFinite(request.averageRating) ? Math.max(0, request.averageRating) : 0 };
      return { scores: await bases.draft(requireId(request.baseId, "baseId"), figures, context.actor) };
    },

    async scoreBase(request, context) {
      const scores = request.scores.map(({ criterion, score, evidence, prefilled }) => ({ criterion, score, evidence, prefilled }));
      return { base: baseMessage(await bases.review(requireId(request.baseId, "baseId"), { type: "score", year: request.year, scores }, cause(context))) };
    },

    async renewBase(request, context) {
      return { base: baseMessage(await bases.review(requireId(request.baseId, "baseId"), { type: "renew" }, cause(context))) };
    },

    async revokeBase(request, context) {
      // Its menu items are withdrawn afterwards, by the reaction to BaseRevoked: none in the call.
      return { base: baseMessage(await bases.revoke(requireId(request.baseId, "baseId"), request.reason, cause(context))), withdrawn: 0 };
    },

    async listBaseDeadlines(request, context) {
      const within = request.withinDays > 0 ? Math.min(request.withinDays, 3650) : 90;
      const { expiring, overdue } = await bases.deadlines(optionalId(request.orgId, "orgId"), within, context.actor);
      return { expiring: expiring.map((b) => baseMessage(b)), overdue: overdue.map((b) => baseMessage(b)) };
    },

    async assessBase(request, context) {
      const { year, hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact } = request;
      const base = await bases.review(requireId(request.baseId, "baseId"), { type: "assess", year, hasOrganization, hasFunding, hasVenue, hasActivities, hasImpact }, cause(context));
      return { base: baseMessage(base) };
    },

    async listBases(request, context) {
      return { bases: (await bases.list(optionalId(request.orgId, "orgId"), context.actor)).map((v) => baseMessage(v.base, v.scores)) };
    },

    async listResource(request, context) {
      const resource = await resources.add(
        {
          type: "list",
          resourceId: requireId(request.resourceId, "resourceId"),
          kind: requireEnum(ResourceKind, request.kind, "kind", "请选择资源类型", "Choose the kind of resource"),
          name: requireName(request.name),
          ownerOrgId: requireId(request.ownerOrgId, "ownerOrgId"),
          capacity: request.capacity,
        },
        cause(context),
      );
      return { resource: resourceMessage(resource) };
    },

    async listResources(request, context) {
      return { resources: (await resources.list(optionalId(request.orgId, "orgId"), request.kind, context.actor)).map(resourceMessage) };
    },

    async submitResource(request, context) {
      const resource = await resources.submit(requireId(request.resourceId, "resourceId"), requireId(request.ownerOrgId, "ownerOrgId"), checkedProfile(request.profile), cause(context));
      return { resource: resourceMessage(resource) };
    },

    async editResource(request, context) {
      return { resource: resourceMessage(await resources.edit(requireId(request.resourceId, "resourceId"), checkedProfile(request.profile), cause(context))) };
    },

    async reviewResource(request, context) {
      const decision = reviewDecisions[request.decision];
      if (!decision) throw kepuError("invalid", "DECISION_REQUIRED", "请选择审核结果：通过、不通过或退回修改", "Choose the decision: approve, reject or ask for changes", "decision");
      const note = optionalText(request.note, "note", 500);
      return { resource: resourceMessage(await resources.review(requireId(request.resourceId, "resourceId"), decision, note, cause(context))) };
    },

    async getResource(request, context) {
      return { resource: resourceMessage(await resources.get(requireId(request.resourceId, "resourceId"), context.actor)) };
    },

    async searchResources(request, context) {
      const page = Math.max(request.page, 0);
      const pageSize = request.pageSize > 0 ? Math.min(request.pageSize, 100) : 20;
      const { kind, theme, weekday, status } = request;
      const filter = { kind, theme, weekday, status, areaOrgId: optionalId(request.areaOrgId, "areaOrgId"), ownerOrgId: optionalId(request.ownerOrgId, "ownerOrgId"), query: optionalText(request.query, "query", 50), page, pageSize };
      const found = await resources.search(filter, context.actor);
      return { resources: found.resources.map(resourceMessage), page, pageSize, total: found.total };
    },

    async listMenuItems(request, context) {
      const items = await menu.items({ providerId: optionalId(request.providerId, "providerId"), underOrgId: optionalId(request.underOrgId, "underOrgId") }, context.actor);
      return { items: items.map(menuMessage) };
    },

    async publishMenuItem(request, context) {
      return { item: menuMessage(await menu.publish(checkedItem(request.item), cause(context))) };
    },

    async editMenuItem(request, context) {
      // The service area and the provider stay as published: an edit need not send them again.
      const published = request.item && (await menu.published(requireId(request.item.itemId, "item.itemId")));
      const item = request.item && published && { ...request.item, serviceAreaOrgId: published.serviceAreaOrgId, providerKind: published.providerKind, providerId: published.providerId };
      return { item: menuMessage(await menu.edit(checkedItem(item), cause(context))) };
    },

    async withdrawMenuItem(request, context) {
      await menu.withdraw(requireId(request.itemId, "itemId"), request.reason, cause(context));
      return {};
    },

    async listMenuForCommunity(request, context) {
      const { theme, format, audience } = request;
      return { items: (await menu.forCommunity(requireId(request.communityId, "communityId"), { theme, format, audience }, context.actor)).map(menuMessage) };
    },

    async listEligibleTeams(request, context) {
      const itemId = optionalId(request.itemId, "itemId");
      const work = itemId
        ? { itemId }
        : { theme: requireEnum(Theme, request.theme, "theme", "请选择科普主题，或给出菜单项", "Choose a theme, or give a menu item"), communityId: requireId(request.communityId, "communityId") };
      return { teams: (await teams.eligible(work, context.actor)).map((t) => teamMessage(t)) };
    },

    async defineBrand(request, context) {
      for (const id of request.partnerBaseIds) requireId(id, "partnerBaseIds");
      const { theme, slogan } = request;
      const command = { type: "define" as const, communityId: requireId(request.communityId, "communityId"), name: request.name, theme, demoBaseId: optionalId(request.demoBaseId, "demoBaseId"), partnerBaseIds: request.partnerBaseIds, slogan };
      return { brand: brandMessage(await brands.define(command, cause(context))) };
    },

    async setBrandPlan(request, context) {
      const targets = request.targets.map(({ theme, month, target }) => ({ theme, month, target }));
      return { brand: brandMessage(await brands.setPlan(requireId(request.communityId, "communityId"), { year: request.year, targets, audiences: request.audiences }, cause(context))) };
    },

    async getBrand(request, context) {
      return { brand: brandMessage(await brands.get(requireId(request.communityId, "communityId"), context.actor)) };
    },

    async listBrands(request, context) {
      return { brands: (await brands.list(optionalId(request.orgId, "orgId"), context.actor)).map(brandMessage) };
    },

    async reviewBrandPlan(request, context) {
      const review = { year: request.year, approve: request.approve, comment: request.comment };
      return { brand: brandMessage(await brands.reviewPlan(requireId(request.communityId, "communityId"), review, cause(context))) };
    },
  };
}
