import type { Facts } from "@kepu/access";

// What PRODUCT.md's ownership matrix (@kepu/access) needs to know of an activity or a booking.

/** An activity: where it is held (the organizer's subtree) and the team that delivers it. */
export const activityFacts = (activity: { place: { path: string[] }; teamId: string }): Facts => ({ path: activity.place.path, teamId: activity.teamId });

/** A booking: the resident who made it. */
export const bookingFacts = (booking: { residentId: string }): Facts => ({ ownerId: booking.residentId });
