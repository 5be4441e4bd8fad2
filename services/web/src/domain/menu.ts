// The resident's menu (科普菜单): what a menu item is, and which items a search and the filters keep.
// Pure: MenuPage.vue shows the result, menu.unit.spec.ts checks it.
import type { MenuEntry } from "../api/types";

/** A menu item as GET /api/v1/menu answers it: the generated type (api/schema.d.ts). */
export type MenuItem = MenuEntry;

export interface MenuFilter {
  /** Words in the title or the description (any case; every word must be found). */
  text: string;
  theme: string;
  audience: string;
  format: string;
  /** Only items offered by my street or my community itself, not the whole district or city. */
  myStreet: boolean;
}

export const noFilter: MenuFilter = { text: "", theme: "", audience: "", format: "", myStreet: false };

/** Where the resident lives: her community and its street. */
export interface Home {
  communityId: string;
  streetId: string;
}

export function filterMenu(items: MenuItem[], filter: MenuFilter, home: Home): MenuItem[] {
  const words = filter.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const near = new Set([home.communityId, home.streetId].filter(Boolean));
  return items.filter((item) => {
    const haystack = `${item.title} ${item.description ?? ""}`.toLowerCase();
    if (!words.every((w) => haystack.includes(w))) return false;
    if (filter.theme && item.theme !== filter.theme) return false;
    if (filter.format && item.format !== filter.format) return false;
    if (filter.audience && !(item.audiences as readonly string[]).includes(filter.audience)) return false;
    if (filter.myStreet && !near.has(item.serviceAreaOrgId ?? "")) return false;
    return true;
  });
}

/** How many filters are on (the search box not counted), for the 筛选 button's badge. */
export function filtersOn(filter: MenuFilter): number {
  return [filter.theme, filter.audience, filter.format, filter.myStreet].filter(Boolean).length;
}

const beijingDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

/** The first day (YYYY-MM-DD, Beijing) an item may be wished for: today plus its lead time, as dispatch checks it. */
export function earliestDay(now: Date, leadTimeDays: number): string {
  return beijingDay.format(new Date(now.getTime() + Math.max(leadTimeDays, 0) * 86_400_000));
}

/** A wished-for day as the instant the API takes: noon in Beijing, the same day in any zone's reading. */
export function preferredInstant(day: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T12:00:00+08:00` : undefined;
}
