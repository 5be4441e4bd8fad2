// States the deciders' table tests start from: a small tree (深圳 → 福田 → 园岭 → 红荔), a team,
// a base, a resource and a menu item, built by the deciders themselves.
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel, BaseStatus, ProviderKind, ResourceKind } from "@kepu/contracts/registry/v1/events_pb";
import type { Result } from "@kepu/errors";
import * as base from "../src/domain/base.js";
import * as menuItem from "../src/domain/menu-item.js";
import type { MenuItemFields } from "../src/domain/menu.js";
import * as organization from "../src/domain/organization.js";
import * as resource from "../src/domain/resource.js";
import * as team from "../src/domain/team.js";

export const now = new Date("2026-09-01T10:00:00+08:00");

/** The events of a decision that must succeed. */
export function events<E>(decision: Result<E[]>): E[] {
  if (!decision.ok) throw decision.error;
  return decision.value;
}

/** The outcome of a decision as a table cell: the event types, or the error's code. */
export function outcome(decision: Result<{ type: string }[]>): string {
  if (!decision.ok) {
    if (!decision.error.zh || !decision.error.en) throw new Error(`${decision.error.code} lacks its words`);
    return decision.error.code;
  }
  return decision.value.map((e) => e.type).join(",") || "nothing";
}

function org(orgId: string, kind: OrgKind, parent?: organization.OrgState): organization.OrgState {
  const [registered] = events(organization.decide(undefined, { type: "register", orgId, name: orgId, kind, parentId: parent?.orgId ?? "" }, { parent }));
  return organization.evolve(undefined, registered!);
}

export const city = org("sz", OrgKind.CITY);
export const futian = org("sz-futian", OrgKind.DISTRICT, city);
export const yuanling = org("sz-futian-yuanling", OrgKind.STREET, futian);
export const hongli = org("sz-futian-yuanling-hongli", OrgKind.COMMUNITY, yuanling);
export const orgs = new Map([city, futian, yuanling, hongli].map((o) => [o.orgId, o]));

export const profile = { name: "福田区科技志愿服务队", themes: [Theme.HEALTH, Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"], leaderId: "leader-1" };
const [teamRegistered] = events(team.decide(undefined, { type: "register", teamId: "team-futian", orgId: "sz-futian", ...profile }, { owner: futian, areas: orgs }));
export const activeTeam = team.evolve(undefined, teamRegistered!);
export const deactivatedTeam: team.TeamState = { ...activeTeam, active: false };

const [certified] = events(base.decide(undefined, { type: "certify", baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, certifiedOn: undefined, termYears: 0, themes: [Theme.HEALTH] }, { owner: futian, now }));
export const activeBase = base.evolve(undefined, certified!);
/** A base moved from ACTIVE to `status` by the decider. */
export const baseIn = (status: BaseStatus): base.BaseState =>
  status === BaseStatus.ACTIVE ? activeBase : events(base.decide(activeBase, { type: "changeStatus", status, reason: "年度复核" }, { now })).reduce(base.evolve, activeBase);

const [listed] = events(resource.decide(undefined, { type: "list", resourceId: "res-hall", kind: ResourceKind.VENUE, name: "报告厅", ownerOrgId: "sz-futian", capacity: 200 }, { owner: futian }));
export const hall = resource.evolve(undefined, listed!);

export const item: MenuItemFields = {
  itemId: "menu-phone",
  title: "老年人智能手机课",
  description: "",
  theme: Theme.DIGITAL_LITERACY,
  format: Format.HANDS_ON,
  audiences: [],
  durationMinutes: 90,
  capacity: 40,
  leadTimeDays: 7,
  serviceAreaOrgId: "sz-futian",
  providerKind: ProviderKind.TEAM,
  providerId: "team-futian",
  resourceIds: ["res-hall"],
};
export const byTeam: menuItem.Provider = { kind: ProviderKind.TEAM, team: activeTeam };
export const listedResources = new Map([[hall.resourceId, hall]]);
const [published] = events(menuItem.decide(undefined, { type: "publish", item }, { area: futian, provider: byTeam, resources: listedResources }));
export const publishedItem = menuItem.evolve(undefined, published!);
export const withdrawnItem = events(menuItem.decide(publishedItem, { type: "withdraw", reason: "讲师调离" }, {})).reduce(menuItem.evolve, publishedItem);
