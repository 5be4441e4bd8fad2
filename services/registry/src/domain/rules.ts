import { create } from "@bufbuild/protobuf";
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { OrgKind, OrgPlaceSchema, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import type { MenuItem } from "@kepu/contracts/registry/v1/events_pb";

// The tree: 市 → 区 → 街道 → 社区. 科协 sits under the city or a district; the 文明实践 tree
// (中心 → 所 → 站 → 实践点) and 党群服务中心 hang under the administrative node they serve.
const allowedParents: Record<OrgKind, OrgKind[]> = {
  [OrgKind.UNSPECIFIED]: [],
  [OrgKind.CITY]: [],
  [OrgKind.DISTRICT]: [OrgKind.CITY],
  [OrgKind.STREET]: [OrgKind.DISTRICT],
  [OrgKind.COMMUNITY]: [OrgKind.STREET],
  [OrgKind.ASSOCIATION]: [OrgKind.CITY, OrgKind.DISTRICT],
  [OrgKind.PRACTICE_CENTER]: [OrgKind.CITY, OrgKind.DISTRICT],
  [OrgKind.PRACTICE_INSTITUTE]: [OrgKind.PRACTICE_CENTER],
  [OrgKind.PRACTICE_STATION]: [OrgKind.PRACTICE_INSTITUTE],
  [OrgKind.PRACTICE_POINT]: [OrgKind.PRACTICE_STATION],
  [OrgKind.PARTY_SERVICE_CENTER]: [OrgKind.STREET, OrgKind.COMMUNITY],
};

export interface OrgNode {
  orgId: string;
  kind: OrgKind;
  place: OrgPlace;
}

/** Where a new organization sits, from its parent; or why it cannot sit there. */
export function placeUnder(parent: OrgNode | undefined, orgId: string, kind: OrgKind): Result<OrgPlace> {
  const parents = allowedParents[kind] ?? [];
  if (kind === OrgKind.CITY) {
    if (parent) return fail(kepuError("invalid", "CITY_HAS_NO_PARENT", "市级组织不能有上级", "A city has no parent", "parentId"));
    return ok(create(OrgPlaceSchema, { orgId, path: [orgId] }));
  }
  if (!parent) return fail(kepuError("invalid", "PARENT_REQUIRED", "请选择上级组织", "Choose the parent organization", "parentId"));
  if (!parents.includes(parent.kind)) {
    return fail(kepuError("invalid", "WRONG_PARENT_KIND", `${OrgKind[kind]} 不能挂在 ${OrgKind[parent.kind]} 下`, `A ${OrgKind[kind]} cannot sit under a ${OrgKind[parent.kind]}`, "parentId"));
  }
  const up = parent.place;
  return ok(
    create(OrgPlaceSchema, {
      orgId,
      path: [...up.path, orgId],
      districtId: kind === OrgKind.DISTRICT ? orgId : up.districtId,
      streetId: kind === OrgKind.STREET ? orgId : up.streetId,
      communityId: kind === OrgKind.COMMUNITY ? orgId : up.communityId,
    }),
  );
}

/** 年度考核: a base passes only with all five — 有组织、有经费、有阵地、有活动、有影响. */
export function assessmentPassed(c: { hasOrganization: boolean; hasFunding: boolean; hasVenue: boolean; hasActivities: boolean; hasImpact: boolean }): boolean {
  return c.hasOrganization && c.hasFunding && c.hasVenue && c.hasActivities && c.hasImpact;
}

/** What a menu item must say before it is offered. */
export function checkMenuItem(item: MenuItem): Result<MenuItem> {
  const bad = (code: string, zh: string, en: string, field: string) => fail<MenuItem>(kepuError("invalid", code, zh, en, `item.${field}`));
  if (!item.title.trim() || [...item.title].length > 100) return bad("TITLE_REQUIRED", "请填写 1 到 100 字的标题", "The title must be 1 to 100 characters", "title");
  if (!item.theme) return bad("THEME_REQUIRED", "请选择科普主题", "Choose a theme", "theme");
  if (!item.format) return bad("FORMAT_REQUIRED", "请选择服务形式", "Choose a format", "format");
  if (item.capacity < 1 || item.capacity > 100_000) return bad("BAD_CAPACITY", "容纳人数须在 1 到 100000 之间", "Capacity must be 1 to 100000", "capacity");
  if (item.durationMinutes < 10 || item.durationMinutes > 24 * 60) return bad("BAD_DURATION", "时长须在 10 分钟到 24 小时之间", "Duration must be 10 minutes to 24 hours", "durationMinutes");
  if (item.leadTimeDays < 0 || item.leadTimeDays > 365) return bad("BAD_LEAD_TIME", "提前预约天数须在 0 到 365 之间", "Lead time must be 0 to 365 days", "leadTimeDays");
  if (!item.serviceAreaOrgId) return bad("AREA_REQUIRED", "请选择服务范围", "Choose the service area", "serviceAreaOrgId");
  if (!item.providerId) return bad("PROVIDER_REQUIRED", "请选择提供方（队伍或基地）", "Choose the provider (a team or a base)", "providerId");
  return ok(item);
}
