// Safe retries: a POST that creates something may carry an Idempotency-Key (one per user action).
// The first answer for a user's key — status and body — is kept in Redis for 24 h and answered again
// to the same request; a different request with the same key is refused (422), and one that comes
// while the first is still running is told so (409) instead of running twice.
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import { kepuError } from "@kepu/errors";

export interface IdempotencyOptions {
  redis: Redis;
  prefix: string;
  /** How long the first answer is given again (seconds; 24 h). */
  keepSeconds?: number;
  /** How long a request may hold its key while running before another may take it over (seconds). */
  runningSeconds?: number;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** This route creates something: an Idempotency-Key makes its retries safe. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency?: { key: string; fingerprint: string };
  }
}

type Stored = { state: "running"; fingerprint: string } | { state: "done"; fingerprint: string; status: number; contentType: string; body: string };

const inProgress = () => kepuError("conflict", "IDEMPOTENCY_IN_PROGRESS", "同一操作正在处理中，请稍后再试", "The same action is still being handled; try again shortly", "Idempotency-Key");

export const replayedHeader = "idempotent-replayed";

/** What makes two requests "the same": route, path parameters and body (an image by its bytes). */
function fingerprintOf(request: FastifyRequest): string {
  const hash = createHash("sha256").update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params ?? {})}\n`);
  hash.update(Buffer.isBuffer(request.body) ? request.body : JSON.stringify(request.body ?? null));
  return hash.digest("base64url");
}

/** Answers kept only when they are the request's own result: not a refusal to run it at all. */
const keepable = (status: number) => status < 500 && status !== 401 && status !== 429;

async function idempotency(app: FastifyInstance, options: IdempotencyOptions): Promise<void> {
  const { redis } = options;
  const keepSeconds = options.keepSeconds ?? 24 * 3600;
  const runningSeconds = options.runningSeconds ?? 60;
  const redisKey = (request: FastifyRequest) => `${options.prefix}idem:${request.caller!.id}:${request.idempotency!.key}`;

  app.addHook("preHandler", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    // Only signed-in callers (a key is per user); the route itself answers 401 to anyone else.
    if (!request.routeOptions.config.idempotent || typeof key !== "string" || !request.caller) return;
    request.idempotency = { key, fingerprint: fingerprintOf(request) };
    const claimed = await redis.set(redisKey(request), JSON.stringify({ state: "running", fingerprint: request.idempotency.fingerprint } satisfies Stored), "EX", runningSeconds, "NX");
    if (claimed === "OK") return; // the first: run it
    const raw = await redis.get(redisKey(request));
    const first = raw ? (JSON.parse(raw) as Stored) : undefined;
    const mine = request.idempotency;
    request.idempotency = undefined; // this request's answer is not stored
    if (!first) throw inProgress();
    if (first.fingerprint !== mine.fingerprint) {
      const reused = kepuError("invalid", "IDEMPOTENCY_KEY_REUSED", "同一个 Idempotency-Key 已用于另一个请求", "This Idempotency-Key was used for a different request", "Idempotency-Key");
      return reply.code(422).send(reused.toBody());
    }
    if (first.state === "running") {
      reply.header("retry-after", 1);
      throw inProgress();
    }
    return replay(reply, first);
  });

  app.addHook("onSend", async (request, reply, payload) => {
    if (!request.idempotency) return payload;
    const stored = request.idempotency;
    request.idempotency = undefined;
    const key = `${options.prefix}idem:${request.caller!.id}:${stored.key}`;
    if (keepable(reply.statusCode) && typeof payload === "string") {
      const done: Stored = { state: "done", fingerprint: stored.fingerprint, status: reply.statusCode, contentType: String(reply.getHeader("content-type") ?? "application/json"), body: payload };
      await redis.set(key, JSON.stringify(done), "EX", keepSeconds);
    } else {
      await redis.del(key); // not an answer to keep: a retry runs again
    }
    return payload;
  });

  // The client went away before an answer: free the key so its retry runs.
  app.addHook("onRequestAbort", async (request) => {
    if (request.idempotency) await redis.del(redisKey(request));
  });
}

function replay(reply: FastifyReply, first: Extract<Stored, { state: "done" }>): FastifyReply {
  return reply.code(first.status).header("content-type", first.contentType).header(replayedHeader, "true").send(first.body);
}

/** Registered on the root (fastify-plugin), before the routes: its hooks see every route flagged `idempotent`. */
export default fp(idempotency, { name: "kepu-idempotency", fastify: "5.x" });
