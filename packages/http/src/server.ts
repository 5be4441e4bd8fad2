import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { v7 as uuidv7 } from "uuid";
import { httpStatusOf, isKepuError, kepuError, type ErrorBody } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import { isDraining } from "./drain.js";

export type ReadinessChecks = Record<string, () => Promise<boolean>>;

export interface HttpServerOptions {
  logger: Logger;
  /** Each engine or dependency the service needs; /readyz is green only when all answer. */
  readiness: ReadinessChecks;
  bodyLimit?: number;
  /** Log every request (off for the hot paths of a benchmark). */
  logRequests?: boolean;
  /** Answers a request no route matched before it becomes a 404 (a single-page app's index.html), or declines with undefined. */
  fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;
  /**
   * The proxies (IPs or CIDRs) whose `X-Forwarded-For` is believed. Empty (the default): nobody's,
   * so `request.ip` is the peer's own address and a client cannot name itself another.
   */
  trustProxy?: string[];
}

const correlationHeader = "x-correlation-id";

/** A fastify instance with health and readiness, the bilingual error shape and correlation ids. */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    disableRequestLogging: options.logRequests === false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestIdHeader: correlationHeader,
    genReqId: () => uuidv7(),
    requestIdLogLabel: "correlationId",
    trustProxy: options.trustProxy?.length ? options.trustProxy : false,
  });

  app.addHook("onSend", async (request, reply) => {
    reply.header(correlationHeader, request.id);
    // Shutting down: this answer is the connection's last, so the client's next request opens a
    // new one (to the process that takes over) instead of racing the close.
    if (isDraining()) reply.header("connection", "close");
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    if (isDraining()) return reply.code(503).send({ ready: false, draining: true, checks: {} });
    const names = Object.keys(options.readiness);
    const results = await Promise.all(names.map((name) => options.readiness[name]!().catch(() => false)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = results.every(Boolean);
    return reply.code(ready ? 200 : 503).send({ ready, checks });
  });

  app.setNotFoundHandler((request, reply) => {
    const answered = options.fallback?.(request, reply);
    if (answered) return answered;
    const error = kepuError("not_found", "ROUTE_NOT_FOUND", "请求的地址不存在", `No route ${request.method} ${request.url}`);
    return reply.code(404).send(error.toBody());
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    return reply.code(status).send(body);
  });

  return app as unknown as FastifyInstance;
}

/** Maps anything thrown in a route to a status and the one error body every API answers with. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isKepuError(error)) return { status: httpStatusOf(error.kind), body: error.toBody() };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const detail = fastifyError.message ?? "invalid request";
    const field = fastifyError.validation[0]?.instancePath?.replace(/^\//, "") || undefined;
    return { status: 400, body: kepuError("invalid", "VALIDATION_FAILED", `请求参数有误：${detail}`, `Invalid request: ${detail}`, field).toBody() };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 413) return { status, body: kepuError("invalid", "BODY_TOO_LARGE", "请求内容过大", "Request body too large").toBody() };
  if (status === 415) return { status, body: kepuError("invalid", "UNSUPPORTED_MEDIA_TYPE", "不支持的内容类型", "Unsupported content type").toBody() };
  if (status === 429) return { status, body: kepuError("rate_limited", "RATE_LIMITED", "请求过于频繁，请稍后再试", "Too many requests, slow down").toBody() };
  if (status >= 400 && status < 500) {
    const code = (fastifyError.code ?? "BAD_REQUEST").replace(/^FST_ERR_/, "");
    return { status, body: kepuError("invalid", code, "请求有误，请检查后重试", fastifyError.message ?? "Bad request").toBody() };
  }
  return { status: 500, body: kepuError("internal", "INTERNAL", "系统内部错误，请稍后重试", "Internal error, please retry later").toBody() };
}
