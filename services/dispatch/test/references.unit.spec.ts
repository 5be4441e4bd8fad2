import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { OrderCommand } from "../src/domain/decide.js";
import {
  addDays,
  checkCommunity,
  checkMenuItem,
  checkReferences,
  checkTeams,
  daysBetween,
  type KnownMenuItem,
  type KnownOrg,
  type KnownTeam,
  type ReferenceFacts,
} from "../src/domain/references.js";
import { suggestTeams, type TeamProfile } from "../src/domain/suggest.js";
import { commands, community, given, request } from "./order-fixtures.js";

const beijing = calendarIn("Asia/Shanghai");
const known: KnownOrg = { orgId: community.orgId, kind: OrgKind.COMMUNITY, path: [...community.path] };
const item = (extra: Partial<KnownMenuItem> = {}): KnownMenuItem => ({ itemId: "menu-1", title: "讲座", serviceAreaOrgId: "sz-futian", leadTimeDays: 7, withdrawn: false, ...extra });
const team = (teamId: string, extra: Partial<KnownTeam> = {}): KnownTeam => ({ teamId, serviceAreaOrgIds: ["sz-futian"], memberIds: ["vol-1"], ...extra });
const teams = (...list: KnownTeam[]) => new Map(list.map((t) => [t.teamId, t]));

describe("calendar days", () => {
  it.each([
    [{ year: 2026, month: 9, day: 1 }, { year: 2026, month: 9, day: 8 }, 7],
    [{ year: 2026, month: 12, day: 30 }, { year: 2027, month: 1, day: 2 }, 3],
    [{ year: 2028, month: 2, day: 28 }, { year: 2028, month: 3, day: 1 }, 2], // a leap year
    [{ year: 2026, month: 9, day: 8 }, { year: 2026, month: 9, day: 1 }, -7],
  ])("from %o to %o is %i days", (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
    expect(addDays(from, days)).toEqual(to);
  });
});

describe("a community is a community", () => {
  const district = create(OrgPlaceSchema, { orgId: "sz-futian", path: ["sz", "sz-futian"], districtId: "sz-futian" });
  const moved = create(OrgPlaceSchema, { ...community, path: ["sz", "sz-luohu", "sz-futian-yuanling", community.orgId] });
  it.each([
    ["the registry's community, as registered", community, known, undefined],
    ["an org the registry never registered", community, undefined, "COMMUNITY_NOT_FOUND"],
    ["no community at all", undefined, known, "COMMUNITY_NOT_FOUND"],
    ["a district named as the community", district, { orgId: "sz-futian", kind: OrgKind.DISTRICT, path: ["sz", "sz-futian"] }, "NOT_A_COMMUNITY"],
    ["a street named as the community", community, { ...known, kind: OrgKind.STREET }, "NOT_A_COMMUNITY"],
    ["a community placed under another district than the registry says", moved, known, "COMMUNITY_PATH_MISMATCH"],
  ] as const)("%s → %s", (_, place, org, code) => {
    const result = checkCommunity(place, org);
    expect(result.ok ? undefined : result.error.code).toBe(code);
    if (!result.ok) expect(result.error).toMatchObject({ field: "request.community", zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.stringMatching(/[a-z]/) });
  });
});

describe("the menu item exists, is published, serves the community, and its lead time holds (Beijing days)", () => {
  // 2026-09-02 01:30 in Beijing is still 1 September in UTC: today is the 2nd.
  const now = new Date("2026-09-01T17:30:00Z");
  const today = beijing.dateOf(now);
  const day = (iso: string) => beijing.dateOf(new Date(iso));
  it.each([
    ["a free topic (自选主题) without a date", "", undefined, undefined, undefined],
    ["a free topic for tomorrow", "", undefined, "2026-09-03T10:00:00+08:00", undefined],
    ["a free topic for today", "", undefined, "2026-09-02T20:00:00+08:00", undefined],
    ["a free topic for yesterday", "", undefined, "2026-09-01T20:00:00+08:00", "PREFERRED_DATE_PAST"],
    ["a published item without a date", "menu-1", item(), undefined, undefined],
    ["7 days' notice, asked for 00:30 on the 9th in Beijing (still the 8th in UTC)", "menu-1", item(), "2026-09-09T00:30:00+08:00", undefined],
    ["7 days' notice, asked for 23:30 on the 8th in Beijing", "menu-1", item(), "2026-09-08T23:30:00+08:00", "LEAD_TIME_TOO_SHORT"],
    ["7 days' notice, asked for tomorrow", "menu-1", item(), "2026-09-03T10:00:00+08:00", "LEAD_TIME_TOO_SHORT"],
    ["no notice needed, asked for today", "menu-1", item({ leadTimeDays: 0 }), "2026-09-02T09:00:00+08:00", undefined],
    ["an item the registry never published", "menu-x", undefined, undefined, "MENU_ITEM_NOT_FOUND"],
    ["a withdrawn item", "menu-1", item({ withdrawn: true }), undefined, "MENU_ITEM_WITHDRAWN"],
    ["an item offered in another district", "menu-1", item({ serviceAreaOrgId: "sz-nanshan" }), undefined, "MENU_ITEM_NOT_SERVED"],
    ["an item offered in the community's street", "menu-1", item({ serviceAreaOrgId: "sz-futian-yuanling" }), undefined, undefined],
    ["an item offered in the community itself", "menu-1", item({ serviceAreaOrgId: community.orgId }), undefined, undefined],
  ] as const)("%s → %s", (_, menuItemId, found, preferred, code) => {
    const result = checkMenuItem({ menuItemId, community, preferredDay: preferred ? day(preferred) : undefined }, found, today);
    expect(result.ok ? undefined : result.error.code).toBe(code);
  });

  it("names the field and the earliest day in both languages", () => {
    const result = checkMenuItem({ menuItemId: "menu-1", community, preferredDay: day("2026-09-03T10:00:00+08:00") }, item(), today);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ field: "request.preferredDate", zh: "该项目需提前 7 天预约，期望日期最早为 2026-09-09", en: "This item needs 7 days' notice; the earliest preferred date is 2026-09-09" });
  });
});

