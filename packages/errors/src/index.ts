/**
 * What went wrong, in words a user can act on. Errors are values: the domain returns them,
 * the edges (HTTP, gRPC) translate them into status codes and bilingual messages.
 */
export type ErrorKind =
  | "invalid" // the input is wrong; fix it and retry
  | "unauthenticated"
  | "forbidden" // outside the caller's role or org subtree
  | "not_found"
  | "conflict" // the state changed under the caller (e.g. already accepted)
  | "rate_limited"
  | "unavailable" // an engine or service is down; retry later
  | "internal";

export interface ErrorDetails {
  /** Stable, machine-readable code, e.g. "ORDER_ALREADY_ACCEPTED". */
  readonly code: string;
  readonly kind: ErrorKind;
  /** Chinese first: what the user reads. */
  readonly zh: string;
  readonly en: string;
  /** Which input field is wrong, when one is. */
  readonly field?: string;
}

export class KepuError extends Error implements ErrorDetails {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly zh: string;
  readonly en: string;
  readonly field?: string;

  constructor(details: ErrorDetails) {
    super(`${details.code}: ${details.en}`);
    this.name = "KepuError";
    this.code = details.code;
    this.kind = details.kind;
    this.zh = details.zh;
    this.en = details.en;
    if (details.field !== undefined) this.field = details.field;
  }

  /** The one error shape every API answers with. */
  toBody(): ErrorBody {
    return {
      code: this.code,
      message: `${this.zh} / ${this.en}`,
      messageZh: this.zh,
      messageEn: this.en,
      ...(this.field !== undefined ? { field: this.field } : {}),
    };
  }
}

export interface ErrorBody {
  code: string;
  /** Chinese, then English. */
  message: string;
  messageZh: string;
  messageEn: string;
  field?: string;
}

export function kepuError(kind: ErrorKind, code: string, zh: string, en: string, field?: string): KepuError {
  return new KepuError({ kind, code, zh, en, ...(field !== undefined ? { field } : {}) });
}

export function isKepuError(value: unknown): value is KepuError {
  return value instanceof KepuError;
}

const httpStatusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function httpStatusOf(kind: ErrorKind): number {
  return httpStatusByKind[kind];
}

/** gRPC status codes (numbers from the gRPC spec, so this package needs no gRPC dependency). */
const grpcStatusByKind: Record<ErrorKind, number> = {
  invalid: 3, // INVALID_ARGUMENT
  unauthenticated: 16, // UNAUTHENTICATED
  forbidden: 7, // PERMISSION_DENIED
  not_found: 5, // NOT_FOUND
  conflict: 10, // ABORTED
  rate_limited: 8, // RESOURCE_EXHAUSTED
  unavailable: 14, // UNAVAILABLE
  internal: 13, // INTERNAL
};

export function grpcStatusOf(kind: ErrorKind): number {
  return grpcStatusByKind[kind];
}

export function kindOfGrpcStatus(status: number): ErrorKind {
  const entry = Object.entries(grpcStatusByKind).find(([, code]) => code === status);
  return (entry?.[0] as ErrorKind | undefined) ?? "internal";
}

/**
 * An engine's refusal that says something about the machine, not the request: the store's disk
 * is full (FerretDB/SQLite: "database or disk is full"; MongoDB: OutOfDiskSpace; the OS: ENOSPC),
 * or Redis or the store cannot be reached (restarting). Nothing was written; a retry later succeeds.
 */
export function engineErrorOf(value: unknown): KepuError | undefined {
  const message = value instanceof Error ? `${value.name} ${value.message}` : "";
  if (/disk is full|No space left on device|ENOSPC|OutOfDiskSpace/i.test(message)) {
    return kepuError("unavailable", "STORAGE_FULL", "存储空间已满，本次操作未保存，请稍后重试", "Storage is full: nothing was saved, please retry later");
  }
  // Redis (ioredis) or the store unreachable: a restart or a lost connection, not a bad request.
  if (/Stream isn't writeable|Connection is closed|max retries per request|Mongo(Network|ServerSelection|NotConnected|PoolCleared)Error|ECONNREFUSED|ECONNRESET/i.test(message)) {
    return kepuError("unavailable", "ENGINE_UNAVAILABLE", "服务暂时不可用，请稍后重试", "A store is unreachable for a moment; please retry");
  }
  return undefined;
}

/** Anything thrown that is not a KepuError becomes an internal error that hides its details (or the engine's refusal it is). */
export function toKepuError(value: unknown): KepuError {
  if (isKepuError(value)) return value;
  return engineErrorOf(value) ?? kepuError("internal", "INTERNAL", "系统内部错误，请稍后重试", "Internal error, please retry later");
}

/** The result of a pure decision: a value or an error, never a throw. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: KepuError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: KepuError): Result<T> => ({ ok: false, error });
