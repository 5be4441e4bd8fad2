import * as grpc from "@grpc/grpc-js";
import { create, type DescService } from "@bufbuild/protobuf";
import { grpcServiceDefinition, type CallOptions, type RpcClient } from "./definition.js";
import { callMetadata, fromServiceError } from "./metadata.js";

type GenericMethod = (...args: unknown[]) => unknown;

/**
 * A typed promise client for a service: `await client.dispatchOrder({...}, { actor })`.
 * Failures arrive as KepuErrors with the server's code and bilingual message.
 */
export function createRpcClient<S extends DescService>(service: S, address: string, defaultTimeoutMs = 10_000): RpcClient<S> & { close(): void } {
  const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(service), service.name);
  const raw = new Constructor(address, grpc.credentials.createInsecure(), {
    "grpc.keepalive_time_ms": 30_000,
  }) as unknown as grpc.Client & Record<string, GenericMethod>;
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const method of service.methods) {
    const call = raw[method.localName]!.bind(raw);
    const deadline = (options?: CallOptions) => ({ deadline: Date.now() + (options?.timeoutMs ?? defaultTimeoutMs) });
    if (method.methodKind === "server_streaming") {
      client[method.localName] = (request: unknown, options?: CallOptions & { signal?: AbortSignal }) =>
        streamOf(call(create(method.input, request as never), callMetadata(options), {}) as grpc.ClientReadableStream<unknown>, options?.signal);
    } else {
      client[method.localName] = (request: unknown, options?: CallOptions) =>
        new Promise((resolve, reject) => {
          call(create(method.input, request as never), callMetadata(options), deadline(options), (error: grpc.ServiceError | null, response: unknown) =>
            error ? reject(fromServiceError(error)) : resolve(response),
          );
        });
    }
  }
  return client as RpcClient<S> & { close(): void };
}

async function* streamOf(stream: grpc.ClientReadableStream<unknown>, signal?: AbortSignal): AsyncIterable<unknown> {
  const onAbort = () => stream.cancel();
  signal?.addEventListener("abort", onAbort);
  try {
    for await (const item of stream) yield item;
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.CANCELLED) return;
    throw fromServiceError(error as grpc.ServiceError);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
