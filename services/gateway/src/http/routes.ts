import { create } from "@bufbuild/protobuf";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import * as d from "@kepu/contracts/dispatch/v1/service_pb";
import * as e from "@kepu/contracts/events/v1/service_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import * as s from "@kepu/contracts/stats/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { optionalName } from "@kepu/input";
import type { RpcClient } from "@kepu/rpc";
import { can, people } from "@kepu/access";
import { callerFor, json, rpcOptions, type GatewayDeps } from "./app.js";

export interface Clients {
  registry: RpcClient<typeof r.RegistryService>;
  dispatch: RpcClient<typeof d.DispatchService>;
  events: RpcClient<typeof e.EventsService>;
  stats: RpcClient<typeof s.StatsService>;
}

const id = { type: "string", pattern: "^[A-Za-z0-9_.:-]{1,120}$" } as const;
const text = (max: number) => ({ type: "string", maxLength: max }) as const;
const body = (properties: Record<string, object>, required: string[] = []) => ({ type: "object", additionalProperties: false, properties, required }) as const;
const params = (...names: string[]) => ({ type: "object", properties: Object.fromEntries(names.map((n) => [n, id])), required: names }) as const;
const enumName = (values: object, prefix: string) => ({ type: "string", enum: Object.keys(values).filter((k) => isNaN(Number(k))).map((k) => `${prefix}${k}`) }) as const;
const enumValue = (values: Record<string, unknown>, prefix: string, name: string | undefined) => (name ? (values[name.replace(prefix, "")] as number) : 0);

/**
 * The signed-in caller. The gateway authenticates; what the caller may see and do is decided by
 * the service that owns the data, with @kepu/access (PRODUCT.md, "Who owns what").
 */
const signedIn = (request: FastifyRequest) => callerFor(request, [...people]);
/** The gateway's own identity, for what it looks up before anyone is signed in. */
const gatewayActor = { id: "gateway", role: Role.SYSTEM, orgId: "", displayName: "网关" };
const secured = { security: [{ bearer: [] }] };

