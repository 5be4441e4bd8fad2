// The registry's refusals, each with a stable code and words in Chinese first, English second.
import { kepuError } from "@kepu/errors";

/** The registry's aggregates, one kind each (and one collection each in store/). */
export type Kind = "organizations" | "teams" | "bases" | "resources" | "menu" | "brands";

const notFoundWords: Record<Kind, [code: string, zh: string, en: string]> = {
  organizations: ["ORG_NOT_FOUND", "组织不存在", "Organization does not exist"],
  teams: ["TEAM_NOT_FOUND", "队伍不存在", "Team does not exist"],
  bases: ["BASE_NOT_FOUND", "基地不存在", "Base does not exist"],
  resources: ["RESOURCE_NOT_FOUND", "资源不存在", "Resource does not exist"],
  menu: ["ITEM_NOT_FOUND", "菜单项不存在", "Menu item does not exist"],
  brands: ["BRAND_NOT_FOUND", "该社区尚未设立科普品牌", "The community has no brand yet"],
};

export const registryErrors = {
  /** A record the request names does not exist (or, for a refused read, may not be seen). */
  notFound: (kind: Kind, id: string, field: string) => {
    const [code, zh, en] = notFoundWords[kind];
    return kepuError("not_found", code, `${zh}：${id}`, `${en}: ${id}`, field);
  },
  alreadyExists: (id: string) => kepuError("conflict", "ALREADY_EXISTS", `${id} 已存在`, `${id} already exists`, "id"),
  notACommunity: (field: string) => kepuError("invalid", "NOT_A_COMMUNITY", "请选择一个社区", "Choose a community", field),
  orgClosed: (orgId: string, field: string) => kepuError("conflict", "ORG_CLOSED", `组织 ${orgId} 已撤销`, `Organization ${orgId} is closed`, field),
  orgOccupied: (doing: "move" | "close") =>
    doing === "move"
      ? kepuError("conflict", "ORG_NOT_EMPTY", "该组织下已有下级组织、队伍或资源，暂不能移动", "Something is already placed under this organization; it cannot be moved yet", "orgId")
      : kepuError("conflict", "ORG_NOT_EMPTY", "请先撤销该组织的全部下级组织", "Close every child organization first", "orgId"),
  moveIntoItself: () => kepuError("invalid", "MOVE_INTO_ITSELF", "不能把组织移到它自己或它的下级之下", "An organization cannot move under itself or its own subtree", "parentId"),
  notServing: () => kepuError("invalid", "NOT_SERVING_KIND", "只有新时代文明实践中心、所、站、实践点和党群服务中心可以设定服务社区", "Only practice centres, institutes, stations, points and 党群服务中心 serve communities", "communityIds"),
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
