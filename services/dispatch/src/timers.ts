import type { Logger } from "@kepu/log";
import { isKepuError } from "@kepu/errors";
import { systemActor, type Clock, type Orders } from "./orders.js";
import type { OrderStore } from "./store/order-store.js";

/**
 * Durable timers: each order's deadline is stored in its document (dueAt), so a restart loses
 * none; this loop finds the orders whose hop has timed out and escalates them. A pass never
 * rejects: what fails is tried again on the next tick.
 */
export class EscalationTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: OrderStore,
    private readonly orders: Orders,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: escalates every order due now; returns how many it escalated. */
  tick(): Promise<number> {
    this.running ??= this.escalateDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async escalateDue(): Promise<number> {
    let due: string[];
    try {
      due = await this.store.due(this.clock());
    } catch (error) {
      // Redis or the store away (the fault suite, 2 Dec: a rejection here was unhandled and killed
      // the process): the deadlines are stored, so the next tick finds them.
      this.log.warn({ err: error }, "escalation pass failed; trying again next tick");
      return 0;
    }
    let escalated = 0;
    for (const orderId of due) {
      try {
        await this.orders.handle(orderId, { kind: "escalate" }, systemActor, { correlationId: `timer-${orderId}` });
        escalated++;
      } catch (error) {
        if (!isKepuError(error)) this.log.error({ err: error, orderId }, "escalation failed");
      }
    }
    return escalated;
  }
}
