import type { Logger } from "@kepu/log";
import { isKepuError } from "@kepu/errors";
import { systemActor, type Clock, type Orders } from "./orders.js";
import type { OrderStore } from "./store/order-store.js";

/**
 * Durable timers: each order's deadline is stored in its document (dueAt), so a restart loses
 * none; this loop finds the orders whose hop has timed out and escalates them.
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
    let escalated = 0;
    for (const orderId of await this.store.due(this.clock())) {
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
