import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Document } from "mongodb";
import { OrgKind, OrgPlaceSchema, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import {
  BaseAssessedSchema,
  BaseCertifiedSchema,
  BaseStatus,
  MenuItemPublishedSchema,
  MenuItemSchema,
  MenuItemWithdrawnSchema,
  OrganizationRegisteredSchema,
  ResourceListedSchema,
  TeamRegisteredSchema,
  VolunteerJoinedTeamSchema,
  type MenuItem,
} from "@kepu/contracts/registry/v1/events_pb";
import type { RegistryService} from "@kepu/contracts/registry/v1/service_pb";
import { type BaseSchema, type OrganizationSchema, type TeamSchema } from "@kepu/contracts/registry/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { maskPhone } from "@kepu/privacy";
import type { CallContext, ServiceImplementation } from "@kepu/rpc";
import { assessmentPassed, checkMenuItem, placeUnder } from "../domain/rules.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";

const idPattern = /^[A-Za-z0-9_.:-]{1,80}$/;
const id = (value: string, field: string) => {
  if (!idPattern.test(value)) throw kepuError("invalid", "INVALID_ID", `${field} 缺失或格式不正确`, `${field} is missing or malformed`, field);
  return value;
};
const name = (value: string, field = "name") => {
  const text = value.trim();
  if (!text || [...text].length > 100) throw kepuError("invalid", "NAME_REQUIRED", `请填写 1 到 100 字的${field === "name" ? "名称" : field}`, `${field} must be 1 to 100 characters`, field);
  return text;
};
const phonePattern = /^1[3-9]\d{9}$/;

const placeOf = (doc: Document | undefined): OrgPlace => create(OrgPlaceSchema, doc?.place ?? {});
/** A place as stored: plain fields only (FerretDB refuses keys that start with "$", like $typeName). */
const storedPlace = ({ orgId, path, districtId, streetId, communityId }: OrgPlace) => ({ orgId, path, districtId, streetId, communityId });
const orgMessage = (doc: Document): MessageInitShape<typeof OrganizationSchema> => ({ orgId: String(doc._id), name: doc.name, kind: doc.kind, parentId: doc.parentId, place: placeOf(doc) });
const teamMessage = (doc: Document, volunteers: MessageInitShape<typeof TeamSchema>["volunteers"] = []): MessageInitShape<typeof TeamSchema> => ({
  teamId: String(doc._id), name: doc.name, orgId: doc.orgId, place: placeOf(doc), themes: doc.themes, serviceAreaOrgIds: doc.serviceAreaOrgIds, leaderId: doc.leaderId, volunteers,
});
const baseMessage = (doc: Document): MessageInitShape<typeof BaseSchema> => ({
  baseId: String(doc._id), name: doc.name, orgId: doc.orgId, place: placeOf(doc), level: doc.level, status: doc.status, certifiedOn: doc.certifiedOn ? timestampFromDate(doc.certifiedOn) : undefined,
  termYears: doc.termYears, themes: doc.themes, assessments: Object.fromEntries(Object.entries(doc.assessments ?? {}).map(([y, passed]) => [Number(y), Boolean(passed)])),
});
const menuMessage = (doc: Document): MenuItem => create(MenuItemSchema, { ...doc.item, itemId: String(doc._id) });

/** Writes need an admin, or staff whose subtree holds the place. */
function requireStaff(actor: Actor | undefined, path: string[]): void {
  if (!actor?.id) throw kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first");
  if (actor.role === Role.ADMIN || actor.role === Role.SYSTEM) return;
  const staff = [Role.CITY_STAFF, Role.DISTRICT_STAFF, Role.STREET_STAFF, Role.COMMUNITY_WORKER, Role.BASE_STAFF];
  if (!staff.includes(actor.role) || !path.includes(actor.orgId)) throw kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "不在您的管辖范围内", "This is outside your area");
}

