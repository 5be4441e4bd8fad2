import { describe, expect, it } from "vitest";
import { activeFilters, bom, csvCell, exportFileName, fetchAll, matchesSearch, pageCount, pageLocally, parseCsv, toCsv, type Column, type PageQuery } from "../src/domain/table";

interface Team { id: string; name: string; members: number; active: boolean }
const teams: Team[] = Array.from({ length: 45 }, (_, i) => ({ id: `team-${i}`, name: i % 3 === 0 ? `福田健康队 ${i}` : `Robot club ${i}`, members: i, active: i % 2 === 0 }));
const keep = (t: Team, f: Record<string, string>) => matchesSearch(f.q, [t.name]) && (!f.status || (f.status === "active") === t.active);
const query = (page: number, pageSize: number, filters: Record<string, string> = {}): PageQuery => ({ page, pageSize, filters });

describe("filters and local paging", () => {
  it("drops empty filters and trims the rest", () => expect(activeFilters({ q: "  健康 ", role: "", status: " " })).toEqual({ q: "健康" }));
  it("searches every word, any case", () => {
    expect(matchesSearch("robot CLUB", ["Robot club 1"])).toBe(true);
    expect(matchesSearch("robot 健康", ["Robot club 1"])).toBe(false);
    expect(matchesSearch("", ["x"])).toBe(true);
    expect(matchesSearch(undefined, [undefined])).toBe(true);
  });
  it("pages the filtered rows and counts them all", () => {
    const first = pageLocally(teams, query(0, 10, { q: "健康" }), keep);
    expect(first.total).toBe(15);
    expect(first.rows.map((t) => t.id)).toEqual(teams.filter((_, i) => i % 3 === 0).slice(0, 10).map((t) => t.id));
    expect(pageLocally(teams, query(1, 10, { q: "健康" }), keep).rows).toHaveLength(5);
    expect(pageLocally(teams, query(2, 10, { q: "健康" }), keep).rows).toHaveLength(0);
    expect(pageLocally(teams, query(0, 100, { q: "健康", status: "active" }), keep).total).toBe(8); // 0, 6, 12, …, 42
  });
  it("counts pages, at least one", () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(40, 20)).toBe(2);
    expect(pageCount(41, 20)).toBe(3);
  });
});

describe("fetchAll: every matching row, page by page", () => {
  it("asks until the total, with the filters, and no more", async () => {
    const asked: PageQuery[] = [];
    const done = await fetchAll(async (q) => (asked.push(q), pageLocally(teams, q, keep)), { q: "robot" }, 7);
    expect(done.ok && done.rows.length).toBe(30);
    expect(done.ok && done.total).toBe(30);
    expect(asked.map((q) => q.page)).toEqual([0, 1, 2, 3, 4]); // 7·4 = 28 < 30: a fifth page, short
    expect(asked.every((q) => q.filters.q === "robot" && q.pageSize === 7)).toBe(true);
  });
  it("stops at a short page even when the total said more (rows gone meanwhile)", async () => {
    const done = await fetchAll(async (q) => ({ rows: q.page === 0 ? teams.slice(0, 5) : teams.slice(5, 7), total: 100 }), {}, 5);
    expect(done.ok && done.rows.length).toBe(7);
  });
  it("stops on an exact last page without asking an empty one", async () => {
    const pages: number[] = [];
    const done = await fetchAll(async (q) => (pages.push(q.page), pageLocally(teams, q)), {}, 15);
    expect(done.ok && done.rows.length).toBe(45);
    expect(pages).toEqual([0, 1, 2]);
  });
  it("refuses more than the limit, in both languages", async () => {
    const done = await fetchAll(async (q) => pageLocally(teams, q), {}, 10, 40);
    expect(done.ok).toBe(false);
    if (!done.ok) expect([done.problem.zh, done.problem.en]).toEqual(["符合条件的有 45 行，超过一次导出的上限 40 行，请先筛选", "45 rows match, more than the 40 one export may hold: filter first"]);
  });
  it("lets a failure through to the caller", async () => {
    await expect(fetchAll(async () => Promise.reject(new Error("网关不可用")), {})).rejects.toThrow("网关不可用");
  });
});

describe("CSV", () => {
  const columns: Column<Team>[] = [
    { key: "name", label: "队伍", text: (t) => t.name, title: (t) => t.id },
    { key: "members", label: "人数", text: (t) => t.members },
    { key: "actions", label: "操作", text: () => "查看", noExport: true },
  ];
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvCell("福田")).toBe("福田");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("一\n二")).toBe('"一\n二"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+1")).toBe("'-1+1");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });
  it("writes a BOM, the labels, one CRLF line a row, without the page-only columns", () => {
    const csv = toCsv(columns, [teams[0]!, { ...teams[1]!, name: "A, B" }]);
    expect(csv.startsWith(bom)).toBe(true);
    expect(csv).toBe(`${bom}队伍,人数\r\n福田健康队 0,0\r\n"A, B",1\r\n`);
  });
  it("reads back what it wrote", () => {
    const rows = [{ ...teams[0]!, name: '引号"和,逗号\n换行' }, teams[1]!];
    expect(parseCsv(toCsv(columns, rows))).toEqual([["队伍", "人数"], ['引号"和,逗号\n换行', "0"], ["Robot club 1", "1"]]);
    expect(parseCsv(toCsv(columns, []))).toEqual([["队伍", "人数"]]);
  });
  it("names the file by the list and the day in Beijing", () => {
    expect(exportFileName("志愿服务队", new Date("2026-12-01T17:00:00Z"))).toBe("志愿服务队-20261202.csv");
    expect(exportFileName("Staff accounts", new Date("2026-12-01T01:00:00Z"))).toBe("Staff-accounts-20261201.csv");
  });
});
