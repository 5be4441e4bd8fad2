import { describe, expect, it } from "vitest";
import { calendar, calendarIn, DEFAULT_TIME_ZONE, isOverdue, zoneFromEnv, type Period } from "../src/index.js";

const at = (iso: string) => new Date(iso);
const beijing = calendarIn("Asia/Shanghai");

describe("Beijing calendar", () => {
  it("is the deployment's calendar unless KEPU_TIME_ZONE names another zone", () => {
    expect(DEFAULT_TIME_ZONE).toBe("Asia/Shanghai");
    expect(zoneFromEnv({})).toBe("Asia/Shanghai");
    expect(zoneFromEnv({ KEPU_TIME_ZONE: " " })).toBe("Asia/Shanghai");
    expect(zoneFromEnv({ KEPU_TIME_ZONE: "Europe/Berlin" })).toBe("Europe/Berlin");
    expect(calendar.zone).toBe(zoneFromEnv());
    expect(() => calendarIn("Mars/Olympus")).toThrow(/时区无效：Mars\/Olympus.*Unknown time zone/);
  });

  // instant, day, ISO week, month, year — in Beijing
  it.each([
    ["00:30 Beijing is the previous day in UTC", "2027-09-28T00:30+08:00", "2027-09-28", "2027-W39", "2027-09", "2027"],
    ["23:59 Beijing is still that day", "2027-09-28T23:59:59.999+08:00", "2027-09-28", "2027-W39", "2027-09", "2027"],
    ["16:00 UTC is 00:00 of the next Beijing day", "2027-09-28T16:00Z", "2027-09-29", "2027-W39", "2027-09", "2027"],
    ["a Monday 00:30 Beijing opens the next ISO week", "2027-09-27T00:30+08:00", "2027-09-27", "2027-W39", "2027-09", "2027"],
    ["the Sunday before, 23:30 Beijing, is in the week before", "2027-09-26T23:30+08:00", "2027-09-26", "2027-W38", "2027-09", "2027"],
    ["1 October 00:30 Beijing is October", "2027-10-01T00:30+08:00", "2027-10-01", "2027-W39", "2027-10", "2027"],
    ["new year: 1 January 00:30 Beijing is the new year", "2027-01-01T00:30+08:00", "2027-01-01", "2026-W53", "2027-01", "2027"],
    ["new year's eve 23:30 Beijing is the old year", "2026-12-31T23:30+08:00", "2026-12-31", "2026-W53", "2026-12", "2026"],
    ["an ISO week-year that starts in December", "2024-12-30T00:30+08:00", "2024-12-30", "2025-W01", "2024-12", "2024"],
  ])("%s", (_what, instant, day, week, month, year) => {
    const t = at(instant);
    expect([beijing.dayKey(t), beijing.isoWeekKey(t), beijing.monthKey(t), beijing.yearKey(t)]).toEqual([day, week, month, year]);
    expect(beijing.yearOf(t)).toBe(Number(year));
    expect((["day", "week", "month", "year"] as Period[]).map((p) => beijing.periodKey(t, p))).toEqual([day, week, month, year]);
  });

  // period, instant, first instant, last millisecond
  it.each([
    ["day", "2027-09-28T00:30+08:00", "2027-09-27T16:00:00.000Z", "2027-09-28T15:59:59.999Z"],
    ["week", "2027-09-28T00:30+08:00", "2027-09-26T16:00:00.000Z", "2027-10-03T15:59:59.999Z"],
    ["week", "2027-09-27T00:30+08:00", "2027-09-26T16:00:00.000Z", "2027-10-03T15:59:59.999Z"],
    ["month", "2027-09-01T00:30+08:00", "2027-08-31T16:00:00.000Z", "2027-09-30T15:59:59.999Z"],
    ["month", "2028-02-10T12:00+08:00", "2028-01-31T16:00:00.000Z", "2028-02-29T15:59:59.999Z"],
    ["year", "2027-01-01T00:30+08:00", "2026-12-31T16:00:00.000Z", "2027-12-31T15:59:59.999Z"],
  ] as [Period, string, string, string][])("the %s of %s spans Beijing midnights", (period, instant, from, to) => {
    expect(beijing.startOf(period, at(instant)).toISOString()).toBe(from);
    expect(beijing.endOf(period, at(instant)).toISOString()).toBe(to);
  });

  it("puts a campaign window and a deadline at Beijing midnights", () => {
    const month = beijing.window({ year: 2027, month: 9, day: 1 }, { year: 2027, month: 9, day: 30 });
    expect([month.from.toISOString(), month.to.toISOString()]).toEqual(["2027-08-31T16:00:00.000Z", "2027-09-30T15:59:59.999Z"]);
    // 28 September 24:00 Beijing
    expect(beijing.deadline({ year: 2027, month: 9, day: 28 }).toISOString()).toBe("2027-09-28T16:00:00.000Z");
    expect(beijing.deadline({ year: 2027, month: 12, day: 31 }).toISOString()).toBe("2027-12-31T16:00:00.000Z");
  });

  it.each([
    ["23:30 Beijing on the 28th", "2027-09-28T23:30+08:00", false],
    ["the last millisecond of the 28th", "2027-09-28T23:59:59.999+08:00", false],
    ["24:00 on the 28th", "2027-09-29T00:00+08:00", true],
    ["08:00 Beijing on the 28th (the UTC midnight after it)", "2027-09-28T08:00+08:00", false],
    ["the 29th", "2027-09-29T09:00+08:00", true],
  ])("a deadline of the 28th, 24:00, at %s: overdue %s", (_what, now, overdue) => {
    expect(isOverdue(beijing.deadline({ year: 2027, month: 9, day: 28 }), at(now))).toBe(overdue);
  });

  it("switched to another zone, slices by that zone's midnights (daylight saving included)", () => {
    const berlin = calendarIn("Europe/Berlin");
    const t = at("2027-09-27T23:30Z"); // 01:30 in Berlin (CEST) on the 28th, 07:30 in Beijing on the 28th
    expect(berlin.dayKey(at("2027-09-27T21:30Z"))).toBe("2027-09-27");
    expect(berlin.dayKey(t)).toBe("2027-09-28");
    expect(berlin.startOf("day", t).toISOString()).toBe("2027-09-27T22:00:00.000Z");
    expect(berlin.startOf("day", at("2027-12-01T12:00Z")).toISOString()).toBe("2027-11-30T23:00:00.000Z");
    expect(berlin.deadline({ year: 2027, month: 9, day: 28 }).toISOString()).toBe("2027-09-28T22:00:00.000Z");
    expect(berlin.window({ year: 2027, month: 3, day: 28 }, { year: 2027, month: 3, day: 28 })).toEqual({ from: at("2027-03-27T23:00Z"), to: at("2027-03-28T21:59:59.999Z") }); // a 23-hour day
    const newYork = calendarIn("America/New_York");
    expect(newYork.yearKey(at("2027-01-01T03:00Z"))).toBe("2026");
    expect(beijing.yearKey(at("2027-01-01T03:00Z"))).toBe("2027");
  });
});
