// A bookable resource's calendar (场地/设备/流动科技馆 的日程): the sessions that hold it. Pure: what
// a reservation would collide with, and which month documents a span touches (a calendar is stored
// one document per resource per Beijing month, addressed by `_id`).
import { calendar as defaultCalendar, type Calendar } from "@kepu/calendar";
import { fail, ok, type Result } from "@kepu/errors";
import { activityErrors as errors } from "./errors.js";
import { overlaps } from "./rules.js";

export { localTime } from "./rules.js";

export interface Reservation {
  sessionId: string;
  activityId: string;
  /** The activity's title, to name it to whoever collides with it. */
  title: string;
  startsAt: Date;
  endsAt: Date;
}

/** The id of one resource's calendar for one month: "res-1:2027-09". */
export const calendarId = (resourceId: string, month: string) => `${resourceId}:${month}`;

/** "2027-09" for a YYYY-MM string that is a real month, else undefined. */
export function monthOf(text: string): string | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  return match ? text : undefined;
}

/** The months (in the zone) from the start to the end of a span, in order: one, or more when it crosses a month's end. */
export function monthsSpanned(startsAt: Date, endsAt: Date, cal: Calendar = defaultCalendar): string[] {
  const months: string[] = [];
  let at = cal.startOf("month", startsAt);
  const last = new Date(Math.max(startsAt.getTime(), endsAt.getTime() - 1));
  while (at <= last) {
    months.push(cal.monthKey(at));
    at = new Date(cal.endOf("month", at).getTime() + 1);
  }
  return months;
}

/**
 * What a resource's calendar holds once these reservations are added, or the first collision
 * (named by the session it collides with). A session already held is held once (a redelivery),
 * and two wanted sessions may not overlap each other either.
 */
export function decideReserve(resourceId: string, held: readonly Reservation[], wanted: readonly Reservation[]): Result<Reservation[]> {
  const next = [...held];
  for (const reservation of wanted) {
    if (next.some((h) => h.sessionId === reservation.sessionId)) continue;
    const collision = next.find((h) => overlaps(h, reservation));
    if (collision) return fail(errors.resourceBusy(resourceId, collision));
    next.push(reservation);
  }
  return ok(next.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()));
}
