// The HTTP edge through the running gateway: safe retries with an Idempotency-Key, paging and
// filters, and the bilingual error body on every refusal — node's own (431) and CORS's too.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { menuOrder as order, Platform } from "./platform.js";

const allowedOrigin = "http://127.0.0.1:5173";
let platform: Platform;
const call = (...args: Parameters<Platform["call"]>) => platform.call(...args);
const resident = (phone: string) => platform.resident(phone);

/** The bilingual body every refusal carries. */
const bilingual = (code: string) => ({ code, messageZh: expect.stringMatching(/\p{Script=Han}/u), messageEn: expect.stringMatching(/[A-Za-z]/) });

beforeAll(async () => {
  platform = await Platform.start("gwedge", { CORS_ORIGIN: allowedOrigin });
}, 180_000);
afterAll(() => platform?.stop());

const myOrders = async (token: string) => (await call("GET", "/api/v1/orders", token)).body as { orders: { orderId: string }[]; total: number };

describe("safe retries: Idempotency-Key", () => {
  it("the same key twice yields one order and the first answer again; another body with it is refused", async () => {
    const token = await resident("13700004444");
    const key = crypto.randomUUID();
    const first = await call("POST", "/api/v1/orders", token, order, { "idempotency-key": key });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await call("POST", "/api/v1/orders", token, order, { "idempotency-key": key });
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await myOrders(token)).toMatchObject({ total: 1, orders: [{ orderId: first.body.order.orderId }] });

    const other = await call("POST", "/api/v1/orders", token, { ...order, expectedParticipants: 99 }, { "idempotency-key": key });
    expect(other).toMatchObject({ status: 422, body: bilingual("IDEMPOTENCY_KEY_REUSED") });
    expect((await myOrders(token)).total).toBe(1);

    // The key is the user's own: another resident's request with the same key is theirs.
    const neighbour = await resident("13700005555");
    const theirs = await call("POST", "/api/v1/orders", neighbour, order, { "idempotency-key": key });
    expect(theirs.status).toBe(200);
    expect(theirs.body.order.orderId).not.toBe(first.body.order.orderId);
    // Without a key every POST is its own action.
    expect((await call("POST", "/api/v1/orders", token, order)).status).toBe(200);
    expect((await myOrders(token)).total).toBe(2);
  });

  it("a retry sent while the first is still running makes no second order", async () => {
    const token = await resident("13700006666");
    const key = crypto.randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => call("POST", "/api/v1/orders", token, order, { "idempotency-key": key })));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((a) => a.body.order.orderId)).size).toBe(1);
    for (const busy of answers.filter((a) => a.status !== 200)) expect(busy).toMatchObject({ status: 409, body: bilingual("IDEMPOTENCY_IN_PROGRESS") });
    expect((await myOrders(token)).total).toBe(1);
    const later = await call("POST", "/api/v1/orders", token, order, { "idempotency-key": key });
    expect(later).toMatchObject({ status: 200, body: { order: { orderId: ok[0]!.body.order.orderId } } });
  });

  it("keeps the first answer for 24 hours in Redis, per user and key", async () => {
    const token = await resident("13700007777");
    const key = crypto.randomUUID();
    await call("POST", "/api/v1/orders", token, order, { "idempotency-key": key });
    const [stored] = await platform.redis.keys(`${platform.engines.prefix}kepu:gateway:idem:*:${key}`);
    expect(stored).toBeDefined();
    const ttl = await platform.redis.ttl(stored!);
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });
});

describe("paging and filters", () => {
  it("pages every list with a maximum and the total; unknown filters and filter values answer 400", async () => {
    const worker = await platform.signIn("worker");
    const page = await waitFor(async () => {
      const answer = (await call("GET", "/api/v1/orders?pageSize=1&page=0", worker)).body;
      return answer.total >= 2 && answer;
    }, { what: "the worker's orders" });
    expect(page).toMatchObject({ page: 0, pageSize: 1 });
    expect(page.orders).toHaveLength(1);
    const next = (await call("GET", "/api/v1/orders?pageSize=1&page=1", worker)).body;
    expect(next.orders[0].orderId).not.toBe(page.orders[0].orderId);
    expect((await call("GET", "/api/v1/teams?pageSize=1", worker)).body).toMatchObject({ page: 0, pageSize: 1, total: expect.any(Number) });
    for (const path of ["/api/v1/orders?pageSize=201", "/api/v1/orders?status=NOPE", "/api/v1/orders?colour=red", "/api/v1/activities?page=-1", "/api/v1/stats/breakdown?dimension=planet"]) {
      expect(await call("GET", path, worker), path).toMatchObject({ status: 400, body: bilingual("VALIDATION_FAILED") });
    }
    // A body field the API does not know is refused, not silently dropped.
    const token = await resident("13700008888");
    expect(await call("POST", "/api/v1/orders", token, { ...order, priority: "high" })).toMatchObject({ status: 400, body: bilingual("VALIDATION_FAILED") });
    expect(await call("POST", "/api/v1/orders", token, { ...order, expectedParticipants: "10" })).toMatchObject({ status: 400 });
  });
});

