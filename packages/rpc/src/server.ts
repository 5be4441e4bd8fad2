import * as grpc from "@grpc/grpc-js";
import { create, type DescService, type Message } from "@bufbuild/protobuf";
import { isKepuError, kepuError } from "@kepu/errors";
import { audienceOf, type CallVerifier, type VerifiedCall } from "./call-tokens.js";
import { grpcServiceDefinition, type CallContext, type ServiceImplementation } from "./definition.js";
import { bearerToken, callContext, toServiceError } from "./metadata.js";

type AnyHandler = (request: Message, context: CallContext & { signal: AbortSignal }) => Promise<unknown> | AsyncIterable<unknown>;

export interface RpcServerOptions {
  /** Verifies the token every call must carry; a call without a valid one is refused (UNAUTHENTICATED). */
  verifier: CallVerifier;
  /** Called for each refused call (why, which method), to be logged. */
  onRefused?: (problem: string, method: string) => void;
  /** Called for unexpected errors (not KepuErrors) so they are logged before being hidden. */
  onUnexpectedError?: (error: unknown, method: string) => void;
}

/** A grpc-js server whose services are implemented as async functions over protobuf-es messages. */
export class RpcServer {
  private readonly server = new grpc.Server({ "grpc.max_receive_message_length": 4 * 1024 * 1024 });

  constructor(private readonly options: RpcServerOptions) {}

  add<S extends DescService>(service: S, implementation: ServiceImplementation<S>): this {
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const impl = (implementation as unknown as Record<string, AnyHandler>)[method.localName];
      if (!impl) throw new Error(`${service.typeName}.${method.name} is not implemented`);
      const name = `${service.typeName}/${method.name}`;
      const audience = audienceOf(service);
      handlers[method.localName] =
        method.methodKind === "server_streaming" ? this.streamingHandler(impl, method.output, name, audience) : this.unaryHandler(impl, method.output, name, audience);
    }
    this.server.addService(grpcServiceDefinition(service), handlers);
    return this;
  }

  /** Binds and starts; returns the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
  }

  /** Lets calls in flight finish, up to a deadline, then cuts the rest. */
  stop(deadlineMs = 5_000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, deadlineMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private report(error: unknown, method: string): void {
    if (!isKepuError(error)) this.options.onUnexpectedError?.(error, method);
  }

  /** Who calls, from the call's token alone; a call without a valid token goes no further. */
  private async authenticate(metadata: grpc.Metadata, audience: string, name: string): Promise<CallContext> {
    const verified: VerifiedCall = await this.options.verifier.verify(bearerToken(metadata), audience);
    if (!verified.ok) {
      this.options.onRefused?.(verified.problem, name);
      throw kepuError("unauthenticated", "CALL_UNAUTHENTICATED", "调用方身份未经验证：缺少或无效的调用令牌", "The caller is not authenticated: the call token is missing or invalid");
    }
    return callContext(metadata, verified.actor);
  }

  private unaryHandler(impl: AnyHandler, output: Parameters<typeof create>[0], name: string, audience: string): grpc.handleUnaryCall<Message, Message> {
    return (call, callback) => {
      const signal = new AbortController().signal;
      // Through a promise even when the implementation throws synchronously (input validation
      // often does): the error must still reach the caller whole.
      this.authenticate(call.metadata, audience, name)
        .then((context) => impl(call.request, { ...context, signal }) as Promise<never>)
        .then((response) => callback(null, create(output, response)))
        .catch((error: unknown) => {
          this.report(error, name);
          callback(toServiceError(error));
        });
    };
  }

  private streamingHandler(impl: AnyHandler, output: Parameters<typeof create>[0], name: string, audience: string): grpc.handleServerStreamingCall<Message, Message> {
    return (call) => {
      const abort = new AbortController();
      call.on("cancelled", () => abort.abort());
      void (async () => {
        try {
          const context = { ...(await this.authenticate(call.metadata, audience, name)), signal: abort.signal };
          for await (const item of impl(call.request, context) as AsyncIterable<never>) {
            if (abort.signal.aborted) break;
            call.write(create(output, item));
          }
          call.end();
        } catch (error) {
          this.report(error, name);
          // grpc-js ends the call with this status on "error"; destroy() would end it with none.
          call.emit("error", Object.assign(new Error("stream failed"), toServiceError(error)));
        }
      })();
    };
  }
}
