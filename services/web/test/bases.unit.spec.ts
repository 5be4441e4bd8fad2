import { describe, expect, it } from "vitest";
import { beijingDate, beijingYearNow, criterionName, draftProblem, levelName, resultName, standingName } from "../src/domain/bases";

describe("科普基地 words and checks", () => {
  it("names criteria, results, standings and levels in both languages", () => {
    expect(criterionName("ASSESSMENT_CRITERION_ACTIVITIES", "zh")).toBe("有活动");
    expect(resultName("ASSESSMENT_RESULT_EXCELLENT", "en")).toBe("Excellent");
    expect(standingName("BASE_STATUS_APPLIED", "zh")).toBe("待审核");
    expect(levelName("BASE_LEVEL_CITY", "zh")).toBe("市级科普基地");
    expect(levelName("NOPE", "zh")).toBe("—");
  });
  it("reads dates on the Beijing calendar", () => {
    expect(beijingDate("2026-08-31T16:00:00Z")).toBe("2026-09-01");
    expect(beijingDate(undefined)).toBe("—");
    expect(beijingYearNow(new Date("2026-12-31T17:00:00Z"))).toBe(2027);
  });
  it("checks a draft as the registry does", () => {
    const ok = { criterion: "ASSESSMENT_CRITERION_FUNDING", score: 70, evidence: "年度预算", prefilled: -1 };
    expect(draftProblem([ok], "zh")).toBe("");
    expect(draftProblem([{ ...ok, score: 101 }], "zh")).toContain("0 到 100");
    expect(draftProblem([{ ...ok, evidence: " " }], "en")).toContain("evidence");
  });
});
