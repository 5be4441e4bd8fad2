import { fail, kepuError, ok, type Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { isMinor } from "@kepu/privacy";
import { isWithin, type Place } from "./org-tree.js";

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
export function teamFits(team: TeamProfile, theme: Theme, place: Pick<Place, "path">): boolean {
  return team.themes.includes(theme) && team.serviceAreaOrgIds.some((area) => isWithin(place, area));
}

/** 监护人同意 as the registry keeps it. */
export interface GuardianConsent {
  guardianName: string;
  guardianPhone: string;
  relationship: string;
  consentedAt: Date;
}

/**
 * A child under 14 joins a team only on a guardian's consent given before today is over; an adult
 * (or a volunteer whose birth date is not given) needs none, and none is kept for them.
 */
export function consentForJoining(birthDate: Date | undefined, consent: GuardianConsent | undefined, now: Date): Result<{ minor: boolean; consent?: GuardianConsent }> {
  if (!birthDate) return ok({ minor: false });
  if (birthDate > now) return fail(kepuError("invalid", "BAD_BIRTH_DATE", "出生日期不能晚于今天", "The birth date cannot be in the future", "birthDate"));
  if (!isMinor(birthDate, now)) return ok({ minor: false });
  if (!consent) {
    return fail(kepuError("invalid", "GUARDIAN_CONSENT_REQUIRED", "未满 14 周岁的志愿者须有监护人同意：请填写监护人姓名、电话、关系和同意时间", "A volunteer under 14 needs a guardian's consent: give the guardian's name, phone, relationship and when they consented", "guardianConsent"));
  }
  if (consent.consentedAt > now) return fail(kepuError("invalid", "BAD_CONSENT_DATE", "监护人同意时间不能晚于现在", "The guardian's consent cannot be dated in the future", "guardianConsent.consentedAt"));
  return ok({ minor: true, consent });
}
