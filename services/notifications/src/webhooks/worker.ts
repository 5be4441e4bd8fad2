// The webhooks' use cases: an event becomes one delivery per matching subscription (from the
// consumer); the timer POSTs due deliveries, signed, and retries or gives up per the rules; a
// subscription failing N times in a row is disabled and its owner told in-app.
import { randomUUID } from "node:crypto";
import { isMessage, toJson, type Message } from "@bufbuild/protobuf";
import { occurredAt, type ConsumedEvent } from "@kepu/bus";
import { contractsRegistry } from "@kepu/contracts";
import { OrganizationRegisteredSchema } from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Clock } from "@kepu/calendar/clock";
import { orgBox, personBox, type Draft } from "../domain/rules.js";
import type { DueStore } from "../store/due-store.js";
import { inParallel, toStored, type InboxStore } from "../store/inbox-store.js";
import type { ReadModel } from "../store/read-model.js";
import { afterAttempt, disabledNotice, matches, nextAttempt, sign, signatureHeader, succeeded, type RetryPolicy } from "./domain.js";
import { placeOf } from "./places.js";
import { deliveryId, type DeliveryDoc, type SubscriptionDoc, type WebhookStore } from "./store.js";

export interface WebhookSettings {
  retry: RetryPolicy;
  /** Consecutive failed attempts after which a subscription is disabled. */
  maxFailures: number;
  /** How long a receiver has to answer one POST. */
  timeoutMs: number;
}

/** The timer's kind in the due store; its ids are "<delivery id>#<attempts made>", one per try. */
const dueKind = "webhook";
const dueId = (delivery: string, attempts: number) => `${delivery}#${attempts}`;

/** The JSON body a receiver gets: the envelope's fields and the payload as protobuf JSON. */
export function bodyOf(event: ConsumedEvent): string {
  const { envelope } = event;
  const schema = contractsRegistry.getMessage(envelope.type);
  return JSON.stringify({
    eventId: envelope.eventId,
    type: envelope.type,
    source: envelope.source,
    aggregateId: envelope.aggregateId,
    aggregateVersion: Number(envelope.aggregateVersion),
    occurredAt: occurredAt(envelope).toISOString(),
    correlationId: envelope.correlationId,
    payload: schema ? toJson(schema, event.payload as Message, { registry: contractsRegistry }) : {},
  });
}

