// What every bulk import from a sheet shares (pure): the columns a template shows, the rows as
// text, the per-row report (row, column, problem in Chinese first, English second), the header and
// empty-sheet checks, and the cells several kinds read alike (ids, lists of ids, themes, names).
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { KepuError } from "@kepu/errors";
import { orgKindNames } from "./org-tree.js";

export interface Column {
  header: string;
  required: boolean;
  note: string;
  example: string;
}

export interface SheetRow {
  /** The row's number in the sheet (the header is row 1). */
  row: number;
  cells: string[];
}

export interface Problem {
  row: number;
  column: string;
  zh: string;
  en: string;
}

/** One data row as a checker reads it: its cells by header, and a way to report a problem of one of its columns. */
export interface SheetLine {
  row: number;
  cell(header: string): string;
  problem(column: string, zh: string, en: string): void;
  /** Whether the row has raised no problem so far. */
  clean(): boolean;
  /** A decider's refusal, reported under the column its field names (`columns`), else under `fallback`. */
  refused(error: KepuError, columns: Readonly<Record<string, string>>, fallback: string): undefined;
}

/** The headers the sheet must have; a missing one is a problem of the header row. */
export function headerProblems(columns: Column[], headers: readonly string[]): Problem[] {
  return columns
    .filter((c) => c.required && !headers.includes(c.header))
    .map((c) => ({ row: 1, column: c.header, zh: `缺少“${c.header}”列，请使用下载的模板`, en: `The column "${c.header}" is missing; use the downloaded template` }));
}

/**
 * The sheet's headers checked, then every row in order by `check` (which may keep what earlier
 * rows made, e.g. orgs created above); a row's result is kept only when it raised no problem.
 * Nothing is written unless `problems` is empty.
 */
export function checkSheet<T>(columns: Column[], headers: readonly string[], rows: readonly SheetRow[], check: (line: SheetLine) => T | undefined): { valid: T[]; problems: Problem[] } {
  const problems: Problem[] = headerProblems(columns, headers);
  if (problems.length > 0) return { valid: [], problems };
  if (rows.length === 0) return { valid: [], problems: [{ row: 2, column: "", zh: "表格中没有数据行", en: "The sheet has no rows" }] };
  const index = new Map(headers.map((h, i) => [h, i]));
  const valid: T[] = [];
  for (const { row, cells } of rows) {
    const before = problems.length;
    const problem = (column: string, zh: string, en: string) => void problems.push({ row, column, zh, en });
    const line: SheetLine = {
      row,
      cell: (header) => (cells[index.get(header) ?? -1] ?? "").trim(),
      problem,
      clean: () => problems.length === before,
      refused: (error, byField, fallback) => {
        problem(byField[error.field ?? ""] ?? fallback, error.zh, error.en);
        return undefined;
      },
    };
    const result = check(line);
    if (problems.length === before && result !== undefined) valid.push(result);
  }
  return { valid, problems };
}

/** The cell of `header` in a row as the use case sees it (before checking: to load what the rows name). */
export const cellOf = (headers: readonly string[], row: SheetRow, header: string) => (row.cells[headers.indexOf(header)] ?? "").trim();

export const idPattern = /^[A-Za-z0-9_.:-]{1,120}$/;
export const idRule = "字母、数字、-_.:，1 到 120 个字符";

/** A list in one cell: separated by 、 or commas or spaces. */
export const listOf = (text: string) => text.split(/[,，、;；\s]+/).filter(Boolean);

/**
 * The row's own id in `column` (`en` names it in English): well formed and not on a row above
 * (`seen`: the ids of the rows above, by row, grown here); else a problem, and undefined.
 */
export function ownIdIn(line: SheetLine, column: string, en: string, seen: Map<string, number>): string | undefined {
  const id = line.cell(column);
  const earlier = seen.get(id);
  if (!idPattern.test(id)) line.problem(column, `${column}只能包含${idRule}`, `The ${en} takes letters, digits and -_.: (1 to 120)`);
  else if (earlier !== undefined) line.problem(column, `与第 ${earlier} 行的${column}重复`, `The same ${en} as row ${earlier}`);
  else {
    seen.set(id, line.row);
    return id;
  }
  return undefined;
}

/** Checks a cell holding ids (one, or a list): the well-formed ones, a problem for each other. */
export function idsIn(line: SheetLine, column: string, label: string): string[] {
  const ids = listOf(line.cell(column));
  for (const id of ids.filter((i) => !idPattern.test(i))) line.problem(column, `${label}“${id}”只能包含${idRule}`, `The ${column} "${id}" takes letters, digits and -_.: (1 to 120)`);
  return [...new Set(ids.filter((i) => idPattern.test(i)))];
}

