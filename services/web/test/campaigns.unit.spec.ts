import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { campaignOptions, campaignYear, currentCampaign, dayRange, formatOfCode, keepsCampaigns, levelLabel, registrationOpenOn, themeOfCode } from "../src/domain/campaigns";
import { formats, themes } from "../src/domain/labels";

describe("campaignYear", () => {
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

describe("campaign filters from data (GET /api/v1/campaigns)", () => {
  const listed = [
    { campaignId: "c-week", name: "2026年全国科技活动周", firstDay: "2026-05-17" },
    { campaignId: "c-month", name: "2026年全国科普日暨深圳科普月", firstDay: "2026-09-01" },
    { campaignId: "c-next", name: "2027年全国科技活动周", firstDay: "2027-05-16" },
  ];
  it("offers the campaigns by their names, newest first", () => {
    expect(campaignOptions(listed)).toEqual([
      { value: "c-next", label: "2027年全国科技活动周" },
      { value: "c-month", label: "2026年全国科普日暨深圳科普月" },
      { value: "c-week", label: "2026年全国科技活动周" },
    ]);
  });
  it("shows first the newest begun by the Beijing day, else the earliest to come, else none", () => {
    expect(currentCampaign(listed, "2026-10-01")).toBe("c-month");
    expect(currentCampaign(listed, "2026-09-01")).toBe("c-month");
    expect(currentCampaign(listed, "2026-08-31")).toBe("c-week");
    expect(currentCampaign(listed, "2025-01-01")).toBe("c-week");
    expect(currentCampaign([], "2026-10-01")).toBe("");
  });
  it("names every theme and format code by key, each a label the page has", () => {
    expect(Object.values(themeOfCode).sort()).toEqual(Object.keys(themes).sort());
    expect(Object.values(formatOfCode).sort()).toEqual(Object.keys(formats).sort());
    expect([themeOfCode["5"], themeOfCode["15"], formatOfCode["2"]]).toEqual(["HEALTH", "WATER", "HANDS_ON"]);
  });
});
