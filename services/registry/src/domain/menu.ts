import { fail, kepuError, ok, type Result } from "@kepu/errors";
import type { MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import { isWithin, type Place } from "./org-tree.js";

/** A menu item's content as the registry keeps it: the protobuf fields, plain. */
export type MenuItemFields = Omit<MenuItem, "$typeName">;

/** What a menu item must say before it is offered (科普服务菜单). */
export function checkMenuItem<T extends MenuItemFields>(item: T): Result<T> {
  const bad = (code: string, zh: string, en: string, field: string) => fail<T>(kepuError("invalid", code, zh, en, `item.${field}`));
  if (!item.title.trim() || [...item.title].length > 100) return bad("TITLE_REQUIRED", "请填写 1 到 100 字的标题", "The title must be 1 to 100 characters", "title");
  if (!item.theme) return bad("THEME_REQUIRED", "请选择科普主题", "Choose a theme", "theme");
  if (!item.format) return bad("FORMAT_REQUIRED", "请选择服务形式", "Choose a format", "format");
  if (item.capacity < 1 || item.capacity > 100_000) return bad("BAD_CAPACITY", "容纳人数须在 1 到 100000 之间", "Capacity must be 1 to 100000", "capacity");
  if (item.durationMinutes < 10 || item.durationMinutes > 24 * 60) return bad("BAD_DURATION", "时长须在 10 分钟到 24 小时之间", "Duration must be 10 minutes to 24 hours", "durationMinutes");
  if (item.leadTimeDays < 0 || item.leadTimeDays > 365) return bad("BAD_LEAD_TIME", "提前预约天数须在 0 到 365 之间", "Lead time must be 0 to 365 days", "leadTimeDays");
  if (!item.serviceAreaOrgId) return bad("AREA_REQUIRED", "请选择服务范围", "Choose the service area", "serviceAreaOrgId");
  if (!item.providerKind) return bad("PROVIDER_KIND_REQUIRED", "请选择提供方类型（队伍或基地）", "Choose the provider kind (a team or a base)", "providerKind");
  if (!item.providerId) return bad("PROVIDER_REQUIRED", "请选择提供方（队伍或基地）", "Choose the provider (a team or a base)", "providerId");
  return ok(item);
}

/** An item is on a community's menu when the community lies in the item's service area. */
export function servesCommunity(item: Pick<MenuItem, "serviceAreaOrgId">, community: Pick<Place, "path">): boolean {
  return isWithin(community, item.serviceAreaOrgId);
}
