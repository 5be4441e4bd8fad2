import { describe, expect, it } from "vitest";
import { catalogWord, dayWords, emptyResource, formOf, isMaterial, itemProblem, resourceKinds, resourceProblem, resourceStatuses, type ItemForm, type ResourceForm } from "../src/domain/catalog";

const hall: ResourceForm = { ...emptyResource(), name: "报告厅", capacity: 120, areaOrgIds: ["sz-futian"], weekdays: [6, 7], availabilityNote: "9:00–17:00" };
const talk: ItemForm = { title: "健康讲座", description: "", theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK", audiences: [], durationMinutes: 60, capacity: 50, leadTimeDays: 3, serviceAreaOrgId: "sz-futian", resourceIds: [] };

describe("the 名录's words", () => {
  it("names kinds, statuses and days, never codes", () => {
    expect(catalogWord(resourceKinds, "RESOURCE_KIND_VENUE", "zh")).toBe("场馆");
    expect(catalogWord(resourceStatuses, "RESOURCE_STATUS_CHANGES_REQUESTED", "en")).toBe("Changes asked for");
    expect(dayWords([7, 6], "zh")).toBe("周六、周日");
    expect(dayWords([1, 2, 3, 4, 5, 6, 7], "en")).toBe("Every day");
  });
});

describe("isMaterial (the registry's rule)", () => {
  it.each<[string, Partial<ResourceForm>, boolean]>([
    ["the description", { description: "新" }, false],
    ["the name", { name: "新报告厅" }, false],
    ["the days in another order", { weekdays: [7, 6] }, false],
    ["the capacity", { capacity: 80 }, true],
    ["the kind", { kind: "RESOURCE_KIND_FACILITY" }, true],
    ["the area", { areaOrgIds: ["sz-luohu"] }, true],
    ["the days", { weekdays: [6] }, true],
    ["the hours", { availabilityNote: "仅上午" }, true],
  ])("a change of %s is material: %s", (_what, change, material) => expect(isMaterial(hall, { ...hall, ...change })).toBe(material));

  it("reads a resource the API answered into the form", () => {
    const form = formOf({ resourceId: "res-1", kind: "RESOURCE_KIND_VENUE", name: "报告厅", ownerOrgId: "sz-futian", capacity: 120, profile: { areaOrgIds: ["sz-futian"], availability: { weekdays: [6, 7], note: "9:00–17:00" }, openToOthers: true } });
    expect(isMaterial(hall, form)).toBe(false);
  });
});

describe("the checks before sending", () => {
  it.each<[string, Partial<ResourceForm>, string]>([
    ["a venue", {}, ""],
    ["no name", { name: " " }, "请填写 1 到 100 字的资源名称"],
    ["a venue without capacity", { capacity: 0 }, "场馆须填写容纳人数"],
    ["an expert without capacity", { kind: "RESOURCE_KIND_EXPERT", capacity: 0 }, ""],
    ["no area", { areaOrgIds: [] }, "请选择服务范围"],
  ])("a resource: %s → %s", (_what, change, problem) => expect(resourceProblem({ ...hall, ...change }, "zh")).toBe(problem));

  it.each<[string, Partial<ItemForm>, string]>([
    ["a talk", {}, ""],
    ["no title", { title: "" }, "The title must be 1 to 100 characters"],
    ["5 minutes", { durationMinutes: 5 }, "Duration must be 10 minutes to 24 hours"],
    ["no seats", { capacity: 0 }, "Capacity must be 1 to 100000"],
    ["no area", { serviceAreaOrgId: "" }, "Choose the service area"],
  ])("an item: %s → %s", (_what, change, problem) => expect(itemProblem({ ...talk, ...change }, "en")).toBe(problem));
});
