import { describe, expect, it } from "vitest";
import { kepuError } from "@kepu/errors";
import { createLogger } from "@kepu/log";
import { createHttpServer } from "../src/index.js";

const logger = createLogger({ service: "http-test", level: "silent" });

function server(readiness: Record<string, () => Promise<boolean>> = { kafka: async () => true }) {
  const app = createHttpServer({ logger, readiness });
  app.get("/orders/:id", async (request) => {
    throw kepuError("not_found", "ORDER_NOT_FOUND", "订单不存在", "Order not found", (request.params as { id: string }).id);
  });
  app.post("/orders", { schema: { body: { type: "object", required: ["title"], properties: { title: { type: "string", minLength: 1 } } } } }, async () => ({ ok: true }));
  app.get("/boom", async () => {
    throw new Error("mongodb://user:secret@host refused");
  });
  return app;
}

describe("http bootstrap", () => {
  it("is alive and ready when every engine answers", async () => {
    const app = server();
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, checks: { kafka: true } });
  });

  it("is not ready while an engine does not answer or its check throws", async () => {
    const app = server({ kafka: async () => true, mongo: async () => false, redis: async () => Promise.reject(new Error("down")) });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false, checks: { kafka: true, mongo: false, redis: false } });
  });

  it("answers a domain error with its status and the bilingual shape", async () => {
    const response = await server().inject({ url: "/orders/o-9" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: "ORDER_NOT_FOUND", message: "订单不存在 / Order not found", messageZh: "订单不存在", messageEn: "Order not found", field: "o-9" });
  });

  it("rejects invalid input before the handler, naming what is wrong", async () => {
    const response = await server().inject({ method: "POST", url: "/orders", payload: { title: "" } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", messageZh: expect.stringContaining("请求参数有误") });
  });

  it("leaves a long path parameter to the route's own schema, not to the router's raw 414", async () => {
    const app = server();
    app.get("/teams/:teamId", { schema: { params: { type: "object", properties: { teamId: { type: "string", maxLength: 120 } } } } }, async () => ({ ok: true }));
    const response = await app.inject({ url: `/teams/${"t".repeat(300)}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED", messageZh: expect.any(String), messageEn: expect.any(String) });
  });

  it("hides unexpected errors and unknown routes behind clear messages", async () => {
    const boom = await server().inject({ url: "/boom" });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain("secret");
    expect(boom.json()).toMatchObject({ code: "INTERNAL" });
    const missing = await server().inject({ url: "/nowhere" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "ROUTE_NOT_FOUND", messageZh: "请求的地址不存在" });
  });

  it("returns the correlation id it was given, or a new one", async () => {
    const given = await server().inject({ url: "/healthz", headers: { "x-correlation-id": "corr-7" } });
    expect(given.headers["x-correlation-id"]).toBe("corr-7");
    const fresh = await server().inject({ url: "/healthz" });
    expect(fresh.headers["x-correlation-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
