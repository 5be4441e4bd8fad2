import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { campaignChoices, campaignYear } from "../src/domain/campaigns";

describe("campaignChoices", () => {
  it("lists this year's campaigns first, then last year's, with the ids the events service knows", () => {
    const choices = campaignChoices(2026);
    expect(choices.map((c) => c.id)).toEqual(["kepu-month-2026", "tech-week-2026", "scientist-day-2026", "kepu-month-2025", "tech-week-2025", "scientist-day-2025"]);
    expect(choices[0]).toMatchObject({ zh: "2026 全国科普日暨深圳科普月" });
  });

  it("takes the campaign year from Beijing time, not the browser's or UTC's", () => {
    expect(campaignYear(new Date("2027-01-01T00:30+08:00"))).toBe(2027); // 2026-12-31T16:30Z
    expect(campaignYear(new Date("2026-12-31T23:30+08:00"))).toBe(2026);
    expect(campaignYear(new Date("2027-01-01T00:30+08:00"), calendarIn("Europe/Berlin"))).toBe(2026);
  });
});
