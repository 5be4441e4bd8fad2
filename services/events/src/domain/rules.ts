import { createHmac, timingSafeEqual } from "node:crypto";
import { calendar, isOverdue, type Calendar } from "@kepu/calendar";
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

/** Campaigns (活动节点): their window and when their summaries are due, as instants of Beijing days. */
export interface Campaign {
  id: string;
  nameZh: string;
  /** 00:00 of the first day, in the deployment's zone (Asia/Shanghai). */
  from: Date;
  /** The last millisecond of the last day. */
  to: Date;
  /** 24:00 of the due date: "by the 28th" ends at 2027-09-28T16:00Z in Beijing. */
  summaryDue: Date;
}

/** Each campaign kind: first and last day, and the summary's due date ([month, day]). */
const campaignDates: Record<string, { nameZh: string; first: [number, number]; last: [number, number]; due: [number, number] }> = {
  "kepu-month": { nameZh: "全国科普日暨深圳科普月", first: [9, 1], last: [9, 30], due: [9, 28] },
  "tech-week": { nameZh: "全国科技活动周", first: [5, 18], last: [5, 24], due: [5, 31] },
  "scientist-day": { nameZh: "全国科技工作者日", first: [5, 30], last: [5, 30], due: [6, 6] },
};

/** Ids look like "kepu-month-2026": 全国科普日暨深圳科普月 (1–30 September, summaries by the 28th). */
export function campaignOf(campaignId: string, cal: Calendar = calendar): Campaign | undefined {
  const match = /^(kepu-month|tech-week|scientist-day)-(\d{4})$/.exec(campaignId);
  if (!match) return undefined;
  const year = Number(match[2]);
  const { nameZh, first, last, due } = campaignDates[match[1]!]!;
  const date = ([month, day]: [number, number]) => ({ year, month, day });
  const { from, to } = cal.window(date(first), date(last));
  return { id: campaignId, nameZh, from, to, summaryDue: cal.deadline(date(due)) };
}

/** A campaign activity whose summary is still missing once its due date has ended (24:00, Beijing). */
export function summaryOverdue(campaignId: string, summaryFiled: boolean, now: Date, cal: Calendar = calendar): boolean {
  const campaign = campaignOf(campaignId, cal);
  return !!campaign && !summaryFiled && isOverdue(campaign.summaryDue, now);
}

/** Whether an instant falls within a campaign's window (its first day 00:00 to its last day 24:00). */
export function withinCampaign(campaignId: string, at: Date, cal: Calendar = calendar): boolean {
  const campaign = campaignOf(campaignId, cal);
  return !!campaign && at >= campaign.from && at <= campaign.to;
}
