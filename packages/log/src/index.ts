import { pino, type DestinationStream, type Logger } from "pino";
import { maskPhonesInText, personalFields } from "@kepu/privacy";

export type { Logger };

/** Every personal field, at the top level and up to two objects deep. */
export const redactPaths: string[] = personalFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export interface LoggerOptions {
  service: string;
  level?: string;
  /** For tests: capture what would be written. */
  destination?: DestinationStream;
}

/**
 * A service's root logger. Personal fields are replaced by "[redacted]", and phone numbers
 * inside message strings are masked, so a log line never carries them in clear.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: redactPaths, censor: "[redacted]" },
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === "string" ? maskPhonesInText(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** A child logger for one request or one event, carrying its correlation id. */
export function withCorrelation(logger: Logger, correlationId: string): Logger {
  return logger.child({ correlationId });
}
