// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the platform's menu as services and
// its orders as service requests. Pure mappings, one each way, and the two formats the spec names
// (XML is required, JSON follows the Spark convention: the same fields, lists as arrays).
import { timestampDate, timestampFromMs, type Timestamp } from "@bufbuild/protobuf/wkt";
import { XMLBuilder } from "fast-xml-parser";
import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import type { Order } from "@kepu/contracts/dispatch/v1/service_pb";
import type { MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import { kepuError, type KepuError } from "@kepu/errors";

export type Open311Format = "json" | "xml";

/** GET Service List: one service. */
export interface Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: "realtime" | "batch" | "blackbox";
  keywords: string;
  group: string;
}

export type Datatype = "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist";

export interface Attribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}

/** GET Service Definition. */
export interface ServiceDefinition {
  service_code: string;
  attributes: Attribute[];
}

/** GET Service Request(s): one request. */
export interface ServiceRequest {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string | null;
  service_name: string;
  service_code: string | null;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string | null;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: string;
  zipcode: null;
  lat: null;
  long: null;
  media_url: null;
}

/** POST Service Request: what a created request answers. */
export interface CreatedRequest {
  service_request_id: string;
  service_notice: string | null;
  account_id: string | null;
}

export interface Open311Error {
  code: number;
  description: string;
}

const enumName = (values: object, value: number) => (values as Record<number, string>)[value] ?? "UNSPECIFIED";
/** The names the rest of the API uses for the catalog (THEME_HEALTH, FORMAT_EXPERT_TALK, …). */
export const themeName = (theme: Theme) => `THEME_${enumName(Theme, theme)}`;
export const formatName = (format: Format) => `FORMAT_${enumName(Format, format)}`;
export const audienceName = (audience: Audience) => `AUDIENCE_${enumName(Audience, audience)}`;

