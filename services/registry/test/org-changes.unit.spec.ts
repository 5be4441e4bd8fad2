// The org tree's changes as table tests: rename, move, close, the communities a station serves;
// and the name keys an org is found by.
import { describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { decide, evolve, type OrgCommand, type OrgContext, type OrgState } from "../src/domain/organization.js";
import { nameKeys, nameMatches, searchKey } from "../src/domain/org-names.js";
import { city, events, futian, hongli, outcome, yuanling } from "./registry-fixtures.js";

const K = OrgKind;
const under = (orgId: string, kind: OrgKind, parent: OrgState, name = orgId): OrgState =>
  evolve(undefined, events(decide(undefined, { type: "register", orgId, name, kind, parentId: parent.orgId }, { parent }))[0]!);

const futianCentre = under("sz-futian-wmsj", K.PRACTICE_CENTER, futian, "福田区新时代文明实践中心");
const yuanlingInstitute = under("sz-futian-wmsj-yuanling", K.PRACTICE_INSTITUTE, futianCentre);
const hongliStation = under("sz-futian-wmsj-yuanling-hongli", K.PRACTICE_STATION, yuanlingInstitute);
const partyCentre = under("sz-futian-yuanling-dq", K.PARTY_SERVICE_CENTER, yuanling);
const lianhua = under("sz-futian-lianhua", K.STREET, futian);
const nanshan = under("sz-nanshan", K.DISTRICT, city);
const closed = (org: OrgState): OrgState => ({ ...org, closed: true });
const communities = new Map([hongli, yuanling, closed(under("sz-futian-yuanling-old", K.COMMUNITY, yuanling))].map((o) => [o.orgId, o]));

const rows: [label: string, state: OrgState, command: Exclude<OrgCommand, { type: "register" }>, context: OrgContext, expected: string][] = [
  ["rename", hongli, { type: "rename", name: "红荔社区居委会" }, {}, "OrganizationRenamed"],
  ["rename to the same name", hongli, { type: "rename", name: hongli.name }, {}, "nothing"],
  ["rename a closed org", closed(hongli), { type: "rename", name: "新名" }, {}, "ORG_CLOSED"],
  ["move a street's community to another street", hongli, { type: "move", parentId: lianhua.orgId }, { parent: lianhua }, "OrganizationMoved"],
  ["move under its own parent", hongli, { type: "move", parentId: yuanling.orgId }, { parent: yuanling }, "nothing"],
  ["move a community under a district", hongli, { type: "move", parentId: futian.orgId }, { parent: futian }, "WRONG_PARENT_KIND"],
  ["move an empty street to another district", yuanling, { type: "move", parentId: nanshan.orgId }, { parent: nanshan, occupied: false }, "OrganizationMoved"],
  ["move a street under its own community", yuanling, { type: "move", parentId: hongli.orgId }, { parent: hongli }, "MOVE_INTO_ITSELF"],
  ["move an org with something under it", yuanling, { type: "move", parentId: nanshan.orgId }, { parent: nanshan, occupied: true }, "ORG_NOT_EMPTY"],
  ["move under a closed parent", hongli, { type: "move", parentId: lianhua.orgId }, { parent: closed(lianhua) }, "ORG_CLOSED"],
  ["move under nothing", hongli, { type: "move", parentId: "ghost" }, {}, "ORG_NOT_FOUND"],
  ["close an empty org", hongli, { type: "close", reason: "合并" }, { occupied: false }, "OrganizationClosed"],
  ["close again", closed(hongli), { type: "close", reason: "合并" }, {}, "nothing"],
  ["close one with open children", yuanling, { type: "close", reason: "" }, { occupied: true }, "ORG_NOT_EMPTY"],
  ["a station serves a community", hongliStation, { type: "serve", communityIds: [hongli.orgId] }, { communities }, "OrganizationServesChanged"],
  ["a 党群服务中心 serves a community", partyCentre, { type: "serve", communityIds: [hongli.orgId, hongli.orgId] }, { communities }, "OrganizationServesChanged"],
  ["a station serves a street", hongliStation, { type: "serve", communityIds: [yuanling.orgId] }, { communities }, "NOT_A_COMMUNITY"],
  ["a station serves a closed community", hongliStation, { type: "serve", communityIds: ["sz-futian-yuanling-old"] }, { communities }, "ORG_CLOSED"],
  ["a station serves nothing known", hongliStation, { type: "serve", communityIds: ["ghost"] }, { communities }, "ORG_NOT_FOUND"],
  ["a street serves communities", yuanling, { type: "serve", communityIds: [hongli.orgId] }, { communities }, "NOT_SERVING_KIND"],
  ["the same communities again", { ...hongliStation, servedCommunityIds: [hongli.orgId] }, { type: "serve", communityIds: [hongli.orgId] }, { communities }, "nothing"],
];

describe("changing an org: every rule", () => {
  it.each(rows.map(([label, ...rest]) => [`${label} → ${rest[3]}`, ...rest] as const))("%s", (_label, state, command, context, expected) => {
    expect(outcome(decide(state, command, context))).toBe(expected);
  });
});

describe("what a change leaves", () => {
  it("a moved community sits under its new street, in its new district's path", () => {
    const [moved] = events(decide(hongli, { type: "move", parentId: lianhua.orgId }, { parent: lianhua }));
    expect(moved).toMatchObject({ fromParentId: yuanling.orgId, parentId: lianhua.orgId });
    const after = evolve(hongli, moved!);
    expect(after.place).toEqual({ orgId: hongli.orgId, path: ["sz", "sz-futian", "sz-futian-lianhua", hongli.orgId], districtId: "sz-futian", streetId: "sz-futian-lianhua", communityId: hongli.orgId });
    expect(after.parentId).toBe(lianhua.orgId);
  });

  it("renamed, closed and serving orgs keep the rest of their state", () => {
    const renamed = events(decide(hongli, { type: "rename", name: "红荔社区" }, {})).reduce(evolve, hongli);
    expect(renamed).toEqual({ ...hongli, name: "红荔社区" });
    expect(events(decide(renamed, { type: "close", reason: "" }, { occupied: false })).reduce(evolve, renamed).closed).toBe(true);
    const serving = events(decide(partyCentre, { type: "serve", communityIds: [hongli.orgId, hongli.orgId] }, { communities })).reduce(evolve, partyCentre);
    expect(serving.servedCommunityIds).toEqual([hongli.orgId]);
  });
});

describe("finding an org by name", () => {
  it.each([
    ["园岭社区", "岭社", true],
    ["园岭社区", "ylsq", true],
    ["园岭社区", "YL", true],
    ["园岭社区", "社区园", false],
    ["福田区新时代文明实践中心", "文明实践", true],
    ["福田区新时代文明实践中心", "ftq", true],
    ["福田区新时代文明实践中心", "", false],
  ] as const)("%s answers %s: %s", (name, query, expected) => {
    expect(nameMatches(name, query)).toBe(expected);
    // Whatever answers is found by its key: the query's first characters are one of the name's keys.
    if (expected) expect(nameKeys(name)).toContain(searchKey(query));
  });

  it("keys a long query by its first six characters, and a name by pieces of at most six", () => {
    expect(searchKey("福田区新时代文明实践中心")).toBe("福田区新时代");
    expect(nameKeys("福田区新时代文明实践中心").every((k) => [...k].length <= 12)).toBe(true);
    expect(nameKeys("福田区新时代文明实践中心")).toContain("文明实践中心");
  });
});
