// What the store knows of one session's seats, to rebuild them in the ledger after Redis lost its
// keys: who holds a seat (seated or checked in) and from which hold, and the waitlist in its order.
import { attendeeOf, type BookingRecord } from "./booking.js";
import { OPEN_SEAT } from "./seat-holds.js";

export interface KnownSeatsOf {
  seated: { attendeeId: string; bookingId: string; communityId: string; from: string }[];
  waiting: { attendeeId: string; bookingId: string; communityId: string }[];
}

export function knownSeats(bookings: readonly BookingRecord[], sessionId: string): KnownSeatsOf {
  const ofSession = bookings.filter((b) => b.sessionId === sessionId);
  const seated = ofSession
    .filter((b) => b.status === "SEATED" || b.status === "CHECKED_IN")
    .map((b) => ({ attendeeId: attendeeOf(b), bookingId: b.bookingId, communityId: b.communityId, from: b.seatFrom || OPEN_SEAT }));
  const waiting = ofSession
    .filter((b) => b.status === "WAITLISTED")
    .sort((a, b) => a.waitlistPosition - b.waitlistPosition || new Date(a.bookedAt).getTime() - new Date(b.bookedAt).getTime())
    .map((b) => ({ attendeeId: attendeeOf(b), bookingId: b.bookingId, communityId: b.communityId }));
  return { seated, waiting };
}
