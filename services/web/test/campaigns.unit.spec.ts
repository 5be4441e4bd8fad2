import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { campaignChoices, campaignYear, dayRange, keepsCampaigns, levelLabel, registrationOpenOn } from "../src/domain/campaigns";

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

describe("campaigns as data on the page", () => {
  it("names the levels and the unregistered group, in both languages", () => {
    expect(levelLabel("CAMPAIGN_LEVEL_BRANCH", "zh")).toBe("分会场活动");
    expect(levelLabel("CAMPAIGN_LEVEL_JOINT", "en")).toBe("Joint action");
    expect(levelLabel("UNREGISTERED", "zh")).toBe("未报备");
  });
  it("lets the city and districts keep campaigns, not streets or workers", () => {
    expect(["CITY_STAFF", "DISTRICT_STAFF", "STREET_STAFF", "COMMUNITY_WORKER"].map(keepsCampaigns)).toEqual([true, true, false, false]);
  });
  it("knows when 报备 is open, Beijing days", () => {
    const c = { registrationOpens: "2027-08-21", registrationCloses: "2027-09-10" };
    expect(["2027-08-20", "2027-08-21", "2027-09-10", "2027-09-11"].map((d) => registrationOpenOn(c, d))).toEqual([false, true, true, false]);
    expect(dayRange("2027-05-30", "2027-05-30")).toBe("2027-05-30");
  });
});
