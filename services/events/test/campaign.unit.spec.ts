import { describe, expect, it } from "vitest";
import { decideActivity, evolveActivity, type ActivityRecord } from "../src/domain/activity.js";
import { campaignOf, mayRegister, parseDay, recurringCampaigns, summaryLate, validateCampaign, type CampaignInput } from "../src/domain/campaign.js";

const at = (local: string) => new Date(`${local}+08:00`);
const rules = { bookingCutoffMinutes: 30, checkInOpensMinutes: 60, cancelCutoffHours: 2 };

// The 2024 notice, as the city would enter it for 2027: 1–30 September, 报备 from 21 August to
// 10 September, 图文总结 by the 28th; all four levels.
const input: CampaignInput = { name: "2027年全国科普日暨深圳科普月", firstDay: "2027-09-01", lastDay: "2027-09-30", themes: [5, 5, 3], registrationOpens: "2027-08-21", registrationCloses: "2027-09-10", summaryDue: "2027-09-28", levels: [2, 1, 4, 3] };
const valid = validateCampaign(input);
if (!valid.ok) throw valid.error;
const record = { ...valid.value, campaignId: "cmp-1", ownerOrgId: "sz", ownerPath: ["sz"], recurring: "", version: 1 };
const month = campaignOf(record);

describe("campaigns as data", () => {
  it("reads a campaign's Beijing days as instants: window, registration and the 28th's 24:00", () => {
    expect(month).toEqual({
      id: "cmp-1",
      nameZh: "2027年全国科普日暨深圳科普月",
      from: at("2027-09-01T00:00"),
      to: at("2027-09-30T23:59:59.999"),
      registrationFrom: at("2027-08-21T00:00"),
      registrationUntil: at("2027-09-11T00:00"),
      summaryDue: at("2027-09-29T00:00"),
      levels: [1, 2, 3, 4],
    });
    expect(valid.ok && valid.value.themes).toEqual([5, 3]);
  });

  // what is changed, the code refusing it
  it.each([
    [{ name: "  " }, "CAMPAIGN_NAME_REQUIRED"],
    [{ firstDay: "2027-9-1" }, "BAD_CAMPAIGN_DAY"],
    [{ lastDay: "2027-02-30" }, "BAD_CAMPAIGN_DAY"],
    [{ lastDay: "2027-08-31" }, "CAMPAIGN_WINDOW_BACKWARDS"],
    [{ registrationCloses: "2027-08-20" }, "REGISTRATION_WINDOW_BACKWARDS"],
    [{ registrationCloses: "2027-10-01" }, "REGISTRATION_AFTER_CAMPAIGN"],
    [{ summaryDue: "2027-08-30" }, "SUMMARY_DUE_BEFORE_CAMPAIGN"],
    [{ levels: [] }, "CAMPAIGN_LEVELS_REQUIRED"],
    [{ levels: [1, 9] }, "CAMPAIGN_LEVELS_REQUIRED"],
  ] as const)("refuses %o with %s, in Chinese and English", (change, code) => {
    const result = validateCampaign({ ...input, ...change } as CampaignInput);
    expect(result.ok ? "ok" : result.error.code).toBe(code);
    if (!result.ok) expect([result.error.zh, result.error.en]).toEqual([expect.stringMatching(/[\u4e00-\u9fff]/), expect.stringMatching(/[a-z]/)]);
  });

  it("knows real days only", () => {
    expect(parseDay("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDay("2027-02-29")).toBeUndefined();
    expect(parseDay("2027-13-01")).toBeUndefined();
  });

  // now (Beijing), the activity's start, the level, the answer
  it.each([
    ["2027-08-21T00:00", "2027-09-05T10:00", 2, "ok"], // the first minute of registration
    ["2027-08-20T23:59", "2027-09-05T10:00", 2, "REGISTRATION_NOT_OPEN"],
    ["2027-09-10T23:59", "2027-09-20T10:00", 1, "ok"], // the last minute of the 10th, Beijing
    ["2027-09-11T00:00", "2027-09-20T10:00", 1, "REGISTRATION_CLOSED"], // 2027-09-10T16:00Z: still the 10th in UTC
    ["2027-09-05T09:00", "2027-09-05T10:00", 3, "REGISTRATION_AFTER_ACTIVITY_DAY"], // on the day itself
    ["2027-09-04T23:59", "2027-09-05T00:30", 3, "ok"], // the evening before (the 4th in UTC already has the start)
    ["2027-08-25T10:00", "2027-10-02T10:00", 4, "ACTIVITY_OUTSIDE_CAMPAIGN"],
    ["2027-08-25T10:00", "2027-09-05T10:00", 0, "CAMPAIGN_LEVEL_NOT_ALLOWED"],
    ["2027-08-25T10:00", "2027-09-05T10:00", 7, "CAMPAIGN_LEVEL_NOT_ALLOWED"],
  ] as const)("at %s, an activity at %s registered at level %s: %s", (now, startsAt, level, expected) => {
    const result = mayRegister(month, level, at(startsAt), at(now));
    expect(result.ok ? "ok" : result.error.code).toBe(expected);
  });

  it("refuses a level the campaign does not take, naming it", () => {
    const mainOnly = campaignOf({ ...record, levels: [1] });
    const result = mayRegister(mainOnly, 2, at("2027-09-05T10:00"), at("2027-08-25T10:00"));
    expect(result.ok ? "ok" : [result.error.zh, result.error.en]).toEqual(["「2027年全国科普日暨深圳科普月」不接受「分会场活动」报备", '"2027年全国科普日暨深圳科普月" does not take registrations as a branch venue']);
  });

  it("judges a summary late once the due day is over, Beijing time", () => {
    expect(summaryLate(month, at("2027-09-28T23:59:59.999"))).toBe(false);
    expect(summaryLate(month, at("2027-09-29T00:00"))).toBe(true);
    expect(summaryLate(undefined, at("2030-01-01T00:00"))).toBe(false);
  });

  it("seeds the recurring campaigns of a year as data", () => {
    const seeded = recurringCampaigns(2027, "sz", ["sz"]);
    expect(seeded.map((c) => [c.campaignId, c.name, c.firstDay, c.lastDay, c.summaryDue])).toEqual([
      ["kepu-month-2027", "2027年全国科普日暨深圳科普月", "2027-09-01", "2027-09-30", "2027-09-28"],
      ["tech-week-2027", "2027年全国科技活动周", "2027-05-18", "2027-05-24", "2027-05-31"],
      ["scientist-day-2027", "2027年全国科技工作者日", "2027-05-30", "2027-05-30", "2027-06-06"],
      ["food-safety-week-2027", "2027年全国食品安全宣传周", "2027-06-10", "2027-06-16", "2027-06-23"],
    ]);
    for (const c of seeded) expect(validateCampaign({ ...c, levels: c.levels }).ok).toBe(true);
  });
});

describe("报备 and the summary's flag on the activity", () => {
  const activity: ActivityRecord = {
    activityId: "act-1", orderId: "", requesterId: "", title: "家庭用药安全", theme: 5, format: 1, audience: 6, organizerOrgId: "c1",
    place: { orgId: "c1", path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1" }, teamId: "", campaignId: "",
    sessions: [{ sessionId: "act-1-s1", startsAt: at("2027-09-15T09:00"), endsAt: at("2027-09-15T11:00"), resourceId: "", place: "活动室", capacity: 30 }],
    priorityCommunityId: "", status: "SCHEDULED", summaryFiled: false, participants: 0, uniqueParticipants: 0, serviceHours: 0, startsAt: at("2027-09-15T09:00"), version: 1,
  };
  const register = (state: ActivityRecord, level: number, now: string) => decideActivity(state, { kind: "registerToCampaign", campaign: month, level, by: "worker-1" }, { now: at(now), rules });

  it("registers an activity in advance, keeps the level, and a repeat changes nothing", () => {
    const result = register(activity, 2, "2027-08-25T10:00");
    if (!result.ok) throw result.error;
    expect(result.value).toEqual([{ kind: "ActivityRegisteredToCampaign", campaignId: "cmp-1", level: 2, registeredAt: at("2027-08-25T10:00"), registeredBy: "worker-1" }]);
    const registered = result.value.reduce(evolveActivity, activity);
    expect(registered).toMatchObject({ campaignId: "cmp-1", campaignLevel: 2, registeredAt: at("2027-08-25T10:00") });
    expect(register(registered, 2, "2027-08-26T10:00")).toEqual({ ok: true, value: [] });
    expect(register({ ...registered, campaignId: "cmp-other" }, 2, "2027-08-26T10:00")).toMatchObject({ ok: false, error: { code: "REGISTERED_TO_OTHER_CAMPAIGN" } });
    expect(register({ ...activity, status: "CANCELLED" }, 2, "2027-08-26T10:00")).toMatchObject({ ok: false, error: { code: "ACTIVITY_NOT_OPEN" } });
  });

  it("keeps the summary's on-time or late flag, judged by the campaign the store supplies", () => {
    const registered = { ...activity, campaignId: "cmp-1", campaignLevel: 2 as const };
    const file = (now: string) => decideActivity(registered, { kind: "fileSummary", textLength: 100, photoCount: 2 }, { now: at(now), rules, campaign: month });
    expect(file("2027-09-28T22:00")).toMatchObject({ ok: true, value: [{ kind: "SummaryFiled", late: false, campaignId: "cmp-1" }] });
    expect(file("2027-09-29T00:10")).toMatchObject({ ok: true, value: [{ kind: "SummaryFiled", late: true, campaignId: "cmp-1" }] });
    // Another campaign's value (a wrong lookup) judges nothing.
    expect(decideActivity(registered, { kind: "fileSummary", textLength: 1, photoCount: 0 }, { now: at("2027-12-01T00:00"), rules, campaign: { ...month, id: "cmp-2" } })).toMatchObject({ ok: true, value: [{ late: false, campaignId: "" }] });
  });
});
