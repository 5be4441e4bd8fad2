// The gateway's whole HTTP app from its dependencies: the edge (app.ts), idempotency, every route
// plugin, Open311 and the audit log — what main.ts serves and bin/openapi.ts describes.
import type { FastifyInstance } from "fastify";
import type { Db } from "mongodb";
import { buildApp, type GatewayDeps } from "./app.js";
import auditLog from "./audit.js";
import idempotency from "./idempotency.js";
import open311 from "./open311.js";
import { registerRoutes, type Clients } from "./routes/index.js";

export async function composeGateway(deps: GatewayDeps, clients: Clients, db: Db): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  await app.register(idempotency, { redis: deps.redis, prefix: deps.prefix }); // Idempotency-Key: a retried POST answers its first result again (24 h)
  await registerRoutes(app, { deps, clients });
  await app.register(open311, { deps, clients, db }); // Open311 GeoReport v2 at /open311/v2, and the API keys other systems call it with
  await app.register(auditLog, { db, logger: deps.logger }); // records staff writes and personal reads; GET /api/v1/audit
  return app;
}
