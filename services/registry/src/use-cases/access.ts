// What PRODUCT.md's ownership matrix (@kepu/access) needs to know of the registry's records.
import type { Facts } from "@kepu/access";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import type { MenuItemState, Provider } from "../domain/menu-item.js";
import type { Place } from "../domain/org-tree.js";
import type { TeamState } from "../domain/team.js";

/** A record placed in the org tree (an org, a base, a resource): its path and its own org. */
export const placedFacts = (record: { place: Place; orgId: string }): Facts => ({ path: record.place.path, orgId: record.orgId });

/** A team: where it belongs, the areas it serves, and itself; `actorPath` is where the reader's org sits. */
export const teamFacts = (team: TeamState, actorPath: readonly string[] = []): Facts => ({
  path: team.place.path,
  teamId: team.teamId,
  areaOrgIds: team.serviceAreaOrgIds,
  actorPath,
});

/** A menu item: its service area's place, and the team that provides it. */
export const menuFacts = (menu: MenuItemState): Facts => ({
  path: menu.place.path,
  teamId: menu.item.providerKind === ProviderKind.TEAM ? menu.item.providerId : "",
});

/** The provider of a menu item as the matrix sees it: a team (its leader), or a base (its staff's subtree). */
export const providerFacts = (provider: Provider): Facts => (provider.kind === ProviderKind.BASE ? placedFacts(provider.base) : teamFacts(provider.team));
