import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { v7 as uuidv7 } from "uuid";
import { ActorSchema } from "@kepu/contracts/common/v1/envelope_pb";
import { KepuError, grpcStatusOf, kindOfGrpcStatus, toKepuError, type ErrorDetails } from "@kepu/errors";
import type { CallContext, CallOptions } from "./definition.js";

const actorKey = "kepu-actor-bin";
const correlationKey = "kepu-correlation-id";
const errorKey = "kepu-error-bin";

export function callMetadata(options: CallOptions | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (options?.actor) metadata.set(actorKey, Buffer.from(toBinary(ActorSchema, create(ActorSchema, options.actor))));
  metadata.set(correlationKey, options?.correlationId ?? uuidv7());
  return metadata;
}

export function callContext(metadata: grpc.Metadata): CallContext {
  const actorBytes = metadata.get(actorKey)[0];
  const correlation = metadata.get(correlationKey)[0];
  return {
    actor: Buffer.isBuffer(actorBytes) ? fromBinary(ActorSchema, actorBytes) : undefined,
    correlationId: typeof correlation === "string" && correlation ? correlation : uuidv7(),
  };
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
