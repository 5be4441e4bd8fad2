import { orgStaff, requireAccess, teamPeople, type Who } from "@kepu/access";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { orgBox, personBox, teamBox, type Mailbox } from "./rules.js";

/**
 * The mailboxes a person reads ("notification.read": own): her own, and — for staff and teams —
 * the mailbox of the org or team she acts for (a community worker reads her community's, a
 * leader or member her team's, base staff the base org's). A resident reads only her own: her
 * org is her community, whose mailbox is its staff's.
 */
export function mailboxesOf(actor: Who | undefined): Mailbox[] {
  requireAccess("notification.read", actor, { ownerId: actor?.id });
  const boxes: Mailbox[] = [personBox(actor!.id)];
  const { role, orgId } = actor!;
  if (!orgId) return boxes;
  if (teamPeople.includes(role)) boxes.push(teamBox(orgId));
  else if (orgStaff.includes(role) || role === Role.BASE_STAFF) boxes.push(orgBox(orgId));
  return boxes;
}