describe("teams exist, have members and serve the order's area", () => {
  it.each([
    ["a district team serving the community's district", [team("a")], undefined],
    ["a street team serving the community's street", [team("a", { serviceAreaOrgIds: ["sz-futian-yuanling"] })], undefined],
    ["a team the registry never registered", [], "TEAM_NOT_FOUND"],
    ["a team with no members", [team("a", { memberIds: [] })], "TEAM_HAS_NO_MEMBERS"],
    ["a deactivated team", [team("a", { active: false })], "TEAM_INACTIVE"],
    ["a team from another district", [team("a", { serviceAreaOrgIds: ["sz-nanshan"] })], "TEAM_OUTSIDE_AREA"],
    ["a team serving nowhere", [team("a", { serviceAreaOrgIds: [] })], "TEAM_OUTSIDE_AREA"],
  ] as const)("%s → %s", (_, list, code) => {
    const result = checkTeams(["a"], teams(...list), community);
    expect(result.ok ? undefined : result.error.code).toBe(code);
    if (!result.ok) expect(result.error.field).toBe("teamIds");
  });

  it("refuses the whole 派单 when one of several teams cannot take it, naming that team", () => {
    const result = checkTeams(["a", "b"], teams(team("a"), team("b", { memberIds: [] })), community);
    expect(result.ok ? undefined : [result.error.code, result.error.zh]).toEqual(["TEAM_HAS_NO_MEMBERS", "队伍 b 还没有队员，不能接受派单"]);
  });
});

describe("the references each command names, checked before deciding", () => {
  const today = { year: 2026, month: 9, day: 1 };
  const facts = (extra: Partial<ReferenceFacts> = {}): ReferenceFacts => ({ community: known, menuItem: undefined, teams: teams(team("team-a"), team("team-b")), ...extra });
  const pooled = given(commands.submit, commands.pool);
  const dispatched = given(commands.submit, commands.dispatch);
  const withItem: OrderCommand = { ...commands.submit, request: { ...request, menuItemId: "menu-1", preferredDate: timestampFromDate(new Date("2026-09-03T02:00:00Z")) } };
  it.each([
    ["点单 for a known community, free topic", commands.submit, undefined, facts(), undefined],
    ["点单 for an unknown community", commands.submit, undefined, facts({ community: undefined }), "COMMUNITY_NOT_FOUND"],
    ["点单 of an item inside its lead time", withItem, undefined, facts({ menuItem: item() }), "LEAD_TIME_TOO_SHORT"],
    ["点单 of an unknown item", withItem, undefined, facts(), "MENU_ITEM_NOT_FOUND"],
    ["派单 to known teams with members", commands.dispatch, given(commands.submit), facts(), undefined],
    ["派单 to a team dispatch never heard of", commands.dispatch, given(commands.submit), facts({ teams: teams(team("team-a")) }), "TEAM_NOT_FOUND"],
    ["抢单 by a team with members serving the area", commands.accept, pooled, facts(), undefined],
    ["抢单 by a team with no members", commands.accept, pooled, facts({ teams: teams(team("team-a", { memberIds: [] })) }), "TEAM_HAS_NO_MEMBERS"],
    ["抢单 by a team from another district", commands.accept, pooled, facts({ teams: teams(team("team-a", { serviceAreaOrgIds: ["sz-nanshan"] })) }), "TEAM_OUTSIDE_AREA"],
    ["接单 by an invited team (checked when dispatched)", commands.accept, dispatched, facts({ teams: teams() }), undefined],
    ["a cancel names no reference", commands.cancel, dispatched, facts({ teams: teams() }), undefined],
  ] as const)("%s → %s", (_, command, state, refs, code) => {
    const preferredDate = command.kind === "submit" ? command.request.preferredDate : undefined;
    const preferred = preferredDate ? beijing.dateOf(new Date(Number(preferredDate.seconds) * 1000)) : undefined;
    const result = checkReferences(command, state, refs, { today, preferred });
    expect(result.ok ? undefined : result.error.code).toBe(code);
  });
});

describe("suggestions offer only teams that can take the order", () => {
  const profile = (teamId: string, extra: Partial<TeamProfile> = {}): TeamProfile => ({
    ...team(teamId),
    name: teamId,
    themes: [Theme.DIGITAL_LITERACY],
    openOrders: 0,
    accepted: 0,
    declined: 0,
    rating: 0,
    ...extra,
  });
  const order = { theme: Theme.DIGITAL_LITERACY, community, declinedTeamIds: ["declined"] };

  it("leaves out teams from other districts, teams with no members and teams that declined; the theme only ranks", () => {
    const offered = suggestTeams(
      [
        profile("offtopic", { themes: [Theme.NUCLEAR] }),
        profile("far", { serviceAreaOrgIds: ["sz-nanshan"] }),
        profile("empty", { memberIds: [] }),
        profile("declined"),
        profile("fits"),
      ],
      order,
      10,
    );
    expect(offered.map((s) => s.team.teamId)).toEqual(["fits", "offtopic"]);
  });

  it("offers nothing when no team can take the order, rather than a wrong one", () => {
    expect(suggestTeams([profile("far", { serviceAreaOrgIds: ["sz-nanshan"] }), profile("empty", { memberIds: [] })], order, 10)).toEqual([]);
  });
});
