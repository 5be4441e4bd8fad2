// Use cases of the 科普服务菜单: thin — load, authorize, decide (domain/menu-item.ts), save.
import { accessErrors, authorize, can, listScope, requireAccess, roleMay } from "@kepu/access";
import type { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { registryErrors } from "../domain/errors.js";
import * as menuItem from "../domain/menu-item.js";
import type { MenuItemState, Provider } from "../domain/menu-item.js";
import type { ResourceState } from "../domain/resource.js";
import { servesCommunity, type MenuItemFields } from "../domain/menu.js";
import { mappings } from "../store/documents.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { menuFacts, providerFacts } from "./access.js";
import { decideAndSave, decideOnExisting } from "./decisions.js";
import type { Organizations } from "./organizations.js";

export interface MenuFilter {
  theme: Theme;
  format: Format;
  audience: Audience;
}

export class Menu {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
  ) {}

  /** The provider an item names (a team or a base), or not found. */
  private async provider(item: MenuItemFields): Promise<Provider> {
    if (item.providerKind === ProviderKind.BASE) {
      const found = await this.store.state("bases", item.providerId);
      if (found) return { kind: ProviderKind.BASE, base: found };
    } else {
      const found = await this.store.state("teams", item.providerId);
      if (found) return { kind: ProviderKind.TEAM, team: found };
    }
    throw registryErrors.notFound(item.providerKind === ProviderKind.BASE ? "bases" : "teams", item.providerId, "item.providerId");
  }

  private listed(resourceIds: readonly string[]): Promise<Map<string, ResourceState>> {
    return this.store.states("resources", resourceIds);
  }

  /** An item as published (withdrawn or not), or not found; who may change it is the command's to decide. */
  async published(itemId: string): Promise<MenuItemFields> {
    const found = await this.store.state("menu", itemId);
    if (!found) throw registryErrors.notFound("menu", itemId, "item.itemId");
    return found.item;
  }

  /** `item` has passed checkMenuItem at the edge. The providing team's leader or base's staff publishes. */
  publish(item: MenuItemFields, cause: Cause): Promise<MenuItemState> {
    return decideAndSave(
      this.store,
      "menu",
      item.itemId,
      menuItem.evolve,
      async (before) => {
        const provider = await this.provider(item);
        const allowed = authorize("menu.publish", cause.actor, providerFacts(provider));
        if (!allowed.ok) return allowed;
        const area = await this.store.state("organizations", item.serviceAreaOrgId);
        return menuItem.decide(before, { type: "publish", item }, { area, provider, resources: await this.listed(item.resourceIds) });
      },
      cause,
    );
  }

  /** The provider it was published by edits it; its area and provider stay. */
  edit(item: MenuItemFields, cause: Cause): Promise<MenuItemState> {
    return decideOnExisting(
      this.store,
      "menu",
      item.itemId,
      "item.itemId",
      menuItem.evolve,
      async (before) => {
        const provider = await this.provider(before.item);
        const allowed = authorize("menu.publish", cause.actor, providerFacts(provider));
        if (!allowed.ok) return allowed;
        return menuItem.decide(before, { type: "edit", item }, { provider, resources: await this.listed(item.resourceIds) });
      },
      cause,
    );
  }

  withdraw(itemId: string, reason: string, cause: Cause): Promise<MenuItemState> {
    return decideOnExisting(
      this.store,
      "menu",
      itemId,
      "itemId",
      menuItem.evolve,
      async (before) => {
        const allowed = authorize("menu.withdraw", cause.actor, menuFacts(before));
        return allowed.ok ? menuItem.decide(before, { type: "withdraw", reason }, {}) : allowed;
      },
      cause,
    );
  }

  /** A community's menu: the items whose service area holds the community, filtered. */
  async forCommunity(communityId: string, filter: MenuFilter, actor: Actor | undefined): Promise<MenuItemState[]> {
    const community = await this.orgs.community(communityId);
    requireAccess("menu.read", actor, { orgId: community.orgId }); // a resident reads her own community's menu
    // The community's ancestors (and itself) are the only service areas that can contain it.
    const items = await this.store.menuIn(community.place.path);
    return items.filter(({ item }) => servesCommunity(item, community.place) && (!filter.theme || item.theme === filter.theme) && (!filter.format || item.format === filter.format) && (!filter.audience || item.audiences.includes(filter.audience)));
  }

  /** Items not withdrawn, of one provider or offered within an org: for staff, and for those who keep them (a team's leader). */
  async items(filter: { providerId: string; underOrgId: string }, actor: Actor | undefined): Promise<MenuItemState[]> {
    if (!actor?.id) listScope("menu.read", actor); // not signed in: refused
    if (actor && !roleMay("menu.read", actor.role) && !roleMay("menu.withdraw", actor.role)) throw accessErrors.role();
    const docs = await this.store.find("menu", { withdrawn: false, ...(filter.providerId ? { "item.providerId": filter.providerId } : {}), ...(filter.underOrgId ? { "place.path": filter.underOrgId } : {}) });
    return docs
      .map((doc) => mappings.menu.toState(doc))
      .filter((item) => can("menu.read", actor, {}) || can("menu.withdraw", actor, menuFacts(item)))
      .sort((a, b) => a.item.title.localeCompare(b.item.title, "zh-CN") || a.itemId.localeCompare(b.itemId));
  }
}
