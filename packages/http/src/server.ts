import type { Socket } from "node:net";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchema } from "fastify";
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
/** Left out of the OpenAPI document (@fastify/swagger reads `hide`). */
const hidden = { hide: true } as FastifySchema;
/** The longest URL (path and query) answered; a longer one is 414. */
export const maxUrlLength = 8 * 1024;

/**
 * What node's HTTP parser refuses before any route runs (headers too large: 431, a malformed
 * request: 400, too slow: 408) answered with the same bilingual body as every other error.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed || !socket.writable) return;
  const [status, body] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, kepuError("invalid", "HEADERS_TOO_LARGE", "请求头过大", "Request headers too large")]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, kepuError("invalid", "REQUEST_TIMEOUT", "请求超时", "Request timed out")]
        : [400, kepuError("invalid", "MALFORMED_REQUEST", "请求格式有误", "Malformed HTTP request")];
  const text = JSON.stringify(body.toBody());
  const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/** A route's path pattern (/a/:id/b) as a test for a concrete path. */
const patternOf = (url: string) => new RegExp(`^${url.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`);

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
    // A parameter's length is its route schema's to judge (and a URL's, maxUrlLength's): the router
    // steps aside, so a long id is answered by the route's own validation, in the route's own format.
    maxParamLength: maxUrlLength,
    // What the router itself still refuses (a malformed URL) answers the one error body too.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = errorResponse(error);
      return reply.code(status).send(body);
    },
    clientErrorHandler,
  });

  // Every route's methods by path pattern: a known path asked with another method is 405, not 404.
  const routes: { test: RegExp; methods: string[] }[] = [];
  app.addHook("onRoute", (route) => {
    if (route.url.includes("*")) return;
    routes.push({ test: patternOf(route.url), methods: [route.method].flat().map(String) });
  });

  app.addHook("onRequest", async (request, reply) => {
    // Before a body is read: a known path asked with a method it does not take.
    if (request.is404) {
      const path = request.url.split("?")[0]!;
      const allowed = [...new Set(routes.filter((route) => route.test.test(path)).flatMap((route) => route.methods))];
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        const error = kepuError("invalid", "METHOD_NOT_ALLOWED", `此地址不支持 ${request.method} 方法`, `${request.method} is not allowed here; use ${allowed.join(", ")}`);
        return reply.code(405).header("allow", allowed.join(", ")).send(error.toBody());
      }
    }
    if (request.url.length > maxUrlLength) return reply.code(414).send(kepuError("invalid", "URI_TOO_LONG", "请求地址过长", `The URL is longer than ${maxUrlLength} characters`).toBody());
  });

  app.addHook("onSend", async (request, reply) => {
    reply.header(correlationHeader, request.id);
    // Shutting down: this answer is the connection's last, so the client's next request opens a
    // new one (to the process that takes over) instead of racing the close.
    if (isDraining()) reply.header("connection", "close");
  });

  app.get("/healthz", { schema: hidden }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: hidden }, async (_request, reply) => {
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
  if (status === 414) return { status, body: kepuError("invalid", "URI_TOO_LONG", "请求地址过长", "The URL is too long").toBody() };
  if (status === 413) return { status, body: kepuError("invalid", "BODY_TOO_LARGE", "请求内容过大", "Request body too large").toBody() };
  if (status === 415) return { status, body: kepuError("invalid", "UNSUPPORTED_MEDIA_TYPE", "不支持的内容类型", "Unsupported content type").toBody() };
  if (status === 429) return { status, body: kepuError("rate_limited", "RATE_LIMITED", "请求过于频繁，请稍后再试", "Too many requests, slow down").toBody() };
  if (status >= 400 && status < 500) {
    const code = (fastifyError.code ?? "BAD_REQUEST").replace(/^FST_ERR_/, "");
    return { status, body: kepuError("invalid", code, "请求有误，请检查后重试", fastifyError.message ?? "Bad request").toBody() };
  }
  return { status: 500, body: kepuError("internal", "INTERNAL", "系统内部错误，请稍后重试", "Internal error, please retry later").toBody() };
}
