// Composition root of the registry service: configuration, connections, wiring.
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { RpcServer } from "@kepu/rpc";
import { readConfig } from "./config.js";

const config = readConfig();
const logger = createLogger({ service: "registry", level: config.LOG_LEVEL });
const engines = await connectEngines("registry", config, { topics: ["registry"] }, logger);

const rpc = new RpcServer({ onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed") });
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);

const http = createHttpServer({ logger, readiness: engines.readiness });
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort }, "registry ready");

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  { name: "engines", run: () => engines.close() },
]);
