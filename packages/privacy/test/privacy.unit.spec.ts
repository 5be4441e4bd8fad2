import { describe, expect, it } from "vitest";
import { containsPhone, findPhones, isMinor, maskName, maskPhone, maskPhones } from "../src/index.js";

describe("privacy", () => {
  it("masks a phone number keeping the first three and last four digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone("+86 138-1234-5678")).toBe("138****5678");
  });

  it("finds a mobile number however it is written, in text and in URLs", () => {
    for (const written of [
      "13812345678",
      "电话13812345678",
      "+86 138 1234 5678",
      "+8613812345678",
      "0086-138-1234-5678",
      "138-1234-5678",
      "/api/v1/residents/19912345678/bookings",
      "/api/v1/x?phone=13812345678&y=1",
      "/api/v1/x?phone=%2B8613812345678",
      "/api/v1/x?phone=138%201234%205678",
      "/api/v1/x?phone=+86+138+1234+5678",
    ]) {
      expect(containsPhone(written), written).toBe(true);
      expect(maskPhones(written), written).toContain("****");
      expect(containsPhone(maskPhones(written)), written).toBe(false);
    }
  });

  it("leaves numbers that are not mobile numbers alone", () => {
    for (const other of ["12812345678", "1381234567", "138123456789", "order 2024241", "1764000000000", "a13812345678", "0193b2c4-7a1e-7c3d-9f00-13812345678f", "2026-12-01T08:00:00.000Z"]) {
      expect(containsPhone(other), other).toBe(false);
      expect(maskPhones(other), other).toBe(other);
    }
  });

  it("masks every mobile number inside free text but leaves other numbers", () => {
    expect(maskPhones("call 13812345678 or +86 159-0000-1111, order 2024241")).toBe("call 138****5678 or 159****1111, order 2024241");
    expect(findPhones("a 13812345678 b 15900001111 c")).toEqual(["13812345678", "15900001111"]);
    // A global pattern shared between calls would skip the second text's number.
    expect([containsPhone("13812345678"), containsPhone("13812345678")]).toEqual([true, true]);
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
