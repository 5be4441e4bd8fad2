// What an order points at must exist and fit: the community is a community, the menu item is
// published, serves it and leaves its lead time, the teams are there, have people and serve the
// area. Dispatch knows these from its own read model of the registry's events; the rules are here.
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { OrgKind, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { OrderCommand } from "./decide.js";
import type { OrderState } from "./order.js";

/** An organization as dispatch knows it from OrganizationRegistered / Renamed / Moved / Closed. */
export interface KnownOrg {
  orgId: string;
  kind: OrgKind;
  /** Ids from the root down to and including orgId: where it sits now (OrganizationMoved). */
  path: readonly string[];
  /** Its district and street, as the registry placed it ("" when the read model does not know). */
  districtId?: string;
  streetId?: string;
  /** True once the registry closed it (OrganizationClosed): it can no longer order. */
  closed?: boolean;
}

/** A menu item as dispatch knows it from MenuItemPublished / Edited / Withdrawn. */
export interface KnownMenuItem {
  itemId: string;
  title: string;
  /** The subtree it is offered in. */
  serviceAreaOrgId: string;
  /** Days between ordering and the earliest day it can be held. */
  leadTimeDays: number;
  withdrawn: boolean;
}

/** A team as dispatch knows it from TeamRegistered / TeamUpdated / VolunteerJoinedTeam / VolunteerLeftTeam. */
export interface KnownTeam {
  teamId: string;
  serviceAreaOrgIds: string[];
  memberIds: string[];
  /** False once the registry deactivated it (TeamDeactivated); absent: active. */
  active?: boolean;
}

/** A calendar date in the deployment's zone (Beijing), month 1–12. */
export interface Day {
  year: number;
  month: number;
  day: number;
}

const dayNumber = ({ year, month, day }: Day) => Date.UTC(year, month - 1, day) / 86_400_000;
const dayText = ({ year, month, day }: Day) => `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

/** Whole calendar days from one date to another (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return dayNumber(to) - dayNumber(from);
}

/** The date `days` after another. */
export function addDays(date: Day, days: number): Day {
  const d = new Date((dayNumber(date) + days) * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const referenceErrors = {
  communityUnknown: (orgId: string) =>
    kepuError("invalid", "COMMUNITY_NOT_FOUND", `社区 ${orgId} 不存在`, `Community ${orgId} does not exist`, "request.community"),
  notACommunity: (orgId: string) =>
    kepuError("invalid", "NOT_A_COMMUNITY", `${orgId} 不是社区，请选择下单的社区`, `${orgId} is not a community; choose the community the order is for`, "request.community"),
  communityClosed: (orgId: string) =>
    kepuError("invalid", "COMMUNITY_CLOSED", `社区 ${orgId} 已撤销，不能再点单`, `Community ${orgId} has been closed and can no longer order`, "request.community"),
  communityPathWrong: (orgId: string) =>
    kepuError("invalid", "COMMUNITY_PATH_MISMATCH", `社区 ${orgId} 的上级组织与登记的不一致`, `Community ${orgId} does not sit where the registry has it`, "request.community"),
  menuItemUnknown: (itemId: string) =>
    kepuError("invalid", "MENU_ITEM_NOT_FOUND", `菜单项 ${itemId} 不存在`, `Menu item ${itemId} does not exist`, "request.menuItemId"),
  menuItemWithdrawn: (itemId: string) =>
    kepuError("invalid", "MENU_ITEM_WITHDRAWN", `菜单项 ${itemId} 已下架，不能点单`, `Menu item ${itemId} has been withdrawn and cannot be ordered`, "request.menuItemId"),
  menuItemNotServed: (itemId: string, communityId: string) =>
    kepuError("invalid", "MENU_ITEM_NOT_SERVED", `菜单项 ${itemId} 不在社区 ${communityId} 的服务范围内`, `Menu item ${itemId} is not offered in community ${communityId}`, "request.menuItemId"),
  leadTime: (leadTimeDays: number, earliest: Day) =>
    kepuError(
      "invalid",
      "LEAD_TIME_TOO_SHORT",
      `该项目需提前 ${leadTimeDays} 天预约，期望日期最早为 ${dayText(earliest)}`,
      `This item needs ${leadTimeDays} days' notice; the earliest preferred date is ${dayText(earliest)}`,
      "request.preferredDate",
    ),
  preferredDatePast: (today: Day) =>
    kepuError("invalid", "PREFERRED_DATE_PAST", `期望日期不能早于今天（${dayText(today)}）`, `The preferred date cannot be before today (${dayText(today)})`, "request.preferredDate"),
  teamUnknown: (teamId: string, field: string) => kepuError("invalid", "TEAM_NOT_FOUND", `队伍 ${teamId} 不存在`, `Team ${teamId} does not exist`, field),
  teamInactive: (teamId: string, field: string) => kepuError("invalid", "TEAM_INACTIVE", `队伍 ${teamId} 已停用，不能接受派单`, `Team ${teamId} is deactivated and cannot take orders`, field),
  teamWithoutMembers: (teamId: string, field: string) =>
    kepuError("invalid", "TEAM_HAS_NO_MEMBERS", `队伍 ${teamId} 还没有队员，不能接受派单`, `Team ${teamId} has no members yet and cannot take orders`, field),
  teamOutsideArea: (teamId: string, communityId: string, field: string) =>
    kepuError("invalid", "TEAM_OUTSIDE_AREA", `队伍 ${teamId} 的服务范围不含社区 ${communityId}`, `Team ${teamId} does not serve community ${communityId}`, field),
};

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/** 点单 is for a community the registry has, as the registry has it. */
export function checkCommunity(place: OrgPlace | undefined, known: KnownOrg | undefined): Result<void> {
  const orgId = place?.orgId ?? "";
  if (!place || !known) return fail(referenceErrors.communityUnknown(orgId));
  if (known.kind !== OrgKind.COMMUNITY) return fail(referenceErrors.notACommunity(orgId));
  if (known.closed) return fail(referenceErrors.communityClosed(orgId));
  if (!sameIds(place.path, known.path)) return fail(referenceErrors.communityPathWrong(orgId));
  return ok(undefined);
}

