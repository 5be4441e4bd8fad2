// Open311 GeoReport v2 at /open311/v2 (the menu as services, orders as service requests,
// jurisdiction_id = a district), and the API keys other systems call it with (/api/v1/api-keys).
// The gateway authenticates (a person's token, or an api_key acting as its org's staff); the
// services authorize, as for every other route.
import rateLimit from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "mongodb";
import { Type, type TSchema } from "typebox";
import { accessErrors, can, mayGrantRole, requireAccess, roleMay } from "@kepu/access";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { Order } from "@kepu/contracts/dispatch/v1/service_pb";
import type { MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import type { Organization } from "@kepu/contracts/registry/v1/service_pb";
import { isKepuError } from "@kepu/errors";
import { errorResponse } from "@kepu/http";
import type { Caller } from "../auth/tokens.js";
import { actorOfKey, apiKeyErrors, ApiKeys, roleForOrg, type ApiKey } from "../open311/api-keys.js";
import * as geo from "../open311/georeport.js";
import { rpcOptions } from "./app.js";
import type { RouteOptions } from "./routes/context.js";
import { signedIn } from "./routes/context.js";
import { answers, id, idempotencyHeader, params, secured, strictObject, text } from "./schemas.js";

export interface Open311Options extends RouteOptions {
  /** The gateway's own database: API keys, hashed. */
  db: Db;
}

// ---- the documented shapes (GeoReport v2's field names and types) ---------------------------------
const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const serviceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: nullable(Type.String()),
  metadata: Type.Boolean(),
  type: Type.Union([Type.Literal("realtime"), Type.Literal("batch"), Type.Literal("blackbox")]),
  keywords: Type.String(),
  group: Type.String(),
});
const attributeSchema = Type.Object({
  variable: Type.Boolean(),
  code: Type.String(),
  datatype: Type.Union(["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"].map((d) => Type.Literal(d))),
  required: Type.Boolean(),
  datatype_description: nullable(Type.String()),
  order: Type.Integer({ minimum: 1 }),
  description: Type.String(),
  values: Type.Array(Type.Object({ key: Type.String(), name: Type.String() })),
});
const definitionSchema = Type.Object({ service_code: Type.String(), attributes: Type.Array(attributeSchema) });
const dateTime = nullable(Type.String({ format: "date-time" }));
const requestSchema = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  status_notes: nullable(Type.String()),
  service_name: Type.String(),
  service_code: nullable(Type.String()),
  description: nullable(Type.String()),
  agency_responsible: nullable(Type.String()),
  service_notice: nullable(Type.String()),
  requested_datetime: dateTime,
  updated_datetime: dateTime,
  expected_datetime: dateTime,
  address: nullable(Type.String()),
  address_id: Type.String(),
  zipcode: Type.Null(),
  lat: Type.Null(),
  long: Type.Null(),
  media_url: Type.Null(),
});
const createdSchema = Type.Object({ service_request_id: Type.String(), service_notice: nullable(Type.String()), account_id: nullable(Type.String()) });
const errorsSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }));

/** JSON or XML, as the path's extension says. */
const both = (description: string, schema: TSchema) => ({ description, content: { "application/json": { schema }, "text/xml": { schema: { type: "string" } } } });
const georeportAnswers = (description: string, schema: TSchema) => ({ 200: both(description, schema), "4xx": both("[{code, description}]", errorsSchema), "5xx": both("[{code, description}]", errorsSchema) });

