export { grpcServiceDefinition, type CallContext, type CallOptions, type RpcClient, type ServiceImplementation } from "./definition.js";
export { RpcServer, type RpcServerOptions } from "./server.js";
export { createRpcClient } from "./client.js";
export { diagnostics, DiagnosticsService } from "./diagnostics.js";
