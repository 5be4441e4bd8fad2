// What dispatch does with an org's rename, move and close, as pure rules: a closed community
// cannot order (bilingual error); a moved community's open orders take its new place, done ones
// and other communities' stay; an order already there is no change (redelivery).
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OrgKind, OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { checkCommunity, movedPlace, openStatuses, type KnownOrg } from "../src/domain/references.js";

const before = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-futian", "sz-futian-yuanling", "c9"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "c9" });
const moved: KnownOrg = { orgId: "c9", kind: OrgKind.COMMUNITY, path: ["sz", "sz-luohu", "sz-luohu-s", "c9"], districtId: "sz-luohu", streetId: "sz-luohu-s" };

describe("a closed community", () => {
  it("can no longer order, told in Chinese first and English second", () => {
    const result = checkCommunity(before, { orgId: "c9", kind: OrgKind.COMMUNITY, path: [...before.path], closed: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: "COMMUNITY_CLOSED", field: "request.community" });
    expect(result.error.zh).toContain("已撤销");
    expect(result.error.en).toContain("has been closed");
  });

  it("an open one still can", () => {
    expect(checkCommunity(before, { orgId: "c9", kind: OrgKind.COMMUNITY, path: [...before.path], closed: false }).ok).toBe(true);
  });
});

describe("a moved community's orders", () => {
  it.each(openStatuses.map((status) => [OrderStatus[status], status] as const))("a %s order takes the new place", (_, status) => {
    expect(movedPlace(status, before, moved)).toEqual(create(OrgPlaceSchema, { orgId: "c9", path: moved.path as string[], districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" }));
  });

  it.each([OrderStatus.DELIVERED, OrderStatus.RATED, OrderStatus.CANCELLED, OrderStatus.REJECTED].map((s) => [OrderStatus[s], s] as const))("a %s order stays where it happened", (_, status) => {
    expect(movedPlace(status, before, moved)).toBeUndefined();
  });

  it("an order already at the new place, or another community's, is no change", () => {
    const there = movedPlace(OrderStatus.SUBMITTED, before, moved)!;
    expect(movedPlace(OrderStatus.SUBMITTED, there, moved)).toBeUndefined();
    expect(movedPlace(OrderStatus.SUBMITTED, create(OrgPlaceSchema, { ...before, orgId: "c8" }), moved)).toBeUndefined();
    expect(movedPlace(OrderStatus.SUBMITTED, undefined, moved)).toBeUndefined();
  });

  it("keeps the district and street it had when the read model does not know them", () => {
    const pathOnly: KnownOrg = { orgId: "c9", kind: OrgKind.COMMUNITY, path: ["sz", "sz-futian", "sz-futian-x", "c9"] };
    expect(movedPlace(OrderStatus.POOLED, before, pathOnly)).toMatchObject({ path: pathOnly.path, districtId: "sz-futian", streetId: "sz-futian-yuanling" });
  });
});
