// Webhooks' documents: subscriptions (the secret sealed), deliveries (one per subscription ×
// event), each subscription's delivery log, and the org tree's paths — every read by _id alone
// (FerretDB pushes down nothing else).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { MongoServerError, type Binary, type Collection, type Db } from "mongodb";
import { serializedWrite } from "@kepu/mongo";
import type { PhoneCipher } from "../store/sms-store.js";

export interface SubscriptionDoc {
  _id: string;
  /** Events placed at or below this org; "" = every event (admins only). */
  orgId: string;
  /** Where `orgId` sits (it and its ancestors): what "webhook.manage" is checked against. */
  orgPath: string[];
  eventTypes: string[];
  url: string;
  /** The HMAC key, AES-256-GCM sealed; never logged, answered only at creation. */
  secret: Binary;
  enabled: boolean;
  disabledReason: string;
  consecutiveFailures: number;
  ownerId: string;
  ownerOrgId: string;
  createdAt: Date;
  /** Deleted: kept (its log stays readable to no one, a repeated delete answers alike), never listed or sent to. */
  deleted?: boolean;
}

export type DeliveryState = "pending" | "delivered" | "failed";

export interface AttemptDoc {
  at: Date;
  statusCode: number;
  error: string;
}

export interface DeliveryDoc {
  _id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** The JSON body exactly as sent (and signed) on every attempt. */
  body: string;
  state: DeliveryState;
  attempts: AttemptDoc[];
  nextAttemptAt: Date | null;
  createdAt: Date;
  redeliveryOf: string;
}

/** A subscription's delivery ids, oldest first: its log, paged without a scan. */
interface LogDoc {
  _id: string;
  ids: string[];
}

interface OrgPathDoc {
  _id: string;
  path: string[];
}

/** How many deliveries a subscription's log keeps listed. */
export const logCap = 1_000;

/** The delivery of an event to a subscription: a redelivered event finds it already there. */
export function deliveryId(subscriptionId: string, eventId: string): string {
  return createHash("sha256").update(`${subscriptionId}\u0000${eventId}`).digest("base64url").slice(0, 22);
}

export class WebhookStore {
  readonly subscriptions: Collection<SubscriptionDoc>;
  readonly deliveries: Collection<DeliveryDoc>;
  private readonly logs: Collection<LogDoc>;
  private readonly orgPaths: Collection<OrgPathDoc>;

  constructor(
    db: Db,
    private readonly cipher: PhoneCipher,
  ) {
    this.subscriptions = db.collection<SubscriptionDoc>("webhook_subscriptions");
    this.deliveries = db.collection<DeliveryDoc>("webhook_deliveries");
    this.logs = db.collection<LogDoc>("webhook_logs");
    this.orgPaths = db.collection<OrgPathDoc>("webhook_org_paths");
  }

  // ---- the org tree, from the registry's events ------------------------------------------------
  async setOrgPath(orgId: string, path: string[]): Promise<void> {
    if (orgId && path.length > 0) await this.orgPaths.updateOne({ _id: orgId }, { $set: { path } }, { upsert: true });
  }

  async orgPath(orgId: string): Promise<string[]> {
    return orgId ? ((await this.orgPaths.findOne({ _id: orgId }))?.path ?? []) : [];
  }

  // ---- subscriptions ---------------------------------------------------------------------------
  /** A new subscription and its secret (answered this once). */
  async create(fields: Pick<SubscriptionDoc, "orgId" | "orgPath" | "eventTypes" | "url" | "ownerId" | "ownerOrgId">, now: Date): Promise<{ subscription: SubscriptionDoc; secret: string }> {
    const secret = `whsec_${randomBytes(24).toString("base64url")}`;
    const subscription: SubscriptionDoc = { _id: randomUUID(), ...fields, secret: this.cipher.seal(secret), enabled: true, disabledReason: "", consecutiveFailures: 0, createdAt: now };
    await this.subscriptions.insertOne(subscription);
    return { subscription, secret };
  }

  async subscription(id: string): Promise<SubscriptionDoc | undefined> {
    return (await this.subscriptions.findOne({ _id: id })) ?? undefined;
  }

  /** Every subscription not deleted: they are few (one per connected system), so they are read whole. */
  async all(): Promise<SubscriptionDoc[]> {
    return (await this.subscriptions.find({}).toArray()).filter((s) => !s.deleted);
  }

