// The registry's refusals, each with a stable code and words in Chinese first, English second.
import { kepuError } from "@kepu/errors";

/** The registry's aggregates, one kind each (and one collection each in store/). */
export type Kind = "organizations" | "teams" | "bases" | "resources" | "menu";

const notFoundWords: Record<Kind, [code: string, zh: string, en: string]> = {
  organizations: ["ORG_NOT_FOUND", "组织不存在", "Organization does not exist"],
  teams: ["TEAM_NOT_FOUND", "队伍不存在", "Team does not exist"],
  bases: ["BASE_NOT_FOUND", "基地不存在", "Base does not exist"],
  resources: ["RESOURCE_NOT_FOUND", "资源不存在", "Resource does not exist"],
  menu: ["ITEM_NOT_FOUND", "菜单项不存在", "Menu item does not exist"],
};

export const registryErrors = {
  /** A record the request names does not exist (or, for a refused read, may not be seen). */
  notFound: (kind: Kind, id: string, field: string) => {
    const [code, zh, en] = notFoundWords[kind];
    return kepuError("not_found", code, `${zh}：${id}`, `${en}: ${id}`, field);
  },
  alreadyExists: (id: string) => kepuError("conflict", "ALREADY_EXISTS", `${id} 已存在`, `${id} already exists`, "id"),
  notACommunity: (field: string) => kepuError("invalid", "NOT_A_COMMUNITY", "请选择一个社区", "Choose a community", field),
  badCapacity: () => kepuError("invalid", "BAD_CAPACITY", "容纳人数不能为负数", "Capacity cannot be negative", "capacity"),
  alreadyMember: () => kepuError("conflict", "ALREADY_EXISTS", "该志愿者已在队中", "The volunteer is already in the team", "volunteerId"),
  notAMember: (volunteerId: string) => kepuError("conflict", "NOT_A_MEMBER", `志愿者 ${volunteerId} 不在该队中`, `Volunteer ${volunteerId} is not a member of the team`, "volunteerId"),
  teamDeactivated: (teamId: string) => kepuError("conflict", "TEAM_INACTIVE", `队伍 ${teamId} 已停用`, `Team ${teamId} is deactivated`, "teamId"),
  teamInactive: (teamId: string) => kepuError("conflict", "PROVIDER_INACTIVE", `队伍 ${teamId} 已停用，不能提供菜单项`, `Team ${teamId} is deactivated and cannot offer menu items`, "item.providerId"),
  baseInactive: (baseId: string, status: string) =>
    kepuError("conflict", "PROVIDER_INACTIVE", `基地 ${baseId} 当前为${status}，不能提供菜单项`, `Base ${baseId} is ${status} and cannot offer menu items`, "item.providerId"),
  itemWithdrawn: (field: string, editing: boolean) =>
    editing
      ? kepuError("conflict", "ITEM_WITHDRAWN", "菜单项已下架，不能修改", "The menu item is withdrawn and cannot be edited", field)
      : kepuError("conflict", "ITEM_WITHDRAWN", "菜单项已下架", "The menu item is already withdrawn", field),
  busy: () => kepuError("conflict", "BUSY", "数据正被频繁修改，请稍后重试", "This record is changing quickly; please retry"),
};
