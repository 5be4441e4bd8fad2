import { describe, expect, it } from "vitest";
import { decideActivity, evolveActivity, type ActivityCommand, type ActivityRecord } from "../src/domain/activity.js";
import { decideBook, decideBooking, type BookingCommand, type BookingRecord } from "../src/domain/booking.js";
import { campaignOf, recurringCampaigns } from "../src/domain/campaign.js";

const at = (local: string) => new Date(`${local}+08:00`);
const rules = { bookingCutoffMinutes: 30, checkInOpensMinutes: 60, cancelCutoffHours: 2 };
// The session: 10 September 2027, 09:00–11:00 Beijing time. "during" is while it runs, "after" once it ended.
const before = at("2027-09-03T09:00:00");
const during = at("2027-09-10T09:30:00");
const after = at("2027-09-10T12:00:00");

const activity: ActivityRecord = {
  activityId: "act-1",
  orderId: "order-1",
  requesterId: "resident-9",
  title: "垃圾分类讲座",
  theme: 1,
  format: 1,
  audience: 1,
  organizerOrgId: "c1",
  place: { orgId: "c1", path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1" },
  teamId: "team-a",
  campaignId: "kepu-month-2027",
  sessions: [{ sessionId: "act-1-s1", startsAt: at("2027-09-10T09:00:00"), endsAt: at("2027-09-10T11:00:00"), resourceId: "venue-1", place: "活动室", capacity: 30 }],
  priorityCommunityId: "",
  status: "SCHEDULED",
  summaryFiled: false,
  participants: 0,
  uniqueParticipants: 0,
  serviceHours: 0,
  startsAt: at("2027-09-10T09:00:00"),
  version: 1,
};
// The campaigns the store would supply: the seeded 2027 ones (kepu-month-2027: summaries by 28 September).
const campaigns = new Map(recurringCampaigns(2027, "sz", ["sz"]).map((r) => [r.campaignId, campaignOf(r)]));
const attendee = { bookingId: "bk-1", sessionId: "act-1-s1", residentId: "resident-1", status: "SEATED" };
const checkedIn = { ...attendee, status: "CHECKED_IN" };

const c = {
  checkIn: { kind: "checkIn", attendee, method: "staff" },
  recordHours: { kind: "recordHours", volunteerId: "vol-1", teamId: "team-a", content: "主讲", startedAt: at("2027-09-10T09:00:00"), endedAt: at("2027-09-10T11:30:00"), confirmedBy: "leader-a", isMember: true },
  fileSummary: { kind: "fileSummary", textLength: 20, photoCount: 1 },
  complete: { kind: "complete", attendees: [checkedIn], walkIns: 0, noAttendanceReason: "", volunteerHours: [{ volunteerId: "vol-1", hours: 2.5 }] },
  rate: { kind: "rate", raterId: "resident-1", score: 5, comment: "", attended: true },
  cancel: { kind: "cancel", reason: "订单取消" },
} satisfies Record<string, ActivityCommand>;

function decide(state: ActivityRecord, command: ActivityCommand, now: Date) {
  const result = decideActivity(state, command, { now, rules, campaign: campaigns.get(state.campaignId) });
  if (!result.ok) return { code: result.error.code, zh: result.error.zh, en: result.error.en };
  return { events: result.value, state: result.value.reduce(evolveActivity, state) };
}

const states: Record<string, ActivityRecord> = {
  SCHEDULED: { ...activity, summaryFiled: true },
  COMPLETED: { ...activity, summaryFiled: true, status: "COMPLETED" },
  CANCELLED: { ...activity, status: "CANCELLED" },
};

// Status × command, at the moment each is meant for (check-in during, the rest after the session):
// the event it leads to, "same" for a repeat that emits nothing, or the code that refuses it.
const table: Record<string, Record<keyof typeof c, string>> = {
  SCHEDULED: { checkIn: "AttendeeCheckedIn", recordHours: "ServiceHoursRecorded", fileSummary: "SummaryFiled", complete: "ActivityCompleted", rate: "ActivityRated", cancel: "ActivityCancelled" },
  COMPLETED: { checkIn: "ACTIVITY_NOT_OPEN", recordHours: "ServiceHoursRecorded", fileSummary: "SummaryFiled", complete: "same", rate: "ActivityRated", cancel: "same" },
  CANCELLED: { checkIn: "ACTIVITY_NOT_OPEN", recordHours: "ACTIVITY_NOT_OPEN", fileSummary: "ACTIVITY_NOT_OPEN", complete: "ACTIVITY_NOT_OPEN", rate: "ActivityRated", cancel: "same" },
};

describe("the activity decider", () => {
  for (const [status, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${status} + ${name} → ${expected}`, () => {
        const result = decide(states[status]!, c[name as keyof typeof c], name === "checkIn" ? during : after);
        if (expected === "same") expect(result.events).toEqual([]);
        else if (/^[A-Z][a-z]/.test(expected)) expect(result.events?.map((e) => e.kind)).toEqual([expected]);
        else expect(result).toMatchObject({ code: expected, zh: expect.any(String), en: expect.any(String) });
      });
    }
  }

  const scheduled = states.SCHEDULED!;
  it.each([
    ["check-in a week before the session", c.checkIn, before, "CHECK_IN_NOT_OPEN"],
    ["check-in after it ended", c.checkIn, after, "CHECK_IN_CLOSED"],
    ["hours a week before the session", { ...c.recordHours, startedAt: at("2027-09-03T07:00:00"), endedAt: at("2027-09-03T08:30:00") }, before, "HOURS_OUTSIDE_SESSION_DAY"],
    ["hours for the session, before it was held", c.recordHours, before, "HOURS_IN_FUTURE"],
    ["hours for someone not in the team", { ...c.recordHours, isMember: false }, after, "VOLUNTEER_NOT_IN_TEAM"],
    ["hours under another team", { ...c.recordHours, teamId: "team-b" }, after, "WRONG_TEAM"],
    ["completion a week before", c.complete, before, "ACTIVITY_NOT_YET_HELD"],
    ["completion a year before", c.complete, at("2026-09-10T12:00:00"), "ACTIVITY_NOT_YET_HELD"],
    ["completion with nobody checked in and no reason", { ...c.complete, attendees: [attendee] }, after, "NO_ATTENDANCE"],
    ["completion before the summary", c.complete, after, "SUMMARY_MISSING"],
    ["a rating from someone who did not attend", { ...c.rate, attended: false, raterId: "resident-5" }, after, "CANNOT_RATE"],
  ] as const)("refuses %s", (what, command, now, code) => {
    const state = what === "completion before the summary" ? activity : scheduled;
    expect(decide(state, command, now)).toMatchObject({ code, zh: expect.any(String), en: expect.any(String) });
  });

  it("completes with walk-ins only, or with nobody and the reason why", () => {
    expect(decide(scheduled, { ...c.complete, attendees: [], walkIns: 4 }, after).state).toMatchObject({ status: "COMPLETED", participants: 4, uniqueParticipants: 4 });
    const nobody = decide(scheduled, { ...c.complete, attendees: [], noAttendanceReason: "暴雨红色预警，居民未能到场" }, after);
    expect(nobody.events?.[0]).toMatchObject({ kind: "ActivityCompleted", participants: 0, noAttendanceReason: "暴雨红色预警，居民未能到场" });
    expect(nobody.state).toMatchObject({ status: "COMPLETED", noAttendanceReason: "暴雨红色预警，居民未能到场" });
    // A reason given although people came is not kept: the attendance is the record.
    expect(decide(scheduled, { ...c.complete, noAttendanceReason: "x" }, after).events?.[0]).toMatchObject({ participants: 1, serviceHours: 2.5, volunteers: 1, noAttendanceReason: "" });
  });

  it("keeps the hours recorded with the activity: one entry per volunteer and start, a second record of the same one replacing it", () => {
    const kept = { ...activity, hoursRecorded: [] };
    const once = decide(kept, c.recordHours, after).state!;
    const again = decide(once, { ...c.recordHours, endedAt: at("2027-09-10T11:00:00") }, after).state!;
    const other = decide(again, { ...c.recordHours, volunteerId: "vol-2" }, after).state!;
    expect(once).toMatchObject({ serviceHours: 2.5, hoursRecorded: [{ volunteerId: "vol-1", hours: 2.5 }] });
    expect(again).toMatchObject({ serviceHours: 2, hoursRecorded: [{ volunteerId: "vol-1", hours: 2 }] });
    expect(other.hoursRecorded).toHaveLength(2);
    expect(other.serviceHours).toBe(4.5);
    // An activity from before entries were kept goes on adding up, and keeps none (its are stored apart).
    const legacy = decide(activity, c.recordHours, after).state!;
    expect(legacy.serviceHours).toBe(2.5);
    expect(legacy.hoursRecorded).toBeUndefined();
  });

  it("records when the summary was filed and whether it was after the campaign's due date (28 September 24:00 Beijing)", () => {
    const onTime = decide(activity, c.fileSummary, at("2027-09-28T23:30:00"));
    expect(onTime.state).toMatchObject({ summaryFiled: true, summaryLate: false, summaryFiledAt: at("2027-09-28T23:30:00") });
    expect(decide(activity, c.fileSummary, at("2027-09-29T00:00:01")).state).toMatchObject({ summaryLate: true });
    expect(decide({ ...activity, campaignId: "" }, c.fileSummary, at("2030-01-01T00:00:00")).state).toMatchObject({ summaryLate: false });
  });

  it("counts the hours served in half hours", () => {
    expect(decide(scheduled, c.recordHours, after).events?.[0]).toMatchObject({ kind: "ServiceHoursRecorded", hours: 2.5, teamId: "team-a", place: "c1" });
    // An activity without a team takes the volunteer's team as named.
    expect(decide({ ...scheduled, teamId: "" }, { ...c.recordHours, teamId: "" }, after)).toMatchObject({ code: "TEAM_REQUIRED" });
    expect(decide({ ...scheduled, teamId: "" }, c.recordHours, after).events?.[0]).toMatchObject({ teamId: "team-a" });
  });

  const schedule = (changes: Partial<ActivityRecord>, listed: string[] = ["venue-1"], history = false) =>
    decideActivity(undefined, { kind: "schedule", activity: { ...activity, version: 0, ...changes }, references: { listedResources: new Set(listed) }, history }, { now: before, rules, campaign: campaigns.get(changes.campaignId ?? activity.campaignId) });
  it.each([
    ["an activity a week ahead, in the 名录's venue, for a known campaign", {}, ["venue-1"], false, "ok"],
    ["a session created in 2020", { sessions: [{ ...activity.sessions[0]!, startsAt: at("2020-06-01T09:00:00"), endsAt: at("2020-06-01T11:00:00") }] }, ["venue-1"], false, "SESSION_IN_PAST"],
    ["the same, recorded as history by an admin", { sessions: [{ ...activity.sessions[0]!, startsAt: at("2020-06-01T09:00:00"), endsAt: at("2020-06-01T11:00:00") }] }, ["venue-1"], true, "ok"],
    ["a venue that is not in the 名录", {}, [], false, "RESOURCE_NOT_LISTED"],
    ["no venue at all", { sessions: [{ ...activity.sessions[0]!, resourceId: "" }] }, [], false, "ok"],
    ["a campaign that does not exist", { campaignId: "kepu-year-2027" }, ["venue-1"], false, "CAMPAIGN_NOT_FOUND"],
    ["no campaign", { campaignId: "" }, ["venue-1"], false, "ok"],
  ] as const)("schedules %s → %s", (_what, changes, listed, history, expected) => {
    const result = schedule(changes as Partial<ActivityRecord>, [...listed], history);
    expect(result.ok ? "ok" : result.error.code).toBe(expected);
  });

  it("schedules an activity that exists already as nothing new", () => {
    expect(decideActivity(activity, { kind: "schedule", activity, references: { listedResources: new Set(["venue-1"]) }, history: false }, { now: before, rules })).toEqual({ ok: true, value: [] });
  });
});

const booking = (status: BookingRecord["status"]): BookingRecord => ({ bookingId: "bk-1", activityId: "act-1", sessionId: "act-1-s1", residentId: "resident-1", communityId: "c1", status, waitlistPosition: status === "WAITLISTED" ? 1 : 0, bookedAt: before, version: 1 });
const session = activity.sessions[0]!;

// Booking status × command (cancel a week before, check-in during the session).
const bookingTable: Record<BookingRecord["status"], Record<BookingCommand["kind"], string>> = {
  SEATED: { cancel: "CANCELLED", promote: "same", checkIn: "CHECKED_IN" },
  WAITLISTED: { cancel: "CANCELLED", promote: "SEATED", checkIn: "NOT_SEATED" },
  CANCELLED: { cancel: "same", promote: "same", checkIn: "NOT_SEATED" },
  CHECKED_IN: { cancel: "ALREADY_CHECKED_IN", promote: "same", checkIn: "same" },
};

describe("the booking decider", () => {
  for (const [status, row] of Object.entries(bookingTable)) {
    for (const [kind, expected] of Object.entries(row)) {
      it(`${status} + ${kind} → ${expected}`, () => {
        const result = decideBooking(booking(status as BookingRecord["status"]), session, { kind } as BookingCommand, { now: kind === "checkIn" ? during : before, rules });
        expect(result.ok ? result.value : result.error.code).toBe(expected);
      });
    }
  }

  it.each([
    ["cancel within 2 hours of the start", { kind: "cancel" }, at("2027-09-10T07:30:00"), "CANCEL_CUTOFF_PASSED"],
    ["check in a week before", { kind: "checkIn" }, before, "CHECK_IN_NOT_OPEN"],
    ["check in a year before", { kind: "checkIn" }, at("2026-09-10T09:00:00"), "CHECK_IN_NOT_OPEN"],
    ["check in after the end", { kind: "checkIn" }, after, "CHECK_IN_CLOSED"],
  ] as const)("refuses to %s", (_what, command, now, code) => {
    const result = decideBooking(booking("SEATED"), session, command, { now, rules });
    expect(result.ok ? "ok" : result.error.code).toBe(code);
  });

  it.each([
    ["a week ahead", activity, "act-1-s1", before, "ok"],
    ["inside the 30-minute cut-off", activity, "act-1-s1", at("2027-09-10T08:45:00"), "BOOKING_CLOSED"],
    ["once started", activity, "act-1-s1", during, "SESSION_STARTED"],
    ["a session it does not have", activity, "act-1-s9", before, "SESSION_NOT_FOUND"],
    ["a cancelled activity", { ...activity, status: "CANCELLED" as const }, "act-1-s1", before, "ACTIVITY_NOT_OPEN"],
  ])("takes a booking %s → %s", (_what, state, sessionId, now, expected) => {
    const result = decideBook(state, sessionId, { now, rules });
    expect(result.ok ? "ok" : result.error.code).toBe(expected);
  });
});
