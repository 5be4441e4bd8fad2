// The WebhooksService edge: "webhook.manage" (associations for their subtree, admins) on every
// call, validated input, then the store and the worker. A subscription outside the caller's reach
// is not found, as every refused read.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { accessErrors, can, requireAccess, roleMay, type Who } from "@kepu/access";
import { contractsRegistry } from "@kepu/contracts";
import { DeliveryStatus, type DeliverySchema, type SubscriptionSchema, type WebhooksService } from "@kepu/contracts/notifications/v1/webhooks_pb";
import { kepuError } from "@kepu/errors";
import type { ServiceImplementation } from "@kepu/rpc";
import type { Clock } from "@kepu/calendar/clock";
import type { DeliveryDoc, SubscriptionDoc, WebhookStore } from "./store.js";
import type { WebhookWorker } from "./worker.js";

const statusOf = { pending: DeliveryStatus.PENDING, delivered: DeliveryStatus.DELIVERED, failed: DeliveryStatus.FAILED } as const;
const idPattern = /^[A-Za-z0-9_.:-]{1,120}$/;

export const webhookErrors = {
  notFound: () => kepuError("not_found", "SUBSCRIPTION_NOT_FOUND", "没有这个 Webhook 订阅", "No such webhook subscription"),
  deliveryNotFound: () => kepuError("not_found", "DELIVERY_NOT_FOUND", "没有这条投递记录", "No such delivery"),
  badUrl: () => kepuError("invalid", "BAD_WEBHOOK_URL", "接收地址须为 http(s) 网址", "The receiver's URL must be an http(s) URL", "url"),
  badType: (type: string) => kepuError("invalid", "UNKNOWN_EVENT_TYPE", `没有这种事件：${type}`, `No such event type: ${type}`, "eventTypes"),
  unknownOrg: () => kepuError("invalid", "ORG_UNKNOWN", "没有这个组织", "No such organization", "orgId"),
  disabled: () => kepuError("conflict", "SUBSCRIPTION_DISABLED", "订阅已停用，请先启用再重新投递", "The subscription is disabled: enable it before redelivering"),
  badPage: () => kepuError("invalid", "BAD_PAGE", "页码须 ≥ 0，每页条数须在 1 到 200 之间", "Page must be ≥ 0 and page size 1 to 200", "pageSize"),
};

export function subscriptionMessage(s: SubscriptionDoc): MessageInitShape<typeof SubscriptionSchema> {
  return { subscriptionId: s._id, orgId: s.orgId, eventTypes: s.eventTypes, url: s.url, enabled: s.enabled, disabledReason: s.disabledReason, consecutiveFailures: s.consecutiveFailures, ownerId: s.ownerId, createdAt: timestampFromDate(s.createdAt) };
}

export function deliveryMessage(d: DeliveryDoc): MessageInitShape<typeof DeliverySchema> {
  return {
    deliveryId: d._id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: statusOf[d.state],
    attempts: d.attempts.map((a) => ({ at: timestampFromDate(a.at), statusCode: a.statusCode, error: a.error })),
    ...(d.nextAttemptAt ? { nextAttemptAt: timestampFromDate(d.nextAttemptAt) } : {}),
    createdAt: timestampFromDate(d.createdAt),
    redeliveryOf: d.redeliveryOf,
  };
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw webhookErrors.badUrl();
  }
  if ((parsed.protocol !== "https:" && parsed.protocol !== "http:") || url.length > 2_000 || parsed.username || parsed.password) throw webhookErrors.badUrl();
  return parsed.toString();
}

export function webhooksService(store: WebhookStore, worker: WebhookWorker, clock: Clock): ServiceImplementation<typeof WebhooksService> {
  /** The caller may manage webhooks at all (else refused before anything is read). */
  const manager = (actor: Who | undefined): Who => {
    if (!actor?.id) throw accessErrors.signIn();
    if (!roleMay("webhook.manage", actor.role)) throw accessErrors.role();
    return actor;
  };
  /** The subscription, if the caller may manage it; a deleted one only for a repeated delete. */
  const reachable = async (actor: Who | undefined, subscriptionId: string, deletedToo = false): Promise<SubscriptionDoc> => {
    const who = manager(actor);
    const subscription = idPattern.test(subscriptionId) ? await store.subscription(subscriptionId) : undefined;
    if (!subscription || (subscription.deleted && !deletedToo) || !can("webhook.manage", who, { path: subscription.orgPath })) throw webhookErrors.notFound();
    return subscription;
  };

  return {
    async createSubscription(request, context) {
      const who = manager(context.actor);
      const url = checkUrl(request.url.trim());
      const eventTypes = [...new Set(request.eventTypes)];
      for (const type of eventTypes) if (!contractsRegistry.getMessage(type)) throw webhookErrors.badType(type.slice(0, 100));
      if (request.orgId && !idPattern.test(request.orgId)) throw webhookErrors.unknownOrg();
      const orgPath = await store.orgPath(request.orgId);
      if (request.orgId && orgPath.length === 0) throw webhookErrors.unknownOrg();
      requireAccess("webhook.manage", who, { path: orgPath }); // every event (no org): admins only
      const { subscription, secret } = await store.create({ orgId: request.orgId, orgPath, eventTypes, url, ownerId: who.id, ownerOrgId: who.orgId }, clock());
      return { subscription: subscriptionMessage(subscription), secret };
    },
    async listSubscriptions(request, context) {
      const who = manager(context.actor);
      const mine = (await store.all()).filter((s) => can("webhook.manage", who, { path: s.orgPath }) && (!request.orgId || s.orgPath.includes(request.orgId)));
      return { subscriptions: mine.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? -1 : 1)).map(subscriptionMessage) };
    },
    async setSubscriptionEnabled(request, context) {
      const subscription = await reachable(context.actor, request.subscriptionId);
      const reason = request.enabled ? "" : "由管理者停用 / disabled by its manager";
      return { subscription: subscriptionMessage((await store.setEnabled(subscription._id, request.enabled, reason))!) };
    },
    async deleteSubscription(request, context) {
      await store.delete((await reachable(context.actor, request.subscriptionId, true))._id); // a repeated delete answers alike
      return {};
    },
    async listDeliveries(request, context) {
      const subscription = await reachable(context.actor, request.subscriptionId);
      const size = request.pageSize || 20;
      if (request.page < 0 || size < 1 || size > 200) throw webhookErrors.badPage();
      const { deliveries, total } = await store.page(subscription._id, request.page, size);
      return { deliveries: deliveries.map(deliveryMessage), total };
    },
    async redeliver(request, context) {
      manager(context.actor);
      const original = idPattern.test(request.deliveryId) ? await store.delivery(request.deliveryId) : undefined;
      if (!original) throw webhookErrors.deliveryNotFound();
      const subscription = await reachable(context.actor, original.subscriptionId).catch(() => {
        throw webhookErrors.deliveryNotFound();
      });
      if (!subscription.enabled) throw webhookErrors.disabled();
      return { delivery: deliveryMessage(await worker.redeliver(original)) };
    },
  };
}