const format = Type.Union([Type.Literal("json"), Type.Literal("xml")]);
const apiKey = Type.Optional(Type.String({ maxLength: 200, description: "API 密钥（或以 Authorization: Bearer 登录）/ the API key (or a person's Authorization: Bearer token)" }));
const jurisdiction = Type.Optional(id("区（如 sz-futian）/ the district, e.g. sz-futian"));
const listOf = Type.String({ maxLength: 2000, pattern: "^[A-Za-z0-9_.:,-]*$" });
const attributeValue = Type.Union([Type.String({ maxLength: 200 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })]);
const submission = strictObject({
  api_key: apiKey,
  jurisdiction_id: jurisdiction,
  service_code: id("服务（菜单项）/ the service: a menu item"),
  address_id: Type.Optional(id("下单的社区 / the ordering community")),
  address_string: Type.Optional(text(500)),
  lat: Type.Optional(text(40)),
  long: Type.Optional(text(40)),
  description: Type.Optional(text(4000)),
  // Accepted as the spec lists them, and not kept: the platform knows its people by their sign-in.
  email: Type.Optional(text(200)),
  device_id: Type.Optional(text(200)),
  account_id: Type.Optional(text(200)),
  first_name: Type.Optional(text(100)),
  last_name: Type.Optional(text(100)),
  phone: Type.Optional(text(40)),
  media_url: Type.Optional(text(2000)),
  attribute: Type.Optional(Type.Record(Type.String({ pattern: "^[A-Za-z0-9_]{1,60}$" }), attributeValue)),
});

/** application/x-www-form-urlencoded as the spec sends it, attribute[code]=v and attribute[code][]=v included. */
function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attribute: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = /^attribute\[([^\]]*)\](\[\])?$/.exec(key);
    if (!match) {
      out[key] = value;
      continue;
    }
    const code = match[1]!;
    if (match[2]) attribute[code] = [...((attribute[code] as string[] | undefined) ?? []), value];
    else attribute[code] = value;
  }
  return Object.keys(attribute).length ? { ...out, attribute } : out;
}

const formatOf = (request: FastifyRequest): geo.Open311Format => (/\.xml(\?|$)/.test(request.url) ? "xml" : "json");
function answer(reply: FastifyReply, fmt: geo.Open311Format, status: number, root: string, item: string | undefined, payload: unknown) {
  const body = fmt === "xml" ? geo.toXml(root, item, payload) : JSON.stringify(payload);
  return reply.code(status).type(geo.contentTypes[fmt]).send(body);
}

