import { describe, expect, it } from "vitest";
import { campaignOf, canCancel, checkInToken, overlaps, serviceHours, summaryOverdue, verifyCheckInToken } from "../src/domain/rules.js";

const at = (iso: string) => new Date(iso);

describe("activity rules", () => {
  it("counts service hours in half hours served, at most 8", () => {
    expect(serviceHours(at("2026-09-05T09:00:00Z"), at("2026-09-05T11:20:00Z"))).toBe(2);
    expect(serviceHours(at("2026-09-05T09:00:00Z"), at("2026-09-05T11:30:00Z"))).toBe(2.5);
    expect(serviceHours(at("2026-09-05T08:00:00Z"), at("2026-09-05T20:00:00Z"))).toBe(8);
    expect(() => serviceHours(at("2026-09-05T10:00:00Z"), at("2026-09-05T09:00:00Z"))).toThrow(/BAD_SERVICE_TIME/);
  });

  it("allows cancelling until the cut-off before the session", () => {
    const start = at("2026-09-05T09:00:00Z");
    expect(canCancel(start, at("2026-09-05T06:59:00Z"), 2)).toBe(true);
    expect(canCancel(start, at("2026-09-05T07:01:00Z"), 2)).toBe(false);
  });

  it("sees overlapping sessions and lets back-to-back ones be", () => {
    const a = { startsAt: at("2026-09-05T09:00:00Z"), endsAt: at("2026-09-05T11:00:00Z") };
    expect(overlaps(a, { startsAt: at("2026-09-05T10:00:00Z"), endsAt: at("2026-09-05T12:00:00Z") })).toBe(true);
    expect(overlaps(a, { startsAt: at("2026-09-05T11:00:00Z"), endsAt: at("2026-09-05T12:00:00Z") })).toBe(false);
  });

  it("accepts only check-in tokens it signed", () => {
    const token = checkInToken("bk-1", "secret");
    expect(verifyCheckInToken(token, "secret")).toBe("bk-1");
    expect(verifyCheckInToken(token, "other-secret")).toBeUndefined();
    expect(verifyCheckInToken(token.replace("bk-1", "bk-2"), "secret")).toBeUndefined();
    expect(verifyCheckInToken("garbage", "secret")).toBeUndefined();
  });

  it("knows the science month and its summary deadline (the 28th)", () => {
    expect(campaignOf("kepu-month-2026")).toMatchObject({ nameZh: "全国科普日暨深圳科普月", summaryDue: at("2026-09-28T00:00:00Z") });
    expect(summaryOverdue("kepu-month-2026", false, at("2026-09-29T00:00:00Z"))).toBe(true);
    expect(summaryOverdue("kepu-month-2026", true, at("2026-09-29T00:00:00Z"))).toBe(false);
    expect(summaryOverdue("kepu-month-2026", false, at("2026-09-20T00:00:00Z"))).toBe(false);
    expect(summaryOverdue("", false, at("2026-12-01T00:00:00Z"))).toBe(false);
  });
});
