import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { checkVolunteerRows, volunteerColumns, type VolunteerImportContext } from "../src/domain/volunteer-import.js";
import { activeTeam, deactivatedTeam } from "./registry-fixtures.js";

const headers = volunteerColumns.map((c) => c.header);
const context: VolunteerImportContext = {
  teams: new Map([
    ["team-futian", activeTeam],
    ["team-off", { ...deactivatedTeam, teamId: "team-off" }],
  ]),
  currentTeamOf: new Map([
    ["vol-elsewhere", "team-luohu"],
    ["vol-here", "team-futian"],
    ["vol-left", ""],
  ]),
  now: new Date("2026-09-01T10:00:00+08:00"),
};
/** A valid row, changed by `change` (by header). */
const row = (change: Record<string, string> = {}) => {
  const values: Record<string, string> = { 队伍编号: "team-futian", 志愿者编号: "vol-1", 姓名: "张三", 手机号: "13800000001", ...change };
  return headers.map((h) => values[h] ?? "");
};
const problemsOf = (cells: string[]) => checkVolunteerRows(headers, [{ row: 2, cells }], context).problems.map((p) => `${p.column}: ${p.zh}`);

describe("a sheet of volunteers, every row checked before anything is written", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["a valid row", {}, []],
    ["no team", { 队伍编号: "" }, ["队伍编号: 请填写队伍编号"]],
    ["a team that does not exist", { 队伍编号: "team-ghost" }, ["队伍编号: 队伍 team-ghost 不存在"]],
    ["a deactivated team", { 队伍编号: "team-off" }, ["队伍编号: 队伍 team-off 已停用"]],
    ["a bad id", { 志愿者编号: "张 三" }, ["志愿者编号: 志愿者编号只能包含字母、数字、-_.:，1 到 120 个字符"]],
    ["a volunteer in another team", { 志愿者编号: "vol-elsewhere" }, ["志愿者编号: 该志愿者已在队伍 team-luohu 中"]],
    ["a volunteer already in this team (a file imported again)", { 志愿者编号: "vol-here" }, []],
    ["a volunteer who left a team", { 志愿者编号: "vol-left" }, []],
    ["no name", { 姓名: "" }, ["姓名: 请填写 1 到 50 字的姓名"]],
    ["a phone in the name", { 姓名: "张三13800000001" }, ["姓名: 姓名中不能包含手机号"]],
    ["a bad phone", { 手机号: "1380000" }, ["手机号: 请填写正确的 11 位手机号"]],
    ["an unknown theme", { 技能: "HEALTH、魔法" }, ["技能: 未知的科普主题“魔法”"]],
    ["themes by their Chinese names", { 技能: "卫生健康、数字素养、智慧生活/数字素养" }, []],
    ["a date that does not exist", { 出生日期: "2001-02-30" }, ["出生日期: 出生日期请写成 YYYY-MM-DD"]],
    ["a birth date in the future", { 出生日期: "2027-01-01" }, ["出生日期: 出生日期不能晚于今天"]],
    ["a child without consent", { 出生日期: "2019-06-01" }, ["监护人姓名: 未满 14 周岁的志愿者须有监护人同意：请填写监护人姓名、电话、关系和同意时间"]],
    ["a child whose guardian's phone is bad", { 出生日期: "2019-06-01", 监护人姓名: "李家长", 监护人电话: "123", 监护人同意日期: "2026-08-01" }, ["监护人电话: 请填写正确的 11 位手机号"]],
  ];
  for (const [label, change, expected] of cases) {
    it(`${label} → ${expected.length ? expected.join("; ") : "valid"}`, () => expect(problemsOf(row(change))).toEqual(expected));
  }

  it("keeps a child's consent and the themes of a valid row", () => {
    const cells = row({ 技能: "health, THEME_FOOD_SAFETY、HEALTH", 出生日期: "2019-06-01", 监护人姓名: "李家长", 监护人电话: "13800000009", 监护人关系: "母亲", 监护人同意日期: "2026-08-01" });
    const { valid, problems } = checkVolunteerRows(headers, [{ row: 7, cells }], context);
    expect(problems).toEqual([]);
    expect(valid).toMatchObject([{ row: 7, volunteerId: "vol-1", skills: [Theme.HEALTH, Theme.FOOD_SAFETY], minor: true, consent: { guardianName: "李家长", relationship: "母亲" } }]);
  });

  it("reports the same id twice by the row it repeats, a missing column by the header row, and an empty sheet", () => {
    const twice = checkVolunteerRows(headers, [{ row: 2, cells: row() }, { row: 3, cells: row({ 手机号: "13800000002" }) }], context);
    expect(twice.problems).toMatchObject([{ row: 3, column: "志愿者编号", zh: "与第 2 行的志愿者编号重复" }]);
    expect(checkVolunteerRows(headers.filter((h) => h !== "手机号"), [], context).problems).toMatchObject([{ row: 1, column: "手机号" }]);
    expect(checkVolunteerRows(headers, [], context).problems).toMatchObject([{ row: 2, zh: "表格中没有数据行" }]);
  });
});
