// Webhooks' rules, pure: which subscription an event goes to, how a body is signed and checked,
// when a failed delivery is tried again, and when a subscription is disabled.
import { createHmac, timingSafeEqual } from "node:crypto";
import { fail, kepuError, ok, type Result } from "@kepu/errors";

export interface SubscriptionRule {
  enabled: boolean;
  /** Events placed at or below this org; "" = every event. */
  orgId: string;
  /** Payload type names; empty = every type. */
  eventTypes: string[];
}

export interface EventFacts {
  type: string;
  /** Where the event is placed in the org tree (its org and ancestors); empty when unknown. */
  path: string[];
}

/** Whether the event goes to the subscription: enabled, of a subscribed type, within its subtree. */
export function matches(subscription: SubscriptionRule, event: EventFacts): boolean {
  if (!subscription.enabled) return false;
  if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(event.type)) return false;
  return subscription.orgId === "" || event.path.includes(subscription.orgId);
}

export const signatureHeader = "kepu-signature";

/** HMAC-SHA256 over "<unix seconds>.<body>", sent as `t=<seconds>,v1=<hex>`. */
export function sign(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/**
 * What a receiver does with the header: the signature must be the body's, and its time within the
 * replay window (a captured delivery cannot be sent again later).
 */
export function verifySignature(secret: string, header: string, body: string, now: Date, windowSeconds = 300): Result<void> {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return fail(kepuError("invalid", "SIGNATURE_MALFORMED", "签名头格式有误", "The signature header is malformed"));
  if (Math.abs(now.getTime() / 1000 - t) > windowSeconds) return fail(kepuError("invalid", "SIGNATURE_EXPIRED", "签名时间超出重放窗口", "The signature is outside the replay window"));
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  const given = Buffer.from(parts.v1);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail(kepuError("invalid", "SIGNATURE_MISMATCH", "签名不符", "The signature does not match"));
  return ok(undefined);
}

export interface RetryPolicy {
  /** The first retry's delay; each next one doubles. */
  baseMs: number;
  /** The longest delay between two tries. */
  maxDelayMs: number;
  /** How long after its creation a delivery is still tried. */
  windowMs: number;
}

export const defaultRetry: RetryPolicy = { baseMs: 10_000, maxDelayMs: 3_600_000, windowMs: 24 * 3_600_000 };

/** When to try again after `failedAttempts` failures, or undefined once the 24-h window is spent. */
export function nextAttempt(createdAt: Date, failedAttempts: number, lastAt: Date, policy: RetryPolicy): Date | undefined {
  const delay = Math.min(policy.baseMs * 2 ** Math.max(failedAttempts - 1, 0), policy.maxDelayMs);
  const next = new Date(lastAt.getTime() + delay);
  return next.getTime() - createdAt.getTime() <= policy.windowMs ? next : undefined;
}

/** A subscription's failure count after one more attempt, and whether it is now disabled. */
export function afterAttempt(consecutiveFailures: number, succeeded: boolean, maxFailures: number): { consecutiveFailures: number; disable: boolean } {
  if (succeeded) return { consecutiveFailures: 0, disable: false };
  const failures = consecutiveFailures + 1;
  return { consecutiveFailures: failures, disable: failures >= maxFailures };
}

export const succeeded = (status: number) => status >= 200 && status < 300;

/** The notice its owner reads when a subscription is disabled. */
export function disabledNotice(url: string, failures: number): { title: string; body: string; titleEn: string; bodyEn: string; reason: string } {
  return {
    title: "Webhook 订阅已停用",
    body: `${url} 连续 ${failures} 次投递失败，订阅已停用；修复接收端后可重新启用，并从投递记录重新投递。`,
    titleEn: "Webhook subscription disabled",
    bodyEn: `${url} failed ${failures} deliveries in a row and was disabled; fix the receiver, enable it again and redeliver from the log.`,
    reason: `连续 ${failures} 次投递失败 / ${failures} consecutive failed deliveries`,
  };
}
