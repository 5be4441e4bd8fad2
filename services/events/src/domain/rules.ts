import { createHmac, timingSafeEqual } from "node:crypto";
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

/** Campaigns (活动节点) and when their summaries are due. */
export interface Campaign {
  id: string;
  nameZh: string;
  from: Date;
  to: Date;
  summaryDue: Date;
}

/** Ids look like "kepu-month-2026": 全国科普日暨深圳科普月 (1–30 September, summaries by the 28th). */
export function campaignOf(campaignId: string): Campaign | undefined {
  const match = /^(kepu-month|tech-week|scientist-day)-(\d{4})$/.exec(campaignId);
  if (!match) return undefined;
  const year = Number(match[2]);
  const day = (month: number, date: number) => new Date(Date.UTC(year, month - 1, date));
  switch (match[1]) {
    case "kepu-month":
      return { id: campaignId, nameZh: "全国科普日暨深圳科普月", from: day(9, 1), to: day(9, 30), summaryDue: day(9, 28) };
    case "tech-week":
      return { id: campaignId, nameZh: "全国科技活动周", from: day(5, 18), to: day(5, 24), summaryDue: day(5, 31) };
    default:
      return { id: campaignId, nameZh: "全国科技工作者日", from: day(5, 30), to: day(5, 30), summaryDue: day(6, 6) };
  }
}

/** A campaign activity whose summary is still missing after its due date. */
export function summaryOverdue(campaignId: string, summaryFiled: boolean, now: Date): boolean {
  const campaign = campaignOf(campaignId);
  return !!campaign && !summaryFiled && now > campaign.summaryDue;
}