export function registerRoutes(app: FastifyInstance, deps: GatewayDeps, clients: Clients): void {
  const menuCache = new Map<string, { at: number; body: unknown }>();

  // ---- sign-in ------------------------------------------------------------------------------
  app.post("/api/v1/auth/sign-in", { schema: { tags: ["auth"], body: body({ account: text(64), password: text(128) }, ["account", "password"]) } }, async (request) => {
    const { account, password } = request.body as { account: string; password: string };
    return deps.tokens.issue(await deps.accounts.signIn(account, password));
  });
  app.post("/api/v1/auth/resident-code", { schema: { tags: ["auth"], body: body({ phone: text(20) }, ["phone"]) } }, async (request) => {
    await deps.codes.request((request.body as { phone: string }).phone);
    return { sent: true };
  });
  app.post("/api/v1/auth/resident-sign-in", { schema: { tags: ["auth"], body: body({ phone: text(20), code: text(6), communityId: id, displayName: text(20) }, ["phone", "code", "communityId"]) } }, async (request) => {
    const { phone, code, communityId, displayName } = request.body as { phone: string; code: string; communityId: string; displayName?: string };
    const name = optionalName(displayName ?? "", "displayName", 20); // shown to staff: never a phone number (PHONE_IN_NAME)
    // A resident signs in for a community: it must exist and be one (not a district or an association).
    const community = (await clients.registry.getOrganization({ orgId: communityId }, { actor: gatewayActor, correlationId: request.id })).organization;
    if (community?.kind !== OrgKind.COMMUNITY) throw kepuError("invalid", "NOT_A_COMMUNITY", "请选择您所在的社区", "Choose the community you live in", "communityId");
    return deps.tokens.issue(await deps.codes.signIn(phone, code, communityId, name));
  });
  app.post("/api/v1/auth/refresh", { schema: { tags: ["auth"], body: body({ refreshToken: text(200) }, ["refreshToken"]) } }, async (request) => deps.tokens.refresh((request.body as { refreshToken: string }).refreshToken));
  app.get("/api/v1/me", { schema: { tags: ["auth"], ...secured } }, async (request) => {
    const caller = signedIn(request);
    return { ...caller, role: Role[caller.role] };
  });

  // ---- registry ----------------------------------------------------------------------------
  app.get("/api/v1/menu", { schema: { tags: ["menu"], ...secured, querystring: { type: "object", properties: { communityId: id }, required: ["communityId"] } } }, async (request) => {
    const caller = signedIn(request);
    const { communityId } = request.query as { communityId: string };
    // The menu changes rarely and reads are many: a cached answer is the registry's own, given again
    // only to a caller the same access model lets read it (a miss asks the registry, which decides).
    const cached = menuCache.get(communityId);
    if (cached && Date.now() - cached.at < 30_000 && can("menu.read", caller, { orgId: communityId })) return cached.body;
    const answer = json(r.ListMenuForCommunityResponseSchema, await clients.registry.listMenuForCommunity({ communityId }, rpcOptions(request, caller)));
    menuCache.set(communityId, { at: Date.now(), body: answer });
    return answer;
  });
  app.get("/api/v1/orgs/:orgId", { schema: { tags: ["registry"], ...secured, params: params("orgId") } }, async (request) => {
    const caller = signedIn(request);
    return json(r.GetOrganizationResponseSchema, await clients.registry.getOrganization({ orgId: (request.params as { orgId: string }).orgId }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/teams", { schema: { tags: ["registry"], ...secured, querystring: { type: "object", properties: { orgId: id } } } }, async (request) => {
    const caller = signedIn(request);
    const orgId = (request.query as { orgId?: string }).orgId ?? "";
    return json(r.ListTeamsResponseSchema, await clients.registry.listTeams({ orgId }, rpcOptions(request, caller)));
  });

  app.get("/api/v1/teams/:teamId", { schema: { tags: ["registry"], ...secured, params: params("teamId") } }, async (request) => {
    const caller = signedIn(request);
    const { teamId } = request.params as { teamId: string };
    return json(r.GetTeamResponseSchema, await clients.registry.getTeam({ teamId }, rpcOptions(request, caller)));
  });
  // 科普基地: all staff see every base's status; the registry decides who sees scores.
  app.get("/api/v1/bases", { schema: { tags: ["registry"], ...secured, querystring: { type: "object", properties: { orgId: id } } } }, async (request) => {
    const caller = signedIn(request);
    const orgId = (request.query as { orgId?: string }).orgId ?? "";
    return json(r.ListBasesResponseSchema, await clients.registry.listBases({ orgId }, rpcOptions(request, caller)));
  });

  // ---- orders (dispatch) --------------------------------------------------------------------
  const orderBody = body(
    {
      menuItemId: id,
      title: text(100),
      description: text(2000),
      theme: enumName(Theme, "THEME_"),
      format: enumName(Format, "FORMAT_"),
      audience: enumName(Audience, "AUDIENCE_"),
      expectedParticipants: { type: "integer", minimum: 0, maximum: 100000 },
      preferredDate: { type: "string", format: "date-time" },
      communityId: id,
      campaignId: text(80),
    },
    ["theme", "communityId"],
  );
  app.post("/api/v1/orders", { schema: { tags: ["orders"], ...secured, body: orderBody } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body as Record<string, string | number | undefined>;
    const community = (await clients.registry.getOrganization({ orgId: String(b.communityId) }, rpcOptions(request, caller))).organization!.place;
    const preferredDate = b.preferredDate ? { seconds: BigInt(Math.floor(Date.parse(String(b.preferredDate)) / 1000)), nanos: 0 } : undefined;
    const res = await clients.dispatch.submitOrder(
      {
        campaignId: String(b.campaignId ?? ""),
        request: {
          menuItemId: String(b.menuItemId ?? ""),
          title: String(b.title ?? ""),
          description: String(b.description ?? ""),
          theme: enumValue(Theme, "THEME_", b.theme as string),
          format: enumValue(Format, "FORMAT_", b.format as string),
          audience: enumValue(Audience, "AUDIENCE_", b.audience as string),
          expectedParticipants: Number(b.expectedParticipants ?? 0),
          community,
          ...(preferredDate ? { preferredDate } : {}),
        },
      },
      rpcOptions(request, caller),
    );
    return json(d.SubmitOrderResponseSchema, res);
  });
  const statusList = { type: "string", pattern: "^[A-Z_]+(,[A-Z_]+)*$" } as const;
  app.get("/api/v1/orders", { schema: { tags: ["orders"], ...secured, querystring: { type: "object", properties: { orgId: id, teamId: id, status: statusList, page: { type: "integer", minimum: 0 }, pageSize: { type: "integer", minimum: 1, maximum: 200 } } } } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query as { orgId?: string; teamId?: string; status?: string; page?: number; pageSize?: number };
    // "SUBMITTED,POOLED": several statuses at once (a worker's inbox, the association's pool).
    const statuses = (q.status ? q.status.split(",") : []).map((name) => {
      const value = enumValue(OrderStatus, "ORDER_STATUS_", `ORDER_STATUS_${name}`);
      if (value === undefined) throw kepuError("invalid", "BAD_STATUS", `没有"${name}"这种订单状态`, `There is no order status ${name}`, "status");
      return value;
    });
    // Dispatch lists only what is within the caller's reach; orgId and teamId narrow it.
    return json(d.ListOrdersResponseSchema, await clients.dispatch.listOrders({ orgId: q.orgId ?? "", teamId: q.teamId ?? "", statuses, page: q.page ?? 0, pageSize: q.pageSize ?? 20 }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/orders/:orderId", { schema: { tags: ["orders"], ...secured, params: params("orderId") } }, async (request) => {
    const caller = signedIn(request);
    return json(d.GetOrderResponseSchema, await clients.dispatch.getOrder({ orderId: (request.params as { orderId: string }).orderId }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/orders/:orderId/suggestions", { schema: { tags: ["orders"], ...secured, params: params("orderId") } }, async (request) => {
    const caller = signedIn(request);
    return json(d.SuggestTeamsResponseSchema, await clients.dispatch.suggestTeams({ orderId: (request.params as { orderId: string }).orderId, limit: 10 }, rpcOptions(request, caller)));
  });
  const orderAction = (action: string, schema: ReturnType<typeof body>, call: (orderId: string, b: Record<string, unknown>, opts: ReturnType<typeof rpcOptions>) => Promise<{ order?: d.Order }>) =>
    app.post(`/api/v1/orders/:orderId/${action}`, { schema: { tags: ["orders"], ...secured, params: params("orderId"), body: schema } }, async (request) => {
      const caller = signedIn(request);
      const res = await call((request.params as { orderId: string }).orderId, (request.body ?? {}) as Record<string, unknown>, rpcOptions(request, caller));
      return { order: res.order ? json(d.OrderSchema, res.order) : null };
    });
  orderAction("dispatch", body({ teamIds: { type: "array", items: id, minItems: 1, maxItems: 20 }, note: text(500) }, ["teamIds"]), (orderId, b, o) => clients.dispatch.dispatchOrder({ orderId, teamIds: b.teamIds as string[], note: String(b.note ?? "") }, o)); // 派单
  orderAction("pool", body({ reason: text(500) }), (orderId, b, o) => clients.dispatch.poolOrder({ orderId, reason: String(b.reason ?? "") }, o)); // 转科协
  orderAction("claim", body({}), (orderId, _b, o) => clients.dispatch.claimOrder({ orderId }, o)); // 领单
  orderAction("accept", body({}), (orderId, _b, o) => clients.dispatch.acceptOrder({ orderId, teamId: o.actor.orgId }, o)); // 接单
  orderAction("decline", body({ reason: text(500) }, ["reason"]), (orderId, b, o) => clients.dispatch.declineOrder({ orderId, teamId: o.actor.orgId, reason: String(b.reason) }, o));
  orderAction("cancel", body({ reason: text(500) }, ["reason"]), (orderId, b, o) => clients.dispatch.cancelOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("reject", body({ reason: text(500) }, ["reason"]), (orderId, b, o) => clients.dispatch.rejectOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("rate", body({ score: { type: "integer", minimum: 1, maximum: 5 }, comment: text(500) }, ["score"]), (orderId, b, o) => clients.dispatch.rateOrder({ orderId, score: Number(b.score), comment: String(b.comment ?? "") }, o));

  // ---- activities (events) ------------------------------------------------------------------
  app.get("/api/v1/activities", { schema: { tags: ["activities"], ...secured, querystring: { type: "object", properties: { orgId: id, campaignId: text(80), teamId: id, page: { type: "integer", minimum: 0 }, pageSize: { type: "integer", minimum: 1, maximum: 200 } } } } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query as { orgId?: string; campaignId?: string; teamId?: string; page?: number; pageSize?: number };
    // A team's schedule: a leader or member asking for "their" activities gets their own team's.
    const teamId = q.teamId !== undefined && [Role.TEAM_LEADER, Role.TEAM_MEMBER].includes(caller.role) ? caller.orgId : (q.teamId ?? "");
    return json(e.ListActivitiesResponseSchema, await clients.events.listActivities({ orgId: q.orgId ?? "", campaignId: q.campaignId ?? "", teamId, page: q.page ?? 0, pageSize: q.pageSize ?? 20 }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/activities/:activityId", { schema: { tags: ["activities"], ...secured, params: params("activityId") } }, async (request) => {
    const caller = signedIn(request);
    return json(e.GetActivityResponseSchema, await clients.events.getActivity({ activityId: (request.params as { activityId: string }).activityId }, rpcOptions(request, caller)));
  });
  const sessionInput = body({ startsAt: { type: "string", format: "date-time" }, endsAt: { type: "string", format: "date-time" }, resourceId: id, place: text(100), capacity: { type: "integer", minimum: 1, maximum: 100000 } }, ["startsAt", "endsAt", "capacity"]);
  const activityBody = body(
    { title: text(100), theme: enumName(Theme, "THEME_"), format: enumName(Format, "FORMAT_"), audience: enumName(Audience, "AUDIENCE_"), orgId: id, campaignId: text(80), teamId: id, sessions: { type: "array", items: sessionInput, minItems: 1, maxItems: 20 } },
    ["title", "theme", "orgId", "sessions"],
  );
  const timestamp = (iso: string) => ({ seconds: BigInt(Math.floor(Date.parse(iso) / 1000)), nanos: 0 });
  app.post("/api/v1/activities", { schema: { tags: ["activities"], ...secured, body: activityBody } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body as { title: string; theme: string; format?: string; audience?: string; orgId: string; campaignId?: string; teamId?: string; sessions: { startsAt: string; endsAt: string; resourceId?: string; place?: string; capacity: number }[] };
    const place = (await clients.registry.getOrganization({ orgId: b.orgId }, rpcOptions(request, caller))).organization!.place;
    const sessions = b.sessions.map((x) => ({ startsAt: timestamp(x.startsAt), endsAt: timestamp(x.endsAt), resourceId: x.resourceId ?? "", place: x.place ?? "", capacity: x.capacity }));
    const request_ = { title: b.title, theme: enumValue(Theme, "THEME_", b.theme), format: enumValue(Format, "FORMAT_", b.format), audience: enumValue(Audience, "AUDIENCE_", b.audience), place, campaignId: b.campaignId ?? "", teamId: b.teamId ?? "", sessions };
    return json(e.PublishActivityResponseSchema, await clients.events.publishActivity(request_, rpcOptions(request, caller))); // 发布活动
  });
  app.get("/api/v1/activities/:activityId/attendance", { schema: { tags: ["activities"], ...secured, params: params("activityId") } }, async (request) => {
    const caller = signedIn(request);
    return json(e.ListAttendanceResponseSchema, await clients.events.listAttendance({ activityId: (request.params as { activityId: string }).activityId }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/activities/:activityId/summary", { schema: { tags: ["activities"], ...secured, params: params("activityId"), body: body({ text: text(5000), photoUrls: { type: "array", items: text(500), maxItems: 20 } }, ["text"]) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body as { text: string; photoUrls?: string[] };
    return json(e.FileSummaryResponseSchema, await clients.events.fileSummary({ activityId: (request.params as { activityId: string }).activityId, text: b.text, photoUrls: b.photoUrls ?? [] }, rpcOptions(request, caller))); // 图文总结
  });
  // 志愿服务时长: who served, what, from when to when; the events service rounds and records it.
  const hoursBody = body({ volunteerId: id, serviceContent: text(200), startedAt: { type: "string", format: "date-time" }, endedAt: { type: "string", format: "date-time" } }, ["volunteerId", "serviceContent", "startedAt", "endedAt"]);
  app.post("/api/v1/activities/:activityId/hours", { schema: { tags: ["activities"], ...secured, params: params("activityId"), body: hoursBody } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body as { volunteerId: string; serviceContent: string; startedAt: string; endedAt: string };
    const teamId = caller.role === Role.TEAM_LEADER ? caller.orgId : "";
    const input = { activityId: (request.params as { activityId: string }).activityId, volunteerId: b.volunteerId, teamId, serviceContent: b.serviceContent, startedAt: timestamp(b.startedAt), endedAt: timestamp(b.endedAt) };
    return json(e.RecordServiceHoursResponseSchema, await clients.events.recordServiceHours(input, rpcOptions(request, caller)));
  });
  // Summary photos arrive as the image itself (image/jpeg, image/png, image/webp; at most 2 MB).
  app.post("/api/v1/activities/:activityId/photos", { bodyLimit: 2 * 1024 * 1024 + 1, schema: { tags: ["activities"], ...secured, params: params("activityId") } }, async (request) => {
    const caller = signedIn(request);
    const content = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const contentType = String(request.headers["content-type"] ?? "").split(";")[0]!.trim();
    return json(e.UploadPhotoResponseSchema, await clients.events.uploadPhoto({ activityId: (request.params as { activityId: string }).activityId, contentType, content }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/photos/:photoId", { schema: { tags: ["activities"], ...secured, params: params("photoId") } }, async (request, reply) => {
    const caller = signedIn(request);
    const photo = await clients.events.getPhoto({ photoId: (request.params as { photoId: string }).photoId }, rpcOptions(request, caller));
    return reply.header("content-type", photo.contentType).header("cache-control", "private, max-age=86400").send(Buffer.from(photo.content));
  });
  app.post("/api/v1/activities/:activityId/complete", { schema: { tags: ["activities"], ...secured, params: params("activityId"), body: body({ walkIns: { type: "integer", minimum: 0, maximum: 100000 } }) } }, async (request) => {
    const caller = signedIn(request);
    const walkIns = Number((request.body as { walkIns?: number } | undefined)?.walkIns ?? 0);
    return json(e.CompleteActivityResponseSchema, await clients.events.completeActivity({ activityId: (request.params as { activityId: string }).activityId, walkIns }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/summaries/overdue", { schema: { tags: ["activities"], ...secured, querystring: { type: "object", properties: { orgId: id, campaignId: text(80) } } } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query as { orgId?: string; campaignId?: string };
    return json(e.ListOverdueSummariesResponseSchema, await clients.events.listOverdueSummaries({ orgId: q.orgId ?? caller.orgId, campaignId: q.campaignId ?? "" }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/activities/:activityId/sessions/:sessionId/bookings", { schema: { tags: ["activities"], ...secured, params: params("activityId", "sessionId") } }, async (request) => {
    const caller = signedIn(request);
    const { activityId, sessionId } = request.params as { activityId: string; sessionId: string };
    return json(e.BookResponseSchema, await clients.events.book({ activityId, sessionId }, rpcOptions(request, caller))); // 预约
  });
  app.get("/api/v1/me/bookings", { schema: { tags: ["activities"], ...secured } }, async (request) => {
    const caller = signedIn(request);
    return json(e.ListMyBookingsResponseSchema, await clients.events.listMyBookings({}, rpcOptions(request, caller)));
  });
  app.post("/api/v1/bookings/:bookingId/cancel", { schema: { tags: ["activities"], ...secured, params: params("bookingId"), body: body({ reason: text(200) }) } }, async (request) => {
    const caller = signedIn(request);
    const reason = String((request.body as { reason?: string } | undefined)?.reason ?? "");
    return json(e.CancelBookingResponseSchema, await clients.events.cancelBooking({ bookingId: (request.params as { bookingId: string }).bookingId, reason }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/bookings/:bookingId/check-in-token", { schema: { tags: ["activities"], ...secured, params: params("bookingId") } }, async (request) => {
    const caller = signedIn(request);
    return json(e.GetCheckInTokenResponseSchema, await clients.events.getCheckInToken({ bookingId: (request.params as { bookingId: string }).bookingId }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/check-ins", { schema: { tags: ["activities"], ...secured, body: body({ token: text(300), bookingId: id }) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body as { token?: string; bookingId?: string };
    return json(e.CheckInResponseSchema, await clients.events.checkIn({ token: b.token ?? "", bookingId: b.bookingId ?? "" }, rpcOptions(request, caller))); // 签到
  });

  // ---- statistics ---------------------------------------------------------------------------
  const sliceQuery = { type: "object", properties: { orgId: id, campaignId: text(80), format: { type: "string", enum: ["csv", "xlsx"] }, dimension: { type: "string", enum: ["district", "street", "community", "theme", "campaign"] } } } as const;
  const slice = (request: { query: unknown }) => {
    const q = request.query as { orgId?: string; campaignId?: string };
    // No org: the stats service answers for the reader's own subtree; one outside it is not found.
    return { orgId: q.orgId ?? "", campaignId: q.campaignId ?? "" };
  };
  const dimensionOf = (request: { query: unknown }) =>
    ({ district: s.Dimension.DISTRICT, street: s.Dimension.STREET, community: s.Dimension.COMMUNITY, theme: s.Dimension.THEME, campaign: s.Dimension.CAMPAIGN })[(request.query as { dimension?: string }).dimension ?? "district"] ?? s.Dimension.DISTRICT;
  const exportFormat = (format: string | undefined) => (format === "xlsx" ? s.ExportFormat.XLSX : s.ExportFormat.CSV);
  /** An export answered as a file to save under the stats service's name for it. */
  const attachment = (reply: FastifyReply, file: { filename: string; contentType: string; content: Uint8Array }) =>
    reply.header("content-type", file.contentType).header("content-disposition", `attachment; filename="${file.filename}"`).send(Buffer.from(file.content));
  app.get("/api/v1/stats/figures", { schema: { tags: ["stats"], ...secured, querystring: sliceQuery } }, async (request) => {
    const caller = signedIn(request);
    const sl = slice(request);
    return json(s.GetFiguresResponseSchema, await clients.stats.getFigures({ slice: sl }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/stats/export", { schema: { tags: ["stats"], ...secured, querystring: sliceQuery } }, async (request, reply) => {
    const caller = signedIn(request);
    const sl = slice(request);
    const q = request.query as { format?: string };
    const file = await clients.stats.exportFigures({ format: exportFormat(q.format), dimension: dimensionOf(request), slice: sl }, rpcOptions(request, caller));
    return attachment(reply, file);
  });
  const annualQuery = { type: "object", required: ["year"], properties: { year: { type: "integer", minimum: 2000, maximum: 2100 }, orgId: id, format: sliceQuery.properties.format } } as const;
  app.get("/api/v1/stats/annual-return", { schema: { tags: ["stats"], ...secured, querystring: annualQuery } }, async (request, reply) => {
    const caller = signedIn(request);
    const { orgId } = slice(request);
    const q = request.query as { year: number; format?: string };
    const file = await clients.stats.exportAnnualReturn({ year: q.year, orgId, format: exportFormat(q.format) }, rpcOptions(request, caller)); // 科普统计年报
    return attachment(reply, file);
  });
  app.get("/api/v1/stats/breakdown", { schema: { tags: ["stats"], ...secured, querystring: sliceQuery } }, async (request) => {
    const caller = signedIn(request);
    const sl = slice(request);
    return json(s.GetBreakdownResponseSchema, await clients.stats.getBreakdown({ dimension: dimensionOf(request), slice: sl }, rpcOptions(request, caller)));
  });
  // The live dashboard: server-sent events relayed from the stats service's WatchFigures stream.
  app.get("/api/v1/stats/live", { schema: { tags: ["stats"], ...secured, querystring: sliceQuery } }, async (request, reply) => {
    const caller = signedIn(request);
    const sl = slice(request);
    const abort = new AbortController();
    request.raw.on("close", () => abort.abort());
    const feed = clients.stats.watchFigures({ slice: sl }, { ...rpcOptions(request, caller), signal: abort.signal })[Symbol.asyncIterator]();
    // The first figures come before the stream opens: a slice the reader may not see is answered
    // as an error (not found), not as a 200 stream carrying one.
    const first = await feed.next();
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-correlation-id": request.id });
    const heartbeat = setInterval(() => reply.raw.write(": heartbeat\n\n"), 15_000);
    const send = (figures: s.Figures | undefined) => reply.raw.write(`event: figures\ndata: ${JSON.stringify(json(s.FiguresSchema, figures ?? create(s.FiguresSchema)))}\n\n`);
    try {
      if (!first.done) send(first.value.figures);
      for (let next = await feed.next(); !next.done; next = await feed.next()) send(next.value.figures);
    } catch (error) {
      if (!abort.signal.aborted) reply.raw.write(`event: error\ndata: ${JSON.stringify({ code: "STATS_UNAVAILABLE", message: "统计服务暂不可用 / Stats service unavailable" })}\n\n`);
      request.log.warn({ err: error }, "live feed ended");
    } finally {
      clearInterval(heartbeat);
      reply.raw.end();
    }
  });
}
