// Demand against supply (需求与供给): per theme × community, orders placed, the menu items that
// serve the community, activities held and the demand left unmet; rolled up by street and
// district. Pure: the same facts, slice and moment always give the same rows.
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { activitiesIn, closedUnserved, delivered, offersSlice, openThrough, ordersIn, type Facts, type MenuFact, type OrgFact } from "./figures.js";
import type { Slice } from "./slice.js";

/** An order still open this many days after it was placed is unmet demand, unless asked otherwise. */
export const DEFAULT_OPEN_DAYS = 14;

export interface DemandSupplyRow {
  orgId: string;
  name: string;
  level: OrgKind;
  streetId: string;
  districtId: string;
  theme: number;
  themeName: string;
  /** Orders placed on the theme in the slice. */
  orders: number;
  /** Of them: not delivered yet, nor cancelled or rejected. */
  openOrders: number;
  /** Of the open ones: placed more than `openDays` days before `now`. */
  unmet: number;
  /** Menu items on the theme whose service area covers the community (distinct ones for a roll-up). */
  menuItems: number;
  /** Activities held on the theme (not cancelled). */
  activities: number;
  /** Communities where the theme was ordered and no menu item serves it. */
  unservedCommunities: number;
}

export interface DemandSupply {
  communities: DemandSupplyRow[];
  streets: DemandSupplyRow[];
  districts: DemandSupplyRow[];
  openDays: number;
}

export interface DemandSupplyOptions {
  openDays: number;
  now: Date;
  themeName: (theme: number) => string;
}

/** An item serves a community when the community lies in the item's service area. */
export const servesCommunity = (item: MenuFact, community: OrgFact) => !item.areaOrgId || community.path.includes(item.areaOrgId);

export function demandSupply(facts: Facts, slice: Slice, { openDays, now, themeName }: DemandSupplyOptions): DemandSupply {
  const orgs = new Map((facts.orgs ?? facts.communities).map((o) => [o.orgId, o]));
  // The street and district a community lies in: its ancestors of those kinds (by position when the registry did not tell their kind).
  const ancestor = (c: OrgFact, kind: OrgKind, fromEnd: number) => c.path.find((id) => orgs.get(id)?.kind === kind) ?? c.path.at(-1 - fromEnd) ?? "";
  const communities = facts.communities
    .filter((c) => (!slice.orgId || c.path.includes(slice.orgId)) && openThrough(c, slice))
    .map((c) => ({ community: c, streetId: ancestor(c, OrgKind.STREET, 1), districtId: ancestor(c, OrgKind.DISTRICT, 2) }));
  const orders = ordersIn(facts, slice);
  const activities = activitiesIn(facts, slice);
  const items = facts.menu.filter((m) => offersSlice(m, slice));
  const themes = [...new Set([...orders.map((o) => o.theme), ...activities.map((a) => a.theme), ...items.map((m) => m.theme)])].filter((t) => t > 0).sort((a, b) => a - b);
  const overdueBefore = now.getTime() - openDays * 86_400_000;
  const nameOf = (orgId: string) => orgs.get(orgId)?.name || orgId;

  const cells: (DemandSupplyRow & { itemIds: string[] })[] = [];
  for (const { community, streetId, districtId } of communities) {
    for (const theme of themes) {
      const placed = orders.filter((o) => o.communityId === community.orgId && o.theme === theme);
      const open = placed.filter((o) => !delivered(o) && !closedUnserved(o));
      const serving = items.filter((m) => m.theme === theme && servesCommunity(m, community));
      const held = activities.filter((a) => a.communityId === community.orgId && a.theme === theme).length;
      if (placed.length + serving.length + held === 0) continue;
      cells.push({
        orgId: community.orgId,
        name: nameOf(community.orgId),
        level: OrgKind.COMMUNITY,
        streetId,
        districtId,
        theme,
        themeName: themeName(theme),
        orders: placed.length,
        openOrders: open.length,
        unmet: open.filter((o) => !!o.submittedAt && o.submittedAt.getTime() < overdueBefore).length,
        menuItems: serving.length,
        activities: held,
        unservedCommunities: placed.length > 0 && serving.length === 0 ? 1 : 0,
        itemIds: serving.map((m) => m.itemId),
      });
    }
  }

  const rollUp = (level: OrgKind, keyOf: (cell: (typeof cells)[number]) => string): DemandSupplyRow[] => {
    const groups = new Map<string, (typeof cells)[number][]>();
    for (const cell of cells) {
      const key = `${keyOf(cell)}\u0000${cell.theme}`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(cell);
    }
    return [...groups.values()].map((group) => {
      const first = group[0]!;
      const orgId = keyOf(first);
      const sum = (field: "orders" | "openOrders" | "unmet" | "activities" | "unservedCommunities") => group.reduce((total, cell) => total + cell[field], 0);
      return {
        orgId,
        name: nameOf(orgId),
        level,
        streetId: "",
        districtId: level === OrgKind.STREET ? first.districtId : "",
        theme: first.theme,
        themeName: first.themeName,
        orders: sum("orders"),
        openOrders: sum("openOrders"),
        unmet: sum("unmet"),
        menuItems: new Set(group.flatMap((cell) => cell.itemIds)).size,
        activities: sum("activities"),
        unservedCommunities: sum("unservedCommunities"),
      };
    });
  };
  const byPlace = (a: DemandSupplyRow, b: DemandSupplyRow) => a.districtId.localeCompare(b.districtId) || a.streetId.localeCompare(b.streetId) || a.orgId.localeCompare(b.orgId) || a.theme - b.theme;
  return {
    communities: cells.map(({ itemIds: _, ...row }) => row).sort(byPlace),
    streets: rollUp(OrgKind.STREET, (cell) => cell.streetId).sort(byPlace),
    districts: rollUp(OrgKind.DISTRICT, (cell) => cell.districtId).sort(byPlace),
    openDays,
  };
}
