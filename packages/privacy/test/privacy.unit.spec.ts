import { describe, expect, it } from "vitest";
import { isMinor, maskName, maskPhone, maskPhonesInText } from "../src/index.js";

describe("privacy", () => {
  it("masks a phone number keeping the first three and last four digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("+86 138-1234-5678")).toBe("138****5678");
  });

  it("masks every mobile number inside free text but leaves other numbers", () => {
    expect(maskPhonesInText("call 13812345678 or 15900001111, order 2024241")).toBe(
      "call 138****5678 or 159****1111, order 2024241",
    );
  });

  it("masks names after the first character", () => {
    expect(maskName("张三丰")).toBe("张**");
    expect(maskName("李")).toBe("李");
  });

  it("tells a child under 14 from a 14-year-old", () => {
    const now = new Date("2026-09-01");
    expect(isMinor(new Date("2012-09-02"), now)).toBe(true);
    expect(isMinor(new Date("2012-09-01"), now)).toBe(false);
  });
});
