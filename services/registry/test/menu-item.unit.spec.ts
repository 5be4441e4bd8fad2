import { describe, expect, it } from "vitest";
import { BaseStatus, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { decide, evolve, type MenuItemCommand, type MenuItemContext, type MenuItemState, type Provider } from "../src/domain/menu-item.js";
import { baseIn, byTeam, deactivatedTeam, events, futian, item, listedResources, outcome, publishedItem, withdrawnItem } from "./registry-fixtures.js";

const context: MenuItemContext = { area: futian, provider: byTeam, resources: listedResources };
const states: Record<string, MenuItemState | undefined> = { none: undefined, published: publishedItem, withdrawn: withdrawnItem };
const commands: Record<string, MenuItemCommand> = {
  publish: { type: "publish", item },
  edit: { type: "edit", item: { ...item, title: "银龄智能手机课（进阶）" } },
  withdraw: { type: "withdraw", reason: "讲师调离" },
};

const table: Record<string, Record<string, string>> = {
  none: { publish: "MenuItemPublished", edit: "ITEM_NOT_FOUND", withdraw: "ITEM_NOT_FOUND" },
  published: { publish: "ALREADY_EXISTS", edit: "MenuItemEdited", withdraw: "MenuItemWithdrawn" },
  withdrawn: { publish: "ALREADY_EXISTS", edit: "ITEM_WITHDRAWN", withdraw: "ITEM_WITHDRAWN" },
};

describe("the menu item decider", () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${from} + ${name} → ${expected}`, () => {
        expect(outcome(decide(states[from], commands[name]!, context))).toBe(expected);
      });
    }
  }

  it("publishes an item offered in its service area's subtree", () => {
    expect(publishedItem).toEqual({ itemId: "menu-phone", item, place: futian.place, withdrawn: false });
  });

  it("edits the content but keeps the service area and the provider as published", () => {
    const edit = { ...item, title: "进阶课", serviceAreaOrgId: "sz", providerId: "team-nanshan" };
    const edited = events(decide(publishedItem, { type: "edit", item: edit }, context)).reduce(evolve, publishedItem);
    expect(edited.item).toMatchObject({ title: "进阶课", serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" });
    expect(edited.place).toEqual(futian.place);
  });

  it("withdraws with the reason, trimmed", () => {
    expect(events(decide(publishedItem, { type: "withdraw", reason: " 讲师调离 " }, {}))).toEqual([{ type: "MenuItemWithdrawn", itemId: "menu-phone", reason: "讲师调离" }]);
  });

  // The provider must exist, be what the item says, and still offer; publish and edit alike.
  const byBase = (status: BaseStatus): Provider => ({ kind: ProviderKind.BASE, base: baseIn(status) });
  const baseItem = { ...item, providerKind: ProviderKind.BASE, providerId: "base-kjg" };
  const providers: [string, typeof item, Provider | undefined, string][] = [
    ["an active team", item, byTeam, "ok"],
    ["a deactivated team", item, { kind: ProviderKind.TEAM, team: deactivatedTeam }, "PROVIDER_INACTIVE"],
    ["a team that does not exist", item, undefined, "TEAM_NOT_FOUND"],
    ["a base where the item names a team", item, byBase(BaseStatus.ACTIVE), "TEAM_NOT_FOUND"],
    ["an active base", baseItem, byBase(BaseStatus.ACTIVE), "ok"],
    ["a base under review", baseItem, byBase(BaseStatus.UNDER_REVIEW), "ok"],
    ["a suspended base", baseItem, byBase(BaseStatus.SUSPENDED), "PROVIDER_INACTIVE"],
    ["a revoked base", baseItem, byBase(BaseStatus.REVOKED), "PROVIDER_INACTIVE"],
    ["a base that does not exist", baseItem, undefined, "BASE_NOT_FOUND"],
  ];
  for (const [label, content, provider, expected] of providers) {
    it(`publish by ${label} → ${expected}`, () => {
      const decision = decide(undefined, { type: "publish", item: content }, { ...context, provider });
      expect(decision.ok ? "ok" : decision.error.code).toBe(expected);
      if (!decision.ok) expect(decision.error.field).toBe("item.providerId");
    });
    it(`edit of an item by ${label} → ${expected}`, () => {
      const published: MenuItemState = { ...publishedItem, item: content };
      const decision = decide(published, { type: "edit", item: { ...content, title: "改" } }, { ...context, provider });
      expect(decision.ok ? "ok" : decision.error.code).toBe(expected);
    });
  }

  it.each<[string, MenuItemContext, typeof item, string, string]>([
    ["a service area that does not exist", { ...context, area: undefined }, item, "ORG_NOT_FOUND", "item.serviceAreaOrgId"],
    ["a resource not in the 名录", context, { ...item, resourceIds: ["res-hall", "res-ghost"] }, "RESOURCE_NOT_FOUND", "item.resourceIds"],
    ["no resources at all", { ...context, resources: new Map() }, { ...item, resourceIds: [] }, "", ""],
  ])("publish naming %s → %s", (_label, given, content, code, field) => {
    const decision = decide(undefined, { type: "publish", item: content }, given);
    expect(decision.ok ? ["", ""] : [decision.error.code, decision.error.field]).toEqual([code, field]);
  });

  it("refuses an edit naming a resource not in the 名录", () => {
    expect(outcome(decide(publishedItem, { type: "edit", item: { ...item, resourceIds: ["res-ghost"] } }, context))).toBe("RESOURCE_NOT_FOUND");
  });
});
