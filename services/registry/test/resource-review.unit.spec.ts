// The 名录's review workflow as tables: every command from every status, what is material, what a
// profile must say, and who may name a resource on a menu item.
import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ProviderKind, ResourceKind, ResourceStatus } from "@kepu/contracts/registry/v1/events_pb";
import * as menuItem from "../src/domain/menu-item.js";
import * as resource from "../src/domain/resource.js";
import type { ResourceProfile, ResourceState } from "../src/domain/resource.js";
import { checkProfile, decideReview, isMaterial, usableBy, type ReviewCommand } from "../src/domain/resource-review.js";
import { activeTeam, events, futian, item, outcome, yuanling } from "./registry-fixtures.js";

const venue: ResourceProfile = {
  kind: ResourceKind.VENUE,
  name: "福田科技馆报告厅",
  description: "可容纳 200 人的报告厅",
  capacity: 200,
  themes: [Theme.HEALTH],
  areaOrgIds: ["sz-futian"],
  weekdays: [6, 7],
  availabilityNote: "9:00–17:00，提前三天预约",
  photoIds: [],
  openToOthers: true,
};
const submit: ReviewCommand = { type: "submit", resourceId: "res-hall", ownerOrgId: "sz-futian", profile: venue };
const submitted = events(decideReview(undefined, submit, { owner: futian })).reduce<ResourceState | undefined>(resource.evolve, undefined)!;
/** The hall after `commands` from its submission, each decided and evolved. */
const after = (...commands: ReviewCommand[]): ResourceState => commands.reduce((state, command) => events(decideReview(state, command, {})).reduce<ResourceState>(resource.evolve, state), submitted);
const approve: ReviewCommand = { type: "review", decision: "approve", note: "" };
const reject: ReviewCommand = { type: "review", decision: "reject", note: "照片不清楚" };
const askChanges: ReviewCommand = { type: "review", decision: "askChanges", note: "请补充开放时间" };
const edit = (change: Partial<ResourceProfile>): ReviewCommand => ({ type: "edit", profile: { ...venue, ...change } });

const states: Record<string, ResourceState> = {
  待审核: submitted,
  已发布: after(approve),
  未通过: after(reject),
  待修改: after(askChanges),
};

