import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { allSessionsEnded, bookingOpen, checkInOpen, hoursWithinSessionDay, sessionsAhead } from "../src/domain/windows.js";

// Times written in Beijing time (+08:00), as the users read them.
const at = (local: string) => new Date(`${local}+08:00`);
const session = { startsAt: at("2027-09-10T09:00:00"), endsAt: at("2027-09-10T11:00:00") };
const rules = { bookingCutoffMinutes: 30, checkInOpensMinutes: 60 };
const code = (result: { ok: boolean; error?: { code: string; zh: string; en: string } }) => {
  if (result.ok) return "ok";
  expect(result.error!.zh).toBeTruthy(); // every refusal says why, Chinese first…
  expect(result.error!.en).toBeTruthy(); // …and in English
  return result.error!.code;
};

describe("time windows (Beijing time)", () => {
  it.each([
    ["a week ahead", "2027-09-03T09:00:00", false, "ok"],
    ["a minute ahead", "2027-09-10T08:59:00", false, "ok"],
    ["at its start", "2027-09-10T09:00:00", false, "SESSION_IN_PAST"],
    ["in 2020", "2027-09-10T10:00:00", false, "SESSION_IN_PAST"],
    ["in the past, recorded as history by an admin", "2027-09-11T10:00:00", true, "ok"],
  ])("a new session %s", (_what, now, history, expected) => {
    const sessions = _what === "in 2020" ? [{ startsAt: at("2020-05-01T09:00:00"), endsAt: at("2020-05-01T11:00:00") }] : [session];
    expect(code(sessionsAhead(sessions, at(now), history))).toBe(expected);
  });

  it.each([
    ["2027-09-03T09:00:00", "ok"],
    ["2027-09-10T08:29:59", "ok"],
    ["2027-09-10T08:30:00", "BOOKING_CLOSED"], // the cut-off: 30 minutes before
    ["2027-09-10T09:30:00", "BOOKING_CLOSED"],
  ])("booking at %s → %s", (now, expected) => {
    expect(code(bookingOpen(session, at(now), rules))).toBe(expected);
  });

  it.each([
    ["2026-09-10T09:00:00", "CHECK_IN_NOT_OPEN"], // a year before
    ["2027-09-03T09:00:00", "CHECK_IN_NOT_OPEN"], // a week before
    ["2027-09-10T07:59:59", "CHECK_IN_NOT_OPEN"],
    ["2027-09-10T08:00:00", "ok"], // 60 minutes before the start
    ["2027-09-10T10:30:00", "ok"],
    ["2027-09-10T11:00:00", "ok"], // the end
    ["2027-09-10T11:00:01", "CHECK_IN_CLOSED"],
  ])("check-in at %s → %s", (now, expected) => {
    expect(code(checkInOpen(session, at(now), rules))).toBe(expected);
  });

  it.each([
    ["served during the session, recorded after", "2027-09-10T09:00:00", "2027-09-10T11:30:00", "2027-09-10T12:00:00", "ok"],
    ["early setup the same Beijing day (00:30)", "2027-09-10T00:30:00", "2027-09-10T02:00:00", "2027-09-11T12:00:00", "ok"],
    ["a week before the session", "2027-09-03T09:00:00", "2027-09-03T11:00:00", "2027-09-04T09:00:00", "HOURS_OUTSIDE_SESSION_DAY"],
    ["ending in the future", "2027-09-10T09:00:00", "2027-09-10T11:00:00", "2027-09-10T10:00:00", "HOURS_IN_FUTURE"],
    ["for the session's hours, a week before it", "2027-09-10T09:00:00", "2027-09-10T11:00:00", "2027-09-03T09:00:00", "HOURS_IN_FUTURE"],
    ["the evening before (UTC's day, not Beijing's)", "2027-09-09T23:00:00", "2027-09-09T23:50:00", "2027-09-10T12:00:00", "HOURS_OUTSIDE_SESSION_DAY"],
    ["over midnight into the next day", "2027-09-10T22:00:00", "2027-09-11T01:00:00", "2027-09-11T12:00:00", "HOURS_OUTSIDE_SESSION_DAY"],
    ["ending before it starts", "2027-09-10T11:00:00", "2027-09-10T09:00:00", "2027-09-10T12:00:00", "BAD_SERVICE_TIME"],
  ])("service hours %s", (_what, startedAt, endedAt, now, expected) => {
    expect(code(hoursWithinSessionDay([session], at(startedAt), at(endedAt), at(now)))).toBe(expected);
  });

  it("takes the session's day in the deployment's zone", () => {
    // 00:30 in Beijing is still the previous day in Berlin: the same hours fall outside it there.
    const early = { startsAt: at("2027-09-10T00:30:00"), endsAt: at("2027-09-10T02:00:00") };
    const served = [at("2027-09-10T07:00:00"), at("2027-09-10T08:00:00"), at("2027-09-11T00:00:00")] as const;
    expect(code(hoursWithinSessionDay([early], served[0], served[1], served[2]))).toBe("ok");
    expect(code(hoursWithinSessionDay([early], served[0], served[1], served[2], calendarIn("Europe/Berlin")))).toBe("HOURS_OUTSIDE_SESSION_DAY");
  });

  it.each([
    ["2027-09-03T09:00:00", "ACTIVITY_NOT_YET_HELD"],
    ["2027-09-10T10:59:59", "ACTIVITY_NOT_YET_HELD"],
    ["2027-09-10T11:00:00", "ok"],
  ])("completion at %s, with a later second session pending until it ends too", (now, expected) => {
    expect(code(allSessionsEnded([session], at(now)))).toBe(expected);
    const second = { startsAt: at("2027-09-17T09:00:00"), endsAt: at("2027-09-17T11:00:00") };
    expect(code(allSessionsEnded([session, second], at(now)))).toBe("ACTIVITY_NOT_YET_HELD");
  });
});
