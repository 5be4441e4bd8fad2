// The staff tables' one convention (issue 17): a filter bar (search text and select filters the page
// declares), server paging (page from 0, pageSize, total), and an export of ALL rows matching the
// filters, fetched page by page, as CSV in UTF-8 with a BOM (so Excel opens Chinese correctly).
// Pure functions; StaffTable.vue shows them.

/** A column: its label, and its text for a row (what the cell shows unless the page renders it, and what the export writes). */
export interface Column<T> {
  key: string;
  label: string;
  text: (row: T) => string | number;
  width?: number;
  minWidth?: number;
  /** The id on hover where staff need it (never shown as text). */
  title?: (row: T) => string;
  /** Only on the page, not in the export (buttons). */
  noExport?: boolean;
  /** Only in the export (what the page shows inside another column's cell). */
  exportOnly?: boolean;
}

export interface FilterOption {
  value: string;
  label: string;
}

/** A filter the page declares: a search box, or a select of named options ("" = every one). */
export interface FilterDef {
  key: string;
  label: string;
  kind: "search" | "select";
  options?: FilterOption[];
  /** The input's name attribute (tests and autofill find it by name). */
  name?: string;
  /** What the empty control says ("全部角色"); the label when none. */
  placeholder?: string;
  /** A select without "every one": it always has a value. */
  required?: boolean;
}

export type Filters = Record<string, string>;

export interface PageQuery {
  page: number;
  pageSize: number;
  filters: Filters;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export type FetchPage<T> = (query: PageQuery) => Promise<Page<T>>;

/** The filters that filter: trimmed, the empty ones left out. */
export function activeFilters(filters: Filters): Filters {
  return Object.fromEntries(Object.entries(filters).map(([key, value]) => [key, value.trim()]).filter(([, value]) => value !== ""));
}

/** A page of a list the route answers whole (filtered here first by `keep`), with its total. */
export function pageLocally<T>(all: T[], query: PageQuery, keep: (row: T, filters: Filters) => boolean = () => true): Page<T> {
  const filters = activeFilters(query.filters);
  const matching = all.filter((row) => keep(row, filters));
  return { rows: matching.slice(query.page * query.pageSize, (query.page + 1) * query.pageSize), total: matching.length };
}

/** Whether every word of the search text is in one of the row's texts (any case). */
export function matchesSearch(search: string | undefined, texts: (string | undefined)[]): boolean {
  const words = (search ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = texts.filter(Boolean).join("\n").toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The number of pages for a total (at least 1). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

export type Fetched<T> = { ok: true; rows: T[]; total: number } | { ok: false; problem: { zh: string; en: string } };

/**
 * Every row matching the filters, asked page by page (`pageSize` a page, the gateway's most), until
 * the total is reached or a page comes back short; refused above `limit` rows (an export that large
 * belongs to the stats service's exports, not a table's).
 */
export async function fetchAll<T>(fetchPage: FetchPage<T>, filters: Filters, pageSize = 200, limit = 20_000): Promise<Fetched<T>> {
  const rows: T[] = [];
  for (let page = 0; ; page += 1) {
    const answer = await fetchPage({ page, pageSize, filters });
    if (page === 0 && answer.total > limit) return { ok: false, problem: { zh: `符合条件的有 ${answer.total} 行，超过一次导出的上限 ${limit} 行，请先筛选`, en: `${answer.total} rows match, more than the ${limit} one export may hold: filter first` } };
    rows.push(...answer.rows);
    if (answer.rows.length < pageSize || rows.length >= answer.total) return { ok: true, rows, total: answer.total };
  }
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a text that a spreadsheet would
 * take for a formula (=, +, -, @ first) is written with a leading apostrophe, so opening the file
 * runs nothing.
 */
export function csvCell(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const bom = "\uFEFF";

/** The CSV of the rows under the columns' labels (those not marked noExport): UTF-8 BOM, CRLF lines (RFC 4180). */
export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const exported = columns.filter((c) => !c.noExport);
  const lines = [exported.map((c) => csvCell(c.label)), ...rows.map((row) => exported.map((c) => csvCell(c.text(row))))];
  return bom + lines.map((cells) => cells.join(",")).join("\r\n") + "\r\n";
}

/** The export's file name: the list's name and the day in Beijing, e.g. 志愿服务队-20261201.csv. */
export function exportFileName(base: string, at: Date): string {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(at).replaceAll("-", "");
  return `${base.replace(/[\\/:*?"<>|\s]+/g, "-")}-${day}.csv`;
}

/** The lines of a CSV this module wrote (for checking an export), the header first: BOM, quotes and CRLF understood. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let cell = "";
  let row: string[] = [];
  let quoted = false;
  const body = text.startsWith(bom) ? text.slice(1) : text;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted && c === '"' && body[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) cell += c;
    else if (c === ",") endCell();
    else if (c === "\r" || c === "\n") {
      if (c === "\r" && body[i + 1] === "\n") i += 1;
      endCell();
      rows.push(row);
      row = [];
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}
