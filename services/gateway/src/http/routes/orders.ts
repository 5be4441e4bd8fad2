// Orders (dispatch): 点单, the inbox and the pool, 派单 · 领单 · 接单 and the rest of an order's life.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type, type Static, type TSchema } from "typebox";
import { v7 as uuidv7 } from "uuid";
import { requireAccess } from "@kepu/access";
import { Audience, Format, Theme, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import type { Caller } from "../../auth/tokens.js";
import { ConsentMethod, OrderStatus, PlacerCapacity } from "@kepu/contracts/dispatch/v1/events_pb";
import { kepuError } from "@kepu/errors";
import { maskPhone } from "@kepu/privacy";
import { residentIdOf } from "../../auth/accounts.js";
import * as d from "@kepu/contracts/dispatch/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, dateTime, enumName, enumValue, id, idempotencyHeader, paging, params, protoJson, protoJsonWith, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const orderStatuses = Object.keys(OrderStatus).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED");
const statusList = Type.String({
  pattern: `^(${orderStatuses.join("|")})(,(${orderStatuses.join("|")}))*$`,
  description: `一个或多个状态，逗号分隔 / one or more statuses, comma-separated: ${orderStatuses.join(", ")}`,
});

// 代点单: a community worker (as 社区工作者, 网格员 or 科普中国信息员) orders for a resident of her
// community — one with an account (picked from GET /api/v1/residents) or a person without one.
const onBehalfOf = Type.Object(
  {
    residentId: Type.Optional(id("已有账号的居民（GET /api/v1/residents 查得）/ a resident with an account, from GET /api/v1/residents")),
    name: Type.Optional(text(20, "没有账号的居民的姓名 / the name of a person without an account")),
    phone: Type.Optional(text(20, "没有账号的居民的手机号（可选：有则短信告知）/ her mobile number, optional: she is told by SMS")),
    consent: Type.Optional({ ...enumName(ConsentMethod, "CONSENT_METHOD_"), description: "必填：居民如何同意（口头/电话/书面），缺少时答 400 CONSENT_REQUIRED / required: how she agreed; without it 400 CONSENT_REQUIRED" }),
    consentNote: Type.Optional(text(200, "同意说明（可选）/ a note on the consent, optional")),
    capacity: Type.Optional({ ...enumName(PlacerCapacity, "PLACER_CAPACITY_"), description: "以何身份代点单（默认社区工作者）/ in what capacity: community worker (default), grid worker, informant" }),
  },
  { additionalProperties: false, description: "代点单：社区工作者为本社区居民点单 / order on behalf of a resident of the worker's community" },
);

const orderBody = strictObject({
  menuItemId: Type.Optional(id("菜单项 / the menu item")),
  title: Type.Optional(text(100)),
  description: Type.Optional(text(2000)),
  theme: enumName(Theme, "THEME_"),
  format: Type.Optional(enumName(Format, "FORMAT_")),
  audience: Type.Optional(enumName(Audience, "AUDIENCE_")),
  expectedParticipants: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  preferredDate: Type.Optional(dateTime()),
  communityId: id("下单的社区 / the ordering community"),
  campaignId: Type.Optional(text(80)),
  onBehalfOf: Type.Optional(onBehalfOf),
});

const phonePattern = /^1[3-9]\d{9}$/;
const residentFound = Type.Object({ residentId: Type.String(), displayName: Type.String(), phoneMasked: Type.String({ description: "138****5678" }), communityId: Type.String() });

