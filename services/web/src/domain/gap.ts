// The gap view (需求与供给): the stats service's demand-against-supply rows as a heat map of
// theme × place. Each cell's value is the demand still open there; a cell where the theme was
// ordered and no menu item serves it is marked. Names only, never codes.
import { label, themes, type Locale } from "./labels";

export interface GapRow {
  orgId: string;
  name: string;
  theme: string;
  themeName: string;
  orders: number;
  openOrders: number;
  unmet: number;
  menuItems: number;
  activities: number;
  unservedCommunities: number;
}

export interface GapCell {
  /** Index into `themes`. */
  x: number;
  /** Index into `places`. */
  y: number;
  value: number;
  row: GapRow;
}

export interface GapMap {
  themes: string[];
  places: string[];
  cells: GapCell[];
  max: number;
}

/** The theme's words in the reader's language (the stats service names it in Chinese). */
export const themeWord = (row: Pick<GapRow, "theme" | "themeName">, locale: Locale) => (locale === "zh" ? row.themeName || label(themes, row.theme, locale) : label(themes, row.theme, locale));

/** Themes along the bottom (in the rows' order of first appearance), places up the side, one cell per row. */
export function gapMap(rows: GapRow[], locale: Locale): GapMap {
  const themeCodes = [...new Set(rows.map((r) => r.theme))];
  const placeIds = [...new Set(rows.map((r) => r.orgId))];
  const nameOf = new Map(rows.map((r) => [r.orgId, r.name || r.orgId]));
  const wordOf = new Map(rows.map((r) => [r.theme, themeWord(r, locale)]));
  const cells = rows.map((row) => ({ x: themeCodes.indexOf(row.theme), y: placeIds.indexOf(row.orgId), value: row.openOrders, row }));
  return { themes: themeCodes.map((c) => wordOf.get(c)!), places: placeIds.map((id) => nameOf.get(id)!), cells, max: Math.max(1, ...cells.map((c) => c.value)) };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The tooltip of a cell (HTML, names escaped): what was asked, what serves it, what was held. */
export function gapTip(row: GapRow, words: { orders: string; open: string; unmet: string; items: string; activities: string; noSupply: string }, locale: Locale): string {
  const lines = [
    escape(`${row.name} · ${themeWord(row, locale)}`),
    `${words.orders} ${row.orders} · ${words.open} ${row.openOrders} · ${words.unmet} ${row.unmet}`,
    `${words.items} ${row.menuItems} · ${words.activities} ${row.activities}`,
  ];
  if (row.unservedCommunities > 0) lines.push(`${words.noSupply} ${row.unservedCommunities}`);
  return lines.join("<br/>");
}
