// 一社区一科普品牌 on the page: the annual plan as a theme × month grid (what the form edits), and
// plan against done as rows a table and a bar chart show. Pure: no API, no Vue.

export interface Target {
  theme: string;
  month: number;
  target: number;
}

export interface Cell {
  theme: string;
  month: number;
  target: number;
  done: number;
}

export const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

/** One theme's twelve months of targets, January first. */
export interface PlanRow {
  theme: string;
  months: number[];
}

/** The plan's targets as the form's grid: one row per theme (the brand's own theme first), twelve months each. */
export function planGrid(targets: readonly Target[], brandTheme: string): PlanRow[] {
  const themes = [...new Set([brandTheme, ...targets.map((t) => t.theme)].filter(Boolean))];
  return themes.map((theme) => ({ theme, months: MONTHS.map((m) => targets.find((t) => t.theme === theme && t.month === m)?.target ?? 0) }));
}

/** The grid back as the plan's targets: only the months with a target, whole numbers ≥ 0. */
export function gridTargets(grid: readonly PlanRow[]): Target[] {
  return grid.flatMap((row) => row.months.map((target, i) => ({ theme: row.theme, month: i + 1, target: Math.max(0, Math.round(target || 0)) })).filter((t) => t.target > 0));
}

/** A theme added to the grid (once), its months empty. */
export const withTheme = (grid: readonly PlanRow[], theme: string): PlanRow[] => (!theme || grid.some((r) => r.theme === theme) ? [...grid] : [...grid, { theme, months: MONTHS.map(() => 0) }]);

/** Plan against done by theme: the twelve months' cells (0 of 0 where nothing was planned or held) and the theme's totals. */
export interface ProgressRow {
  theme: string;
  months: { target: number; done: number }[];
  target: number;
  done: number;
}

export function progressRows(cells: readonly Cell[]): ProgressRow[] {
  const themes = [...new Set(cells.map((c) => c.theme))];
  return themes.map((theme) => {
    const months = MONTHS.map((m) => {
      const c = cells.find((x) => x.theme === theme && x.month === m);
      return { target: c?.target ?? 0, done: c?.done ?? 0 };
    });
    return { theme, months, target: months.reduce((n, x) => n + x.target, 0), done: months.reduce((n, x) => n + x.done, 0) };
  });
}

/** "1 / 2" — done of the target; "—" where neither. */
export const doneOf = (done: number, target: number): string => (done === 0 && target === 0 ? "—" : `${done} / ${target}`);

/** The share of the target done, as a whole percent (100 when nothing is planned and something was held; 0 when neither). */
export const percent = (done: number, target: number): number => (target > 0 ? Math.round((done / target) * 100) : done > 0 ? 100 : 0);