/** W3C date-time (ISO 8601 with the zone), as the spec asks; null when the time is not set. */
export function w3(ts: Timestamp | undefined): string | null {
  if (!ts || (ts.seconds === 0n && ts.nanos === 0)) return null;
  return timestampDate(ts).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A menu item as a service: every item takes an order's details (metadata), and is answered at once (realtime). */
export function serviceOf(item: MenuItem): Service {
  const keywords = [themeName(item.theme), ...(item.format ? [formatName(item.format)] : []), ...item.audiences.map(audienceName)];
  return { service_code: item.itemId, service_name: item.title, description: item.description || null, metadata: true, type: "realtime", keywords: keywords.join(", "), group: themeName(item.theme) };
}

/** The attribute codes an order takes (POST attribute[code]=value). */
export const attributeCodes = { preferredDate: "preferred_date", expectedParticipants: "expected_participants", audience: "audience" } as const;

export function definitionOf(item: MenuItem): ServiceDefinition {
  const audiences = item.audiences.length ? item.audiences : (Object.values(Audience).filter((v) => typeof v === "number" && v !== Audience.UNSPECIFIED) as Audience[]);
  return {
    service_code: item.itemId,
    attributes: [
      {
        variable: true,
        code: attributeCodes.preferredDate,
        datatype: "datetime",
        required: false,
        datatype_description: "ISO 8601，含时区，例如 2027-05-01T09:00:00+08:00 / ISO 8601 with the zone",
        order: 1,
        description: `希望的活动日期（北京时间），至少提前 ${item.leadTimeDays} 天 / The preferred day (Beijing time), at least ${item.leadTimeDays} days ahead`,
        values: [],
      },
      {
        variable: true,
        code: attributeCodes.expectedParticipants,
        datatype: "number",
        required: false,
        datatype_description: `0 到 100000 的整数 / a whole number from 0 to 100000`,
        order: 2,
        description: `预计参与人数（每场最多 ${item.capacity} 人）/ Expected participants (at most ${item.capacity} a session)`,
        values: [],
      },
      {
        variable: true,
        code: attributeCodes.audience,
        datatype: "singlevaluelist",
        required: false,
        datatype_description: null,
        order: 3,
        description: "面向人群 / The audience",
        values: audiences.map((a) => ({ key: audienceName(a), name: audienceName(a) })),
      },
      {
        variable: false,
        code: "duration",
        datatype: "string",
        required: false,
        datatype_description: null,
        order: 4,
        description: `时长 ${item.durationMinutes} 分钟 / ${item.durationMinutes} minutes`,
        values: [],
      },
    ],
  };
}

const closedStatuses = new Set([OrderStatus.DELIVERED, OrderStatus.RATED, OrderStatus.CANCELLED, OrderStatus.REJECTED]);
/** Open while the order is alive; closed once it was delivered (and rated), cancelled or rejected. */
export const open311Status = (status: OrderStatus): "open" | "closed" => (closedStatuses.has(status) ? "closed" : "open");
export const statusesFor = (status: "open" | "closed"): OrderStatus[] =>
  (Object.values(OrderStatus).filter((s) => typeof s === "number" && s !== OrderStatus.UNSPECIFIED) as OrderStatus[]).filter((s) => open311Status(s) === status);

/** What each step of an order's life means to the person who asked (Chinese first). */
const stepWords: Record<string, [string, string]> = {
  OrderSubmitted: ["已点单，等待社区派单", "Submitted; the community will dispatch it"],
  OrderDispatched: ["已派单给志愿服务队", "Dispatched to a volunteer team"],
  OrderPooled: ["已转交科协", "Handed to the science association"],
  OrderClaimed: ["科协已领单", "Claimed by the science association"],
  OrderAccepted: ["志愿服务队已接单", "Accepted by a volunteer team"],
  OrderDeclined: ["志愿服务队婉拒", "Declined by a volunteer team"],
  OrderTimedOut: ["等待接单超时", "Timed out waiting for a team"],
  OrderEscalated: ["已上报上级", "Escalated"],
  OrderScheduled: ["已排期", "Scheduled"],
  OrderDelivered: ["活动已完成", "Delivered"],
  OrderRated: ["已评价", "Rated"],
  OrderCancelled: ["已取消", "Cancelled"],
  OrderRejected: ["已驳回", "Rejected"],
};

/** The status notes: the latest step of the order's timeline, with its reason. */
export function statusNotes(order: Order): string | null {
  const last = order.timeline.at(-1);
  if (!last) return null;
  const type = last.eventType.split(".").at(-1) ?? last.eventType;
  const [zh, en] = stepWords[type] ?? [type, type];
  return last.reason ? `${zh}：${last.reason} / ${en}: ${last.reason}` : `${zh} / ${en}`;
}

/** An order as a service request; `communityName` is the address a person reads. */
export function requestOf(order: Order, communityName: string | null): ServiceRequest {
  const request = order.request;
  const last = order.timeline.at(-1);
  return {
    service_request_id: order.orderId,
    status: open311Status(order.status),
    status_notes: statusNotes(order),
    service_name: request?.title ?? "",
    service_code: request?.menuItemId || null,
    description: request?.description || null,
    agency_responsible: order.acceptedTeamId || null,
    service_notice: null,
    requested_datetime: w3(order.submittedAt),
    updated_datetime: w3(last?.occurredAt) ?? w3(order.submittedAt),
    expected_datetime: w3(request?.preferredDate),
    address: communityName,
    address_id: request?.community?.orgId ?? "",
    zipcode: null,
    lat: null,
    long: null,
    media_url: null,
  };
}

/** What an order takes from the submitted attributes, each checked against the service definition. */
export interface OrderDetails {
  preferredDate?: Timestamp;
  expectedParticipants: number;
  audience: Audience;
}

const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function orderDetails(item: MenuItem, attributes: Record<string, string | string[]>): OrderDetails {
  const definition = definitionOf(item);
  const details: OrderDetails = { expectedParticipants: 0, audience: Audience.UNSPECIFIED };
  for (const [code, raw] of Object.entries(attributes)) {
    const attribute = definition.attributes.find((a) => a.code === code && a.variable);
    if (!attribute) throw open311Errors.badAttribute(code, "此服务没有这个属性", "this service has no such attribute");
    if (Array.isArray(raw)) throw open311Errors.badAttribute(code, "只能给一个值", "takes one value");
    const value = raw.trim();
    if (value === "") continue; // an empty optional argument is no argument (the spec's "Optional Arguments")
    if (code === attributeCodes.preferredDate) {
      const at = Date.parse(value);
      if (!withZone.test(value) || Number.isNaN(at)) throw open311Errors.badAttribute(code, "须为带时区的 ISO 8601 时间", "must be an ISO 8601 date-time with its zone");
      details.preferredDate = timestampFromMs(at);
    } else if (code === attributeCodes.expectedParticipants) {
      if (!/^\d{1,6}$/.test(value) || Number(value) > 100000) throw open311Errors.badAttribute(code, "须为 0 到 100000 的整数", "must be a whole number from 0 to 100000");
      details.expectedParticipants = Number(value);
    } else if (code === attributeCodes.audience) {
      if (!attribute.values.some((v) => v.key === value)) throw open311Errors.badAttribute(code, "不是可选的人群", "is not one of the listed audiences");
      details.audience = Audience[value.slice("AUDIENCE_".length) as keyof typeof Audience];
    }
  }
  return details;
}

/** GET Service Requests' span: the last 90 days by default, never more than 90 days. */
export function requestWindow(start: string | undefined, end: string | undefined, now: Date): { from: number; to: number } {
  const day = 86_400_000;
  const to = end ? Date.parse(end) : start ? Date.parse(start) + 90 * day : now.getTime();
  const from = start ? Date.parse(start) : to - 90 * day;
  if (Number.isNaN(from) || Number.isNaN(to) || from > to || to - from > 90 * day) throw open311Errors.badWindow();
  return { from, to };
}

export const withinWindow = (order: Order, window: { from: number; to: number }) => {
  const at = order.submittedAt ? timestampDate(order.submittedAt).getTime() : 0;
  return at >= window.from && at <= window.to;
};

export const createdNotice = "已提交至社区，社区将派单给志愿服务队 / Submitted to the community, which dispatches it to a volunteer team";

// ---- errors ------------------------------------------------------------------------------------

/**
 * The spec's error statuses: 404 for what does not exist, 403 for a missing or wrong api_key, 400
 * for any other request that cannot be fulfilled; an engine or service down stays a 5xx.
 */
export function open311Status4xx(status: number): number {
  if (status === 401 || status === 403) return 403;
  if (status === 404) return 404;
  if (status >= 400 && status < 500) return 400;
  return status;
}

export function errorOf(status: number, body: { messageZh: string; messageEn: string; code: string }): Open311Error {
  return { code: status, description: `${body.messageZh} / ${body.messageEn} (${body.code})` };
}

export const open311Errors = {
  noJurisdiction: (): KepuError => kepuError("invalid", "JURISDICTION_REQUIRED", "请给出 jurisdiction_id（区）", "jurisdiction_id (a district) is required", "jurisdiction_id"),
  unknownJurisdiction: (id: string): KepuError => kepuError("not_found", "JURISDICTION_NOT_FOUND", `没有这个区：${id}`, `No such district: ${id}`, "jurisdiction_id"),
  unknownService: (code: string): KepuError => kepuError("not_found", "SERVICE_NOT_FOUND", `本区没有此服务：${code}`, `No such service in this district: ${code}`, "service_code"),
  unknownRequest: (): KepuError => kepuError("not_found", "REQUEST_NOT_FOUND", "没有找到这个服务请求", "No such service request", "service_request_id"),
  noCredentials: (): KepuError => kepuError("unauthenticated", "API_KEY_REQUIRED", "请给出 api_key，或以居民身份登录", "An api_key, or a resident's sign-in, is required", "api_key"),
  badApiKey: (): KepuError => kepuError("unauthenticated", "API_KEY_INVALID", "api_key 无效或已撤销", "The api_key is invalid or revoked", "api_key"),
  noCommunity: (): KepuError => kepuError("invalid", "ADDRESS_ID_REQUIRED", "请用 address_id 给出下单的社区", "Give the ordering community as address_id", "address_id"),
  outsideJurisdiction: (): KepuError => kepuError("invalid", "ADDRESS_OUTSIDE_JURISDICTION", "该社区不在此区内", "That community is not in this district", "address_id"),
  badAttribute: (code: string, zh: string, en: string): KepuError => kepuError("invalid", "ATTRIBUTE_INVALID", `attribute[${code}]：${zh}`, `attribute[${code}]: ${en}`, `attribute[${code}]`),
  badWindow: (): KepuError => kepuError("invalid", "DATE_RANGE_INVALID", "start_date 与 end_date 须为带时区的时间，且相隔不超过 90 天", "start_date and end_date must be date-times with a zone, at most 90 days apart", "start_date"),
};

// ---- the two formats -----------------------------------------------------------------------------

const builder = new XMLBuilder({ format: true, suppressEmptyNode: false, processEntities: true });
const declaration = '<?xml version="1.0" encoding="utf-8"?>\n';
/** null is an empty element in XML, a list is its items under one tag each. */
const forXml = (value: unknown): unknown => {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(forXml);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forXml(v)]));
  return String(value);
};

/** The list wrappers the spec's XML uses: <services><service/>…, <attributes><attribute/>…, <values><value/>… */
export function toXml(root: string, item: string | undefined, payload: unknown): string {
  const wrap = (value: unknown): unknown => (item ? { [item]: value } : value);
  const body = root === "service_definition" ? definitionXml(payload as ServiceDefinition) : wrap(forXml(payload));
  return declaration + builder.build({ [root]: body });
}

function definitionXml(definition: ServiceDefinition): unknown {
  return {
    service_code: definition.service_code,
    attributes: { attribute: definition.attributes.map((a) => ({ ...(forXml({ ...a, values: undefined }) as object), values: a.values.length ? { value: a.values.map((v) => forXml(v)) } : "" })) },
  };
}

export const contentTypes: Record<Open311Format, string> = { json: "application/json; charset=utf-8", xml: "text/xml; charset=utf-8" };
