// The audit log over HTTP: every staff write and every staff read of personal data is recorded
// after its answer has gone out (nobody waits for it); admins list the entries, paged and filtered.
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { Type } from "typebox";
import type { Db } from "mongodb";
import { v7 as uuidv7 } from "uuid";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { Logger } from "@kepu/log";
import { auditFilterOf, auditKindOf, maxPageSize, outcomeOf, outcomes, paramsOf, pageSizeOf, type AuditEntry, type AuditKind, type AuditQuery } from "../audit/entry.js";
import { AuditStore } from "../audit/store.js";
import { callerFor } from "./app.js";
import { answers } from "./schemas.js";

export interface AuditOptions {
  db: Db;
  logger: Logger;
}

const idString = { type: "string", pattern: "^[A-Za-z0-9_.:-]{1,120}$" } as const;
const bound = { type: "string", maxLength: 40, description: "北京时间日期 2026-09-28（整天）或 ISO 时间 / a Beijing date (the whole day) or an ISO date-time" } as const;
const kinds: AuditKind[] = ["write", "personal-read"];

const querystring = {
  type: "object",
  additionalProperties: false,
  properties: {
    actor: { ...idString, description: "账号 / the account that acted" },
    role: { type: "string", pattern: "^[A-Z_]{1,40}$" },
    method: { type: "string", enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] },
    route: { type: "string", maxLength: 200, description: "路由模式 / the route pattern, e.g. /api/v1/orders/:orderId/dispatch" },
    outcome: { type: "string", enum: outcomes },
    kind: { type: "string", enum: kinds },
    from: bound,
    to: bound,
    cursor: { type: "string", pattern: "^[0-9a-f-]{36}$", description: "上一页的 nextCursor / nextCursor of the page before" },
    limit: { type: "integer", minimum: 1, maximum: maxPageSize, default: 50 },
  },
} as const;

const entrySchema = {
  type: "object",
  required: ["id", "at", "kind", "actor", "method", "route", "params", "status", "outcome", "ip", "correlationId"],
  properties: {
    id: { type: "string" },
    at: { type: "string", format: "date-time" },
    kind: { type: "string", enum: kinds },
    actor: { type: "object", required: ["id", "role", "orgId"], properties: { id: { type: "string" }, role: { type: "string" }, orgId: { type: "string" } } },
    method: { type: "string" },
    route: { type: "string" },
    params: { type: "object", additionalProperties: { type: "string" } },
    status: { type: "integer" },
    outcome: { type: "string", enum: outcomes },
    ip: { type: "string" },
    correlationId: { type: "string" },
  },
} as const;

const response = answers(Type.Unsafe({
  type: "object",
  required: ["entries", "total"],
  properties: { entries: { type: "array", items: entrySchema }, total: { type: "integer" }, nextCursor: { type: "string" } },
}));

function entryOf(request: FastifyRequest, status: number, kind: AuditKind): AuditEntry {
  const caller = request.caller!;
  return {
    id: uuidv7(),
    at: new Date(),
    kind,
    actor: { id: caller.id, role: Role[caller.role] ?? String(caller.role), orgId: caller.orgId },
    method: request.method,
    route: request.routeOptions.url!,
    params: paramsOf(request.params),
    status,
    outcome: outcomeOf(status),
    ip: request.ip,
    correlationId: request.id,
  };
}

async function auditLog(app: FastifyInstance, options: AuditOptions): Promise<void> {
  const store = new AuditStore(options.db, options.logger);

  app.addHook("onResponse", async (request, reply) => {
    const config = request.routeOptions.config as { audit?: string } | undefined;
    const kind = auditKindOf({ method: request.method, route: request.routeOptions.url, role: request.caller?.role, marked: config?.audit });
    if (kind) store.record(entryOf(request, reply.statusCode, kind));
  });
  app.addHook("onClose", () => store.flush());

  app.get("/api/v1/audit", { schema: { tags: ["audit"], summary: "审计日志（仅管理员）/ The audit log (admins only)", security: [{ bearer: [] }], querystring, response } }, async (request) => {
    callerFor(request, [Role.ADMIN]);
    const query = request.query as AuditQuery;
    const page = await store.list(auditFilterOf(query), pageSizeOf(query.limit), query.cursor);
    return { ...page, entries: page.entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })) };
  });
}

/** Registered on the root (fastify-plugin): its hook sees every route, those registered before it too. */
export default fp(auditLog, { name: "kepu-audit", fastify: "5.x" });
