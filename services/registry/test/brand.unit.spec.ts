import { describe, expect, it } from "vitest";
import { Audience, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { Result } from "@kepu/errors";
import { checkPlan, decide, evolve, planOf, type BrandCommand, type BrandContext, type BrandEvent, type BrandState } from "../src/domain/brand.js";
import { events, hongli, outcome, yuanling } from "./registry-fixtures.js";

const bases = new Set(["base-kjg", "base-lib", "base-park"]);
const context: BrandContext = { community: hongli, existingBaseIds: bases };
const define = (over: Partial<Extract<BrandCommand, { type: "define" }>> = {}): Extract<BrandCommand, { type: "define" }> => ({
  type: "define",
  communityId: hongli.orgId,
  name: "红荔健康科普",
  theme: Theme.HEALTH,
  demoBaseId: "base-kjg",
  partnerBaseIds: ["base-lib"],
  slogan: "健康生活从科普开始",
  ...over,
});
const defined: BrandState = events(decide(undefined, define(), context)).reduce(evolve, undefined as BrandState | undefined)!;
const plan = (over: Partial<Extract<BrandCommand, { type: "setPlan" }>> = {}): BrandCommand => ({
  type: "setPlan",
  year: 2026,
  targets: [
    { theme: Theme.HEALTH, month: 9, target: 3 },
    { theme: Theme.DIGITAL_LITERACY, month: 5, target: 2 },
  ],
  audiences: [Audience.ELDERLY],
  ...over,
});

describe("the brand decider (一社区一科普品牌)", () => {
  it("defines a community's brand, placed where the community is", () => {
    expect(defined).toMatchObject({ communityId: hongli.orgId, name: "红荔健康科普", theme: Theme.HEALTH, demoBaseId: "base-kjg", partnerBaseIds: ["base-lib"], place: hongli.place, plans: {} });
  });

  // Each refusal of `define`, by the field it names: the code a user's form shows.
  it.each<[string, Partial<Extract<BrandCommand, { type: "define" }>>, BrandContext, string]>([
    ["no name", { name: "  " }, context, "BRAND_NAME_REQUIRED"],
    ["a name over 40 characters", { name: "品".repeat(41) }, context, "BRAND_NAME_REQUIRED"],
    ["no theme", { theme: Theme.UNSPECIFIED }, context, "THEME_REQUIRED"],
    ["a theme outside the catalog", { theme: 999 as Theme }, context, "THEME_REQUIRED"],
    ["no 示范点", { demoBaseId: "" }, context, "DEMO_BASE_REQUIRED"],
    ["a 示范点 that does not exist", { demoBaseId: "base-none" }, context, "BASE_NOT_FOUND"],
    ["a partner base that does not exist", { partnerBaseIds: ["base-none"] }, context, "BASE_NOT_FOUND"],
    ["a partner base twice", { partnerBaseIds: ["base-lib", "base-lib"] }, context, "DUPLICATE_BASE"],
    ["the 示范点 as a partner too", { partnerBaseIds: ["base-kjg"] }, context, "DEMO_BASE_AS_PARTNER"],
    ["a street, not a community", { communityId: yuanling.orgId }, { ...context, community: yuanling }, "NOT_A_COMMUNITY"],
    ["a community that does not exist", {}, { existingBaseIds: bases }, "ORG_NOT_FOUND"],
    ["a closed community", {}, { ...context, community: { ...hongli, closed: true } }, "ORG_NOT_FOUND"],
  ])("refuses %s", (_what, over, ctx, code) => {
    expect(outcome(decide(undefined, define(over), ctx))).toBe(code);
  });

  it("changes a defined brand (the whole brand again) and keeps its plans; the same brand again changes nothing", () => {
    const planned = events(decide(defined, plan(), {})).reduce(evolve, defined);
    const renamed = events(decide(planned, define({ name: "红荔数字健康", partnerBaseIds: ["base-lib", "base-park"] }), context)).reduce(evolve, planned);
    expect(renamed).toMatchObject({ name: "红荔数字健康", partnerBaseIds: ["base-lib", "base-park"] });
    expect(planOf(renamed, 2026).targets).toHaveLength(2);
    expect(events(decide(defined, define(), context))).toEqual([]);
  });

  it("sets a year's plan, sorted by theme and month; setting it again replaces it, other years stay", () => {
    const planned = events(decide(defined, plan(), {})).reduce(evolve, defined);
    expect(planOf(planned, 2026).targets).toEqual([
      { theme: Theme.DIGITAL_LITERACY, month: 5, target: 2 },
      { theme: Theme.HEALTH, month: 9, target: 3 },
    ]);
    const next = events(decide(planned, plan({ year: 2027, targets: [{ theme: Theme.HEALTH, month: 1, target: 1 }] }), {})).reduce(evolve, planned);
    const replaced = events(decide(next, plan({ targets: [{ theme: Theme.HEALTH, month: 9, target: 0 }] }), {})).reduce(evolve, next);
    expect(planOf(replaced, 2026).targets).toEqual([{ theme: Theme.HEALTH, month: 9, target: 0 }]);
    expect(planOf(replaced, 2027).targets).toEqual([{ theme: Theme.HEALTH, month: 1, target: 1 }]);
    expect(planOf(replaced, 2030)).toMatchObject({ year: 2030, targets: [], audiences: [] });
  });

  it("asks for the brand before its plan", () => {
    expect(outcome(decide(undefined, plan(), {}))).toBe("BRAND_NOT_DEFINED");
  });

  it.each<[string, Partial<Extract<BrandCommand, { type: "setPlan" }>>, string]>([
    ["month 0", { targets: [{ theme: Theme.HEALTH, month: 0, target: 1 }] }, "BAD_MONTH"],
    ["month 13", { targets: [{ theme: Theme.HEALTH, month: 13, target: 1 }] }, "BAD_MONTH"],
    ["a negative target", { targets: [{ theme: Theme.HEALTH, month: 9, target: -1 }] }, "BAD_TARGET"],
    ["a fractional target", { targets: [{ theme: Theme.HEALTH, month: 9, target: 1.5 }] }, "BAD_TARGET"],
    ["a theme outside the catalog", { targets: [{ theme: Theme.UNSPECIFIED, month: 9, target: 1 }] }, "THEME_REQUIRED"],
    ["one theme and month twice", { targets: [{ theme: Theme.HEALTH, month: 9, target: 1 }, { theme: Theme.HEALTH, month: 9, target: 2 }] }, "DUPLICATE_TARGET"],
    ["an audience outside the catalog", { audiences: [Audience.UNSPECIFIED] }, "BAD_AUDIENCE"],
    ["a year out of range", { year: 1999 }, "BAD_YEAR"],
  ])("refuses a plan with %s", (_what, over, code) => {
    expect(outcome(decide(defined, plan(over), {}))).toBe(code);
  });

  // 审批: the street or district above approves a plan, or returns it with a comment; the worker's change asks again.
  describe("the plan's review", () => {
    const planned = events(decide(defined, plan(), {})).reduce(evolve, defined);
    const review = (state: BrandState, approve: boolean, comment = ""): Result<BrandEvent[]> => decide(state, { type: "reviewPlan", year: 2026, approve, comment, reviewerOrgId: "sz-futian" });
    const after = (state: BrandState, approve: boolean, comment = "") => events(review(state, approve, comment)).reduce(evolve, state);

    it("a plan set awaits approval, and is approved with an optional comment", () => {
      expect(planOf(planned, 2026)).toMatchObject({ status: "awaitingApproval", reviewComment: "", reviewerOrgId: "" });
      expect(planOf(after(planned, true, "同意"), 2026)).toMatchObject({ status: "approved", reviewComment: "同意", reviewerOrgId: "sz-futian" });
    });

    it("approving an approved plan changes nothing", () => {
      expect(events(review(after(planned, true), true))).toEqual([]);
    });

    it("a returned plan keeps the comment; set again, it awaits approval again", () => {
      const returned = after(planned, false, "九月请加一场防诈骗讲座");
      expect(planOf(returned, 2026)).toMatchObject({ status: "returned", reviewComment: "九月请加一场防诈骗讲座" });
      expect(outcome(review(returned, true))).toBe("PLAN_RETURNED");
      const changed = events(decide(returned, plan(), {})).reduce(evolve, returned);
      expect(planOf(changed, 2026)).toMatchObject({ status: "awaitingApproval", reviewComment: "" });
    });

    it.each<[string, BrandState, boolean, string, string]>([
      ["a return without a comment", planned, false, "  ", "COMMENT_REQUIRED"],
      ["a comment over 200 characters", planned, true, "意".repeat(201), "COMMENT_TOO_LONG"],
      ["a year without a plan", defined, true, "", "PLAN_NOT_SET"],
    ])("refuses %s", (_what, state, approve, comment, code) => {
      expect(outcome(review(state, approve, comment))).toBe(code);
    });
  });

  it("gives every refusal in Chinese first and English second, naming the field", () => {
    const refused = checkPlan({ year: 2026, targets: [{ theme: Theme.HEALTH, month: 13, target: 1 }], audiences: [] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ zh: "第 1 行：月份应为 1 到 12", en: "Row 1: the month is 1 to 12", field: "targets[0].month" });
  });
});
