import { describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { decide, evolve, requireCommunity, type OrgState } from "../src/domain/organization.js";
import { city, events, futian, hongli, outcome, yuanling } from "./registry-fixtures.js";

const K = OrgKind;
const kinds = [K.CITY, K.DISTRICT, K.STREET, K.COMMUNITY, K.ASSOCIATION, K.PRACTICE_CENTER, K.PRACTICE_INSTITUTE, K.PRACTICE_STATION, K.PRACTICE_POINT, K.PARTY_SERVICE_CENTER, K.SCHOOL];

// The tree as PRODUCT.md draws it: the kinds each kind may sit under. 市 is the root.
const parentsOf: Record<number, OrgKind[]> = {
  [K.CITY]: [],
  [K.DISTRICT]: [K.CITY],
  [K.STREET]: [K.DISTRICT],
  [K.COMMUNITY]: [K.STREET],
  [K.ASSOCIATION]: [K.CITY, K.DISTRICT],
  [K.PRACTICE_CENTER]: [K.CITY, K.DISTRICT],
  [K.PRACTICE_INSTITUTE]: [K.PRACTICE_CENTER],
  [K.PRACTICE_STATION]: [K.PRACTICE_INSTITUTE],
  [K.PRACTICE_POINT]: [K.PRACTICE_STATION],
  [K.PARTY_SERVICE_CENTER]: [K.STREET, K.COMMUNITY],
  [K.SCHOOL]: [K.DISTRICT, K.STREET], // 学校 (科普教育学分)
};

/** A parent of each kind, placed (its path does not matter to the kind rule). */
const parentOfKind = (kind: OrgKind): OrgState => ({
  orgId: `p-${K[kind]}`,
  name: "上级",
  kind,
  parentId: "sz",
  place: { orgId: `p-${K[kind]}`, path: ["sz", `p-${K[kind]}`], districtId: "", streetId: "", communityId: "" },
  closed: false,
  servedCommunityIds: [],
});
const register = (kind: OrgKind, parent: OrgState | undefined, state?: OrgState) => decide(state, { type: "register", orgId: "new-org", name: "新组织", kind, parentId: parent?.orgId ?? "" }, { parent });

describe("the organization decider: every child kind × every parent kind (or none)", () => {
  for (const child of kinds) {
    it(`${K[child]}: under none → ${child === K.CITY ? "registered" : "PARENT_REQUIRED"}`, () => {
      expect(outcome(register(child, undefined))).toBe(child === K.CITY ? "OrganizationRegistered" : "PARENT_REQUIRED");
    });
    for (const parent of kinds) {
      const expected = child === K.CITY ? "CITY_HAS_NO_PARENT" : parentsOf[child]!.includes(parent) ? "OrganizationRegistered" : "WRONG_PARENT_KIND";
      it(`${K[child]} under ${K[parent]} → ${expected}`, () => {
        const decision = register(child, parentOfKind(parent));
        expect(outcome(decision)).toBe(expected);
        if (!decision.ok) expect(decision.error.field).toBe("parentId");
      });
    }
  }
});

describe("registering an organization", () => {
  it("places it under its parent: the whole path, its district, street and community", () => {
    const [event] = events(register(K.COMMUNITY, yuanling));
    expect(event).toMatchObject({ type: "OrganizationRegistered", orgId: "new-org", parentId: "sz-futian-yuanling" });
    expect(evolve(undefined, event!).place).toEqual({ orgId: "new-org", path: ["sz", "sz-futian", "sz-futian-yuanling", "new-org"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "new-org" });
  });

  it("refuses an id that exists, and a parent that does not", () => {
    expect(outcome(register(K.DISTRICT, city, futian))).toBe("ALREADY_EXISTS");
    const orphan = decide(undefined, { type: "register", orgId: "x", name: "x", kind: K.STREET, parentId: "sz-ghost" }, { parent: undefined });
    expect(orphan.ok ? "" : [orphan.error.code, orphan.error.field]).toEqual(["ORG_NOT_FOUND", "parentId"]);
  });
});

describe("a community is a community", () => {
  it.each([
    ["a community", hongli, "ok"],
    ["a street", yuanling, "NOT_A_COMMUNITY"],
    ["a district", futian, "NOT_A_COMMUNITY"],
    ["nothing", undefined, "ORG_NOT_FOUND"],
  ] as const)("%s → %s", (_label, org, expected) => {
    const checked = requireCommunity(org, org?.orgId ?? "ghost", "communityId");
    expect(checked.ok ? "ok" : checked.error.code).toBe(expected);
    if (!checked.ok) expect(checked.error.field).toBe("communityId");
  });
});
