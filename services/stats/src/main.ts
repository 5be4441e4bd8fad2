// Composition root of the stats service: configuration, connections, wiring.
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { CallVerifier, diagnostics, DiagnosticsService, RpcServer } from "@kepu/rpc";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { readConfig } from "./config.js";
import { statsService } from "./grpc/stats-service.js";
import { Projector } from "./messaging/projector.js";
import { Rebuild } from "./messaging/rebuild.js";
import { FactStore } from "./store/fact-store.js";

const config = readConfig();
const logger = createLogger({ service: "stats", level: config.LOG_LEVEL });
const engines = await connectEngines("stats", config, { topics: ["registry", "dispatch", "events"] }, logger);
const topics = ["registry", "dispatch", "events"].map((context) => engines.topic(context));

const store = new FactStore(engines.db!);
await store.createIndexes();
const projector = new Projector(engines.kafka, store, topics, (generation) => engines.group(`projector-g${generation}`), logger);
const rebuild = new Rebuild(engines.kafka, store, projector, topics);

const rpc = new RpcServer({
  verifier: CallVerifier.fromJwks(config.KEPU_CALL_VERIFY_KEYS),
  onRefused: (problem, method) => logger.warn({ problem, method }, "call refused: no valid call token"),
  onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed"),
})
  .add(StatsService, statsService(store, projector, rebuild))
  .add(DiagnosticsService, diagnostics("stats", engines.readiness));
const http = createHttpServer({ logger, readiness: engines.readiness });

await projector.start();
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort }, "stats ready");

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  { name: "projector", run: () => projector.stop() },
  { name: "engines", run: () => engines.close() },
]);
