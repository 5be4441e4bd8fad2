// The gateway's OpenAPI document, without engines or services: the app is composed as main.ts
// composes it, with dependencies that never connect (a lazy Redis, a Mongo database handle of an
// unopened client, gRPC clients nobody calls), then @fastify/swagger describes its routes.
//
//   node --import tsx services/gateway/bin/openapi.ts [out.json]     (stdout without a file)
//
// The web app's typed client is generated from it (pnpm --filter @kepu/web gen:api).
import { writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { WebhooksService } from "@kepu/contracts/notifications/v1/webhooks_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { generateEd25519Keys } from "@kepu/identity";
import { createLogger } from "@kepu/log";
import { CallSigner, createRpcClient } from "@kepu/rpc";
import { Accounts, LocalCodeSender, ResidentCodes } from "../src/auth/accounts.js";
import { ResidentMoves } from "../src/auth/resident-moves.js";
import { accessKeyRing, Tokens } from "../src/auth/tokens.js";
import { composeGateway } from "../src/http/gateway.js";

const unreachable = "127.0.0.1:1"; // nothing is ever sent: describing routes runs no handler
const logger = createLogger({ service: "gateway-openapi", level: "warn" });
const redis = new Redis(`redis://${unreachable}`, { lazyConnect: true, enableOfflineQueue: false });
const mongo = new MongoClient(`mongodb://${unreachable}`);
const db = mongo.db("kepu-openapi");
const prefix = "openapi:kepu:gateway:";
const rpc = { signer: CallSigner.fromJwk(generateEd25519Keys("openapi").signingJwk, "gateway") };
const clients = {
  registry: createRpcClient(RegistryService, unreachable, rpc),
  dispatch: createRpcClient(DispatchService, unreachable, rpc),
  events: createRpcClient(EventsService, unreachable, rpc),
  stats: createRpcClient(StatsService, unreachable, rpc),
  notifications: createRpcClient(NotificationsService, unreachable, rpc),
  webhooks: createRpcClient(WebhooksService, unreachable, rpc),
};
const deps = {
  logger,
  readiness: {},
  redis,
  prefix,
  tokens: new Tokens(accessKeyRing("", "openapi-document-only-0123456789abcdef"), redis, prefix, 15, 7),
  accounts: new Accounts(db, redis, prefix, { maxFailures: 5, windowSeconds: 900, lockSeconds: 900 }),
  codes: new ResidentCodes(redis, prefix, new LocalCodeSender(redis, prefix, "development")),
  residentMoves: new ResidentMoves(db),
  corsOrigin: "http://localhost",
  ratePerMinute: 600,
  ipRatePerMinute: 600,
  trustedProxies: [],
  webDist: "",
};

const app = await composeGateway(deps, clients, db);
await app.ready();
const document = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
Object.values(clients).forEach((client) => client.close());
redis.disconnect();
await mongo.close();

const out = process.argv[2];
if (out) writeFileSync(out, document);
else process.stdout.write(document);