/** Orders still on their way (点单 to 排期): a moved community takes these along; done ones stay where they happened. */
export const openStatuses: readonly OrderStatus[] = [OrderStatus.SUBMITTED, OrderStatus.DISPATCHED, OrderStatus.POOLED, OrderStatus.CLAIMED, OrderStatus.ACCEPTED, OrderStatus.SCHEDULED];

/**
 * Where an open order's community sits after the community moved (OrganizationMoved): the read
 * model's place, so the new street's and district's staff see and dispatch it; undefined when the
 * order is not open, is for another community, or sits there already.
 */
export function movedPlace(status: OrderStatus, place: OrgPlace | undefined, moved: KnownOrg): OrgPlace | undefined {
  if (!place || place.orgId !== moved.orgId || !openStatuses.includes(status)) return undefined;
  if (sameIds(place.path, moved.path) && place.districtId === (moved.districtId ?? place.districtId) && place.streetId === (moved.streetId ?? place.streetId)) return undefined;
  return { ...place, path: [...moved.path], districtId: moved.districtId ?? place.districtId, streetId: moved.streetId ?? place.streetId };
}

/** A place by name: its district and street ("罗湖区 东门街道"), the ids where no name is known. */
function placeName(place: OrgPlace, names: Readonly<Record<string, string>>): string {
  const ids = place.districtId || place.streetId ? [place.districtId, place.streetId].filter(Boolean) : place.path.slice(1, -1);
  return ids.map((id) => names[id] || id).join(" ");
}

/** What the timeline says when an order follows its community to a new street or district. */
export function relocationReason(from: OrgPlace, to: OrgPlace, names: Readonly<Record<string, string>>): string {
  const route = `${placeName(from, names)} → ${placeName(to, names)}`;
  return `社区调整到新的街道/区：${route} / The community moved to another street or district: ${route}`;
}

/** Whether a subtree (an org id) holds the community. */
export function holds(areaOrgId: string, community: OrgPlace): boolean {
  return community.path.includes(areaOrgId);
}

export interface OrderedItem {
  /** Empty for a free topic (自选主题), which is legal. */
  menuItemId: string;
  community: OrgPlace;
  /** The preferred day in the zone, when the resident named one. */
  preferredDay: Day | undefined;
}

