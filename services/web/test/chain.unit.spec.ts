import { describe, expect, it } from "vitest";
import { ratingComment, stepActor, stepTeams, type ChainStep } from "../src/domain/chain";
import { reasonProblem, reasonRules } from "../src/domain/reason";

describe("the reason an action asks for", () => {
  it("is refused empty or blank, naming the field by its label in the reader's language", () => {
    expect(reasonProblem("", reasonRules.reject, "zh")).toBe("请填写驳回原因");
    expect(reasonProblem("   ", reasonRules.cancelOrder, "en")).toBe("Why it is cancelled is required");
  });
  it("is counted in characters, as the services count them (500; a booking's 200)", () => {
    expect(reasonProblem("因".repeat(500), reasonRules.reject, "zh")).toBe("");
    expect(reasonProblem("因".repeat(501), reasonRules.reject, "zh")).toBe("驳回原因不能超过 500 个字");
    expect(reasonProblem("😀".repeat(200), reasonRules.cancelBooking, "zh")).toBe("");
    expect(reasonProblem("😀".repeat(201), reasonRules.cancelBooking, "en")).toBe("Why you cancel must be at most 200 characters");
  });
});

describe("an order's steps as a person reads them", () => {
  const step = (over: Partial<ChainStep>): ChainStep => ({ eventType: "OrderSubmitted", occurredAt: "2026-09-28T06:30:00Z", reason: "", teamIds: [], ...over });
  it("names who took a step and for which org, and says when it was automatic", () => {
    const names = { "sz-futian-yuanling-c1": "红荔社区" };
    expect(stepActor(step({ actor: { id: "worker", role: "ROLE_COMMUNITY_WORKER", orgId: "sz-futian-yuanling-c1", displayName: "李社工" } }), names)).toEqual({ name: "李社工", org: "红荔社区", automatic: false });
    expect(stepActor(step({ actor: { id: "dispatch", role: "ROLE_SYSTEM", orgId: "", displayName: "dispatch" } }), names).automatic).toBe(true);
  });
  it("names teams only when their name is known, never by id", () => {
    expect(stepTeams(step({ teamIds: ["team-a", "team-b"] }), { "team-a": "福田区科技志愿服务队" })).toEqual(["福田区科技志愿服务队"]);
  });
  it("takes the rating's comment from the step that rated", () => {
    expect(ratingComment([step({}), step({ eventType: "OrderRated", reason: "讲得很好" })])).toBe("讲得很好");
  });
});