const orders: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients, deps }) => {
  const tags = ["orders"];

  /**
   * The resident an order is placed for: an account from the directory (only for those who may
   * find residents there), or a person without one — her id from her phone when she gave one (the
   * id she gets when she signs in with it), else one of her own. The phone itself never leaves for dispatch.
   */
  async function residentFor(asked: Static<typeof onBehalfOf>, communityId: string, community: OrgPlace | undefined, caller: Caller) {
    const phone = asked.phone?.trim() ?? "";
    if (phone && !phonePattern.test(phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "onBehalfOf.phone");
    if (asked.residentId) requireAccess("resident.find", caller, { path: community?.path ?? [], orgId: communityId });
    const account = asked.residentId ? await deps.residents.get(asked.residentId) : phone ? await deps.residents.get(residentIdOf(phone)) : undefined;
    if (asked.residentId && !account) throw kepuError("invalid", "RESIDENT_NOT_FOUND", "找不到该居民，请重新搜索", "No such resident; search again", "onBehalfOf.residentId");
    const fields = {
      residentId: account?._id ?? (phone ? residentIdOf(phone) : `offline-${uuidv7()}`),
      residentName: account && !asked.name ? account.displayName : (asked.name ?? ""),
      residentHasAccount: !!account,
      residentCommunityId: account?.communityId ?? communityId,
      residentPhoneMasked: account?.phoneMasked ?? (phone ? maskPhone(phone) : ""),
      consent: enumValue(ConsentMethod, "CONSENT_METHOD_", asked.consent),
      consentNote: asked.consentNote ?? "",
      capacity: enumValue(PlacerCapacity, "PLACER_CAPACITY_", asked.capacity),
    };
    return { fields, phone: account ? "" : phone };
  }

  // 代点单: a community worker finds a resident of her community by name (phones masked); audited as a read of personal data.
  const residentQuery = strictObject({ communityId: id("居民所在社区 / the residents' community"), name: Type.Optional(text(20, "姓名中的字 / part of the name")) });
  app.get("/api/v1/residents", { schema: { tags, ...secured, querystring: residentQuery, response: answers(Type.Object({ residents: Type.Array(residentFound) })) } }, async (request) => {
    const caller = signedIn(request);
    const { communityId, name } = request.query;
    const community = (await clients.registry.getOrganization({ orgId: communityId }, rpcOptions(request, caller))).organization?.place;
    requireAccess("resident.find", caller, { path: community?.path ?? [], orgId: communityId });
    const found = await deps.residents.search(communityId, name ?? "");
    return { residents: found.map((r) => ({ residentId: r._id, displayName: r.displayName, phoneMasked: r.phoneMasked, communityId: r.communityId })) };
  });

  app.post("/api/v1/orders", { config: { idempotent: true }, schema: { tags, ...secured, headers: idempotencyHeader, body: orderBody, response: answers(protoJson(d.SubmitOrderResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const community = (await clients.registry.getOrganization({ orgId: b.communityId }, rpcOptions(request, caller))).organization?.place;
    const preferredDate = b.preferredDate ? { seconds: BigInt(Math.floor(Date.parse(b.preferredDate) / 1000)), nanos: 0 } : undefined;
    // 代点单: the resident is named here; dispatch decides whether this caller may order for her.
    const orderId = b.onBehalfOf ? uuidv7() : "";
    const onBehalf = b.onBehalfOf ? await residentFor(b.onBehalfOf, b.communityId, community, caller) : undefined;
    if (onBehalf?.phone) {
      // Her number goes to the notifications service only (kept encrypted), before the order exists, so its first SMS finds it.
      await clients.notifications.noteOrderContact({ orderId, personId: onBehalf.fields.residentId, phone: onBehalf.phone }, rpcOptions(request, caller));
    }
    const res = await clients.dispatch.submitOrder(
      {
        ...(onBehalf ? { orderId, onBehalf: onBehalf.fields } : {}),
        campaignId: b.campaignId ?? "",
        request: {
          menuItemId: b.menuItemId ?? "",
          title: b.title ?? "",
          description: b.description ?? "",
          theme: enumValue(Theme, "THEME_", b.theme),
          format: enumValue(Format, "FORMAT_", b.format),
          audience: enumValue(Audience, "AUDIENCE_", b.audience),
          expectedParticipants: b.expectedParticipants ?? 0,
          ...(community ? { community } : {}),
          ...(preferredDate ? { preferredDate } : {}),
        },
      },
      rpcOptions(request, caller),
    );
    return json(d.SubmitOrderResponseSchema, res);
  });
  const listQuery = strictObject({ orgId: Type.Optional(id()), teamId: Type.Optional(id()), status: Type.Optional(statusList), ...paging });
  const listAnswer = protoJsonWith(d.ListOrdersResponseSchema, { page: { type: "integer" }, pageSize: { type: "integer" } }, ["page", "pageSize"]);
  app.get("/api/v1/orders", { schema: { tags, ...secured, querystring: listQuery, response: answers(listAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    // "SUBMITTED,POOLED": several statuses at once (a worker's inbox, the association's pool).
    const statuses = (q.status ? q.status.split(",") : []).map((name) => OrderStatus[name as keyof typeof OrderStatus]);
    const page = q.page ?? 0;
    const pageSize = q.pageSize ?? 20;
    // Dispatch lists only what is within the caller's reach; orgId and teamId narrow it.
    const res = await clients.dispatch.listOrders({ orgId: q.orgId ?? "", teamId: q.teamId ?? "", statuses, page, pageSize }, rpcOptions(request, caller));
    return { ...(json(d.ListOrdersResponseSchema, res) as object), page, pageSize };
  });
  app.get("/api/v1/orders/:orderId", { schema: { tags, ...secured, params: params("orderId"), response: answers(protoJson(d.GetOrderResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(d.GetOrderResponseSchema, await clients.dispatch.getOrder({ orderId: request.params.orderId }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/orders/:orderId/suggestions", { schema: { tags, ...secured, params: params("orderId"), response: answers(protoJson(d.SuggestTeamsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(d.SuggestTeamsResponseSchema, await clients.dispatch.suggestTeams({ orderId: request.params.orderId, limit: 10 }, rpcOptions(request, caller)));
  });

  const orderAnswer = answers(Type.Object({ order: Type.Optional(protoJson(d.OrderSchema)) }));
  const orderAction = <B extends TSchema>(action: string, body: B, call: (orderId: string, b: Record<string, unknown>, opts: ReturnType<typeof rpcOptions>) => Promise<{ order?: d.Order }>) =>
    app.post(`/api/v1/orders/:orderId/${action}`, { schema: { tags, ...secured, params: params("orderId"), body, response: orderAnswer } }, async (request) => {
      const caller = signedIn(request);
      const res = await call(request.params.orderId, (request.body ?? {}) as Record<string, unknown>, rpcOptions(request, caller));
      return res.order ? { order: json(d.OrderSchema, res.order) } : {};
    });
  const reason = (required: boolean) => strictObject({ reason: required ? text(500) : Type.Optional(text(500)) });
  const teamIds = Type.Array(id(), { minItems: 1, maxItems: 20 });
  orderAction("dispatch", strictObject({ teamIds, note: Type.Optional(text(500)) }), (orderId, b, o) => clients.dispatch.dispatchOrder({ orderId, teamIds: b.teamIds as string[], note: String(b.note ?? "") }, o)); // 派单
  orderAction("pool", reason(false), (orderId, b, o) => clients.dispatch.poolOrder({ orderId, reason: String(b.reason ?? "") }, o)); // 转科协
  orderAction("claim", strictObject({}), (orderId, _b, o) => clients.dispatch.claimOrder({ orderId }, o)); // 领单
  orderAction("accept", strictObject({}), (orderId, _b, o) => clients.dispatch.acceptOrder({ orderId, teamId: o.actor.orgId }, o)); // 接单
  orderAction("decline", reason(true), (orderId, b, o) => clients.dispatch.declineOrder({ orderId, teamId: o.actor.orgId, reason: String(b.reason) }, o));
  orderAction("cancel", reason(true), (orderId, b, o) => clients.dispatch.cancelOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("reject", reason(true), (orderId, b, o) => clients.dispatch.rejectOrder({ orderId, reason: String(b.reason) }, o));
  orderAction("rate", strictObject({ score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(text(500)) }), (orderId, b, o) => clients.dispatch.rateOrder({ orderId, score: Number(b.score), comment: String(b.comment ?? "") }, o));
};

export default orders;