  secretOf(subscription: SubscriptionDoc): string {
    return this.cipher.open(subscription.secret);
  }

  async setEnabled(id: string, enabled: boolean, reason = ""): Promise<SubscriptionDoc | undefined> {
    const fields = enabled ? { enabled, disabledReason: "", consecutiveFailures: 0 } : { enabled, disabledReason: reason };
    return (await this.subscriptions.findOneAndUpdate({ _id: id }, { $set: fields }, { returnDocument: "after" })) ?? undefined;
  }

  /**
   * Records one attempt's outcome on the subscription: `decide` gets the failures so far and says
   * what they become. Serialized per subscription, so parallel deliveries count every failure.
   */
  async countAttempt(id: string, decide: (failures: number) => { consecutiveFailures: number; disable: boolean; reason: string }): Promise<{ subscription: SubscriptionDoc; disabledNow: boolean } | undefined> {
    return serializedWrite(this.subscriptions.collectionName, id, async () => {
      const doc = await this.subscriptions.findOne({ _id: id });
      if (!doc) return undefined;
      const next = decide(doc.consecutiveFailures);
      const disabledNow = doc.enabled && next.disable;
      const fields = disabledNow ? { consecutiveFailures: next.consecutiveFailures, enabled: false, disabledReason: next.reason } : { consecutiveFailures: next.consecutiveFailures };
      await this.subscriptions.updateOne({ _id: id }, { $set: fields });
      return { subscription: { ...doc, ...fields }, disabledNow };
    });
  }

  async delete(id: string): Promise<void> {
    await this.subscriptions.updateOne({ _id: id }, { $set: { deleted: true, enabled: false, disabledReason: "已删除 / deleted" } });
  }

  // ---- deliveries ------------------------------------------------------------------------------
  /** Stores a delivery unless it is there already (a redelivered event), and lists it in its subscription's log. */
  async addDelivery(delivery: DeliveryDoc): Promise<void> {
    try {
      await this.deliveries.insertOne(delivery);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      // There already: still logged (a crash may have come between the two writes).
    }
    await this.log(delivery.subscriptionId, delivery._id);
  }

  async delivery(id: string): Promise<DeliveryDoc | undefined> {
    return (await this.deliveries.findOne({ _id: id })) ?? undefined;
  }

  /** One attempt appended, with the state and next due time it leads to. */
  async recordAttempt(id: string, attempt: AttemptDoc, state: DeliveryState, nextAttemptAt: Date | null): Promise<void> {
    await serializedWrite(this.deliveries.collectionName, id, () => this.deliveries.updateOne({ _id: id }, { $push: { attempts: attempt }, $set: { state, nextAttemptAt } }));
  }

  /** Ends a pending delivery without another try (its subscription was disabled or deleted). */
  async giveUp(id: string): Promise<void> {
    await serializedWrite(this.deliveries.collectionName, id, async () => {
      const doc = await this.deliveries.findOne({ _id: id });
      if (doc?.state === "pending") await this.deliveries.updateOne({ _id: id }, { $set: { state: "failed", nextAttemptAt: null } });
    });
  }

  private async log(subscriptionId: string, id: string): Promise<void> {
    await serializedWrite(this.logs.collectionName, subscriptionId, async () => {
      const doc = await this.logs.findOneAndUpdate({ _id: subscriptionId }, { $addToSet: { ids: id } }, { upsert: true, returnDocument: "after" });
      const overflow = doc && doc.ids.length > logCap ? doc.ids.slice(0, doc.ids.length - logCap) : [];
      if (overflow.length > 0) await this.logs.updateOne({ _id: subscriptionId }, { $pullAll: { ids: overflow } });
    });
  }

  /** A page of a subscription's log, newest first, and how many it holds. */
  async page(subscriptionId: string, page: number, size: number): Promise<{ deliveries: DeliveryDoc[]; total: number }> {
    const ids = [...((await this.logs.findOne({ _id: subscriptionId }))?.ids ?? [])].reverse();
    const loaded = await Promise.all(ids.slice(page * size, (page + 1) * size).map((id) => this.deliveries.findOne({ _id: id })));
    return { deliveries: loaded.filter((d): d is DeliveryDoc => d !== null), total: ids.length };
  }
}