export class WebhookWorker {
  constructor(
    private readonly store: WebhookStore,
    private readonly due: DueStore,
    private readonly inbox: InboxStore,
    private readonly readModel: ReadModel,
    private readonly settings: WebhookSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Every event of the bus (after the service's own handlers): the org tree's paths kept, then
   * one pending delivery per matching subscription. Idempotent: a delivery's id is its
   * subscription's and event's, so a redelivered event adds nothing.
   */
  async onEvent(event: ConsumedEvent): Promise<void> {
    if (isMessage(event.payload, OrganizationRegisteredSchema)) await this.store.setOrgPath(event.payload.orgId, event.payload.place?.path ?? []);
    const subscriptions = (await this.store.all()).filter((s) => s.enabled);
    if (subscriptions.length === 0) return;
    const path = await placeOf(event.payload as Message, this.readModel, this.store);
    const wanted = subscriptions.filter((s) => matches(s, { type: event.envelope.type, path }));
    if (wanted.length === 0) return;
    const body = bodyOf(event);
    const now = this.clock();
    for (const subscription of wanted) {
      await this.enqueue({ _id: deliveryId(subscription._id, event.envelope.eventId), subscriptionId: subscription._id, eventId: event.envelope.eventId, eventType: event.envelope.type, body, state: "pending", attempts: [], nextAttemptAt: now, createdAt: now, redeliveryOf: "" });
    }
  }

  /** The same event sent again as a new delivery (the log's "redeliver"), tried at once. */
  async redeliver(original: DeliveryDoc): Promise<DeliveryDoc> {
    const now = this.clock();
    const delivery: DeliveryDoc = { ...original, _id: randomUUID(), state: "pending", attempts: [], nextAttemptAt: now, createdAt: now, redeliveryOf: original._id };
    await this.enqueue(delivery);
    return delivery;
  }

  private async enqueue(delivery: DeliveryDoc): Promise<void> {
    // Filed first: a crash after it leaves a due id that finds no delivery (dropped), never a delivery never tried.
    await this.due.file(dueKind, delivery.nextAttemptAt!, [dueId(delivery._id, 0)]);
    await this.store.addDelivery(delivery);
  }

  /** One timer pass: every delivery due by now is tried; returns how many were handled. */
  run(): Promise<number> {
    const now = this.clock();
    return this.due.drain(dueKind, now, async (ids) => {
      const done: string[] = [];
      await inParallel(ids, 8, async (id) => {
        if (await this.tryOne(id, now)) done.push(id);
      });
      return done;
    });
  }

  /** Tries the delivery a due id names; false when it is not due yet (the id stays filed). */
  private async tryOne(id: string, now: Date): Promise<boolean> {
    const cut = id.lastIndexOf("#");
    const [deliveryKey, made] = [id.slice(0, cut), Number(id.slice(cut + 1))];
    const delivery = await this.store.delivery(deliveryKey);
    if (!delivery || delivery.state !== "pending" || delivery.attempts.length !== made) return true; // already tried, or gone
    if (delivery.nextAttemptAt && delivery.nextAttemptAt > now) return false;
    const subscription = await this.store.subscription(delivery.subscriptionId);
    if (!subscription?.enabled) {
      await this.store.giveUp(delivery._id);
      return true;
    }
    const attempt = await this.post(subscription, delivery, now);
    const ok = succeeded(attempt.statusCode);
    const failures = delivery.attempts.filter((a) => !succeeded(a.statusCode)).length + (ok ? 0 : 1);
    const next = ok ? undefined : nextAttempt(delivery.createdAt, failures, now, this.settings.retry);
    // The next try is filed before this one is recorded: a crash between them tries this one again, never none.
    if (next) await this.due.file(dueKind, next, [dueId(delivery._id, made + 1)]);
    await this.store.recordAttempt(delivery._id, attempt, ok ? "delivered" : next ? "pending" : "failed", next ?? null);
    const notice = disabledNotice(subscription.url, this.settings.maxFailures);
    const counted = await this.store.countAttempt(subscription._id, (before) => ({ ...afterAttempt(before, ok, this.settings.maxFailures), reason: notice.reason }));
    if (counted?.disabledNow) await this.tellOwner(counted.subscription, now);
    this.log.info({ subscriptionId: subscription._id, deliveryId: delivery._id, eventId: delivery.eventId, statusCode: attempt.statusCode, next: next?.toISOString() }, ok ? "webhook delivered" : "webhook attempt failed");
    return true;
  }

  private async post(subscription: SubscriptionDoc, delivery: DeliveryDoc, now: Date): Promise<{ at: Date; statusCode: number; error: string }> {
    try {
      const response = await fetch(subscription.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "Kepu-Webhooks/1",
          [signatureHeader]: sign(this.store.secretOf(subscription), delivery.body, now),
          "kepu-event-id": delivery.eventId,
          "kepu-delivery-id": delivery._id,
        },
        body: delivery.body,
      });
      await response.body?.cancel();
      return { at: now, statusCode: response.status, error: succeeded(response.status) ? "" : `HTTP ${response.status}` };
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      return { at: now, statusCode: 0, error: cause.slice(0, 300) };
    }
  }

  /** The disabled subscription's notice, in its creator's inbox and her org's (once per disabling). */
  private async tellOwner(subscription: SubscriptionDoc, now: Date): Promise<void> {
    const text = disabledNotice(subscription.url, this.settings.maxFailures);
    const draft = (mailbox: Draft["mailbox"]): Draft => ({ mailbox, kind: "webhook.disabled", title: text.title, body: text.body, titleEn: text.titleEn, bodyEn: text.bodyEn, orderId: "", activityId: "", sms: false });
    const drafts = [personBox(subscription.ownerId), ...(subscription.ownerOrgId ? [orgBox(subscription.ownerOrgId)] : [])].filter((m) => !m.endsWith(":")).map(draft);
    await this.inbox.deliver(drafts.map((d) => toStored(d, `webhook-disabled:${subscription._id}:${now.getTime()}`, now)));
    this.log.warn({ subscriptionId: subscription._id, failures: this.settings.maxFailures }, "webhook subscription disabled");
  }
}
