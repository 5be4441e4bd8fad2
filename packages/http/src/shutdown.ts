import type { Logger } from "@kepu/log";

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * On SIGTERM/SIGINT, runs the steps in order (stop taking requests, drain consumers, flush the
 * outbox, close connections) and exits; a step that hangs past the deadline forces the exit.
 */
export function gracefulShutdown(logger: Logger, steps: ShutdownStep[], deadlineMs = 15_000): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        logger.error("shutdown deadline passed; exiting");
        process.exit(1);
      }, deadlineMs);
      timer.unref();
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
