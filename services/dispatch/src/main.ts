// Composition root of the dispatch service: configuration, connections, wiring.
import { calendar } from "@kepu/calendar";
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { CallVerifier, diagnostics, DiagnosticsService, RpcServer } from "@kepu/rpc";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { readConfig } from "./config.js";
import { dispatchService } from "./grpc/dispatch-service.js";
import { activityConsumer, registryConsumer } from "./messaging/consumers.js";
import { Merges } from "./merges.js";
import { Orders } from "./orders.js";
import { MergeStore } from "./store/merge-store.js";
import { CatalogStore, readModelReferences } from "./store/catalog-store.js";
import { OrderIndex } from "./store/order-index.js";
import { OrderStore } from "./store/order-store.js";
import { TeamStore } from "./store/team-store.js";
import { EscalationTimer } from "./timers.js";

const config = readConfig();
const logger = createLogger({ service: "dispatch", level: config.LOG_LEVEL });
const engines = await connectEngines("dispatch", config, { topics: ["dispatch", "registry", "events"], redis: true }, logger);
const db = engines.db!;
const clock = () => new Date();

// The lists' index (issue 20): Redis sorted sets, rebuilt in the background when its marker is missing (reads wait for it).
const orderIndex = new OrderIndex(engines.redis!, db.collection("orders"), `${config.KEPU_PREFIX}kepu:dispatch:`);
const store = new OrderStore(db, engines.topic("dispatch"), orderIndex);
const teams = new TeamStore(db);
const catalog = new CatalogStore(db);
const mergeStore = new MergeStore(db, engines.topic("dispatch"));
await store.createIndexes();
await mergeStore.createIndexes();
const relay = new OutboxRelay({ collections: [store.orders, mergeStore.merges], publisher: engines.publisher, logger });
const orders = new Orders(store, relay, config.DISPATCH_DEADLINES, clock, logger, readModelReferences(catalog, teams), (at) => calendar.dateOf(at));
const merges = new Merges(mergeStore, store, orders, relay, clock, logger, { neighbourhood: config.MERGE_NEIGHBOURHOOD, defaultWindowDays: config.MERGE_WINDOW_DAYS });
const timer = new EscalationTimer(store, orders, clock, logger);
const consumers = [
  // A group of its own for the whole registry read model (teams, members, orgs, menu items): a new
  // group reads kepu.registry.v1 from offset 0, so what was registered before it existed is known.
  registryConsumer(engines.kafka, engines.group("registry"), engines.topic("registry"), teams, catalog, logger, orders),
  activityConsumer(engines.kafka, engines.group("activities"), engines.topic("events"), orders, logger, store),
];

const rpc = new RpcServer({
  verifier: CallVerifier.fromJwks(config.KEPU_CALL_VERIFY_KEYS),
  onRefused: (problem, method) => logger.warn({ problem, method }, "call refused: no valid call token"),
  onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed"),
})
  .add(DispatchService, dispatchService(orders, store, teams, merges))
  .add(DiagnosticsService, diagnostics("dispatch", engines.readiness));
const http = createHttpServer({ logger, readiness: engines.readiness });

relay.start();
orderIndex.ready().catch((err: unknown) => logger.error({ err }, "order index rebuild failed; the next read tries again"));
await Promise.all(consumers.map((c) => c.start()));
timer.start(config.TIMER_INTERVAL_MS);
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort }, "dispatch ready");

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  { name: "timer", run: () => timer.stop() },
  { name: "consumers", run: () => Promise.all(consumers.map((c) => c.stop())).then(() => undefined) },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "engines", run: () => engines.close() },
]);
