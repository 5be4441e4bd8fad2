// An activity and a booking as the gateway's JSON gives them: the generated types (api/schema.d.ts),
// with what every scheduled session has — its times — marked as always there.
import type { Activity as ApiActivity, Booking as ApiBooking, Present } from "../api/types";

type ApiSessionView = ApiActivity["sessions"][number];
export type SessionView = Omit<ApiSessionView, "session"> & { session: Present<NonNullable<ApiSessionView["session"]>, "startsAt" | "endsAt"> };
/** An activity of any route that answers one (the list, an order's chain), its sessions with their times. */
export type WithSessions<A extends { sessions: ApiSessionView[] }> = Omit<A, "sessions"> & { sessions: SessionView[] };
export type Activity = WithSessions<ApiActivity>;
export type Booking = ApiBooking;
