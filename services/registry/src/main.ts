// Composition root of the registry service: configuration, connections, wiring.
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { CallVerifier, diagnostics, DiagnosticsService, RpcServer } from "@kepu/rpc";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { readConfig } from "./config.js";
import { registryService } from "./grpc/registry-service.js";
import { baseRevocationConsumer } from "./messaging/base-revocations.js";
import { RegistryStore } from "./store/registry-store.js";
import { Bases } from "./use-cases/bases.js";
import { Organizations } from "./use-cases/organizations.js";

const config = readConfig();
const logger = createLogger({ service: "registry", level: config.LOG_LEVEL });
const engines = await connectEngines("registry", config, { topics: ["registry"] }, logger);

const relay = new OutboxRelay({ collections: [], publisher: engines.publisher, logger });
const store = new RegistryStore(engines.db!, engines.topic("registry"), relay);
relay.watch(Object.values(store.collections));
await store.createIndexes();
// The registry's reactions to its own events, in a group of their own: a revoked base's menu items withdrawn.
const revocations = baseRevocationConsumer(engines.kafka, engines.group("base-revocations"), engines.topic("registry"), new Bases(store, new Organizations(store), () => new Date()), logger);

const rpc = new RpcServer({
  verifier: CallVerifier.fromJwks(config.KEPU_CALL_VERIFY_KEYS),
  onRefused: (problem, method) => logger.warn({ problem, method }, "call refused: no valid call token"),
  onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed"),
})
  .add(RegistryService, registryService(store))
  .add(DiagnosticsService, diagnostics("registry", engines.readiness));
const http = createHttpServer({ logger, readiness: engines.readiness });

relay.start();
await revocations.start();
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort }, "registry ready");

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  { name: "base revocations", run: () => revocations.stop() },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "engines", run: () => engines.close() },
]);
