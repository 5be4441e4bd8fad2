// The signed-in resident's menu and where she lives, read once per visit and shared by the menu and
// its item pages (the gateway has the whole menu of a community; an item page finds its item in it).
import { ref } from "vue";
import { http, ok } from "../api/client";
import type { NewOrder } from "../api/types";
import { useAction } from "./useAction";
import type { Home, MenuItem } from "../domain/menu";

const menus = new Map<string, Promise<MenuItem[]>>();
const homes = new Map<string, Promise<Home & { communityName: string }>>();

async function wholeMenu(communityId: string): Promise<MenuItem[]> {
  const items: MenuItem[] = [];
  for (let page = 0; ; page++) {
    const answer = await ok(http.GET("/api/v1/menu", { params: { query: { communityId, pageSize: 200, page } } }));
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) return items;
  }
}

export function loadMenu(communityId: string): Promise<MenuItem[]> {
  let menu = menus.get(communityId);
  if (!menu) {
    menu = wholeMenu(communityId);
    menus.set(communityId, menu);
    menu.catch(() => menus.delete(communityId));
  }
  return menu;
}

/** The resident's community (its name) and its street, for 我的街道. */
export function loadHome(communityId: string): Promise<Home & { communityName: string }> {
  let home = homes.get(communityId);
  if (!home) {
    home = ok(http.GET("/api/v1/orgs/{orgId}", { params: { path: { orgId: communityId } } })).then((a) => ({
      communityId,
      communityName: a.organization?.name ?? "",
      streetId: a.organization?.place?.streetId ?? "",
    }));
    homes.set(communityId, home);
    home.catch(() => homes.delete(communityId));
  }
  return home;
}

/**
 * 点单 for the signed-in resident's community. While one order is on its way every 点单 button is
 * disabled (`placing` names which), so a double click places one order.
 */
export function useOrdering(communityId: () => string) {
  const act = useAction();
  const placing = ref<string | undefined>();
  async function order(which: string, body: Record<string, unknown>): Promise<{ order?: { orderId?: string } } | undefined> {
    if (placing.value) return undefined;
    placing.value = which;
    try {
      return await act(() => ok(http.POST("/api/v1/orders", { body: { communityId: communityId(), ...body } as NewOrder })), "menu.placed");
    } finally {
      placing.value = undefined;
    }
  }
  return { placing, order };
}
