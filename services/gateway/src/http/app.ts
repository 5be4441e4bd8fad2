import { toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic, { type FastifyStaticOptions } from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { TypeBoxValidatorCompiler } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from "fastify";
import type { Redis } from "ioredis";
import type { TSchema } from "typebox";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { createHttpServer } from "@kepu/http";
import type { Logger } from "@kepu/log";
import type { Accounts, ResidentCodes } from "../auth/accounts.js";
import type { ResidentMoves } from "../auth/resident-moves.js";
import type { ResidentDirectory } from "../auth/resident-directory.js";
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
  residentMoves: ResidentMoves;
  /** Residents who signed in (name, community, phone masked), for 代点单. */
  residents: ResidentDirectory;
  corsOrigin: string;
  /** Requests per minute per signed-in user, and per client address (signed in or not). */
  ratePerMinute: number;
  ipRatePerMinute: number;
  /** Proxies (IPs or CIDRs) whose X-Forwarded-For names the client; empty: none. */
  trustedProxies: string[];
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
  const app = createHttpServer({ logger: deps.logger, readiness: deps.readiness, bodyLimit: 256 * 1024, fallback: webApp, trustProxy: deps.trustedProxies });
  app.setValidatorCompiler(validatorCompiler);
  await app.register(helmet, { contentSecurityPolicy: false });
  // A preflight the CORS rules refuse answers the bilingual body (before @fastify/cors sees it).
  const origins = deps.corsOrigin.split(",");
  app.addHook("onRequest", async (request) => {
    if (request.method !== "OPTIONS") return;
    const origin = request.headers.origin;
    if (!origin || !request.headers["access-control-request-method"]) {
      throw kepuError("invalid", "BAD_PREFLIGHT", "跨域预检请求须带 Origin 与 Access-Control-Request-Method", "A CORS preflight needs Origin and Access-Control-Request-Method");
    }
    if (!origins.includes(origin)) throw kepuError("forbidden", "CORS_ORIGIN_REFUSED", "此来源不允许跨域访问", `Cross-origin requests from ${origin} are not allowed`);
  });
  await app.register(cors, { origin: origins, credentials: true });
  await app.register(swagger, { openapi: { info: { title: "Kepu 科普 API", version: "1.0.0", description: "The one HTTP API of the Kepu platform. 错误均以 {code, message} 返回（中文 / English）。" }, components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } } });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  // Summary photos are posted as the image itself; every other body is JSON.
  app.addContentTypeParser(["image/jpeg", "image/png", "image/webp"], { parseAs: "buffer", bodyLimit: 2 * 1024 * 1024 + 1 }, (_request, body, done) => done(null, body));

  const perIp = await rateLimiter(app, deps, "ip", deps.ipRatePerMinute);
  const perUser = await rateLimiter(app, deps, "user", deps.ratePerMinute, (request) => request.caller!.id);
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api/")) return;
    const header = request.headers.authorization;
    const signedIn = header?.startsWith("Bearer ") ? await deps.tokens.verify(header.slice(7)).catch((error: Error) => error) : undefined;
    if (signedIn && !(signedIn instanceof Error)) request.caller = signedIn;
    // Every request counts against its address (one with a bad token too), a signed-in one against its user as well.
    const limits = await Promise.all(request.caller ? [perIp(request), perUser(request)] : [perIp(request)]);
    const exceeded = limits.filter((limit) => !limit.isAllowed && limit.isExceeded);
    if (exceeded.length > 0) {
      reply.header("retry-after", Math.max(...exceeded.map((limit) => (limit.isAllowed ? 0 : limit.ttlInSeconds))));
      throw kepuError("rate_limited", "RATE_LIMITED", "请求过于频繁，请稍后再试", "Too many requests; please slow down");
    }
    if (signedIn instanceof Error) throw signedIn;
  });

  if (deps.webDist) {
    await app.register(fastifyStatic, webAppFiles(deps.webDist));
    // The app's files differ by Accept-Encoding (caches keep one copy per encoding), besides Origin (CORS).
    app.addHook("onSend", async (request, reply) => {
      if (request.url.startsWith("/api/")) return;
      const vary = reply.getHeader("vary");
      reply.header("vary", vary ? `${String(vary)}, Accept-Encoding` : "Accept-Encoding");
    });
  }
  return app;
}

/**
 * The built web app: its hashed files under /assets/ cached for good (a new build has new
 * names), index.html asked again each time (it names the current assets); each file sent as
 * the brotli or gzip copy the build wrote next to it when the browser accepts one.
 */
function webAppFiles(root: string): FastifyStaticOptions {
  return {
    root,
    wildcard: false,
    preCompressed: true,
    globIgnore: ["**/*.br", "**/*.gz"],
    cacheControl: false,
    setHeaders: (response, path) => response.setHeader("cache-control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache"),
  };
}

type Limiter = ReturnType<FastifyInstance["createRateLimit"]>;

/**
 * A fixed one-minute window per key in Redis (@fastify/rate-limit's store: one script call a
 * request), so every gateway replica counts together. Each limiter gets its own scope, so the
 * two limits keep their own settings and key space (<prefix>rl:ip:…, <prefix>rl:user:…).
 */
async function rateLimiter(app: FastifyInstance, deps: GatewayDeps, name: string, max: number, keyGenerator?: (request: FastifyRequest) => string): Promise<Limiter> {
  let limiter: Limiter | undefined;
  await app.register(async (scope) => {
    await scope.register(rateLimit, { global: false, redis: deps.redis, nameSpace: `${deps.prefix}rl:${name}:`, max, timeWindow: 60_000, ...(keyGenerator ? { keyGenerator } : {}) });
    limiter = scope.createRateLimit();
  });
  return limiter!;
}

/** Query strings, path parameters and headers are text: a number is read from digits, nothing else ("true" is no page size). */
const textParts = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false });
addFormats.default(textParts);

/**
 * Request validation: bodies with TypeBox as sent (a string is not a number), the text parts with
 * ajv converting numbers; anything not in the schema is refused, not dropped. A binary body (a
 * photo) is the route's to check.
 */
const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  if ((route.schema as { format?: string }).format === "binary") return () => true;
  if (route.httpPart === "body") return TypeBoxValidatorCompiler(route);
  return textParts.compile(route.schema);
};

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
