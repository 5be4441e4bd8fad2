import { pino, type DestinationStream, type Logger } from "pino";
import { maskPhones, personalFields } from "@kepu/privacy";

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
 * A service's root logger. Personal fields are replaced by "[redacted]", and every mobile number
 * left anywhere in a line — the message, any string field at any depth, a request's path and
 * query string, an error's message and stack, a child logger's bindings — is masked in the one
 * place every line passes: the serialized line itself, just before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      redact: { paths: redactPaths, censor: "[redacted]" },
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: maskPhones },
    },
    options.destination,
  );
}

/** A child logger for one request or one event, carrying its correlation id. */
export function withCorrelation(logger: Logger, correlationId: string): Logger {
  return logger.child({ correlationId });
}
