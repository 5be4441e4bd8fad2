import { describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { orgColumns, checkOrgRows, type OrgImportContext } from "../src/domain/org-import.js";
import type { OrgState } from "../src/domain/organization.js";
import { city, futian, hongli, orgs, yuanling } from "./registry-fixtures.js";

const headers = orgColumns.map((c) => c.header);
const closedStreet: OrgState = { ...yuanling, orgId: "sz-futian-closed", closed: true, place: { ...yuanling.place, orgId: "sz-futian-closed", path: ["sz", "sz-futian", "sz-futian-closed"], streetId: "sz-futian-closed" } };
const station: OrgState = { orgId: "sz-station", name: "红荔站", kind: OrgKind.PRACTICE_STATION, parentId: "sz-inst", place: { ...hongli.place, orgId: "sz-station" }, closed: false, servedCommunityIds: [hongli.orgId] };
const context: OrgImportContext = { orgs: new Map([...orgs, [closedStreet.orgId, closedStreet], [station.orgId, station]]) };

/** A row by header: a new street under 福田 unless changed. */
const row = (change: Record<string, string> = {}) => {
  const values: Record<string, string> = { 机构编号: "sz-futian-lianhua", 名称: "莲花街道", 类型: "街道", 上级编号: futian.orgId, ...change };
  return headers.map((h) => values[h] ?? "");
};
const check = (...cells: string[][]) => checkOrgRows(headers, cells.map((c, i) => ({ row: i + 2, cells: c })), context);
const problemsOf = (...cells: string[][]) => check(...cells).problems.map((p) => `${p.row} ${p.column}: ${p.zh}`);

describe("a sheet of org units, every row decided by the org decider before anything is written", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["a new street under a district", {}, []],
    ["a bad id", { 机构编号: "莲 花" }, ["2 机构编号: 机构编号只能包含字母、数字、-_.:，1 到 120 个字符"]],
    ["no name", { 名称: "" }, ["2 名称: 请填写 1 到 100 字的名称"]],
    ["a phone in the name", { 名称: "莲花13800000001" }, ["2 名称: 名称中不能包含手机号"]],
    ["an unknown kind", { 类型: "乡镇" }, ["2 类型: 未知的组织类型“乡镇”，请填写以下之一：市、区、街道、社区、科协、新时代文明实践中心、新时代文明实践所、新时代文明实践站、新时代文明实践点、党群服务中心"]],
    ["a kind the parent may not hold", { 类型: "社区" }, ["2 上级编号: 社区不能设在区之下"]],
    ["a parent that does not exist", { 上级编号: "sz-ghost" }, ["2 上级编号: 上级组织 sz-ghost 不存在（本表中的上级须写在本行之前）"]],
    ["a closed parent", { 类型: "社区", 上级编号: closedStreet.orgId }, ["2 上级编号: 组织 sz-futian-closed 已撤销"]],
    ["no parent for what is not a city", { 上级编号: "" }, ["2 上级编号: 请选择上级组织"]],
    ["an org that exists, as the row says (imported again)", { 机构编号: yuanling.orgId, 名称: yuanling.name }, []],
    ["an org that exists otherwise", { 机构编号: yuanling.orgId, 名称: "园岭新街道" }, ["2 机构编号: 机构 sz-futian-yuanling 已存在（sz-futian-yuanling，街道，上级 sz-futian），与本行不同"]],
    ["communities served by what serves none", { 服务社区: hongli.orgId }, ["2 服务社区: 只有新时代文明实践中心、所、站、实践点和党群服务中心可以设定服务社区"]],
    ["a service centre serving a street", { 类型: "党群服务中心", 上级编号: yuanling.orgId, 服务社区: yuanling.orgId }, ["2 服务社区: 请选择一个社区"]],
    ["a service centre serving a community that does not exist", { 类型: "党群服务中心", 上级编号: yuanling.orgId, 服务社区: "sz-ghost" }, ["2 服务社区: 社区 sz-ghost 不存在（本表中的社区须写在本行之前）"]],
    ["a bad community id", { 类型: "党群服务中心", 上级编号: yuanling.orgId, 服务社区: "红 荔" }, ["2 服务社区: 社区编号“红”只能包含字母、数字、-_.:，1 到 120 个字符", "2 服务社区: 社区编号“荔”只能包含字母、数字、-_.:，1 到 120 个字符"]],
  ];
  for (const [label, change, expected] of cases) {
    it(`${label} → ${expected.length ? expected.join("; ") : "valid"}`, () => expect(problemsOf(row(change))).toEqual(expected));
  }

  it("builds a tree from the rows above: a street, its community, a practice tree whose station serves the community", () => {
    const { valid, problems } = check(
      row(),
      row({ 机构编号: "sz-futian-lianhua-c1", 名称: "莲花一村社区", 类型: "社区", 上级编号: "sz-futian-lianhua" }),
      row({ 机构编号: "sz-futian-center", 名称: "福田区新时代文明实践中心", 类型: "新时代文明实践中心", 上级编号: futian.orgId }),
      row({ 机构编号: "sz-futian-lianhua-inst", 名称: "莲花街道新时代文明实践所", 类型: "文明实践所", 上级编号: "sz-futian-center" }),
      row({ 机构编号: "sz-futian-lianhua-c1-st", 名称: "莲花一村新时代文明实践站", 类型: "站", 上级编号: "sz-futian-lianhua-inst", 服务社区: "sz-futian-lianhua-c1、sz-futian-yuanling-hongli" }),
    );
    expect(problems).toEqual([]);
    expect(valid.map((r) => [r.row, r.orgId, r.events.map((e) => e.type).join(",")])).toEqual([
      [2, "sz-futian-lianhua", "OrganizationRegistered"],
      [3, "sz-futian-lianhua-c1", "OrganizationRegistered"],
      [4, "sz-futian-center", "OrganizationRegistered"],
      [5, "sz-futian-lianhua-inst", "OrganizationRegistered"],
      [6, "sz-futian-lianhua-c1-st", "OrganizationRegistered,OrganizationServesChanged"],
    ]);
    expect(valid[4]).toMatchObject({ register: { kind: OrgKind.PRACTICE_STATION, parentId: "sz-futian-lianhua-inst" }, serves: ["sz-futian-lianhua-c1", hongli.orgId] });
    expect(valid[1]!.events[0]).toMatchObject({ place: { path: [city.orgId, futian.orgId, "sz-futian-lianhua", "sz-futian-lianhua-c1"], districtId: futian.orgId, streetId: "sz-futian-lianhua" } });
  });

  it("a station already serving what the row says is unchanged; serving otherwise is a change", () => {
    const same = row({ 机构编号: station.orgId, 名称: station.name, 类型: "站", 上级编号: "sz-inst", 服务社区: hongli.orgId });
    const contextWithInstitute = { orgs: new Map([...context.orgs, ["sz-inst", { ...station, orgId: "sz-inst", kind: OrgKind.PRACTICE_INSTITUTE, parentId: "" }]]) };
    expect(checkOrgRows(headers, [{ row: 2, cells: same }], contextWithInstitute).valid).toEqual([{ row: 2, orgId: station.orgId, events: [] }]);
    const more = row({ 机构编号: station.orgId, 名称: station.name, 类型: "站", 上级编号: "sz-inst", 服务社区: `${hongli.orgId}、sz-futian-yuanling-c2` });
    const withC2 = new Map([...contextWithInstitute.orgs, ["sz-futian-yuanling-c2", { ...hongli, orgId: "sz-futian-yuanling-c2" }]]);
    expect(checkOrgRows(headers, [{ row: 2, cells: more }], { orgs: withC2 }).valid).toMatchObject([{ serves: [hongli.orgId, "sz-futian-yuanling-c2"], events: [{ type: "OrganizationServesChanged" }] }]);
  });

  it("reports a parent or community below its child, an id twice, a row under a bad row, a missing column and an empty sheet", () => {
    const later = problemsOf(row({ 机构编号: "c1", 类型: "社区", 上级编号: "sz-futian-lianhua" }), row());
    expect(later).toEqual(["2 上级编号: 上级组织 sz-futian-lianhua 不存在（本表中的上级须写在本行之前）"]);
    expect(problemsOf(row(), row({ 名称: "又一个" }))).toEqual(["3 机构编号: 与第 2 行的机构编号重复"]);
    expect(problemsOf(row({ 类型: "社区" }), row({ 机构编号: "c1", 类型: "社区", 上级编号: "sz-futian-lianhua" }))).toEqual([
      "2 上级编号: 社区不能设在区之下",
      "3 上级编号: 第 2 行的 sz-futian-lianhua 有问题，请先改正该行",
    ]);
    expect(checkOrgRows(headers.filter((h) => h !== "类型"), [], context).problems).toMatchObject([{ row: 1, column: "类型" }]);
    expect(checkOrgRows(headers, [], context).problems).toMatchObject([{ row: 2, zh: "表格中没有数据行" }]);
  });
});
