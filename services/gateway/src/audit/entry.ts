// The audit log's rules, pure: which requests are recorded, what an entry holds, how a listing is filtered.
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { maskPhones } from "@kepu/privacy";

/** A change by staff, or a read by staff of other people's personal data. */
export type AuditKind = "write" | "personal-read";
/** ok: answered 2xx/3xx; refused: 4xx (not allowed, not found, invalid, rate-limited); error: 5xx. */
export type Outcome = "ok" | "refused" | "error";
export const outcomes: readonly Outcome[] = ["ok", "refused", "error"];

/** One recorded request: who, what, when, from where — never the personal data itself (no bodies, no answers). */
export interface AuditEntry {
  /** UUIDv7: sorts by time. */
  id: string;
  at: Date;
  kind: AuditKind;
  actor: { id: string; role: string; orgId: string };
  method: string;
  /** The route's pattern (/api/v1/teams/:teamId), not the path. */
  route: string;
  /** The ids the path named ({ teamId: "team-futian" }). */
  params: Record<string, string>;
  status: number;
  outcome: Outcome;
  /** The client's address (the trusted-proxy rule decides what that is). */
  ip: string;
  correlationId: string;
}

/**
 * Routes whose answers carry personal data of residents or volunteers (names, phones, who
 * attended, service hours, who did what): a staff read of one is recorded. A route can also say
 * so itself with `config: { audit: "personal-read" }`.
 */
export const personalReadRoutes: readonly string[] = ["/api/v1/teams/:teamId", "/api/v1/activities/:activityId/attendance", "/api/v1/audit"];
const personalSegment = /\/(members|volunteers|residents|attendance|accounts|bookings|hours)(\/|$)/;
const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface RequestFacts {
  method: string;
  /** undefined when no route matched (a 404 for an unknown path). */
  route: string | undefined;
  /** undefined when nobody is signed in. */
  role: Role | undefined;
  /** The route's own `config.audit`, if any. */
  marked?: string | undefined;
}

/** Whether a request is recorded, and as what. Residents' own actions are not (their records say so already). */
export function auditKindOf(facts: RequestFacts): AuditKind | undefined {
  if (!facts.route || facts.role === undefined || facts.role === Role.RESIDENT || facts.role === Role.UNSPECIFIED) return undefined;
  if (writeMethods.has(facts.method)) return "write";
  if (facts.method !== "GET" && facts.method !== "HEAD") return undefined;
  if (facts.marked === "personal-read" || personalReadRoutes.includes(facts.route) || personalSegment.test(facts.route)) return "personal-read";
  return undefined;
}

export function outcomeOf(status: number): Outcome {
  return status >= 500 ? "error" : status >= 400 ? "refused" : "ok";
}

/** A path's ids as strings; a number that looks like a phone is masked even there. */
export function paramsOf(params: unknown): Record<string, string> {
  if (!params || typeof params !== "object") return {};
  return Object.fromEntries(Object.entries(params as Record<string, unknown>).map(([name, value]) => [name, maskPhones(String(value)).slice(0, 200)]));
}

export interface AuditQuery {
  actor?: string;
  role?: string;
  method?: string;
  route?: string;
  outcome?: Outcome;
  kind?: AuditKind;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface AuditFilter {
  actorId?: string;
  role?: string;
  method?: string;
  route?: string;
  outcome?: Outcome;
  kind?: AuditKind;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export const maxPageSize = 200;
export const defaultPageSize = 50;

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * A bound given as a Beijing date (2026-09-28: the whole day, so `to` ends at its midnight), a
 * Beijing date-time without an offset, or an ISO date-time with one. Asia/Shanghai has kept
 * UTC+8 all year since 1991, so +08:00 is exact.
 */
export function instantOf(value: string, edge: "from" | "to"): Date {
  const at = dateOnly.test(value) ? Date.parse(`${value}T00:00:00+08:00`) + (edge === "to" ? dayMs : 0) : localDateTime.test(value) ? Date.parse(`${value}+08:00`) : Date.parse(value);
  if (Number.isNaN(at)) throw kepuError("invalid", "BAD_DATE", `${edge} 不是有效的日期或时间（如 2026-09-28）`, `${edge} is not a valid date or time (e.g. 2026-09-28)`, edge);
  return new Date(at);
}

/** The listing's filter from its query (the schema has checked shapes already). */
export function auditFilterOf(query: AuditQuery): AuditFilter {
  const filter: AuditFilter = {};
  if (query.actor) filter.actorId = query.actor;
  if (query.role) filter.role = query.role;
  if (query.method) filter.method = query.method;
  if (query.route) filter.route = query.route;
  if (query.outcome) filter.outcome = query.outcome;
  if (query.kind) filter.kind = query.kind;
  if (query.from) filter.from = instantOf(query.from, "from");
  if (query.to) filter.to = instantOf(query.to, "to");
  if (filter.from && filter.to && filter.from >= filter.to) throw kepuError("invalid", "BAD_RANGE", "开始时间须早于结束时间", "from must be before to", "from");
  return filter;
}

export function pageSizeOf(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? defaultPageSize), 1), maxPageSize);
}
