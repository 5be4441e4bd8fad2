// Shutdown as a client sees it: readiness turns false at once, the server keeps answering through
// the drain delay (each answer closing its connection), requests in flight finish, then it closes.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { createLogger } from "@kepu/log";
import { createHttpServer, gracefulShutdown } from "../src/index.js";

const logger = createLogger({ service: "drain-test", level: "silent" });

/** One request on its own connection: status, the Connection header and the body. */
function get(port: number, path: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, connection: response.headers.connection, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** GET /slow: answers only once released; `started` says it is running. */
function slowRoute(app: ReturnType<typeof createHttpServer>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let begin!: () => void;
  const started = new Promise<void>((resolve) => (begin = resolve));
  app.get("/slow", async () => {
    begin();
    await released;
    return { done: true };
  });
  return { started, release };
}

describe("graceful shutdown", () => {
  it("is not ready from the signal on, still serves through the drain, lets in-flight requests finish, then closes", async () => {
    const app = createHttpServer({ logger, readiness: { store: async () => true } });
    const { started, release } = slowRoute(app);
    app.get("/fast", async () => ({ ok: true }));
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    expect((await get(port, "/readyz")).status).toBe(200);

    const slow = get(port, "/slow");
    await started;
    const stop = gracefulShutdown(logger, [{ name: "http", run: () => app.close() }], { drainMs: 300 });
    const stopped = stop();

    const readiness = await get(port, "/readyz");
    expect(readiness.status).toBe(503);
    expect(JSON.parse(readiness.body)).toMatchObject({ ready: false, draining: true });
    const during = await get(port, "/fast");
    expect(during).toMatchObject({ status: 200, connection: "close" });

    release();
    expect(await slow).toMatchObject({ status: 200, body: '{"done":true}' });
    await stopped;
    await expect(get(port, "/fast")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("waits for a request still running when the drain ends before closing", async () => {
    const app = createHttpServer({ logger, readiness: {} });
    const { started, release } = slowRoute(app);
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const slow = get(port, "/slow");
    await started;
    let closed = false;
    const stopped = gracefulShutdown(logger, [{ name: "http", run: () => app.close().then(() => void (closed = true)) }], { drainMs: 0 })();
    // The close has begun (no drain) but cannot finish while /slow is running.
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    expect((await slow).status).toBe(200);
    await stopped;
    expect(closed).toBe(true);
  });
});