export function registryService(store: RegistryStore): ServiceImplementation<typeof RegistryService> {
  const cause = (context: CallContext): Cause => ({ correlationId: context.correlationId, actor: context.actor });
  const org = async (orgId: string, field = "orgId") => {
    const doc = await store.get("organizations", id(orgId, field));
    if (!doc) throw kepuError("not_found", "ORG_NOT_FOUND", `组织 ${orgId} 不存在`, `Organization ${orgId} does not exist`, field);
    return doc;
  };
  const subtree = (orgId: string) => (orgId ? { "place.path": orgId } : {});

  return {
    async registerOrganization(request, context) {
      const orgId = id(request.orgId, "orgId");
      const parent = request.parentId ? await org(request.parentId, "parentId") : undefined;
      const placed = placeUnder(parent ? { orgId: String(parent._id), kind: parent.kind, place: placeOf(parent) } : undefined, orgId, request.kind);
      if (!placed.ok) throw placed.error;
      requireStaff(context.actor, parent ? placeOf(parent).path : []);
      const state = { name: name(request.name), kind: request.kind, parentId: request.parentId, place: storedPlace(placed.value) };
      const doc = await store.create("organizations", orgId, state, OrganizationRegisteredSchema, { orgId, name: state.name, kind: request.kind, parentId: request.parentId, place: placed.value }, cause(context));
      return { organization: orgMessage(doc) };
    },
    async getOrganization(request) {
      return { organization: orgMessage(await org(request.orgId)) };
    },
    async listSubtree(request) {
      const docs = await store.find("organizations", { ...subtree(id(request.orgId, "orgId")), ...(request.kind ? { kind: request.kind } : {}) });
      return { organizations: docs.map(orgMessage) };
    },
    async registerTeam(request, context) {
      const teamId = id(request.teamId, "teamId");
      const owner = await org(request.orgId);
      requireStaff(context.actor, placeOf(owner).path);
      for (const area of request.serviceAreaOrgIds) await org(area, "serviceAreaOrgIds");
      const state = { name: name(request.name), orgId: request.orgId, place: owner.place, themes: request.themes, serviceAreaOrgIds: request.serviceAreaOrgIds, leaderId: request.leaderId };
      const doc = await store.create("teams", teamId, state, TeamRegisteredSchema, { teamId, ...state, place: placeOf(owner) }, cause(context));
      return { team: teamMessage(doc) };
    },
    async getTeam(request, context) {
      const team = await store.get("teams", id(request.teamId, "teamId"));
      if (!team) throw kepuError("not_found", "TEAM_NOT_FOUND", "队伍不存在", "Team does not exist", "teamId");
      // Full phone numbers only for those who need them: an admin or this team's leader.
      const seesPhones = context.actor?.role === Role.ADMIN || (context.actor?.role === Role.TEAM_LEADER && context.actor.orgId === team._id);
      const volunteers = (await store.volunteers.find({ teamId: team._id }).toArray()).map((v) => ({
        volunteerId: String(v._id), realName: v.realName, phone: seesPhones ? v.phone : maskPhone(v.phone), skills: v.skills,
      }));
      return { team: teamMessage(team, volunteers) };
    },
    async listTeams(request) {
      return { teams: (await store.find("teams", subtree(request.orgId))).map((t) => teamMessage(t)) };
    },
    async addVolunteer(request, context) {
      const team = await store.get("teams", id(request.teamId, "teamId"));
      if (!team) throw kepuError("not_found", "TEAM_NOT_FOUND", "队伍不存在", "Team does not exist", "teamId");
      const leads = context.actor?.role === Role.TEAM_LEADER && context.actor.orgId === team._id;
      if (!leads) requireStaff(context.actor, placeOf(team).path);
      if (!phonePattern.test(request.phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "phone");
      const volunteerId = id(request.volunteerId, "volunteerId");
      await store.volunteers.updateOne({ _id: volunteerId as never }, { $set: { teamId: team._id, realName: name(request.realName, "realName"), phone: request.phone, skills: request.skills } }, { upsert: true });
      await store.change("teams", String(team._id), (current) => ({ state: { memberCount: Number(current.memberCount ?? 0) + 1 }, payload: { teamId: String(team._id), volunteerId, skills: request.skills } }), VolunteerJoinedTeamSchema, cause(context));
      return { volunteer: { volunteerId, realName: request.realName, phone: maskPhone(request.phone), skills: request.skills } };
    },
    async certifyBase(request, context) {
      const baseId = id(request.baseId, "baseId");
      const owner = await org(request.orgId);
      requireStaff(context.actor, placeOf(owner).path);
      const certifiedOn = request.certifiedOn ? timestampDate(request.certifiedOn) : new Date();
      const state = { name: name(request.name), orgId: request.orgId, place: owner.place, level: request.level, status: BaseStatus.ACTIVE, certifiedOn, termYears: request.termYears || 3, themes: request.themes, assessments: {} };
      const doc = await store.create("bases", baseId, state, BaseCertifiedSchema, { baseId, ...state, place: placeOf(owner), certifiedOn: timestampFromDate(certifiedOn) }, cause(context));
      return { base: baseMessage(doc) };
    },
    async assessBase(request, context) {
      const base = await store.get("bases", id(request.baseId, "baseId"));
      if (!base) throw kepuError("not_found", "BASE_NOT_FOUND", "基地不存在", "Base does not exist", "baseId");
      requireStaff(context.actor, placeOf(base).path);
      if (request.year < 2000 || request.year > 2100) throw kepuError("invalid", "BAD_YEAR", "请填写正确的年份", "Enter a valid year", "year");
      const passed = assessmentPassed(request);
      const doc = await store.change(
        "bases",
        String(base._id),
        (current) => ({ state: { assessments: { ...(current.assessments ?? {}), [request.year]: passed } }, payload: { baseId: request.baseId, year: request.year, hasOrganization: request.hasOrganization, hasFunding: request.hasFunding, hasVenue: request.hasVenue, hasActivities: request.hasActivities, hasImpact: request.hasImpact, passed } }),
        BaseAssessedSchema,
        cause(context),
      );
      return { base: baseMessage(doc) };
    },
    async listBases(request) {
      return { bases: (await store.find("bases", subtree(request.orgId))).map(baseMessage) };
    },
    async listResource(request, context) {
      const resourceId = id(request.resourceId, "resourceId");
      const owner = await org(request.ownerOrgId, "ownerOrgId");
      requireStaff(context.actor, placeOf(owner).path);
      const state = { kind: request.kind, name: name(request.name), ownerOrgId: request.ownerOrgId, place: owner.place, capacity: Math.max(request.capacity, 0), available: true };
      const doc = await store.create("resources", resourceId, state, ResourceListedSchema, { resourceId, ...state, place: placeOf(owner) }, cause(context));
      return { resource: { resourceId, ...doc, place: placeOf(doc) } };
    },
    async listResources(request) {
      const docs = await store.find("resources", { ...subtree(request.orgId), ...(request.kind ? { kind: request.kind } : {}) });
      return { resources: docs.map((d) => ({ resourceId: String(d._id), kind: d.kind, name: d.name, ownerOrgId: d.ownerOrgId, place: placeOf(d), capacity: d.capacity, available: d.available })) };
    },
    async publishMenuItem(request, context) {
      if (!request.item) throw kepuError("invalid", "ITEM_REQUIRED", "缺少菜单内容", "The menu item is missing", "item");
      const checked = checkMenuItem(request.item);
      if (!checked.ok) throw checked.error;
      const itemId = id(request.item.itemId, "item.itemId");
      const area = await org(request.item.serviceAreaOrgId, "item.serviceAreaOrgId");
      requireStaff(context.actor, placeOf(area).path);
      const { $typeName: _t, ...item } = checked.value;
      const doc = await store.create("menu", itemId, { item, place: area.place, withdrawn: false }, MenuItemPublishedSchema, { item: checked.value }, cause(context));
      return { item: menuMessage(doc) };
    },
    async withdrawMenuItem(request, context) {
      const item = await store.get("menu", id(request.itemId, "itemId"));
      if (!item) throw kepuError("not_found", "ITEM_NOT_FOUND", "菜单项不存在", "Menu item does not exist", "itemId");
      requireStaff(context.actor, placeOf(item).path);
      await store.change("menu", String(item._id), () => ({ state: { withdrawn: true }, payload: { itemId: String(item._id), reason: request.reason } }), MenuItemWithdrawnSchema, cause(context));
      return {};
    },
    async listMenuForCommunity(request) {
      const community = await org(request.communityId, "communityId");
      if (community.kind !== OrgKind.COMMUNITY) throw kepuError("invalid", "NOT_A_COMMUNITY", "请选择一个社区", "Choose a community", "communityId");
      const docs = await store.find("menu", { "item.serviceAreaOrgId": { $in: placeOf(community).path }, withdrawn: false });
      const items = docs.map(menuMessage).filter((i) => (!request.theme || i.theme === request.theme) && (!request.format || i.format === request.format) && (!request.audience || i.audiences.includes(request.audience)));
      return { items };
    },
    async listEligibleTeams(request) {
      const item = request.itemId ? await store.get("menu", id(request.itemId, "itemId")) : undefined;
      const theme = item ? item.item.theme : request.theme;
      const where = item ? await org(item.item.serviceAreaOrgId) : await org(request.communityId, "communityId");
      const path = placeOf(where).path;
      const teams = await store.find("teams", { themes: theme, serviceAreaOrgIds: { $in: path } });
      return { teams: teams.map((t) => teamMessage(t)) };
    },
  };
}
