import { describe, expect, it } from "vitest";
import { optionalId, optionalText, requireId, requireMobile, requireText } from "../src/index.js";

const codeOf = (check: () => unknown) => {
  try {
    check();
    return "";
  } catch (error) {
    return (error as { code: string; field: string }).code + "@" + (error as { field: string }).field;
  }
};

describe("edge checks", () => {
  it("accepts well-formed ids, including derived ones, and names the field of a bad one", () => {
    expect(requireId(`act-${"o".repeat(80)}`, "activityId")).toHaveLength(84);
    expect(codeOf(() => requireId("a b", "orderId"))).toBe("INVALID_ID@orderId");
    expect(codeOf(() => requireId("", "orderId"))).toBe("INVALID_ID@orderId");
    expect(optionalId("", "parentId", "sz")).toBe("sz");
  });

  it("trims text and counts Chinese characters as one each", () => {
    expect(optionalText("  时间冲突  ", "reason")).toBe("时间冲突");
    expect(optionalText("科".repeat(5), "title", 5)).toBe("科科科科科");
    expect(codeOf(() => optionalText("科".repeat(6), "title", 5))).toBe("TEXT_TOO_LONG@title");
    expect(codeOf(() => requireText("   ", "reason"))).toBe("TEXT_REQUIRED@reason");
  });

  it("accepts only mainland mobile numbers", () => {
    expect(requireMobile("13812345678")).toBe("13812345678");
    expect(codeOf(() => requireMobile("12345"))).toBe("BAD_PHONE@phone");
  });
});
