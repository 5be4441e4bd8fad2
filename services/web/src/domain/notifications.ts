// The inbox and the webhooks as the gateway's JSON gives them, and what their codes mean to a
// person: event types as Chinese names, times in Beijing time, links to what a notice is about.
import { calendar } from "@kepu/calendar";
import type { Locale } from "./labels";

type Bilingual = Record<string, [zh: string, en: string]>;

export interface Notification {
  notificationId: string;
  kind: string;
  title: string;
  body: string;
  titleEn: string;
  bodyEn: string;
  occurredAt: string;
  read: boolean;
  orderId?: string;
  activityId?: string;
}

export interface InboxPage {
  notifications: Notification[];
  /** The token of the next page; empty or absent on the last. */
  nextPageToken?: string;
  unread: number;
}

export interface NotificationSettings {
  smsEnabled: boolean;
  /** Masked in answers (138****5678). */
  phone: string;
}

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

export interface WebhookSubscription {
  subscriptionId: string;
  /** Events placed at or below this org; empty: every event (admins only). */
  orgId: string;
  /** Fully-qualified payload names ("kepu.dispatch.v1.OrderAccepted"); empty: every type. */
  eventTypes: string[];
  url: string;
  enabled: boolean;
  /** Why it was disabled, Chinese first. */
  disabledReason?: string;
  consecutiveFailures?: number;
  createdAt?: string;
}

export interface DeliveryAttempt {
  at?: string;
  /** The receiver's HTTP status; 0 or absent when it did not answer. */
  statusCode?: number;
  error?: string;
}

export interface WebhookDelivery {
  deliveryId: string;
  eventId?: string;
  eventType: string;
  /** DELIVERY_STATUS_PENDING, _DELIVERED or _FAILED. */
  status: string;
  attempts?: DeliveryAttempt[];
  nextAttemptAt?: string;
  createdAt?: string;
  redeliveryOf?: string;
}

/** The gateway's webhook routes, in one place. */
export const webhookRoutes = {
  list: "/api/v1/webhooks",
  create: "/api/v1/webhooks",
  one: (id: string) => `/api/v1/webhooks/${encodeURIComponent(id)}`,
  /** PUT {enabled}. */
  enabled: (id: string) => `/api/v1/webhooks/${encodeURIComponent(id)}/enabled`,
  /** `page` from 1 as a person counts; the gateway's pages count from 0. */
  deliveries: (id: string, page: number, pageSize: number) => `/api/v1/webhooks/${encodeURIComponent(id)}/deliveries?page=${page - 1}&pageSize=${pageSize}`,
  redeliver: (deliveryId: string) => `/api/v1/webhook-deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
};

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
