import { describe, expect, it } from "vitest";
import { requireName } from "../src/grpc/validate.js";

describe("names at the registry's edge", () => {
  it("takes a name of 1 to 100 characters, trimmed", () => {
    expect(requireName("  福田区科技志愿服务队 ")).toBe("福田区科技志愿服务队");
    expect(() => requireName("")).toThrow(/NAME_REQUIRED/);
    expect(() => requireName("名".repeat(101))).toThrow(/NAME_REQUIRED/);
  });

  it("refuses a name holding a phone number, however it is written", () => {
    for (const name of ["张三 13812345678", "李四+86 138-1234-5678", "队长138 1234 5678"]) {
      expect(() => requireName(name, "realName")).toThrow(expect.objectContaining({ code: "PHONE_IN_NAME", field: "realName" }));
    }
    expect(requireName("第 2026 期科普队")).toBe("第 2026 期科普队");
  });
});
