import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { createHttpServer } from "@kepu/http";
import type { Logger } from "@kepu/log";
import type { Accounts, ResidentCodes } from "../auth/accounts.js";
import type { Caller, Tokens } from "../auth/tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
  }
}

export interface GatewayDeps {
  logger: Logger;
  readiness: Record<string, () => Promise<boolean>>;
  redis: Redis;
  prefix: string;
  tokens: Tokens;
  accounts: Accounts;
  codes: ResidentCodes;
  corsOrigin: string;
  ratePerMinute: number;
  webDist: string;
}

/** Every role, for routes open to all who are signed in. */
export const anyone = Object.values(Role).filter((r): r is Role => typeof r === "number" && r !== Role.UNSPECIFIED && r !== Role.SYSTEM);
export const staff = [Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMIN];

/** Protobuf message → JSON the web app reads (camelCase, enum names, ISO times). */
export const json = <D extends DescMessage>(schema: D, message: MessageShape<D>) => toJson(schema, message, { alwaysEmitImplicit: true });

/** The gateway's fastify app: security headers, CORS, sign-in, per-user and per-IP limits, OpenAPI. */
export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  // The web app's client-side routes (/resident/menu, …) all load its index.html.
  const webApp = (request: FastifyRequest, reply: FastifyReply) => (deps.webDist && request.method === "GET" && !request.url.startsWith("/api/") ? reply.sendFile("index.html") : undefined);
  const app = createHttpServer({ logger: deps.logger, readiness: deps.readiness, bodyLimit: 256 * 1024, fallback: webApp });
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, { origin: deps.corsOrigin.split(","), credentials: true });
  await app.register(swagger, { openapi: { info: { title: "Kepu 科普 API", version: "1.0.0", description: "The one HTTP API of the Kepu platform. 错误均以 {code, message} 返回（中文 / English）。" }, components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } } });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  // Summary photos are posted as the image itself; every other body is JSON.
  app.addContentTypeParser(["image/jpeg", "image/png", "image/webp"], { parseAs: "buffer", bodyLimit: 2 * 1024 * 1024 + 1 }, (_request, body, done) => done(null, body));

  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/")) return;
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ")) request.caller = await deps.tokens.verify(header.slice(7));
    await limitRate(deps, request);
  });

  if (deps.webDist) await app.register(fastifyStatic, { root: deps.webDist, wildcard: false });
  return app;
}

/** A fixed window per minute, in Redis so that every gateway replica counts together. */
async function limitRate(deps: GatewayDeps, request: FastifyRequest): Promise<void> {
  const window = Math.floor(Date.now() / 60_000);
  const who = request.caller ? `u:${request.caller.id}` : `ip:${request.ip}`;
  const key = `${deps.prefix}rl:${who}:${window}`;
  const count = await deps.redis.incr(key);
  if (count === 1) await deps.redis.expire(key, 61);
  if (count > deps.ratePerMinute) throw kepuError("rate_limited", "RATE_LIMITED", "请求过于频繁，请稍后再试", "Too many requests; please slow down");
}

/** The signed-in caller, if their role may use this route; the services check the org scope again. */
export function callerFor(request: FastifyRequest, roles: Role[]): Caller {
  const caller = request.caller;
  if (!caller) throw kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first");
  if (!roles.includes(caller.role)) throw kepuError("forbidden", "ROLE_NOT_ALLOWED", "您的角色无权进行此操作", "Your role cannot do this");
  return caller;
}

export function rpcOptions(request: FastifyRequest, caller: Caller) {
  return { actor: { id: caller.id, role: caller.role, orgId: caller.orgId, displayName: caller.displayName }, correlationId: request.id };
}

export type Reply = FastifyReply;
