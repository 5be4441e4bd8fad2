export { grpcServiceDefinition, type CallContext, type CallOptions, type RpcClient, type ServiceImplementation } from "./definition.js";
export { RpcServer, type RpcServerOptions } from "./server.js";
export { createRpcClient, type RpcClientOptions } from "./client.js";
export { audienceOf, callIssuer, CallSigner, CallVerifier, type VerifiedCall } from "./call-tokens.js";
export { diagnostics, DiagnosticsService } from "./diagnostics.js";
