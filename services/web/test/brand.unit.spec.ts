import { describe, expect, it } from "vitest";
import { doneOf, gridTargets, percent, planGrid, progressRows, withTheme } from "../src/domain/brand";

describe("the brand page's plan grid and plan against done", () => {
  const targets = [
    { theme: "THEME_DIGITAL_LITERACY", month: 5, target: 2 },
    { theme: "THEME_HEALTH", month: 9, target: 3 },
  ];

  it("shows the plan as a theme × month grid, the brand's theme first, and reads it back", () => {
    const grid = planGrid(targets, "THEME_HEALTH");
    expect(grid.map((r) => r.theme)).toEqual(["THEME_HEALTH", "THEME_DIGITAL_LITERACY"]);
    expect(grid[0]!.months[8]).toBe(3);
    expect(grid[1]!.months[4]).toBe(2);
    expect(grid[0]!.months.reduce((a, b) => a + b, 0)).toBe(3);
    expect(gridTargets(grid)).toEqual([
      { theme: "THEME_HEALTH", month: 9, target: 3 },
      { theme: "THEME_DIGITAL_LITERACY", month: 5, target: 2 },
    ]);
  });

  it("a new brand's grid has its own theme with empty months; a theme is added once; empty and negative months are left out", () => {
    const grid = withTheme(withTheme(planGrid([], "THEME_HEALTH"), "THEME_WATER"), "THEME_WATER");
    expect(grid.map((r) => r.theme)).toEqual(["THEME_HEALTH", "THEME_WATER"]);
    grid[1]!.months[0] = -2;
    grid[1]!.months[1] = 1.6;
    expect(gridTargets(grid)).toEqual([{ theme: "THEME_WATER", month: 2, target: 2 }]);
  });

  it("puts plan and done side by side per theme and month, with totals", () => {
    const rows = progressRows([
      { theme: "THEME_HEALTH", month: 9, target: 2, done: 1 },
      { theme: "THEME_HEALTH", month: 10, target: 1, done: 0 },
      { theme: "THEME_WATER", month: 3, target: 0, done: 1 },
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ theme: "THEME_HEALTH", target: 3, done: 1 });
    expect(rows[0]!.months[8]).toEqual({ target: 2, done: 1 });
    expect(rows[0]!.months[0]).toEqual({ target: 0, done: 0 });
    expect(rows[1]).toMatchObject({ theme: "THEME_WATER", target: 0, done: 1 });
    expect([doneOf(1, 2), doneOf(0, 0), doneOf(0, 3)]).toEqual(["1 / 2", "—", "0 / 3"]);
    expect([percent(1, 2), percent(0, 0), percent(2, 0), percent(1, 3)]).toEqual([50, 0, 100, 33]);
  });
});
