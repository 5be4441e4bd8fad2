import * as grpc from "@grpc/grpc-js";
import { create, type DescService } from "@bufbuild/protobuf";
import pRetry from "p-retry";
import { audienceOf, type CallSigner } from "./call-tokens.js";
import { grpcServiceDefinition, type CallOptions, type RpcClient } from "./definition.js";
import { callMetadata, fromServiceError } from "./metadata.js";

type GenericMethod = (...args: unknown[]) => unknown;

/** Methods that only read (by the contracts' naming): resending one changes nothing. */
const readMethod = /^(Get|List|Suggest|Export|Ping)/;

/**
 * Whether a failed call may be sent again while the service restarts. A call that never reached
 * the server (no connection: refused while the process is down) is safe to resend whatever it
 * does; a read also when the connection dropped under it. A server's own answer is never resent,
 * except a read's "unavailable".
 */
function resendable(error: grpc.ServiceError, read: boolean): boolean {
  if (error.code !== grpc.status.UNAVAILABLE) return false;
  return read || error.details.startsWith("No connection established");
}

export interface RpcClientOptions {
  /** Signs the token every call carries (who calls, and the actor it acts for). */
  signer: CallSigner;
  /** Deadline of a call unless the call says otherwise. */
  timeoutMs?: number;
  /** How long a call is resent while the service restarts. */
  retryForMs?: number;
}

/**
 * A typed promise client for a service: `await client.dispatchOrder({...}, { actor })`.
 * Failures arrive as KepuErrors with the server's code and bilingual message.
 */
export function createRpcClient<S extends DescService>(service: S, address: string, clientOptions: RpcClientOptions): RpcClient<S> & { close(): void } {
  const { signer, timeoutMs: defaultTimeoutMs = 10_000, retryForMs = 10_000 } = clientOptions;
  const metadataFor = (options: CallOptions | undefined) => callMetadata(signer, audienceOf(service), options);
  const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(service), service.name);
  const raw = new Constructor(address, grpc.credentials.createInsecure(), {
    "grpc.keepalive_time_ms": 30_000,
    // Reconnect soon after a restart (grpc-js waits 1 s, then up to 120 s, by default).
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 1_000,
  }) as unknown as grpc.Client & Record<string, GenericMethod>;
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const method of service.methods) {
    const call = raw[method.localName]!.bind(raw);
    const deadline = (options?: CallOptions) => ({ deadline: Date.now() + (options?.timeoutMs ?? defaultTimeoutMs) });
    if (method.methodKind === "server_streaming") {
      client[method.localName] = (request: unknown, options?: CallOptions & { signal?: AbortSignal }) =>
        streamOf(metadataFor(options).then((metadata) => call(create(method.input, request as never), metadata, {}) as grpc.ClientReadableStream<unknown>), options?.signal);
    } else {
      const read = readMethod.test(method.name);
      const once = (request: unknown, options?: CallOptions) =>
        metadataFor(options).then(
          (metadata) =>
            new Promise((resolve, reject) => {
              call(create(method.input, request as never), metadata, deadline(options), (error: grpc.ServiceError | null, response: unknown) =>
                error ? reject(error) : resolve(response),
              );
            }),
        );
      // Across a restart of the service: resent with backoff (0.1 s doubling to 1 s) for up to retryForMs.
      client[method.localName] = (request: unknown, options?: CallOptions) =>
        pRetry(() => once(request, options), {
          retries: Number.POSITIVE_INFINITY,
          minTimeout: 100,
          maxTimeout: 1_000,
          maxRetryTime: retryForMs,
          shouldRetry: ({ error }) => resendable(error as grpc.ServiceError, read),
        }).catch((error: unknown) => Promise.reject(isServiceError(error) ? fromServiceError(error) : error));
    }
  }
  return client as RpcClient<S> & { close(): void };
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === "number";
}

async function* streamOf(opened: Promise<grpc.ClientReadableStream<unknown>>, signal?: AbortSignal): AsyncIterable<unknown> {
  const stream = await opened;
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