// ---- the GeoReport v2 endpoints --------------------------------------------------------------------
const georeport: FastifyPluginAsyncTypebox<Open311Options & { keys: ApiKeys }> = async (app, { deps, clients, keys }) => {
  const tags = ["open311"];
  const menuCache = new Map<string, { at: number; items: MenuItem[] }>();

  // Their own limit: the app's limits count /api/ only.
  await app.register(rateLimit, { redis: deps.redis, nameSpace: `${deps.prefix}rl:open311:`, max: deps.ipRatePerMinute, timeWindow: 60_000 });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, parseForm(String(body))));
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) request.log.error({ err: error }, "open311 request failed");
    const code = status === 429 ? 429 : geo.open311Status4xx(status);
    return answer(reply, formatOf(request), code, "errors", "error", [geo.errorOf(code, body)]);
  });
  app.setNotFoundHandler((request, reply) =>
    answer(reply, formatOf(request), 404, "errors", "error", [{ code: 404, description: `没有这个 GeoReport v2 地址 / No such GeoReport v2 resource: ${request.method} ${request.url.split("?")[0]}` }]),
  );
  // Who calls: a person's token, else an api_key (query or form), acting as its org's staff.
  app.addHook("preHandler", async (request) => {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ")) {
      request.caller = await deps.tokens.verify(header.slice(7));
      return;
    }
    const presented = (request.query as { api_key?: string } | undefined)?.api_key ?? (request.body as { api_key?: string } | undefined)?.api_key;
    if (!presented) throw geo.open311Errors.noCredentials();
    const key = await keys.verify(presented);
    if (!key) throw geo.open311Errors.badApiKey();
    request.caller = actorOfKey(key);
  });

  const caller = (request: FastifyRequest): Caller => request.caller!;
  const opts = (request: FastifyRequest) => rpcOptions(request, caller(request));
  const organization = async (request: FastifyRequest, orgId: string): Promise<Organization | undefined> =>
    (await clients.registry.getOrganization({ orgId }, opts(request)).catch((error: unknown) => (isKepuError(error) && error.kind === "not_found" ? { organization: undefined } : Promise.reject(error)))).organization;

  async function district(request: FastifyRequest, jurisdictionId: string | undefined): Promise<Organization> {
    if (!jurisdictionId) throw geo.open311Errors.noJurisdiction();
    const org = await organization(request, jurisdictionId);
    if (!org || org.kind !== OrgKind.DISTRICT) throw geo.open311Errors.unknownJurisdiction(jurisdictionId);
    return org;
  }

  /** The menu the caller may order from in the district: a resident's community's, or every community's for staff. */
  async function menuOf(request: FastifyRequest, districtOrg: Organization): Promise<MenuItem[]> {
    const who = caller(request);
    if (who.role === Role.RESIDENT) {
      const home = await organization(request, who.orgId);
      if (home?.place?.districtId !== districtOrg.orgId) return [];
      return (await clients.registry.listMenuForCommunity({ communityId: who.orgId }, opts(request))).items;
    }
    // Staff read every menu (menu.read: any); a cached answer is given only to a caller the model lets read it.
    const cached = menuCache.get(districtOrg.orgId);
    if (cached && Date.now() - cached.at < 30_000 && can("menu.read", who, {})) return cached.items;
    const { organizations } = await clients.registry.listSubtree({ orgId: districtOrg.orgId, kind: OrgKind.COMMUNITY }, opts(request));
    const byId = new Map<string, MenuItem>();
    for (const community of organizations) {
      for (const item of (await clients.registry.listMenuForCommunity({ communityId: community.orgId }, opts(request))).items) byId.set(item.itemId, item);
    }
    const items = [...byId.values()].sort((a, b) => (a.itemId < b.itemId ? -1 : 1));
    menuCache.set(districtOrg.orgId, { at: Date.now(), items });
    return items;
  }

  async function service(request: FastifyRequest, jurisdictionId: string | undefined, code: string): Promise<MenuItem> {
    const item = (await menuOf(request, await district(request, jurisdictionId))).find((i) => i.itemId === code);
    if (!item) throw geo.open311Errors.unknownService(code);
    return item;
  }

  /** Orders as service requests, each with its community's name as the address. */
  async function asRequests(request: FastifyRequest, orders: Order[]): Promise<geo.ServiceRequest[]> {
    const names = new Map<string, string | null>();
    for (const orgId of new Set(orders.map((o) => o.request?.community?.orgId ?? ""))) if (orgId) names.set(orgId, (await organization(request, orgId))?.name ?? null);
    return orders.map((o) => geo.requestOf(o, names.get(o.request?.community?.orgId ?? "") ?? null));
  }
  const inDistrict = (o: Order, districtOrg: Organization) => o.request?.community?.districtId === districtOrg.orgId;

  const listQuery = strictObject({ jurisdiction_id: jurisdiction, api_key: apiKey });
  app.get("/services.:format", { schema: { tags, summary: "GET Service List", params: strictObject({ format }), querystring: listQuery, response: georeportAnswers("services", Type.Array(serviceSchema)) } }, async (request, reply) => {
    const items = await menuOf(request, await district(request, request.query.jurisdiction_id));
    return answer(reply, request.params.format, 200, "services", "service", items.map(geo.serviceOf));
  });

  app.get(
    "/services/:service_code.:format",
    { schema: { tags, summary: "GET Service Definition", params: strictObject({ service_code: id(), format }), querystring: listQuery, response: georeportAnswers("service_definition", definitionSchema) } },
    async (request, reply) => {
      const item = await service(request, request.query.jurisdiction_id, request.params.service_code);
      return answer(reply, request.params.format, 200, "service_definition", undefined, geo.definitionOf(item));
    },
  );

  app.post("/requests.:format", { schema: { tags, summary: "POST Service Request", params: strictObject({ format }), body: submission, response: georeportAnswers("service_requests", Type.Array(createdSchema)) } }, async (request, reply) => {
    const b = request.body;
    const who = caller(request);
    const districtOrg = await district(request, b.jurisdiction_id);
    const item = await service(request, districtOrg.orgId, b.service_code);
    // The ordering community: address_id, else the caller's own (a resident's, a community's key).
    const communityId = b.address_id ?? (who.role === Role.RESIDENT || who.role === Role.COMMUNITY_WORKER ? who.orgId : undefined);
    if (!communityId) throw geo.open311Errors.noCommunity();
    const community = await organization(request, communityId);
    if (!community?.place || community.kind !== OrgKind.COMMUNITY) throw geo.open311Errors.noCommunity();
    if (community.place.districtId !== districtOrg.orgId) throw geo.open311Errors.outsideJurisdiction();
    const details = geo.orderDetails(item, b.attribute ?? {});
    const description = [b.description, b.address_string].filter(Boolean).join("\n");
    const { order } = await clients.dispatch.submitOrder(
      {
        campaignId: "",
        request: { menuItemId: item.itemId, title: item.title, description, theme: item.theme, format: item.format, audience: details.audience, expectedParticipants: details.expectedParticipants, community: community.place, ...(details.preferredDate ? { preferredDate: details.preferredDate } : {}) },
      },
      opts(request),
    );
    return answer(reply, request.params.format, 200, "service_requests", "request", [{ service_request_id: order!.orderId, service_notice: geo.createdNotice, account_id: null }]);
  });

  const requestsQuery = strictObject({
    jurisdiction_id: jurisdiction,
    api_key: apiKey,
    service_request_id: Type.Optional(listOf),
    service_code: Type.Optional(listOf),
    start_date: Type.Optional(Type.String({ format: "date-time" })),
    end_date: Type.Optional(Type.String({ format: "date-time" })),
    status: Type.Optional(Type.String({ pattern: "^(open|closed)(,(open|closed))*$" })),
  });
  app.get("/requests.:format", { schema: { tags, summary: "GET Service Requests", params: strictObject({ format }), querystring: requestsQuery, response: georeportAnswers("service_requests", Type.Array(requestSchema)) } }, async (request, reply) => {
    const q = request.query;
    const districtOrg = await district(request, q.jurisdiction_id);
    let orders: Order[];
    if (q.service_request_id) {
      // Named requests override every other argument; one the caller may not read is not there.
      const found = await Promise.all(q.service_request_id.split(",").filter(Boolean).slice(0, 100).map((orderId) => readOrder(request, orderId)));
      orders = found.filter((o): o is Order => !!o && inDistrict(o, districtOrg));
    } else {
      const window = geo.requestWindow(q.start_date, q.end_date, new Date());
      const statuses = [...new Set((q.status?.split(",") ?? []) as ("open" | "closed")[])].flatMap(geo.statusesFor);
      const codes = q.service_code?.split(",").filter(Boolean);
      orders = [];
      // At most 1000 requests, as the spec's default volume (pages of 200 from dispatch).
      for (let page = 0; page < 5; page++) {
        const res = await clients.dispatch.listOrders({ orgId: districtOrg.orgId, statuses, page, pageSize: 200 }, opts(request));
        orders.push(...res.orders.filter((o) => inDistrict(o, districtOrg) && geo.withinWindow(o, window) && (!codes || codes.includes(o.request?.menuItemId ?? ""))));
        if (res.orders.length < 200) break;
      }
      orders = orders.slice(0, 1000);
    }
    return answer(reply, request.params.format, 200, "service_requests", "request", await asRequests(request, orders));
  });

  app.get(
    "/requests/:service_request_id.:format",
    { schema: { tags, summary: "GET Service Request", params: strictObject({ service_request_id: id(), format }), querystring: listQuery, response: georeportAnswers("service_requests", Type.Array(requestSchema)) } },
    async (request, reply) => {
      const districtOrg = await district(request, request.query.jurisdiction_id);
      const order = await readOrder(request, request.params.service_request_id);
      if (!order || !inDistrict(order, districtOrg)) throw geo.open311Errors.unknownRequest();
      return answer(reply, request.params.format, 200, "service_requests", "request", await asRequests(request, [order]));
    },
  );

  /** An order the caller may read, or nothing (dispatch answers a foreign one as not found). */
  async function readOrder(request: FastifyRequest, orderId: string): Promise<Order | undefined> {
    try {
      return (await clients.dispatch.getOrder({ orderId }, opts(request))).order;
    } catch (error) {
      if (isKepuError(error) && (error.kind === "not_found" || error.kind === "forbidden")) return undefined;
      throw error;
    }
  }
};

