import { setTimeout as delay } from "node:timers/promises";
import { loadConfig, z } from "@kepu/config";
import type { Logger } from "@kepu/log";
import { startDraining } from "./drain.js";

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

export interface ShutdownOptions {
  /** A step that hangs past this (counted from the signal) forces the exit. */
  deadlineMs?: number;
  /** How long the process keeps serving, not ready, before the steps run. */
  drainMs?: number;
}

/** SHUTDOWN_DRAIN_MS: long enough for whoever routes to this process to see /readyz go 503 and stop sending. */
const shutdownEnv = z.object({ SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(1_000) });

/**
 * On SIGTERM/SIGINT: turns readiness false at once (/readyz 503) and keeps serving for the drain
 * delay, then runs the steps in order (close HTTP — in-flight requests finish —, stop gRPC
 * letting calls in flight finish, drain consumers, flush the outbox, close connections) and
 * exits; a step that hangs past the deadline forces the exit. Returns the same stop, without the exit.
 */
export function gracefulShutdown(logger: Logger, steps: ShutdownStep[], options: ShutdownOptions = {}): () => Promise<void> {
  const deadlineMs = options.deadlineMs ?? 15_000;
  const drainMs = options.drainMs ?? loadConfig(shutdownEnv).SHUTDOWN_DRAIN_MS;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        logger.error("shutdown deadline passed; exiting");
        process.exit(1);
      }, deadlineMs);
      timer.unref();
      startDraining();
      logger.info({ drainMs }, "draining: not ready, still serving");
      await delay(drainMs);
      for (const step of steps) {
        try {
          await step.run();
          logger.info({ step: step.name }, "shutdown step done");
        } catch (error) {
          logger.error({ err: error, step: step.name }, "shutdown step failed");
        }
      }
      clearTimeout(timer);
    })();
    return stopping;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "shutting down");
      void stop().then(() => process.exit(0));
    });
  }
  return stop;
}