/**
 * The menu item is published, serves the ordering community, and the preferred day leaves its
 * lead time: at least `leadTimeDays` whole days after today (both Beijing days). Without a menu
 * item there is no lead time, but a preferred day before today is still refused.
 */
export function checkMenuItem(order: OrderedItem, item: KnownMenuItem | undefined, today: Day): Result<void> {
  let leadTimeDays = 0;
  if (order.menuItemId) {
    if (!item) return fail(referenceErrors.menuItemUnknown(order.menuItemId));
    if (item.withdrawn) return fail(referenceErrors.menuItemWithdrawn(order.menuItemId));
    if (!holds(item.serviceAreaOrgId, order.community)) return fail(referenceErrors.menuItemNotServed(order.menuItemId, order.community.orgId));
    leadTimeDays = Math.max(item.leadTimeDays, 0);
  }
  if (!order.preferredDay) return ok(undefined);
  if (daysBetween(today, order.preferredDay) < 0) return fail(referenceErrors.preferredDatePast(today));
  if (daysBetween(today, order.preferredDay) < leadTimeDays) return fail(referenceErrors.leadTime(leadTimeDays, addDays(today, leadTimeDays)));
  return ok(undefined);
}

/**
 * Why a team cannot serve an order for this community, or undefined when it can: it must be
 * known (registered), active, have at least one member, and serve an area that holds the community.
 */
export function teamProblem(teamId: string, team: KnownTeam | undefined, community: OrgPlace | undefined, field: string) {
  if (!team) return referenceErrors.teamUnknown(teamId, field);
  if (team.active === false) return referenceErrors.teamInactive(teamId, field);
  if (team.memberIds.length === 0) return referenceErrors.teamWithoutMembers(teamId, field);
  if (!community || !team.serviceAreaOrgIds.some((area) => holds(area, community))) return referenceErrors.teamOutsideArea(teamId, community?.orgId ?? "", field);
  return undefined;
}

/** Whether a team may be offered an order for this community (suggestions, 派单, 抢单). */
export function teamEligible(team: KnownTeam, community: OrgPlace | undefined): boolean {
  return teamProblem(team.teamId, team, community, "teamId") === undefined;
}

/** 派单: every chosen team exists, has members and serves the order's community. */
export function checkTeams(teamIds: readonly string[], known: ReadonlyMap<string, KnownTeam>, community: OrgPlace | undefined, field = "teamIds"): Result<void> {
  for (const teamId of teamIds) {
    const problem = teamProblem(teamId, known.get(teamId), community, field);
    if (problem) return fail(problem);
  }
  return ok(undefined);
}

/** What the read model holds of the references one command names. */
export interface ReferenceFacts {
  community: KnownOrg | undefined;
  menuItem: KnownMenuItem | undefined;
  teams: ReadonlyMap<string, KnownTeam>;
}

/** Today and the order's preferred day, both as calendar dates in the zone. */
export interface OrderDays {
  today: Day;
  preferred: Day | undefined;
}

/**
 * The references a command names, checked before deciding: 点单's community and menu item,
 * 派单's teams, and the team that takes an order from the pool (抢单). An invited team's accept is
 * not checked again: it was checked when it was dispatched.
 */
export function checkReferences(command: OrderCommand, state: OrderState | undefined, facts: ReferenceFacts, days: OrderDays): Result<void> {
  switch (command.kind) {
    case "submit": {
      const { community, menuItemId } = command.request;
      const known = checkCommunity(community, facts.community);
      if (!known.ok) return known;
      return checkMenuItem({ menuItemId, community: community!, preferredDay: days.preferred }, facts.menuItem, days.today);
    }
    case "dispatch":
      return checkTeams([...new Set(command.teamIds)], facts.teams, state?.request.community);
    case "accept":
      return state?.status === OrderStatus.POOLED ? checkTeams([command.teamId], facts.teams, state.request.community, "teamId") : ok(undefined);
    default:
      return ok(undefined);
  }
}

/** The teams a command names whose records the check needs. */
export function teamsNamed(command: OrderCommand): string[] {
  if (command.kind === "dispatch") return [...new Set(command.teamIds)];
  if (command.kind === "accept") return [command.teamId];
  return [];
}