// ---- API keys: created by admins and associations for their subtree -----------------------------
const keyJson = (key: ApiKey) => ({ keyId: key.keyId, name: key.name, orgId: key.orgId, role: Role[key.role] ?? "UNSPECIFIED", createdBy: key.createdBy, createdAt: key.createdAt.toISOString(), revokedAt: key.revokedAt?.toISOString() ?? null });
const keySchema = Type.Object({ keyId: Type.String(), name: Type.String(), orgId: Type.String(), role: Type.String(), createdBy: Type.String(), createdAt: Type.String({ format: "date-time" }), revokedAt: nullable(Type.String({ format: "date-time" })) });

const apiKeyRoutes: FastifyPluginAsyncTypebox<Open311Options & { keys: ApiKeys }> = async (app, { clients, keys }) => {
  const tags = ["api-keys"];
  const manager = (request: FastifyRequest) => {
    const who = signedIn(request);
    if (!roleMay("webhook.manage", who.role)) throw accessErrors.role();
    return who;
  };
  const body = strictObject({ orgId: id("密钥代表的组织 / the org the key acts for"), name: Type.String({ minLength: 1, maxLength: 100, description: "接入系统的名称 / the connected system's name" }) });
  app.post("/api/v1/api-keys", { config: { idempotent: true }, schema: { tags, ...secured, headers: idempotencyHeader, body, response: answers(Type.Object({ apiKey: keySchema, key: Type.String({ description: "只显示这一次 / shown this once" }) })) } }, async (request) => {
    const who = manager(request);
    const org = (await clients.registry.getOrganization({ orgId: request.body.orgId }, rpcOptions(request, who))).organization;
    const role = org ? roleForOrg(org.kind) : undefined;
    if (!org?.place || role === undefined) throw apiKeyErrors.orgKind();
    requireAccess("webhook.manage", who, { path: org.place.path });
    if (who.role !== Role.ADMIN && !mayGrantRole(who.role, role)) throw accessErrors.scope();
    const { apiKey, key } = await keys.create({ name: request.body.name, orgId: org.orgId, path: org.place.path, role, createdBy: who.id });
    return { apiKey: keyJson(apiKey), key };
  });
  app.get("/api/v1/api-keys", { schema: { tags, ...secured, response: answers(Type.Object({ apiKeys: Type.Array(keySchema) })) } }, async (request) => {
    const who = manager(request);
    const mine = (await keys.list()).filter((k) => can("webhook.manage", who, { path: k.path }));
    return { apiKeys: mine.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map(keyJson) };
  });
  app.delete("/api/v1/api-keys/:keyId", { schema: { tags, ...secured, params: params("keyId"), response: answers(Type.Object({ apiKey: keySchema })) } }, async (request) => {
    const who = manager(request);
    const key = await keys.get(request.params.keyId);
    if (!key || !can("webhook.manage", who, { path: key.path })) throw apiKeyErrors.notFound();
    return { apiKey: keyJson((await keys.revoke(key.keyId))!) };
  });
};

const open311: FastifyPluginAsyncTypebox<Open311Options> = async (app, options) => {
  const keys = new ApiKeys(options.db);
  await app.register(apiKeyRoutes, { ...options, keys });
  await app.register(georeport, { ...options, keys, prefix: "/open311/v2" });
};

export default open311;
