// The inbox through the gateway: a resident's order is dispatched and accepted, and she is told —
// listed, counted, pushed live over server-sent events, marked read — while another resident is not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { menuOrder, Platform } from "./platform.js";

let platform: Platform;

beforeAll(async () => {
  platform = await Platform.start("gwinbox", { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" });
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

/** Reads a server-sent event stream until `until` says enough, or the deadline passes. */
async function liveEvents(token: string, until: (events: { event: string; data: unknown }[]) => boolean): Promise<{ event: string; data: unknown }[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const response = await fetch(`${platform.gateway.httpUrl}/api/v1/me/notifications/live`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: { event: string; data: unknown }[] = [];
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of response.body!) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffered.indexOf("\n\n"); end >= 0; end = buffered.indexOf("\n\n")) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
      if (until(events)) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

describe("the inbox through the gateway", () => {
  it("tells a resident her order was dispatched and accepted, live and in her inbox, and nobody else", async () => {
    const [resident, other, worker, leader] = await Promise.all([platform.resident("13700005555"), platform.resident("13700006666"), platform.signIn("worker"), platform.signIn("leader")]);
    expect((await platform.call("GET", "/api/v1/me/notifications/unread", resident)).body).toEqual({ unread: 0 });

    const live = liveEvents(resident, (events) => events.some((e) => e.event === "notification" && (e.data as { kind: string }).kind === "order.accepted"));
    const orderId = (await platform.call("POST", "/api/v1/orders", resident, menuOrder)).body.order.orderId as string;
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian"] })).status).toBe(200);
    expect((await platform.call("POST", `/api/v1/orders/${orderId}/accept`, leader, {})).status).toBe(200);
    const pushed = await live;
    expect(pushed.find((e) => e.event === "notification" && (e.data as { kind: string }).kind === "order.accepted")?.data).toMatchObject({ orderId, title: "点单已被接单", read: false });

    // An accepted order becomes an activity right away: wait for that notice too, so the count stands still.
    const inbox = await waitFor(async () => {
      const answer = (await platform.call("GET", "/api/v1/me/notifications", resident)).body;
      const kinds: string[] = answer.notifications?.map((n: { kind: string }) => n.kind) ?? [];
      return kinds.includes("order.accepted") && kinds.some((k) => k.includes("scheduled")) && answer;
    }, { what: "the acceptance and the scheduled activity in her inbox" });
    const kinds = inbox.notifications.map((n: { kind: string }) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(["order.dispatched", "order.accepted"]));
    expect(inbox.notifications.every((n: { orderId: string; body: string; bodyEn: string }) => n.orderId === orderId && n.body && n.bodyEn)).toBe(true);
    expect(inbox.unread).toBe(inbox.notifications.length);

    // Nobody else is told of her order.
    expect((await platform.call("GET", "/api/v1/me/notifications", other)).body.notifications).toEqual([]);

    const first = inbox.notifications[0].notificationId as string;
    expect((await platform.call("POST", `/api/v1/me/notifications/${first}/read`, resident)).body).toEqual({ unread: inbox.unread - 1 });
    expect((await platform.call("POST", `/api/v1/me/notifications/${first}/read`, other)).body).toEqual({ unread: 0 }); // not hers: nothing changes
    expect((await platform.call("POST", "/api/v1/me/notifications/read-all", resident)).body).toEqual({ unread: 0 });
  });

  it("keeps a person's SMS choice, her number masked when shown, and refuses a number that is not one", async () => {
    const resident = await platform.resident("13700007777");
    const saved = await platform.call("PUT", "/api/v1/me/notification-settings", resident, { smsEnabled: true, phone: "13700007777" });
    expect(saved.status).toBe(200);
    expect(saved.body.settings).toMatchObject({ smsEnabled: true, phone: "137****7777" });
    expect((await platform.call("GET", "/api/v1/me/notification-settings", resident)).body.settings).toMatchObject({ smsEnabled: true, phone: "137****7777" });
    expect((await platform.call("PUT", "/api/v1/me/notification-settings", resident, { smsEnabled: true, phone: "12345" })).status).toBe(400);
  });

  it("answers only a signed-in person", async () => {
    expect((await platform.call("GET", "/api/v1/me/notifications")).status).toBe(401);
    expect((await platform.call("GET", "/api/v1/me/notifications/live")).status).toBe(401);
  });
});
