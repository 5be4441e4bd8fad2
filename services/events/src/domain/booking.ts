// The booking aggregate (预约): a resident's seat, or place in line, for one session. Pure, like
// the activity's decider; the seats themselves are counted in the Redis ledger by the use case.
import { fail, ok, type Result } from "@kepu/errors";
import type { ActivityRecord, SessionRecord } from "./activity.js";
import { activityErrors as errors } from "./errors.js";
import { canCancel } from "./rules.js";
import { bookingOpen, checkInOpen, type TimeRules } from "./windows.js";

export type BookingStatusName = "SEATED" | "WAITLISTED" | "CANCELLED" | "CHECKED_IN";

export interface BookingRecord {
  bookingId: string;
  activityId: string;
  sessionId: string;
  /** Who booked (and owns the booking): the resident. */
  residentId: string;
  communityId: string;
  /** Whom the seat is for: the resident, or a child of hers (a student id); absent in older bookings (the resident). */
  attendeeId?: string;
  /** The child's name when the seat is for a child. */
  attendeeName?: string;
  /** Where the seat came from: a community's hold (its id) or "*" (domain/seat-holds.ts); absent while waitlisted. */
  seatFrom?: string;
  /** Why a waitlisted booking got none of the free seats: they were held for other communities. */
  waitReason?: "hold_used" | "held_for_others";
  status: BookingStatusName;
  waitlistPosition: number;
  bookedAt: Date;
  version: number;
}

/** Whom a booking's seat is for (bookings made before attendees were kept: the resident). */
export const attendeeOf = (booking: Pick<BookingRecord, "attendeeId" | "residentId">): string => booking.attendeeId || booking.residentId;

export interface BookingContext {
  now: Date;
  rules: TimeRules & { cancelCutoffHours: number };
}

export type BookingCommand = { kind: "cancel" } | { kind: "promote" } | { kind: "checkIn" };

/** The status a booking moves to, "same" for a harmless repeat, or why not. */
export type BookingDecision = Result<BookingStatusName | "same">;

/** Whether a resident may ask for a seat in this session now: the session it names, still open for booking. */
export function decideBook(activity: ActivityRecord, sessionId: string, context: BookingContext): Result<SessionRecord> {
  if (activity.status !== "SCHEDULED") return fail(errors.notOpen());
  const session = activity.sessions.find((s) => s.sessionId === sessionId);
  if (!session) return fail(errors.sessionNotFound(sessionId));
  if (session.startsAt <= context.now) return fail(errors.started());
  const open = bookingOpen(session, context.now, context.rules);
  return open.ok ? ok(session) : open;
}

export function decideBooking(booking: BookingRecord, session: SessionRecord, command: BookingCommand, context: BookingContext): BookingDecision {
  switch (command.kind) {
    case "cancel":
      if (booking.status === "CANCELLED") return ok("same");
      if (booking.status === "CHECKED_IN") return fail(errors.alreadyCheckedIn());
      if (!canCancel(session.startsAt, context.now, context.rules.cancelCutoffHours)) return fail(errors.cutoffPassed(context.rules.cancelCutoffHours));
      return ok("CANCELLED");
    case "promote":
      return booking.status === "WAITLISTED" ? ok("SEATED") : ok("same");
    case "checkIn": {
      if (booking.status === "CHECKED_IN") return ok("same");
      if (booking.status !== "SEATED") return fail(errors.notSeated());
      const open = checkInOpen(session, context.now, context.rules);
      return open.ok ? ok("CHECKED_IN") : open;
    }
  }
}