/** A display name (1 to `max` characters, never a phone number), or a problem of its column. */
export function nameIn(line: SheetLine, column: string, max: number): string {
  const name = line.cell(column);
  if (!name || [...name].length > max) line.problem(column, `请填写 1 到 ${max} 字的${column}`, `Give a ${column} of 1 to ${max} characters`);
  else if (/1[3-9]\d{9}/.test(name)) line.problem(column, `${column}中不能包含手机号`, `A ${column} cannot hold a phone number`);
  return name;
}

// The themes by their Chinese names (PRODUCT.md, "Words the domain uses"); a name with a slash
// is known by either half too. The enum's own names (HEALTH, THEME_HEALTH) are accepted as well.
const themeWords: [Theme, string][] = [
  [Theme.RURAL_REVITALIZATION, "乡村振兴"],
  [Theme.GREEN_LOW_CARBON, "绿色低碳"],
  [Theme.DIGITAL_LITERACY, "智慧生活/数字素养"],
  [Theme.DISASTER_PREVENTION, "防灾减灾/应急"],
  [Theme.HEALTH, "卫生健康/健康养生"],
  [Theme.CIVILIZED_CUSTOMS, "移风易俗"],
  [Theme.FOOD_SAFETY, "食品安全"],
  [Theme.ARTIFICIAL_INTELLIGENCE, "人工智能"],
  [Theme.RECYCLING, "再生资源/环保"],
  [Theme.INTANGIBLE_HERITAGE, "非遗"],
  [Theme.DEBUNKING, "科学辟谣/反伪科学"],
  [Theme.SCIENTIST_SPIRIT, "科学家精神"],
  [Theme.AGRICULTURE, "农业科技"],
  [Theme.NUCLEAR, "核科普"],
  [Theme.WATER, "水利科普"],
];
const themesByWord = new Map<string, Theme>();
for (const [theme, words] of themeWords) for (const word of [words, ...words.split("/")]) themesByWord.set(word, theme);
for (const key of Object.keys(Theme).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED")) themesByWord.set(key, Theme[key as keyof typeof Theme]);

export const themeNote = `科普主题，多个用顿号分隔：${themeWords.map(([, w]) => w.split("/")[0]).join("、")}`;

/** The themes named in a cell (Chinese names or the enum's), once each; a problem for each unknown name. */
export function themesIn(line: SheetLine, column: string): Theme[] {
  const themes: Theme[] = [];
  for (const name of listOf(line.cell(column))) {
    const theme = themesByWord.get(name) ?? themesByWord.get(name.toUpperCase().replace(/^THEME_/, ""));
    if (theme === undefined) line.problem(column, `未知的科普主题“${name}”`, `Unknown theme "${name}"`);
    else themes.push(theme);
  }
  return [...new Set(themes)];
}

// The kinds of org by the names users write: each kind's own name (domain/org-tree.ts) and its short forms.
const orgKindAliases: [OrgKind, string[]][] = [
  [OrgKind.CITY, []],
  [OrgKind.DISTRICT, []],
  [OrgKind.STREET, []],
  [OrgKind.COMMUNITY, []],
  [OrgKind.ASSOCIATION, []],
  [OrgKind.PRACTICE_CENTER, ["文明实践中心"]],
  [OrgKind.PRACTICE_INSTITUTE, ["文明实践所", "所"]],
  [OrgKind.PRACTICE_STATION, ["文明实践站", "站"]],
  [OrgKind.PRACTICE_POINT, ["实践点"]],
  [OrgKind.PARTY_SERVICE_CENTER, []],
];
const orgKindsByWord = new Map(orgKindAliases.flatMap(([kind, words]) => [orgKindNames[kind].zh, ...words].map((w) => [w, kind] as const)));

export const orgKindNote = `以下之一：${orgKindAliases.map(([kind]) => orgKindNames[kind].zh).join("、")}`;

/** The Chinese name of an org kind, as the template and the report write it. */
export const orgKindName = (kind: OrgKind) => orgKindNames[kind]?.zh ?? OrgKind[kind];

/** The kind of org a cell names, or a problem of its column. */
export function orgKindIn(line: SheetLine, column: string): OrgKind | undefined {
  const text = line.cell(column);
  const kind = orgKindsByWord.get(text) ?? orgKindsByWord.get(text.replace(/\s/g, ""));
  if (kind === undefined) line.problem(column, text ? `未知的组织类型“${text}”，请填写${orgKindNote}` : `请填写组织类型：${orgKindNote}`, `Unknown kind of organization "${text}"`);
  return kind;
}
