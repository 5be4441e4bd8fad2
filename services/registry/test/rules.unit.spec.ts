import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { MenuItemSchema, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { assessmentPassed, checkMenuItem, placeUnder, type OrgNode } from "../src/domain/rules.js";

const node = (orgId: string, kind: OrgKind, parent?: OrgNode): OrgNode => {
  const placed = placeUnder(parent, orgId, kind);
  if (!placed.ok) throw placed.error;
  return { orgId, kind, place: placed.value };
};

describe("the org tree", () => {
  const city = node("sz", OrgKind.CITY);
  const district = node("sz-futian", OrgKind.DISTRICT, city);
  const street = node("sz-futian-yuanling", OrgKind.STREET, district);

  it("places a community under its street with the whole path and its district and street", () => {
    expect(node("sz-futian-yuanling-hongli", OrgKind.COMMUNITY, street).place).toMatchObject({
      path: ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"],
      districtId: "sz-futian",
      streetId: "sz-futian-yuanling",
      communityId: "sz-futian-yuanling-hongli",
    });
  });

  it("hangs associations and the 文明实践 tree under administrative nodes", () => {
    expect(node("sz-futian-kx", OrgKind.ASSOCIATION, district).place.path).toEqual(["sz", "sz-futian", "sz-futian-kx"]);
    const center = node("sz-futian-wmsj", OrgKind.PRACTICE_CENTER, district);
    const institute = node("sz-futian-wmsj-yl", OrgKind.PRACTICE_INSTITUTE, center);
    expect(node("sz-futian-wmsj-yl-1", OrgKind.PRACTICE_STATION, institute).place.districtId).toBe("sz-futian");
  });

  it("refuses a community under a district, and a district without a parent", () => {
    const wrong = placeUnder(district, "x", OrgKind.COMMUNITY);
    expect(wrong.ok ? "" : wrong.error.code).toBe("WRONG_PARENT_KIND");
    const orphan = placeUnder(undefined, "y", OrgKind.DISTRICT);
    expect(orphan.ok ? "" : orphan.error.code).toBe("PARENT_REQUIRED");
  });
});

describe("bases and the menu", () => {
  it("passes a base's annual assessment only with all five criteria", () => {
    const all = { hasOrganization: true, hasFunding: true, hasVenue: true, hasActivities: true, hasImpact: true };
    expect(assessmentPassed(all)).toBe(true);
    expect(assessmentPassed({ ...all, hasFunding: false })).toBe(false);
  });

  it("checks a menu item before it is offered, naming the wrong field", () => {
    const item = create(MenuItemSchema, { title: "AI 科普讲座", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.EXPERT_TALK, capacity: 60, durationMinutes: 90, leadTimeDays: 7, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-a" });
    expect(checkMenuItem(item).ok).toBe(true);
    const noCapacity = checkMenuItem({ ...item, capacity: 0 });
    expect(noCapacity.ok ? "" : noCapacity.error.field).toBe("item.capacity");
  });
});
