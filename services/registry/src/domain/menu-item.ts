// The menu item aggregate (科普服务菜单): published by its provider, edited, withdrawn. Pure; the
// references it names (the service area, the provider, the resources) come in the context.
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { BaseStatus, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { baseOffers, type BaseState } from "./base.js";
import { registryErrors } from "./errors.js";
import type { MenuItemFields } from "./menu.js";
import type { OrgState } from "./organization.js";
import type { ResourceState } from "./resource.js";
import { usableBy } from "./resource-review.js";
import type { Place } from "./org-tree.js";
import type { TeamState } from "./team.js";

export interface MenuItemState {
  itemId: string;
  item: MenuItemFields;
  /** The service area's place: the item is offered in that subtree. */
  place: Place;
  withdrawn: boolean;
}

/** `item` has passed checkMenuItem at the edge. */
export type MenuItemCommand = { type: "publish"; item: MenuItemFields } | { type: "edit"; item: MenuItemFields } | { type: "withdraw"; reason: string };

/** Who provides an item: a team or a base, as the registry holds it. */
export type Provider = { kind: ProviderKind.TEAM; team: TeamState } | { kind: ProviderKind.BASE; base: BaseState };

/** What the use case loaded of the references the item names. */
export interface MenuItemContext {
  /** The service area (publish). */
  area?: OrgState | undefined;
  /** The provider: the one the item names (publish), the one it was published by (edit). */
  provider?: Provider | undefined;
  /** Those of the item's resources that exist in the 名录, by id. */
  resources?: ReadonlyMap<string, ResourceState>;
}

export type MenuItemEvent =
  | { type: "MenuItemPublished"; item: MenuItemFields; place: Place }
  | { type: "MenuItemEdited"; item: MenuItemFields }
  | { type: "MenuItemWithdrawn"; itemId: string; reason: string };

/** The provider exists, is of the kind the item says, and still offers: a deactivated team or a suspended or revoked base does not. */
function providerOffers(item: MenuItemFields, provider: Provider | undefined): Result<void> {
  const kind = item.providerKind === ProviderKind.BASE ? "bases" : "teams";
  if (!provider || provider.kind !== item.providerKind) return fail(registryErrors.notFound(kind, item.providerId, "item.providerId"));
  if (provider.kind === ProviderKind.TEAM && !provider.team.active) return fail(registryErrors.teamInactive(provider.team.teamId));
  if (provider.kind === ProviderKind.BASE && !baseOffers(provider.base.status)) return fail(registryErrors.baseInactive(provider.base.baseId, BaseStatus[provider.base.status]));
  return ok(undefined);
}

const providerOrg = (provider: Provider) => (provider.kind === ProviderKind.TEAM ? provider.team.orgId : provider.base.orgId);

const notUsable = (resource: ResourceState) =>
  kepuError(
    "conflict",
    "RESOURCE_NOT_USABLE",
    `资源「${resource.name}」尚未在名录中发布，或不对其他单位开放`,
    `The resource "${resource.name}" is not published in the directory, or not open to other organizations`,
    "item.resourceIds",
  );

/** Every resource the item names is in the 名录, published, and the provider's own org's or open to it. */
function resourcesUsable(item: MenuItemFields, provider: Provider, resources: ReadonlyMap<string, ResourceState> | undefined): Result<void> {
  for (const id of item.resourceIds) {
    const resource = resources?.get(id);
    if (!resource) return fail(registryErrors.notFound("resources", id, "item.resourceIds"));
    if (!usableBy(resource, providerOrg(provider))) return fail(notUsable(resource));
  }
  return ok(undefined);
}

/** The item's provider still offers, and every resource it names is usable by it. */
function referencesHold(item: MenuItemFields, context: MenuItemContext): Result<void> {
  const offers = providerOffers(item, context.provider);
  return offers.ok ? resourcesUsable(item, context.provider!, context.resources) : offers;
}

export function decide(state: MenuItemState | undefined, command: MenuItemCommand, context: MenuItemContext): Result<MenuItemEvent[]> {
  if (command.type === "publish") {
    const { item } = command;
    if (state) return fail(registryErrors.alreadyExists(item.itemId));
    if (!context.area) return fail(registryErrors.notFound("organizations", item.serviceAreaOrgId, "item.serviceAreaOrgId"));
    const held = referencesHold(item, context);
    if (!held.ok) return held;
    return ok([{ type: "MenuItemPublished", item, place: context.area.place }]);
  }
  if (!state) return fail(registryErrors.notFound("menu", "", "itemId"));
  switch (command.type) {
    case "edit": {
      if (state.withdrawn) return fail(registryErrors.itemWithdrawn("item.itemId", true));
      // The service area and the provider stay as published: orders already point at them.
      const { serviceAreaOrgId, providerKind, providerId } = state.item;
      const item = { ...command.item, itemId: state.itemId, serviceAreaOrgId, providerKind, providerId };
      const held = referencesHold(item, context);
      if (!held.ok) return held;
      return ok([{ type: "MenuItemEdited", item }]);
    }
    case "withdraw":
      if (state.withdrawn) return fail(registryErrors.itemWithdrawn("itemId", false));
      if (!command.reason.trim()) return fail(kepuError("invalid", "REASON_REQUIRED", "请填写下架原因", "Give the reason for withdrawing it", "reason"));
      return ok([{ type: "MenuItemWithdrawn", itemId: state.itemId, reason: command.reason.trim() }]);
  }
}

export function evolve(state: MenuItemState | undefined, event: MenuItemEvent): MenuItemState {
  if (event.type === "MenuItemPublished") return { itemId: event.item.itemId, item: event.item, place: event.place, withdrawn: false };
  if (!state) throw new Error(`${event.type} before MenuItemPublished`);
  switch (event.type) {
    case "MenuItemEdited":
      return { ...state, item: event.item };
    case "MenuItemWithdrawn":
      return { ...state, withdrawn: true };
  }
}
