import { fail, kepuError, ok, type Result } from "@kepu/errors";
import type { OrgPlace, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { isWithin } from "./org-tree.js";

/** What the registry knows of a team (科技志愿服务队) when matching it to work. */
export interface TeamProfile {
  themes: Theme[];
  serviceAreaOrgIds: string[];
}

/** A team needs at least one theme and one service area, with no theme or area twice. */
export function checkTeamProfile(team: TeamProfile): Result<TeamProfile> {
  if (team.themes.length === 0) return fail(kepuError("invalid", "THEMES_REQUIRED", "请至少选择一个科普主题", "Choose at least one theme", "themes"));
  if (team.serviceAreaOrgIds.length === 0) return fail(kepuError("invalid", "AREA_REQUIRED", "请至少选择一个服务范围", "Choose at least one service area", "serviceAreaOrgIds"));
  return ok({ themes: [...new Set(team.themes)], serviceAreaOrgIds: [...new Set(team.serviceAreaOrgIds)] });
}

/** A team fits work on `theme` at `place` when it covers the theme and one of its areas holds the place. */
export function teamFits(team: TeamProfile, theme: Theme, place: OrgPlace): boolean {
  return team.themes.includes(theme) && team.serviceAreaOrgIds.some((area) => isWithin(place, area));
}
