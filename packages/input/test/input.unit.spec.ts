import { describe, expect, it } from "vitest";
import { optionalId, optionalName, optionalText, refusePhone, requireId, requireMobile, requireText } from "../src/index.js";

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

  it("masks a mobile number inside free text before anyone stores it, and leaves other numbers", () => {
    expect(optionalText("请联系王老师 13812345678 或 +86 139-1234-5678，约 30 人", "request.description")).toBe("请联系王老师 138****5678 或 139****5678，约 30 人");
    expect(requireText("电话15912345678打不通", "reason")).toBe("电话159****5678打不通");
    expect(optionalText("订单 2024241，2026 年 9 月", "comment")).toBe("订单 2024241，2026 年 9 月");
  });

  it("refuses a name that holds a mobile number, with a bilingual error naming the field", () => {
    expect(optionalName("  王阿姨  ", "displayName", 20)).toBe("王阿姨");
    expect(optionalName("", "displayName")).toBe("");
    expect(codeOf(() => optionalName("王 13812345678", "displayName"))).toBe("PHONE_IN_NAME@displayName");
    expect(codeOf(() => refusePhone("李四+86 138 1234 5678", "name"))).toBe("PHONE_IN_NAME@name");
    expect(codeOf(() => optionalName("科".repeat(21), "displayName", 20))).toBe("NAME_TOO_LONG@displayName");
    const thrown = (() => {
      try {
        return refusePhone("13812345678", "displayName");
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ kind: "invalid", zh: "displayName 中不能包含手机号", en: "displayName must not contain a phone number" });
  });

  it("accepts only mainland mobile numbers", () => {
    expect(requireMobile("13812345678")).toBe("13812345678");
    expect(codeOf(() => requireMobile("12345"))).toBe("BAD_PHONE@phone");
  });
});