describe("the 名录's review workflow (domain/resource-review.ts)", () => {
  it("submits a resource of the org's own, waiting for review where its owner sits; not twice, not for a missing or closed org", () => {
    expect(submitted).toMatchObject({ resourceId: "res-hall", ownerOrgId: "sz-futian", place: futian.place, status: ResourceStatus.PENDING, available: false, capacity: 200, weekdays: [6, 7] });
    expect(outcome(decideReview(submitted, submit, { owner: futian }))).toBe("ALREADY_EXISTS");
    expect(outcome(decideReview(undefined, submit, { owner: undefined }))).toBe("ORG_NOT_FOUND");
    expect(outcome(decideReview(undefined, submit, { owner: { ...futian, closed: true } }))).toBe("ORG_CLOSED");
  });

  it.each<[string, ReviewCommand, string]>([
    ["待审核", approve, "ResourceApproved,ResourceListed"],
    ["待审核", reject, "ResourceRejected"],
    ["待审核", askChanges, "ResourceChangesRequested"],
    ["待审核", { ...reject, note: "  " }, "REASON_REQUIRED"],
    ["待审核", { ...askChanges, note: "" }, "NOTE_REQUIRED"],
    ["待审核", edit({ capacity: 180 }), "ResourceEdited"],
    ["已发布", approve, "RESOURCE_NOT_PENDING"],
    ["已发布", reject, "RESOURCE_NOT_PENDING"],
    ["已发布", edit({ description: "新的介绍" }), "ResourceEdited"],
    ["已发布", edit({ capacity: 180 }), "ResourceEdited,ResourceAvailabilityChanged"],
    ["已发布", edit({ kind: ResourceKind.FACILITY }), "ResourceEdited,ResourceAvailabilityChanged"],
    ["已发布", edit({ areaOrgIds: ["sz-futian", "sz-luohu"] }), "ResourceEdited,ResourceAvailabilityChanged"],
    ["已发布", edit({ weekdays: [6] }), "ResourceEdited,ResourceAvailabilityChanged"],
    ["未通过", approve, "RESOURCE_NOT_PENDING"],
    ["未通过", edit({ description: "补充了照片" }), "ResourceEdited"],
    ["待修改", askChanges, "RESOURCE_NOT_PENDING"],
    ["待修改", edit({ availabilityNote: "每周六日 9:00–17:00" }), "ResourceEdited"],
  ])("%s + %j → %s", (from, command, expected) => {
    expect(outcome(decideReview(states[from], command, {}))).toBe(expected);
  });

  it.each<[string, ReviewCommand, ResourceStatus, boolean]>([
    ["待审核", approve, ResourceStatus.PUBLISHED, true],
    ["待审核", reject, ResourceStatus.REJECTED, false],
    ["待审核", askChanges, ResourceStatus.CHANGES_REQUESTED, false],
    ["已发布", edit({ description: "新的介绍" }), ResourceStatus.PUBLISHED, true],
    ["已发布", edit({ capacity: 180 }), ResourceStatus.PENDING, false],
    ["未通过", edit({ description: "补充了照片" }), ResourceStatus.PENDING, false],
    ["待修改", edit({ availabilityNote: "每周六日" }), ResourceStatus.PENDING, false],
  ])("%s + %j → status %s, available %s", (from, command, status, available) => {
    const state = events(decideReview(states[from], command, {})).reduce<ResourceState>(resource.evolve, states[from]!);
    expect([state.status, state.available]).toEqual([status, available]);
  });

  it("keeps the reviewer's reason and note, and clears them on approval", () => {
    expect(states.未通过!.reviewNote).toBe("照片不清楚");
    expect(states.待修改!.reviewNote).toBe("请补充开放时间");
    expect(after(askChanges, edit({ availabilityNote: "每周六日" }), approve)).toMatchObject({ status: ResourceStatus.PUBLISHED, reviewNote: "", availabilityNote: "每周六日" });
  });

  it.each<[string, Partial<ResourceProfile>, boolean]>([
    ["the description", { description: "新" }, false],
    ["the name", { name: "新名字" }, false],
    ["the themes", { themes: [Theme.FOOD_SAFETY] }, false],
    ["the photos", { photoIds: ["photo-1"] }, false],
    ["the same weekdays in another order", { weekdays: [7, 6] }, false],
    ["the capacity", { capacity: 1 }, true],
    ["the kind", { kind: ResourceKind.EQUIPMENT }, true],
    ["the area", { areaOrgIds: ["sz-futian-yuanling"] }, true],
    ["the weekdays", { weekdays: [1, 2, 3] }, true],
    ["the availability's note", { availabilityNote: "仅工作日" }, true],
  ])("a change of %s is material: %s", (_what, change, material) => {
    expect(isMaterial(venue, { ...venue, ...change })).toBe(material);
  });

  it.each<[string, Partial<ResourceProfile>, string]>([
    ["a venue", {}, "ok"],
    ["an expert (no capacity)", { kind: ResourceKind.EXPERT, capacity: 0 }, "ok"],
    ["no name", { name: "  " }, "NAME_REQUIRED"],
    ["no kind", { kind: ResourceKind.UNSPECIFIED }, "KIND_REQUIRED"],
    ["a venue without capacity", { capacity: 0 }, "VENUE_CAPACITY_REQUIRED"],
    ["a negative capacity", { kind: ResourceKind.WORK, capacity: -1 }, "BAD_CAPACITY"],
    ["no area", { areaOrgIds: [] }, "AREA_REQUIRED"],
    ["weekday 8", { weekdays: [8] }, "BAD_WEEKDAY"],
    ["ten photos", { photoIds: Array.from({ length: 10 }, (_, i) => `p${i}`) }, "TOO_MANY_PHOTOS"],
  ])("a profile of %s → %s", (_what, change, expected) => {
    const checked = checkProfile({ ...venue, ...change });
    expect(checked.ok ? "ok" : checked.error.code).toBe(expected);
  });

  it("checks a profile into its plain form: trimmed, the weekdays once each in order", () => {
    const checked = checkProfile({ ...venue, name: " 报告厅 ", weekdays: [7, 6, 7] });
    expect(checked.ok && [checked.value.name, checked.value.weekdays]).toEqual(["报告厅", [6, 7]]);
  });

  it.each<[string, ResourceState, string, boolean]>([
    ["published, the provider's own org's", states.已发布!, "sz-futian", true],
    ["published, open to others", states.已发布!, "sz-luohu", true],
    ["published, not open to others", { ...states.已发布!, openToOthers: false }, "sz-luohu", false],
    ["pending", states.待审核!, "sz-futian", false],
    ["rejected", states.未通过!, "sz-futian", false],
  ])("a resource %s is usable by %s's provider: %s", (_what, state, orgId, usable) => {
    expect(usableBy(state, orgId)).toBe(usable);
  });

  it("refuses a menu item naming a resource not yet published, and takes it once approved", () => {
    const byTeam = { kind: ProviderKind.TEAM, team: activeTeam } as const;
    const publish = (r: ResourceState) => menuItem.decide(undefined, { type: "publish", item: { ...item, resourceIds: [r.resourceId] } }, { area: yuanling, provider: byTeam, resources: new Map([[r.resourceId, r]]) });
    expect(outcome(publish(states.待审核!))).toBe("RESOURCE_NOT_USABLE");
    expect(outcome(publish(states.已发布!))).toBe("MenuItemPublished");
  });
});
