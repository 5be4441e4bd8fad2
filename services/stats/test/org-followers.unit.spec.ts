// What the registry's org changes and the gateway's account events change in the facts, as a pure
// rule: a rename sets the org's name, a move its path (the tree figures roll up by); account and
// resident-move events change no fact.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
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
    create(registry.OrganizationClosedSchema, { orgId: "c9", reason: "撤并" }),
  ])("$$typeName changes no fact", (message) => {
    expect(factChange(message.$typeName, message, at)).toBeUndefined();
  });
});
