import type { Logger } from "@kepu/log";

/**
 * Runs the service's timers (due reminders, due SMS) one pass after another, every interval
 * (never faster than once a second, config). Their work is stored with its due time, so a
 * restart loses none; a pass that fails is tried again on the next tick.
 */
export class TimerLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly jobs: { name: string; run: () => Promise<number> }[],
    private readonly log: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const job of this.jobs) {
      try {
        await job.run();
      } catch (error) {
        this.log.error({ err: error, timer: job.name }, "timer pass failed; trying again next tick");
      }
    }
  }
}
