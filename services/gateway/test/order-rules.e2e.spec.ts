// The order's life through the HTTP API (issue 14's examples): a team that declined cannot take the
// same order from the pool, and an order the district claimed is dispatched by the district only —
// each refused with its bilingual error and the order unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { menuOrder, Platform } from "./platform.js";

let platform: Platform;

beforeAll(async () => {
  platform = await Platform.start("gworder", { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" });
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

describe("the order's life over HTTP", () => {
  it("does not let a team that declined an order take it from the pool (抢单)", async () => {
    const [resident, worker, leader] = await Promise.all([platform.resident("13700008881"), platform.signIn("worker"), platform.signIn("leader")]);
    const orderId = (await platform.call("POST", "/api/v1/orders", resident, menuOrder)).body.order.orderId as string;
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian"] })).status).toBe(200);
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/decline`, leader, { reason: "本周人手不足" })).body.order.status).toBe("ORDER_STATUS_SUBMITTED");
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/pool`, worker, { reason: "转科协" })).body.order.status).toBe("ORDER_STATUS_POOLED");
    const before = (await platform.call("GET", `/api/v1/orders/${orderId}`, worker)).body.order;

    const grab = await platform.call("POST", `/api/v1/orders/${orderId}/accept`, leader, {});
    expect(grab.status).toBe(409);
    expect(grab.body).toMatchObject({ code: "TEAM_ALREADY_DECLINED" });
    expect(grab.body.message).toMatch(/已拒绝.*\/ .*declined/);
    expect((await platform.call("GET", `/api/v1/orders/${orderId}`, worker)).body.order).toEqual(before);
  });

  it("lets only the association that claimed an order dispatch it, not the city above it", async () => {
    const [resident, worker, district, city] = await Promise.all([platform.resident("13700008882"), platform.signIn("worker"), platform.signIn("district"), platform.signIn("city")]);
    const orderId = (await platform.call("POST", "/api/v1/orders", resident, menuOrder)).body.order.orderId as string;
    await platform.call("POST", `/api/v1/orders/${orderId}/pool`, worker, { reason: "转科协" });
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/claim`, district, {})).body.order.status).toBe("ORDER_STATUS_CLAIMED");
    const before = (await platform.call("GET", `/api/v1/orders/${orderId}`, city)).body.order;

    const byCity = await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, city, { teamIds: ["team-futian"] });
    expect(byCity.status).toBe(403);
    expect(byCity.body).toMatchObject({ code: "OUTSIDE_YOUR_SCOPE", messageZh: expect.any(String), messageEn: expect.any(String) });
    expect((await platform.call("GET", `/api/v1/orders/${orderId}`, city)).body.order).toEqual(before);

    expect((await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, district, { teamIds: ["team-futian"] })).body.order.status).toBe("ORDER_STATUS_DISPATCHED");
  });
});
