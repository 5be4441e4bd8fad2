// Composition root of the gateway: configuration, connections, wiring.
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { WebhooksService } from "@kepu/contracts/notifications/v1/webhooks_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { connectEngines } from "@kepu/engines";
import { gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { CallSigner, createRpcClient } from "@kepu/rpc";
import { Accounts, HttpSmsCodeSender, LocalCodeSender, ResidentCodes } from "./auth/accounts.js";
import { orgFollower } from "./auth/org-follower.js";
import { ResidentDirectory } from "./auth/resident-directory.js";
import { ResidentMoves } from "./auth/resident-moves.js";
import { accessKeyRing, Tokens } from "./auth/tokens.js";
import { readConfig } from "./config.js";
import { createDemoAccounts } from "./demo-accounts.js";
import { composeGateway } from "./http/gateway.js";
import { MenuCache, menuChanges } from "./http/menu-cache.js";

const config = readConfig();
const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
const engines = await connectEngines("gateway", config, { topics: ["registry"], redis: true }, logger);
const redis = engines.redis!;
const prefix = `${config.KEPU_PREFIX}kepu:gateway:`;

// Staff accounts and residents' moves are the gateway's own data: each change and its event are
// stored together and this relay publishes them to kepu.registry.v1 (source "gateway").
const relay = new OutboxRelay({ collections: [], publisher: engines.publisher, logger });
const events = { topic: engines.topic("registry"), relay };
const accounts = new Accounts(engines.db!, redis, prefix, { maxFailures: config.SIGN_IN_MAX_FAILURES, windowSeconds: config.SIGN_IN_FAILURE_WINDOW_SECONDS, lockSeconds: config.SIGN_IN_LOCK_SECONDS }, events);
await accounts.prepare();
if (config.DEMO_ACCOUNTS === "1") await createDemoAccounts(accounts);
const tokens = new Tokens(accessKeyRing(config.JWT_KEYS, config.JWT_SECRET), redis, prefix, config.ACCESS_TOKEN_MINUTES, config.REFRESH_TOKEN_DAYS);
const sender = config.SMS_WEBHOOK_URL ? new HttpSmsCodeSender(config.SMS_WEBHOOK_URL, config.SMS_WEBHOOK_TOKEN) : new LocalCodeSender(redis, prefix, config.NODE_ENV);
const codes = new ResidentCodes(redis, prefix, sender);
const residentMoves = new ResidentMoves(engines.db!, events);
await residentMoves.createIndexes();
const residents = new ResidentDirectory(engines.db!);
await residents.createIndexes();
relay.watch([accounts.collection, residentMoves.collection]);
relay.start();
// A moved org's accounts take its new place (the registry's OrganizationMoved).
const follower = orgFollower(engines.kafka, engines.group("registry"), engines.topic("registry"), accounts, logger);
await follower.start();
// The residents' cached menu is dropped whenever the registry's menu changes (an item withdrawn, edited, published).
const menuFollower = menuChanges(engines.kafka, engines.group("menu-cache"), engines.topic("registry"), new MenuCache(redis, prefix), logger);
await menuFollower.start();
// Every call to a service carries a short token signed here, with the actor it acts for.
const rpc = { signer: CallSigner.fromJwk(config.KEPU_CALL_SIGNING_KEY, "gateway") };
const clients = {
  registry: createRpcClient(RegistryService, config.REGISTRY_GRPC, rpc),
  dispatch: createRpcClient(DispatchService, config.DISPATCH_GRPC, rpc),
  events: createRpcClient(EventsService, config.EVENTS_GRPC, rpc),
  stats: createRpcClient(StatsService, config.STATS_GRPC, rpc),
  notifications: createRpcClient(NotificationsService, config.NOTIFICATIONS_GRPC, rpc),
  webhooks: createRpcClient(WebhooksService, config.NOTIFICATIONS_GRPC, rpc), // subscriptions and their delivery log

};

const deps = { logger, readiness: engines.readiness, redis, prefix, tokens, accounts, codes, residentMoves, residents, corsOrigin: config.CORS_ORIGIN, ratePerMinute: config.RATE_LIMIT_PER_MINUTE, ipRatePerMinute: config.RATE_LIMIT_IP_PER_MINUTE, trustedProxies: config.TRUSTED_PROXIES, webDist: config.WEB_DIST };
const app = await composeGateway(deps, clients, engines.db!);
await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT }, "gateway ready");

gracefulShutdown(logger, [
  { name: "http", run: () => app.close() },
  { name: "grpc clients", run: async () => Object.values(clients).forEach((c) => c.close()) },
  // Together: each waits for its fetch in flight (up to the consumer's 2 s long poll).
  { name: "org and menu followers", run: () => Promise.all([follower.stop(), menuFollower.stop()]).then(() => undefined) },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "engines", run: () => engines.close() },
]);
