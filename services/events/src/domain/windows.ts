// When things may happen to an activity's sessions (issue 14, "Time windows"). Pure: the clock
// comes in as `now`; days are the deployment's days (Beijing time, @kepu/calendar).
import { calendar as defaultCalendar, type Calendar } from "@kepu/calendar";
import { fail, ok, type Result } from "@kepu/errors";
import { activityErrors as errors } from "./errors.js";
import type { Slot } from "./rules.js";

export interface TimeRules {
  /** Bookings close this many minutes before the session starts. */
  bookingCutoffMinutes: number;
  /** Check-in opens this many minutes before the session starts (and closes when it ends). */
  checkInOpensMinutes: number;
}

const minutes = (n: number) => n * 60_000;

/** A new session starts in the future. Importing history (an admin recording the past) is the one exception. */
export function sessionsAhead(sessions: Slot[], now: Date, history: boolean): Result<void> {
  if (history) return ok(undefined);
  const past = sessions.find((s) => s.startsAt.getTime() <= now.getTime());
  return past ? fail(errors.sessionInPast(past.startsAt)) : ok(undefined);
}

/** 预约 is open until the cut-off before the session starts. */
export function bookingOpen(session: Slot, now: Date, rules: TimeRules): Result<void> {
  const closes = session.startsAt.getTime() - minutes(rules.bookingCutoffMinutes);
  return now.getTime() < closes ? ok(undefined) : fail(errors.bookingClosed(rules.bookingCutoffMinutes));
}

/** 签到 from N minutes before the start until the end of the session. */
export function checkInOpen(session: Slot, now: Date, rules: TimeRules): Result<void> {
  const opens = session.startsAt.getTime() - minutes(rules.checkInOpensMinutes);
  if (now.getTime() < opens) return fail(errors.checkInNotOpen(rules.checkInOpensMinutes));
  if (now.getTime() > session.endsAt.getTime()) return fail(errors.checkInClosed());
  return ok(undefined);
}

/** 志愿服务时长: served on the day of one of the activity's sessions, and already over. */
export function hoursWithinSessionDay(sessions: Slot[], startedAt: Date, endedAt: Date, now: Date, cal: Calendar = defaultCalendar): Result<void> {
  if (endedAt.getTime() <= startedAt.getTime()) return fail(errors.badServiceTime());
  if (endedAt.getTime() > now.getTime()) return fail(errors.hoursInFuture());
  const days = new Set(sessions.map((s) => cal.dayKey(s.startsAt)));
  if (!days.has(cal.dayKey(startedAt)) || cal.dayKey(startedAt) !== cal.dayKey(endedAt)) return fail(errors.hoursOutsideSessionDay([...days].sort()));
  return ok(undefined);
}

/** Completion waits until the last session has ended. */
export function allSessionsEnded(sessions: Slot[], now: Date): Result<void> {
  const last = Math.max(...sessions.map((s) => s.endsAt.getTime()));
  return now.getTime() >= last ? ok(undefined) : fail(errors.notYetHeld(new Date(last)));
}
