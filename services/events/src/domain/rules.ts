import { createHmac, timingSafeEqual } from "node:crypto";
import { calendar, type Calendar } from "@kepu/calendar";
import { kepuError } from "@kepu/errors";

/**
 * 志愿服务时长: counted in half hours actually served (rounded down), at most 8 hours for one
 * activity on one day, as volunteer-hour records require.
 */
export function serviceHours(startedAt: Date, endedAt: Date): number {
  const minutes = (endedAt.getTime() - startedAt.getTime()) / 60_000;
  if (!(minutes > 0)) throw kepuError("invalid", "BAD_SERVICE_TIME", "结束时间须晚于开始时间", "The end must be after the start", "endedAt");
  return Math.min(Math.floor(minutes / 30) * 0.5, 8);
}

/** A booking can be cancelled until `cutoffHours` before its session starts. */
export function canCancel(startsAt: Date, now: Date, cutoffHours: number): boolean {
  return now.getTime() <= startsAt.getTime() - cutoffHours * 3_600_000;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
}

/** Two sessions on one resource overlap when each starts before the other ends. */
export function overlaps(a: Slot, b: Slot): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/** "2027-09-05 10:00": an instant as people in the zone (Beijing) read it. */
export function localTime(at: Date, cal: Calendar = calendar): string {
  const hm = new Intl.DateTimeFormat("en-GB", { timeZone: cal.zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  return `${cal.dayKey(at)} ${hm}`;
}

/** The signed token behind a booking's check-in QR code: the booking id and its HMAC. */
export function checkInToken(bookingId: string, secret: string): string {
  return `${bookingId}.${signature(bookingId, secret)}`;
}

/** The booking id inside a token, or undefined when the token was not signed by us. */
export function verifyCheckInToken(token: string, secret: string): string | undefined {
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const bookingId = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(bookingId, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? bookingId : undefined;
}

function signature(bookingId: string, secret: string): string {
  return createHmac("sha256", secret).update(bookingId).digest("base64url").slice(0, 32);
}

// Campaigns (活动节点) are data (domain/campaign.ts): these read a Campaign value the store supplies.
export { campaignOf, summaryOverdue, withinCampaign, type Campaign } from "./campaign.js";
