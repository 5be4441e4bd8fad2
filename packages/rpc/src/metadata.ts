import * as grpc from "@grpc/grpc-js";
import { v7 as uuidv7 } from "uuid";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { KepuError, grpcStatusOf, kindOfGrpcStatus, toKepuError, type ErrorDetails } from "@kepu/errors";
import type { CallSigner } from "./call-tokens.js";
import type { CallContext, CallOptions } from "./definition.js";

const authorizationKey = "authorization";
const correlationKey = "kepu-correlation-id";
const errorKey = "kepu-error-bin";

/**
 * The metadata of one call: the signed token that says who calls (and for whom: the actor is a
 * claim of the token, never a header of its own) and the correlation id.
 */
export async function callMetadata(signer: CallSigner, audience: string, options: CallOptions | undefined): Promise<grpc.Metadata> {
  const metadata = new grpc.Metadata();
  metadata.set(authorizationKey, `Bearer ${await signer.token(audience, options?.actor)}`);
  metadata.set(correlationKey, options?.correlationId ?? uuidv7());
  return metadata;
}

/** The bearer token of a call, if it carries one. */
export function bearerToken(metadata: grpc.Metadata): string | undefined {
  const value = metadata.get(authorizationKey)[0];
  return typeof value === "string" && value.startsWith("Bearer ") ? value.slice(7) : undefined;
}

/** The context a handler sees: the actor comes only from the verified token. */
export function callContext(metadata: grpc.Metadata, actor: Actor | undefined): CallContext {
  const correlation = metadata.get(correlationKey)[0];
  return { actor, correlationId: typeof correlation === "string" && correlation ? correlation : uuidv7() };
}

/** A KepuError crosses the wire whole (code, both languages, field) in trailing metadata. */
export function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  const kepu = toKepuError(error);
  const metadata = new grpc.Metadata();
  const details: ErrorDetails = { code: kepu.code, kind: kepu.kind, zh: kepu.zh, en: kepu.en, ...(kepu.field ? { field: kepu.field } : {}) };
  metadata.set(errorKey, Buffer.from(JSON.stringify(details)));
  return { code: grpcStatusOf(kepu.kind), details: `${kepu.zh} / ${kepu.en}`, metadata };
}

export function fromServiceError(error: grpc.ServiceError): KepuError {
  const raw = error.metadata?.get(errorKey)[0];
  if (Buffer.isBuffer(raw)) return new KepuError(JSON.parse(raw.toString()) as ErrorDetails);
  if (error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED) {
    return new KepuError({ kind: "unavailable", code: "SERVICE_UNAVAILABLE", zh: "服务暂时不可用，请稍后重试", en: "Service temporarily unavailable, please retry" });
  }
  return new KepuError({ kind: kindOfGrpcStatus(error.code), code: "RPC_FAILED", zh: "服务调用失败", en: `Service call failed: ${error.details}` });
}
