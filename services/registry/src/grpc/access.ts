// Who may change what: writes are for admins and for staff whose subtree holds the place.
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";

const staffRoles = [Role.CITY_STAFF, Role.DISTRICT_STAFF, Role.STREET_STAFF, Role.COMMUNITY_WORKER, Role.BASE_STAFF];

const isAdmin = (actor: Actor | undefined) => actor?.role === Role.ADMIN || actor?.role === Role.SYSTEM;

/** A team leader acts for their own team: their actor's orgId is the team's id. */
export const leadsTeam = (actor: Actor | undefined, teamId: string) => actor?.role === Role.TEAM_LEADER && actor.orgId === teamId;

/** Writes need an admin, or staff whose subtree holds the place (`path` is the place's ancestors). */
export function requireStaff(actor: Actor | undefined, path: string[]): void {
  if (!actor?.id) throw kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first");
  if (isAdmin(actor)) return;
  if (!staffRoles.includes(actor.role) || !path.includes(actor.orgId)) throw kepuError("forbidden", "OUTSIDE_YOUR_SCOPE", "不在您的管辖范围内", "This is outside your area");
}

/** Volunteers' phone numbers in clear only for those who call them: an admin or their team's leader. */
export const seesPhones = (actor: Actor | undefined, teamId: string) => actor?.role === Role.ADMIN || leadsTeam(actor, teamId);