/** A raw request (node's http, so headers and URL can be as large as a client sends them). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${platform.gateway.httpUrl}${path}`, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("every refusal answers the bilingual body", () => {
  it("unknown route 404, wrong method 405, 413, 414, 415 and 431", async () => {
    const token = await resident("13700009999");
    expect(await call("GET", "/api/v1/nowhere", token)).toMatchObject({ status: 404, body: bilingual("ROUTE_NOT_FOUND") });
    const wrongMethod = await call("DELETE", "/api/v1/orders", token);
    expect(wrongMethod).toMatchObject({ status: 405, body: bilingual("METHOD_NOT_ALLOWED") });
    expect(wrongMethod.headers.get("allow")).toContain("GET");
    expect(wrongMethod.headers.get("allow")).toContain("POST");
    expect(await call("POST", "/api/v1/orders", token, JSON.stringify({ ...order, description: "长".repeat(300_000) }))).toMatchObject({ status: 413, body: bilingual("BODY_TOO_LARGE") });
    expect(await call("POST", "/api/v1/orders", token, "theme=THEME_HEALTH", { "content-type": "application/x-www-form-urlencoded" })).toMatchObject({ status: 415, body: bilingual("UNSUPPORTED_MEDIA_TYPE") });
    const longUrl = await raw(`/api/v1/orders?orgId=${"a".repeat(9000)}`, { authorization: `Bearer ${token}` });
    expect({ status: longUrl.status, body: JSON.parse(longUrl.body) }).toMatchObject({ status: 414, body: bilingual("URI_TOO_LONG") });
    const bigHeaders = await raw("/api/v1/me", { authorization: `Bearer ${token}`, "x-padding": "p".repeat(20_000) });
    expect({ status: bigHeaders.status, body: JSON.parse(bigHeaders.body) }).toMatchObject({ status: 431, body: bilingual("HEADERS_TOO_LARGE") });
  });

  it("a CORS preflight from an origin not allowed, or without its headers, is refused with the body; an allowed one passes", async () => {
    const preflight = (headers: Record<string, string>) => call("OPTIONS", "/api/v1/orders", undefined, undefined, headers);
    expect(await preflight({ origin: "https://evil.example", "access-control-request-method": "POST" })).toMatchObject({ status: 403, body: bilingual("CORS_ORIGIN_REFUSED") });
    expect(await preflight({ origin: allowedOrigin })).toMatchObject({ status: 400, body: bilingual("BAD_PREFLIGHT") });
    const allowed = await preflight({ origin: allowedOrigin, "access-control-request-method": "POST", "access-control-request-headers": "idempotency-key,content-type,authorization" });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(allowedOrigin);
  });

  it("documents every operation's success and error bodies in the OpenAPI", async () => {
    const doc = (await call("GET", "/docs/json")).body as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
    // The platform's own API (Open311 at /open311/v2 answers its standard's error shape instead).
    const operations = Object.entries(doc.paths).filter(([path]) => path.startsWith("/api/")).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })));
    expect(operations.length).toBeGreaterThan(35);
    for (const { name, op } of operations) {
      const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))?.[1];
      expect(Object.values(success?.content ?? {})[0]?.schema, name).toBeDefined();
      expect(op.responses["4XX"]?.content?.["application/json"]?.schema, name).toMatchObject({ required: expect.arrayContaining(["code", "messageZh", "messageEn"]) });
    }
    expect(JSON.stringify(doc.paths["/api/v1/orders"])).toContain("idempotency-key");
  });
});
