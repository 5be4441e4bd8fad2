// What the inbox's and the webhooks' codes (their types: api/types.ts, from the gateway's OpenAPI)
// mean to a person: event types as Chinese names, times in Beijing time, links to what a notice is about.
import { calendar } from "@kepu/calendar";
import type { DeliveryAttempt, Notification, WebhookDelivery } from "../api/types";
import type { Locale } from "./labels";

type Bilingual = Record<string, [zh: string, en: string]>;

/** A notice's title and text in the reader's language (English falls back to Chinese). */
export function wording(n: Notification, locale: Locale): { title: string; body: string } {
  if (locale === "en" && (n.titleEn || n.bodyEn)) return { title: n.titleEn || n.title, body: n.bodyEn || n.body };
  return { title: n.title, body: n.body };
}

const beijing = {
  zh: new Intl.DateTimeFormat("zh-CN", { timeZone: calendar.zone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
  en: new Intl.DateTimeFormat("en-GB", { timeZone: calendar.zone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
};

/** "2026/9/28 14:30" (zh) or "28 Sept 2026, 14:30" (en), always Beijing time; "—" for no time. */
export function beijingTime(iso: string | undefined, locale: Locale): string {
  if (!iso) return "—";
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? "—" : beijing[locale].format(at);
}

/** The page a notice is about, for the reader's role: the order, the activity, or none. */
export function linkOf(n: Notification, role: string): string | undefined {
  const resident = role === "RESIDENT";
  const team = role === "TEAM_LEADER" || role === "TEAM_MEMBER";
  if (n.activityId) return resident ? "/resident/bookings" : team ? "/team/inbox" : "/staff/activities";
  if (n.orderId) {
    if (resident) return "/resident/orders";
    if (team) return "/team/inbox";
    return n.kind === "order.pooled" ? "/staff/pool" : "/staff/orders";
  }
  if (n.kind.startsWith("base.")) return "/staff/bases";
  return undefined;
}

/** The events a subscription may ask for, by their names in the envelope. */
export const eventTypes: Bilingual = {
  OrderSubmitted: ["居民点单", "Order submitted"],
  OrderDispatched: ["社区派单", "Order dispatched"],
  OrderPooled: ["转科协派单池", "Order pooled"],
  OrderClaimed: ["科协领单", "Order claimed"],
  OrderAccepted: ["志愿者接单", "Order accepted"],
  OrderDeclined: ["队伍婉拒", "Order declined"],
  OrderEscalated: ["超时升级", "Order escalated"],
  OrderScheduled: ["点单已排期", "Order scheduled"],
  OrderDelivered: ["点单已完成", "Order delivered"],
  OrderRated: ["点单已评价", "Order rated"],
  OrderCancelled: ["点单已取消", "Order cancelled"],
  OrderRejected: ["点单已驳回", "Order rejected"],
  ActivityScheduled: ["活动已发布", "Activity scheduled"],
  SessionAdded: ["新增场次", "Session added"],
  BookingMade: ["居民预约", "Booking made"],
  BookingCancelled: ["取消预约", "Booking cancelled"],
  BookingPromoted: ["候补转正", "Promoted from the waitlist"],
  AttendeeCheckedIn: ["签到", "Checked in"],
  ServiceHoursRecorded: ["志愿服务时长", "Service hours recorded"],
  SummaryFiled: ["图文总结", "Summary filed"],
  ActivityCompleted: ["活动完成", "Activity completed"],
  ActivityRated: ["活动评价", "Activity rated"],
  ActivityCancelled: ["活动取消", "Activity cancelled"],
};

/** The payload's fully-qualified name a subscription asks for: OrderAccepted → kepu.dispatch.v1.OrderAccepted. */
export const qualifiedType = (name: string) => `kepu.${name.startsWith("Order") ? "dispatch" : "events"}.v1.${name}`;

/** "kepu.dispatch.v1.OrderAccepted" or "OrderAccepted" → 志愿者接单; an unknown type as itself. */
export function eventTypeName(type: string, locale: Locale): string {
  const key = type.split(".").pop() ?? type;
  const entry = eventTypes[key];
  return entry ? entry[locale === "zh" ? 0 : 1] : type;
}

const deliveryStatuses: Bilingual = {
  PENDING: ["等待发送或重试", "Waiting or retrying"],
  DELIVERED: ["已送达", "Delivered"],
  FAILED: ["失败", "Failed"],
};

/** DELIVERY_STATUS_DELIVERED → 已送达. */
export function deliveryStatus(status: string, locale: Locale): string {
  const entry = deliveryStatuses[status.replace(/^DELIVERY_STATUS_/, "")];
  return entry ? entry[locale === "zh" ? 0 : 1] : status;
}

export const delivered = (d: WebhookDelivery) => d.status === "DELIVERY_STATUS_DELIVERED";
export const lastAttempt = (d: WebhookDelivery): DeliveryAttempt | undefined => d.attempts?.[d.attempts.length - 1];
