// The staff pages' registry rules (src/domain/registry.ts): kinds under a parent, roles one may
// give, under-14s, ids from a prefix, and names for codes.
import { describe, expect, it } from "vitest";
import { childKinds, grantableRoles, kindForRole, newId, orgKinds, servesCommunities, under14, word } from "../src/domain/registry";

describe("the registry's rules in the web app", () => {
  it.each([
    ["ORG_KIND_CITY", ["ORG_KIND_DISTRICT", "ORG_KIND_ASSOCIATION", "ORG_KIND_PRACTICE_CENTER"]],
    ["ORG_KIND_DISTRICT", ["ORG_KIND_STREET", "ORG_KIND_ASSOCIATION", "ORG_KIND_PRACTICE_CENTER", "ORG_KIND_SCHOOL"]],
    ["ORG_KIND_STREET", ["ORG_KIND_COMMUNITY", "ORG_KIND_PARTY_SERVICE_CENTER", "ORG_KIND_SCHOOL"]],
    ["ORG_KIND_COMMUNITY", ["ORG_KIND_PARTY_SERVICE_CENTER"]],
    ["ORG_KIND_PRACTICE_INSTITUTE", ["ORG_KIND_PRACTICE_STATION"]],
    ["ORG_KIND_PRACTICE_POINT", []],
  ])("under a %s may sit %j", (parent, kinds) => {
    expect(childKinds(parent)).toEqual(kinds);
  });

  it("gives roles no higher than one's own, and ADMIN only from an admin", () => {
    expect(grantableRoles("STREET_STAFF")).toEqual(["COMMUNITY_WORKER", "STREET_STAFF", "TEAM_LEADER", "TEAM_MEMBER", "BASE_STAFF", "DASHBOARD_VIEWER"]);
    expect(grantableRoles("DISTRICT_STAFF")).toContain("DISTRICT_STAFF");
    expect(grantableRoles("DISTRICT_STAFF")).not.toContain("CITY_STAFF");
    expect(grantableRoles("CITY_STAFF")).not.toContain("ADMIN");
    expect(grantableRoles("ADMIN")).toContain("ADMIN");
    expect(grantableRoles("RESIDENT")).toEqual([]);
  });

  it("knows who is under 14 on a day, to the day", () => {
    const day = new Date("2026-12-01T00:00:00Z");
    expect(under14("2012-12-02", day)).toBe(true);
    expect(under14("2012-12-01", day)).toBe(false);
    expect(under14("1990-05-01", day)).toBe(false);
    expect(under14("", day)).toBe(false);
  });

  it("names kinds and roles, serves communities only from the practice tree and 党群服务中心, ids from a prefix", () => {
    expect([word(orgKinds, "ORG_KIND_PARTY_SERVICE_CENTER", "zh"), word(orgKinds, "STREET", "en")]).toEqual(["党群服务中心", "Street"]);
    expect([servesCommunities("ORG_KIND_PRACTICE_STATION"), servesCommunities("ORG_KIND_COMMUNITY")]).toEqual([true, false]);
    expect(kindForRole("COMMUNITY_WORKER")).toBe("ORG_KIND_COMMUNITY");
    expect(kindForRole("TEAM_LEADER")).toBe("");
    expect(newId("sz-futian", () => 0)).toBe("sz-futian-aaaaaa");
    expect(newId("team")).toMatch(/^team-[a-z2-9]{6}$/);
  });
});
