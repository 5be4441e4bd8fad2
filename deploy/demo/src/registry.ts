// Loads the registry's part of the Shenzhen demo data through the RegistryService.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { isKepuError } from "@kepu/errors";
import type { CallOptions, RpcClient } from "@kepu/rpc";
import { bases, demoIds, futianVolunteers, menu, orgs, providerKindOf, resources, served, teams, teamVolunteers } from "./shenzhen.js";

type RegistryClient = RpcClient<typeof RegistryService>;

/** Runs a write; "already exists" or "already in that state" means an earlier seed did it. */
export async function once(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isKepuError(error) && ["ALREADY_EXISTS", "ORDER_WRONG_STATUS", "ORDER_ALREADY_ACCEPTED", "RESOURCE_BUSY"].includes(error.code)) return;
    throw error;
  }
}

/** References dispatch (or the events service) has not heard of yet: each learns the registry from its events, within moments. */
const notKnownYet = ["COMMUNITY_NOT_FOUND", "MENU_ITEM_NOT_FOUND", "TEAM_NOT_FOUND", "TEAM_HAS_NO_MEMBERS", "RESOURCE_NOT_LISTED"];

/** A write tried again for up to a minute while the service has not yet heard of what it names; its answer. */
export async function whenKnown<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!isKepuError(error) || !notKnownYet.includes(error.code) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** `once`, tried again while the service has not yet heard of what the write names. */
export const onceKnown = (write: () => Promise<unknown>): Promise<void> => whenKnown(() => once(write));

/** Orgs by depth in the tree, so each level is written in parallel after its parents. */
function byTreeLevel(seeds: typeof orgs): (typeof orgs)[] {
  const depth = new Map<string, number>();
  for (const org of seeds) depth.set(org.orgId, org.parentId ? depth.get(org.parentId)! + 1 : 0); // the list is in tree order
  const levels: (typeof orgs)[] = [];
  for (const org of seeds) (levels[depth.get(org.orgId)!] ??= []).push(org);
  return levels;
}

/**
 * The registry's part of the demo: the org tree, teams and their members, bases,
 * resources, the menu. Idempotent: every id is fixed and an existing one is left as it is.
 * Returns a line that counts what the data set holds.
 */
export async function seedRegistry(registry: RegistryClient, admin: CallOptions): Promise<string> {
  const year = new Date().getUTCFullYear();
  for (const level of byTreeLevel(orgs)) await Promise.all(level.map((org) => once(() => registry.registerOrganization(org, admin))));
  // The same communities set again changes nothing (no event): safe to run on every seed.
  await Promise.all(served.map((s) => registry.setServedCommunities(s, admin)));
  await Promise.all([
    ...teams.map((t) => once(() => registry.registerTeam({ teamId: t.teamId, name: t.name, orgId: t.orgId, themes: t.themes, serviceAreaOrgIds: t.area, leaderId: `${t.teamId}-leader` }, admin))),
    ...bases.map((b) => once(() => registry.certifyBase({ baseId: b.baseId, name: b.name, orgId: b.orgId, level: b.level, termYears: 3, themes: b.themes, certifiedOn: timestampFromDate(new Date(Date.UTC(year - 1, 0, 1))) }, admin))),
    ...resources.map((r) => once(() => registry.listResource(r, admin))),
  ]);
  await Promise.all([
    ...futianVolunteers.map((v) => once(() => registry.addVolunteer({ teamId: demoIds.team, ...v }, admin))),
    ...teamVolunteers.map((v) => once(() => registry.addVolunteer(v, admin))),
    ...menu.map((m) =>
      once(() =>
        registry.publishMenuItem(
          {
            item: {
              itemId: m.itemId, title: m.title, theme: m.theme, format: m.format, audiences: m.audiences, durationMinutes: m.minutes, capacity: m.capacity, leadTimeDays: m.leadDays ?? 7,
              serviceAreaOrgId: m.area, providerKind: providerKindOf(m), providerId: m.provider, resourceIds: m.resourceIds ?? [],
            },
          },
          admin,
        ),
      ),
    ),
  ]);
  return `${served.length} practice and party service centres serving their communities, ${teams.length} teams (${futianVolunteers.length} members in ${demoIds.team}, ${teamVolunteers.length} in the others), ${bases.length} bases, ${resources.length} resources, ${menu.length} menu items`;
}
