import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { checkTeamRows, teamColumns, type TeamImportContext } from "../src/domain/team-import.js";
import { activeTeam, futian, hongli, orgs, profile, yuanling } from "./registry-fixtures.js";

const headers = teamColumns.map((c) => c.header);
const context: TeamImportContext = { orgs, teams: new Map([[activeTeam.teamId, activeTeam]]) };

/** A row by header: a new team of 园岭 unless changed. */
const row = (change: Record<string, string> = {}) => {
  const values: Record<string, string> = { 队伍编号: "team-yuanling", 队伍名称: "园岭街道科技志愿服务队", 所属机构编号: yuanling.orgId, 服务范围: yuanling.orgId, 主题: "卫生健康", ...change };
  return headers.map((h) => values[h] ?? "");
};
const check = (...cells: string[][]) => checkTeamRows(headers, cells.map((c, i) => ({ row: i + 2, cells: c })), context);
const problemsOf = (...cells: string[][]) => check(...cells).problems.map((p) => `${p.row} ${p.column}: ${p.zh}`);
/** The existing team as a row says it. */
const sameAsExisting = { 队伍编号: activeTeam.teamId, 队伍名称: profile.name, 所属机构编号: futian.orgId, 服务范围: futian.orgId, 主题: "数字素养、卫生健康", 队长志愿者编号: profile.leaderId };

describe("a sheet of teams, every row decided by the team decider before anything is written", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["a new team", {}, []],
    ["a bad id", { 队伍编号: "园岭 队" }, ["2 队伍编号: 队伍编号只能包含字母、数字、-_.:，1 到 120 个字符"]],
    ["no name", { 队伍名称: "" }, ["2 队伍名称: 请填写 1 到 100 字的队伍名称"]],
    ["no owning org", { 所属机构编号: "" }, ["2 所属机构编号: 请填写所属机构编号"]],
    ["an owning org that does not exist", { 所属机构编号: "sz-ghost" }, ["2 所属机构编号: 组织不存在：sz-ghost"]],
    ["no service area", { 服务范围: "" }, ["2 服务范围: 请至少选择一个服务范围"]],
    ["a service area that does not exist", { 服务范围: `${hongli.orgId}、sz-ghost` }, ["2 服务范围: 组织不存在：sz-ghost"]],
    ["no theme", { 主题: "" }, ["2 主题: 请至少选择一个科普主题"]],
    ["an unknown theme", { 主题: "卫生健康、魔法" }, ["2 主题: 未知的科普主题“魔法”"]],
    ["a bad leader id", { 队长志愿者编号: "张 三" }, ["2 队长志愿者编号: 队长志愿者编号只能包含字母、数字、-_.:，1 到 120 个字符"]],
    ["a team that exists, as the row says (imported again)", sameAsExisting, []],
    ["a team that exists otherwise", { ...sameAsExisting, 队伍名称: "改名队" }, ["2 队伍编号: team-futian 已存在"]],
  ];
  for (const [label, change, expected] of cases) {
    it(`${label} → ${expected.length ? expected.join("; ") : "valid"}`, () => expect(problemsOf(row(change))).toEqual(expected));
  }

  it("registers a valid row with its themes (Chinese names, the enum's, once each), areas and leader, and the register command's event; an existing one as it says is skipped", () => {
    const { valid, problems } = check(row({ 主题: "健康养生、FOOD_SAFETY, 卫生健康 人工智能", 服务范围: `${yuanling.orgId}、${hongli.orgId}、${yuanling.orgId}`, 队长志愿者编号: "vol-lead" }), row(sameAsExisting));
    expect(problems).toEqual([]);
    expect(valid).toEqual([
      {
        row: 2,
        teamId: "team-yuanling",
        register: { type: "register", teamId: "team-yuanling", name: "园岭街道科技志愿服务队", orgId: yuanling.orgId, serviceAreaOrgIds: [yuanling.orgId, hongli.orgId], themes: [Theme.HEALTH, Theme.FOOD_SAFETY, Theme.ARTIFICIAL_INTELLIGENCE], leaderId: "vol-lead" },
        // What the register command emits, for the import to store with the team.
        events: [
          { type: "TeamRegistered", teamId: "team-yuanling", name: "园岭街道科技志愿服务队", orgId: yuanling.orgId, place: yuanling.place, themes: [Theme.HEALTH, Theme.FOOD_SAFETY, Theme.ARTIFICIAL_INTELLIGENCE], serviceAreaOrgIds: [yuanling.orgId, hongli.orgId], leaderId: "vol-lead" },
        ],
      },
      { row: 3, teamId: activeTeam.teamId, events: [] },
    ]);
  });

  it("reports an id twice by the row it repeats, a missing column by the header row, and an empty sheet", () => {
    expect(problemsOf(row(), row({ 队伍名称: "又一队" }))).toEqual(["3 队伍编号: 与第 2 行的队伍编号重复"]);
    expect(checkTeamRows(headers.filter((h) => h !== "主题"), [], context).problems).toMatchObject([{ row: 1, column: "主题" }]);
    expect(checkTeamRows(headers, [], context).problems).toMatchObject([{ row: 2, zh: "表格中没有数据行" }]);
  });
});
