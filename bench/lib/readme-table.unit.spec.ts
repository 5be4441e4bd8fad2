import { describe, expect, it } from "vitest";
import { describers, endMarker, n, readmeTable, renderTable, startMarker, withTable } from "./readme-table.js";

describe("the README's benchmark table", () => {
  it("is the one the result files make (run `npm run bench:table` after a bench)", () => {
    const { readme, table } = readmeTable();
    expect(withTable(readme, table)).toBe(readme);
  });

  it("has a row for every describer whose result file exists, and judges met from the figures", () => {
    const race = { date: "2026-12-01T00:00:00Z", params: { teams: 2, orders: 3 }, exactlyOneWinnerPerOrder: true, losersToldAlreadyAccepted: 3, attemptsPerSecond: 10, acceptLatencyMs: { p50: 5, p99: 150 } };
    const table = renderTable((name) => (name === "dispatch-race" ? race : undefined));
    const rows = table.split("\n").slice(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain("[dispatch-race](bench/results/dispatch-race.json)");
    expect(rows[0]).toMatch(/\| \*\*no\*\* \|$/); // p99 150 ms > 100 ms
    expect(Object.keys(describers).length).toBeGreaterThan(1);
  });

  it("replaces only what lies between the markers", () => {
    const readme = `before\n${startMarker}\nold\n${endMarker}\nafter`;
    expect(withTable(readme, "new")).toBe(`before\n${startMarker}\nnew\n${endMarker}\nafter`);
    expect(() => withTable("no markers", "new")).toThrow(/markers/);
  });

  it("writes figures with thousands separators", () => {
    expect(n(12345)).toBe("12,345");
    expect(n(1.234, 1)).toBe("1.2");
  });
});
