// What PRODUCT.md's ownership matrix (@kepu/access) needs to know of the registry's records.
import type { Facts } from "@kepu/access";
import type { Document } from "mongodb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { placeOf } from "./messages.js";

/** A record placed in the org tree (an org, a base, a resource): its path and its own org. */
export const placedFacts = (doc: Document): Facts => ({ path: placeOf(doc).path, orgId: String(doc.orgId ?? doc.ownerOrgId ?? doc._id) });

/** A team: where it belongs, the areas it serves, and itself; `actorPath` is where the reader's org sits. */
export const teamFacts = (team: Document, actorPath: readonly string[] = []): Facts => ({
  path: placeOf(team).path,
  teamId: String(team._id),
  areaOrgIds: team.serviceAreaOrgIds ?? [],
  actorPath,
});

/** A menu item: its service area's place, and the team that provides it. */
export const menuFacts = (doc: Document): Facts => ({
  path: placeOf(doc).path,
  teamId: doc.item?.providerKind === ProviderKind.TEAM ? String(doc.item.providerId) : "",
});
