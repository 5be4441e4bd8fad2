// What the registry's org changes and the gateway's account events change in the facts, as a pure
// rule: a rename sets the org's name, a move its path (the tree figures roll up by), a close when
// it closed (the community is left out of coverage from then on, its past figures kept); an open
// order that followed its community (OrderCommunityMoved) takes the new place; account and
// resident-move events change no fact.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderCommunityMovedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { computeFigures, type Facts, type OrderFact } from "../src/domain/figures.js";
import { factChange } from "../src/messaging/projector.js";

const at = new Date("2026-11-01T00:00:00Z");

describe("org changes in the facts", () => {
  it("a rename sets the name, and nothing else", () => {
    const renamed = create(registry.OrganizationRenamedSchema, { orgId: "sz-futian", name: "福田区（新）" });
    expect(factChange(registry.OrganizationRenamedSchema.typeName, renamed, at)).toEqual({ kind: "orgs", id: "sz-futian", update: { $set: { name: "福田区（新）" } } });
  });

  it("a move sets the new path, and nothing else", () => {
    const place = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-luohu", "sz-luohu-s", "c9"], districtId: "sz-luohu" });
    const moved = create(registry.OrganizationMovedSchema, { orgId: "c9", parentId: "sz-luohu-s", place, fromParentId: "sz-futian-s" });
    expect(factChange(registry.OrganizationMovedSchema.typeName, moved, at)).toEqual({ kind: "orgs", id: "c9", update: { $set: { path: ["sz", "sz-luohu", "sz-luohu-s", "c9"] } } });
  });

  it.each([
    create(registry.StaffAccountCreatedSchema, { account: "li", role: Role.COMMUNITY_WORKER, orgId: "c9" }),
    create(registry.StaffAccountDisabledSchema, { account: "li" }),
    create(registry.StaffAccountEnabledSchema, { account: "li" }),
    create(registry.StaffAccountPasswordResetSchema, { account: "li" }),
    create(registry.StaffAccountPasswordChangedSchema, { account: "li" }),
    create(registry.ResidentMovedCommunitySchema, { residentId: "resident-1", fromCommunityId: "c8", toCommunityId: "c9", movedAt: timestampFromDate(at) }),
  ])("$$typeName changes no fact", (message) => {
    expect(factChange(message.$typeName, message, at)).toBeUndefined();
  });
});

describe("a moved community's open order and a closed community", () => {
  it("an OrderCommunityMoved sets the order's new place, and nothing else", () => {
    const community = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-luohu", "sz-luohu-s", "c9"], districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" });
    const moved = create(OrderCommunityMovedSchema, { orderId: "o-1", community, fromPath: ["sz", "sz-futian", "sz-futian-s", "c9"] });
    expect(factChange(OrderCommunityMovedSchema.typeName, moved, at)).toEqual({
      kind: "orders",
      id: "o-1",
      update: { $set: { path: community.path, districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" } },
    });
  });

  it("an OrganizationClosed sets when it closed, and nothing else", () => {
    const closed = create(registry.OrganizationClosedSchema, { orgId: "c9", reason: "撤并" });
    expect(factChange(registry.OrganizationClosedSchema.typeName, closed, at)).toEqual({ kind: "orgs", id: "c9", update: { $set: { closedAt: at } } });
  });

  const label = (n: number) => String(n);
  const c = (orgId: string, closedAt?: Date) => ({ orgId, kind: 4, path: ["sz", "sz-futian", "sz-futian-s", orgId], ...(closedAt ? { closedAt } : {}) });
  const order: OrderFact = { orderId: "o-c9", status: "DELIVERED", theme: 1, audience: 0, format: 0, path: c("c9").path, districtId: "sz-futian", streetId: "sz-futian-s", communityId: "c9", campaignId: "", submittedAt: new Date("2026-10-01T00:00:00Z"), declines: 0, escalations: 0 };
  const activity = { activityId: "a-c9", theme: 1, audience: 0, format: 0, path: c("c9").path, districtId: "sz-futian", streetId: "sz-futian-s", communityId: "c9", campaignId: "", startsAt: new Date("2026-10-02T00:00:00Z"), sessions: 1, status: "COMPLETED", participants: 5, residents: [], serviceHours: 2 };
  const facts: Facts = { orders: [order], activities: [activity], menu: [], communities: [c("c8"), c("c9", at)] };
  const slice = { orgId: "sz-futian", theme: 0, audience: 0, format: 0, campaignId: "" };

  it("a closed community is left out of the communities and coverage from its closing on; its past figures stay", () => {
    const now = computeFigures(facts, slice, label);
    expect([now.communities, now.communitiesWithActivity, now.coverage]).toEqual([1, 0, 0]);
    expect([now.orders, now.activities, now.participants, now.serviceHours]).toEqual([1, 1, 5, 2]); // what it did is kept
    const october = computeFigures(facts, { ...slice, from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-31T15:59:59Z") }, label);
    expect([october.communities, october.communitiesWithActivity, october.coverage]).toEqual([2, 1, 0.5]); // it was open then
    const open = computeFigures({ ...facts, communities: [c("c8"), c("c9")] }, slice, label);
    expect([open.communities, open.communitiesWithActivity]).toEqual([2, 1]);
  });
});
