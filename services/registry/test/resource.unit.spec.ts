import { describe, expect, it } from "vitest";
import { ResourceKind, ResourceStatus } from "@kepu/contracts/registry/v1/events_pb";
import { bareProfile, decide, type ResourceCommand } from "../src/domain/resource.js";
import { futian, hall, outcome } from "./registry-fixtures.js";

const list: ResourceCommand = { type: "list", resourceId: "res-hall", kind: ResourceKind.VENUE, name: "报告厅", ownerOrgId: "sz-futian", capacity: 200 };

describe("the resource decider (《科普资源名录》)", () => {
  it.each([
    ["nothing", "a venue", undefined, list, "ResourceListed"],
    ["nothing", "capacity 0 (not a venue)", undefined, { ...list, kind: ResourceKind.EXPERT, capacity: 0 }, "ResourceListed"],
    ["nothing", "a negative capacity", undefined, { ...list, capacity: -1 }, "BAD_CAPACITY"],
    ["the listed hall", "the same id", hall, list, "ALREADY_EXISTS"],
  ] as const)("%s + %s → %s", (_state, _command, state, command, expected) => {
    expect(outcome(decide(state, command, { owner: futian }))).toBe(expected);
  });

  it("lists a resource available, where its owner sits; an owner that does not exist is not found", () => {
    expect(hall).toEqual({ ...bareProfile(ResourceKind.VENUE, "报告厅", 200), resourceId: "res-hall", ownerOrgId: "sz-futian", place: futian.place, available: true, status: ResourceStatus.PUBLISHED, reviewNote: "" });
    const orphan = decide(undefined, list, { owner: undefined });
    expect(orphan.ok ? "" : [orphan.error.code, orphan.error.field]).toEqual(["ORG_NOT_FOUND", "ownerOrgId"]);
  });
});
