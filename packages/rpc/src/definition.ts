import type * as grpc from "@grpc/grpc-js";
import { fromBinary, toBinary, type DescMessage, type DescService, type Message, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { Actor, ActorSchema } from "@kepu/contracts/common/v1/envelope_pb";

/**
 * protobuf-es v2 has no grpc-js adapter: the grpc-js service definition is built here from the
 * generated descriptor (paths, streaming flags, binary (de)serializers).
 */
export function grpcServiceDefinition(service: DescService): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<Message, Message>> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.name,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: (message: Message) => Buffer.from(toBinary(method.input, message as never)),
      requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
      responseSerialize: (message: Message) => Buffer.from(toBinary(method.output, message as never)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
  }
  return definition;
}

/** Who calls and why, read from the call's metadata. */
export interface CallContext {
  actor: Actor | undefined;
  correlationId: string;
}

type MethodOf<S extends DescService, K extends keyof S["method"]> = S["method"][K];

export type ServiceImplementation<S extends DescService> = {
  [K in keyof S["method"]]: MethodOf<S, K> extends { methodKind: "unary"; input: infer I extends DescMessage; output: infer O extends DescMessage }
    ? (request: MessageShape<I>, context: CallContext) => Promise<MessageInitShape<O>>
    : MethodOf<S, K> extends { methodKind: "server_streaming"; input: infer I extends DescMessage; output: infer O extends DescMessage }
      ? (request: MessageShape<I>, context: CallContext & { signal: AbortSignal }) => AsyncIterable<MessageInitShape<O>>
      : never;
};

export interface CallOptions {
  actor?: MessageInitShape<typeof ActorSchema>;
  correlationId?: string;
  timeoutMs?: number;
}

export type RpcClient<S extends DescService> = {
  [K in keyof S["method"]]: MethodOf<S, K> extends { methodKind: "unary"; input: infer I extends DescMessage; output: infer O extends DescMessage }
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : MethodOf<S, K> extends { methodKind: "server_streaming"; input: infer I extends DescMessage; output: infer O extends DescMessage }
      ? (request: MessageInitShape<I>, options?: CallOptions & { signal?: AbortSignal }) => AsyncIterable<MessageShape<O>>
      : never;
};
