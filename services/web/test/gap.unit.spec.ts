import { describe, expect, it } from "vitest";
import { gapMap, gapTip, type GapRow } from "../src/domain/gap";

const row = (orgId: string, name: string, theme: string, themeName: string, openOrders: number, extra: Partial<GapRow> = {}): GapRow => ({
  orgId, name, theme, themeName, orders: openOrders, openOrders, unmet: 0, menuItems: 1, activities: 0, unservedCommunities: 0, ...extra,
});
const rows = [
  row("c-bh", "百花社区", "THEME_HEALTH", "卫生健康/健康养生", 1),
  row("c-bh", "百花社区", "THEME_DIGITAL_LITERACY", "智慧生活/数字素养", 2),
  row("c-hl", "红荔社区", "THEME_DIGITAL_LITERACY", "智慧生活/数字素养", 3, { menuItems: 0, unservedCommunities: 1 }),
];
const words = { orders: "点单", open: "未完成", unmet: "超期未满足", items: "可点菜单项", activities: "活动", noSupply: "无供给" };

describe("the gap view's heat map", () => {
  it("puts themes along the bottom and places up the side, by name, one cell per row valued by its open demand", () => {
    const map = gapMap(rows, "zh");
    expect(map.themes).toEqual(["卫生健康/健康养生", "智慧生活/数字素养"]);
    expect(map.places).toEqual(["百花社区", "红荔社区"]);
    expect(map.cells.map((c) => [c.x, c.y, c.value])).toEqual([[0, 0, 1], [1, 0, 2], [1, 1, 3]]);
    expect(map.max).toBe(3);
  });

  it("names the themes in English in the English switch, never the codes", () => {
    expect(gapMap(rows, "en").themes).toEqual(["Health", "Digital literacy"]);
  });

  it("an empty table is an empty map whose scale still starts at 0 and ends above it", () => {
    expect(gapMap([], "zh")).toEqual({ themes: [], places: [], cells: [], max: 1 });
  });

  it("tells in the tooltip what was asked, what serves it, and that nothing does, with names escaped", () => {
    expect(gapTip(rows[2]!, words, "zh")).toBe("红荔社区 · 智慧生活/数字素养<br/>点单 3 · 未完成 3 · 超期未满足 0<br/>可点菜单项 0 · 活动 0<br/>无供给 1");
    expect(gapTip(row("x", "<b>社区</b>", "THEME_HEALTH", "卫生健康", 0), words, "zh")).toContain("&#60;b&#62;社区");
  });
});
