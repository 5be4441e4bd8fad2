import { describe, expect, it } from "vitest";
import { calendar, calendarIn, type Calendar } from "@kepu/calendar";
import { recurringCampaigns } from "../src/domain/campaign.js";
import { campaignOf as campaignOfRecord, canCancel, checkInToken, overlaps, serviceHours, summaryOverdue, verifyCheckInToken, withinCampaign } from "../src/domain/rules.js";

const at = (iso: string) => new Date(iso);
// The recurring campaigns are data now: the seeded record of that id, read as instants of the zone.
const seeded = recurringCampaigns(2027, "sz", ["sz"]);
const campaignOf = (id: string, cal: Calendar = calendar) => {
  const record = seeded.find((c) => c.campaignId === id);
  return record && campaignOfRecord(record, cal);
};

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

  it("knows the campaigns' Beijing windows and due dates (24:00 of the due day)", () => {
    expect(campaignOf("kepu-month-2027")).toEqual({
      id: "kepu-month-2027",
      nameZh: "2027年全国科普日暨深圳科普月",
      from: at("2027-09-01T00:00+08:00"),
      to: at("2027-09-30T23:59:59.999+08:00"),
      registrationFrom: at("2027-08-21T00:00+08:00"),
      registrationUntil: at("2027-10-01T00:00+08:00"),
      summaryDue: at("2027-09-29T00:00+08:00"),
      levels: [1, 2, 3, 4],
    });
    expect(campaignOf("tech-week-2027")).toMatchObject({ from: at("2027-05-18T00:00+08:00"), to: at("2027-05-24T23:59:59.999+08:00"), summaryDue: at("2027-06-01T00:00+08:00") });
    expect(campaignOf("scientist-day-2027")).toMatchObject({ from: at("2027-05-30T00:00+08:00"), summaryDue: at("2027-06-07T00:00+08:00") });
    expect(campaignOf("kepu-month")).toBeUndefined();
    expect(campaignOf("harvest-2027")).toBeUndefined();
  });

  // campaign, summary filed, now (Beijing unless marked), overdue
  it.each([
    ["kepu-month-2027", false, "2027-09-28T23:30+08:00", false], // the fixed clock of issue 14: the 28th is not over
    ["kepu-month-2027", false, "2027-09-28T08:00+08:00", false], // UTC midnight after the 28th began: was overdue in UTC maths
    ["kepu-month-2027", false, "2027-09-28T23:59:59.999+08:00", false],
    ["kepu-month-2027", false, "2027-09-29T00:00+08:00", true],
    ["kepu-month-2027", false, "2027-09-29T00:30+08:00", true],
    ["kepu-month-2027", true, "2027-10-15T00:00+08:00", false],
    ["kepu-month-2027", false, "2027-09-20T00:00+08:00", false],
    ["tech-week-2027", false, "2027-05-31T23:00+08:00", false],
    ["tech-week-2027", false, "2027-06-01T00:10+08:00", true],
    ["", false, "2027-12-01T00:00+08:00", false],
    ["not-a-campaign-2027", false, "2027-12-01T00:00+08:00", false],
  ])("summary of %s, filed %s, at %s: overdue %s", (campaignId, filed, now, overdue) => {
    expect(summaryOverdue(campaignOf(campaignId), filed, at(now))).toBe(overdue);
  });

  // campaign, instant, within its window
  it.each([
    ["kepu-month-2027", "2027-09-01T00:30+08:00", true], // 2027-08-31T16:30Z: August in UTC
    ["kepu-month-2027", "2027-08-31T23:59+08:00", false],
    ["kepu-month-2027", "2027-09-30T23:30+08:00", true], // 2027-09-30T15:30Z
    ["kepu-month-2027", "2027-10-01T00:30+08:00", false], // 2027-09-30T16:30Z: still September in UTC
    ["scientist-day-2027", "2027-05-30T07:00+08:00", true],
    ["", "2027-09-10T12:00+08:00", false],
  ])("%s holds %s: %s", (campaignId, instant, within) => {
    expect(withinCampaign(campaignOf(campaignId), at(instant))).toBe(within);
  });

  it("puts the campaigns in another deployment's zone when it names one", () => {
    const berlin = calendarIn("Europe/Berlin");
    expect(campaignOf("kepu-month-2027", berlin)?.summaryDue).toEqual(at("2027-09-28T22:00Z"));
    expect(summaryOverdue(campaignOf("kepu-month-2027", berlin), false, at("2027-09-28T21:30Z"))).toBe(false);
    expect(summaryOverdue(campaignOf("kepu-month-2027"), false, at("2027-09-28T21:30Z"))).toBe(true); // already the 29th in Beijing
  });
});
