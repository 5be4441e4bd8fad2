import { calendar } from "@kepu/calendar";
import type { Logger } from "@kepu/log";
import type { Clock } from "@kepu/calendar/clock";
import { afterFailure, decideSms } from "../domain/sms.js";
import type { DueStore } from "../store/due-store.js";
import type { SmsStore } from "../store/sms-store.js";
import type { SmsSender } from "./senders.js";

export interface SmsPolicy {
  dailyCap: number;
  maxAttempts: number;
}

/**
 * Sends the SMS whose time came (their minute's bucket), one person's at a time in order: quiet
 * hours defer, the daily cap leaves the rest in-app only, a failure is retried with backoff and,
 * once tries are spent, kept as dead with its reason. Sent, then marked: a crash between the two
 * may send one SMS again (the sender contract carries no idempotency key); none is lost.
 */
export class SmsDispatcher {
  readonly counters = { sent: 0, failed: 0, dead: 0, capped: 0 };

  constructor(
    private readonly store: SmsStore,
    private readonly due: DueStore,
    private readonly sender: SmsSender,
    private readonly policy: SmsPolicy,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  run(): Promise<number> {
    return this.due.drain("sms", this.clock(), async (ids) => {
      const done: string[] = [];
      for (const id of ids) if (await this.handle(id)) done.push(id);
      return done;
    });
  }

  /** True once the SMS needs nothing more from this bucket (sent, skipped, dead, or filed for later). */
  private async handle(id: string): Promise<boolean> {
    const sms = await this.store.load(id);
    if (!sms || sms.status !== "due") return true;
    const now = this.clock();
    if (sms.dueAt > now) {
      await this.due.file("sms", sms.dueAt, [id]); // not yet (a retry filed early): to its own minute, never left behind
      return true;
    }
    const day = calendar.dayKey(now);
    // Her own opted-in number, or (代点单, no settings of her own) the one noted with the order.
    const to = await this.store.phoneFor(sms.personId, sms.contactOrderId ?? "");
    const decision = decideSms(now, await this.store.sentOn(sms.personId, day), this.policy.dailyCap, to !== undefined);
    if (decision.kind === "skip") {
      if (decision.status === "capped") this.counters.capped++;
      await this.store.update(id, { status: decision.status });
      return true;
    }
    if (decision.kind === "wait") {
      await this.store.update(id, { dueAt: decision.until });
      await this.due.file("sms", decision.until, [id]);
      return true;
    }
    try {
      await this.sender.send(to!.phone, sms.text);
    } catch (error) {
      return this.failed(id, sms.attempts + 1, error, now);
    }
    await this.store.update(id, { status: "sent", sentAt: now, attempts: sms.attempts + 1 });
    await this.store.countSent(sms.personId, day);
    this.counters.sent++;
    return true;
  }

  private async failed(id: string, attempts: number, error: unknown, now: Date): Promise<boolean> {
    const reason = error instanceof Error ? error.message : String(error);
    const next = afterFailure(attempts, this.policy.maxAttempts, now);
    this.counters.failed++;
    if (next.kind === "dead") {
      this.counters.dead++;
      await this.store.update(id, { status: "dead", attempts, reason });
      this.log.error({ notificationId: id, attempts, reason }, "SMS dead-lettered");
      return true;
    }
    await this.store.update(id, { attempts, reason, dueAt: next.at });
    await this.due.file("sms", next.at, [id]);
    this.log.warn({ notificationId: id, attempts, reason, retryAt: next.at }, "SMS failed; retrying");
    return true;
  }
}
