// Webhooks end to end: the notifications service as its own process on the real engines, a
// receiver on loopback that checks every delivery's signature the way docs/operations.md tells
// integrators to, and the WebhooksService over signed gRPC. The test plays the other services by
// publishing their events (each one twice: a redelivery) onto their topics.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderSubmittedSchema } from "@kepu/contracts/dispatch/v1/events_pb";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { DeliveryStatus, WebhooksService } from "@kepu/contracts/notifications/v1/webhooks_pb";
import { OrganizationRegisteredSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("webhooks"));
const publisher = new EventPublisher(engines.kafka);
let service: ServiceProcess;
let webhooks: ReturnType<typeof createRpcClient<typeof WebhooksService>>;
let notifications: ReturnType<typeof createRpcClient<typeof NotificationsService>>;
const maxFailures = 3;

const tree = [
  ["sz", ["sz"]],
  ["sz-futian", ["sz", "sz-futian"]],
  ["sz-futian-yuanling", ["sz", "sz-futian", "sz-futian-yuanling"]],
  ["c-hongli", ["sz", "sz-futian", "sz-futian-yuanling", "c-hongli"]],
  ["sz-luohu", ["sz", "sz-luohu"]],
  ["c-luohu", ["sz", "sz-luohu", "c-luohu"]],
] as const;
const place = (orgId: string) => ({ orgId, path: [...tree.find(([id]) => id === orgId)![1]] });
const district = { id: "district-1", role: Role.DISTRICT_STAFF, orgId: "sz-futian", displayName: "福田区科协" };
const street = { id: "street-1", role: Role.STREET_STAFF, orgId: "sz-futian-yuanling", displayName: "园岭街道" };
const luohu = { id: "luohu-1", role: Role.DISTRICT_STAFF, orgId: "sz-luohu", displayName: "罗湖区科协" };
const resident = { id: "r1", role: Role.RESIDENT, orgId: "c-hongli", displayName: "r1" };

function event<D extends DescMessage>(schema: D, payload: MessageInitShape<D>, aggregateId: string, version: number): EventEnvelope {
  return newEvent(schema, payload, { source: "e2e", aggregateId, aggregateVersion: version, correlationId: `e2e-${aggregateId}`, actor: resident });
}
const submitted = (orderId: string, community: string) => event(OrderSubmittedSchema, { orderId, requesterId: "r1", request: { title: "垃圾分类讲座", community: place(community) } }, orderId, 1);
/** Every event delivered twice: the same envelope (same event id) published again right after. */
const twice = async (envelope: EventEnvelope) => publisher.publish(engines.topic("dispatch"), [envelope, envelope]);

// ---- the receiver: what an integrator runs ---------------------------------------------------------
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  answered: number;
}
const received: Received[] = [];
const secrets = new Map<string, string>(); // path → the subscription's secret
let receiver: Server;
let receiverUrl = "";

/** docs/operations.md: HMAC-SHA256 over "<t>.<raw body>", hex, in `Kepu-Signature: t=…,v1=…`, t within 5 minutes. */
function verify(secret: string, header: string, body: string): boolean {
  const fields = new Map(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const t = Number(fields.get("t"));
  const given = Buffer.from(fields.get("v1") ?? "", "hex");
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return Number.isInteger(t) && Math.abs(Date.now() / 1000 - t) <= 300 && given.length === expected.length && timingSafeEqual(given, expected);
}

/** /flaky answers 500 twice, then 200; /down always 500; anything else 200. */
function answerFor(path: string): number {
  if (path === "/down") return 500;
  if (path === "/flaky") return received.filter((r) => r.path === "/flaky").length <= 2 ? 500 : 200;
  return 200;
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = request.url ?? "";
      const verified = verify(secrets.get(path) ?? "", String(request.headers["kepu-signature"] ?? ""), body);
      const entry: Received = { path, headers: request.headers, body, verified, answered: 0 };
      received.push(entry);
      entry.answered = verified ? answerFor(path) : 401;
      response.writeHead(entry.answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  await engines.createTopics([engines.topic("registry"), engines.topic("dispatch"), engines.topic("events")]);
  await publisher.publish(engines.topic("registry"), tree.map(([orgId], i) => event(OrganizationRegisteredSchema, { orgId, name: orgId, place: place(orgId) }, orgId, i + 1)));
  // Short backoff for the test (1 s, doubling), N = 3; production's are 10 s and 100.
  service = await ServiceProcess.start("notifications", engines.serviceEnv({ WEBHOOK_RETRY_BASE_MS: "1000", WEBHOOK_MAX_FAILURES: String(maxFailures), TIMER_INTERVAL_MS: "1000" }));
  webhooks = createRpcClient(WebhooksService, service.grpcAddress, { signer: testSigner() });
  notifications = createRpcClient(NotificationsService, service.grpcAddress, { signer: testSigner() });
  await engines.waitForDocuments("notifications", "webhook_org_paths", tree.map(([orgId]) => orgId));
}, 120_000);

afterAll(async () => {
  webhooks?.close();
  notifications?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function subscribe(actor: typeof district, orgId: string, path: string, eventTypes = [OrderSubmittedSchema.typeName]) {
  const created = await webhooks.createSubscription({ orgId, eventTypes, url: `${receiverUrl}${path}` }, { actor });
  secrets.set(path, created.secret);
  return created;
}
const log = async (subscriptionId: string, actor = district) => webhooks.listDeliveries({ subscriptionId, pageSize: 50 }, { actor });

describe("webhooks", () => {
  it("signs deliveries the receiver verifies, retries after two 500s with each status code in the log, and redelivers from the log", async () => {
    const { subscription, secret } = await subscribe(district, "sz-futian", "/flaky");
    expect(secret).toMatch(/^whsec_/);
    const subscriptionId = subscription!.subscriptionId;

    await twice(submitted("o-foreign", "c-luohu")); // outside the subtree: never delivered
    await twice(submitted("o1", "c-hongli"));

    const delivered = await waitFor(
      async () => {
        const { deliveries } = await log(subscriptionId);
        return deliveries.length === 1 && deliveries[0]!.status === DeliveryStatus.DELIVERED && deliveries[0];
      },
      { what: "the delivery, after its retries", timeoutMs: 30_000 },
    );
    // One delivery for the event published twice; three tries: 500, 500, 200.
    expect(delivered.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(delivered.eventType).toBe(OrderSubmittedSchema.typeName);
    const tries = received.filter((r) => r.path === "/flaky");
    expect(tries.map((r) => [r.verified, r.answered])).toEqual([[true, 500], [true, 500], [true, 200]]);
    const body = JSON.parse(tries[0]!.body);
    expect(body).toMatchObject({ eventId: delivered.eventId, type: OrderSubmittedSchema.typeName, source: "e2e", aggregateId: "o1", aggregateVersion: 1, correlationId: "e2e-o1" });
    expect(new Date(body.occurredAt).getTime()).toBeGreaterThan(0);
    expect(body.payload).toMatchObject({ orderId: "o1", requesterId: "r1", request: { community: { orgId: "c-hongli" } } });
    expect(tries.every((r) => r.body === tries[0]!.body && r.headers["kepu-event-id"] === delivered.eventId)).toBe(true);
    // A body changed in transit fails the check.
    expect(verify(secret, String(tries[2]!.headers["kepu-signature"]), tries[2]!.body.replace("o1", "o2"))).toBe(false);

    const { delivery: again } = await webhooks.redeliver({ deliveryId: delivered.deliveryId }, { actor: district });
    expect(again!.redeliveryOf).toBe(delivered.deliveryId);
    await waitFor(() => received.filter((r) => r.path === "/flaky").length === 4, { what: "the redelivery at the receiver", timeoutMs: 15_000 });
    const redelivered = received.filter((r) => r.path === "/flaky")[3]!;
    expect([redelivered.verified, redelivered.answered, redelivered.body, redelivered.headers["kepu-delivery-id"]]).toEqual([true, 200, tries[0]!.body, again!.deliveryId]);
    const after = await waitFor(async () => {
      const page = await log(subscriptionId);
      return page.deliveries[0]?.status === DeliveryStatus.DELIVERED && page;
    }, { what: "the redelivery logged" });
    expect(after.total).toBe(2);
    expect(after.deliveries.map((d) => [d.redeliveryOf, d.attempts.map((a) => a.statusCode)])).toEqual([[delivered.deliveryId, [200]], ["", [500, 500, 200]]]);
    expect((await webhooks.listSubscriptions({}, { actor: district })).subscriptions.find((s) => s.subscriptionId === subscriptionId)?.consecutiveFailures).toBe(0);
    expect(received.some((r) => r.body.includes("o-foreign"))).toBe(false);
  });

  it(`disables a subscription after ${maxFailures} failed attempts in a row and tells its owner in-app`, async () => {
    const { subscription } = await subscribe(street, "c-hongli", "/down");
    const subscriptionId = subscription!.subscriptionId;
    await twice(submitted("o2", "c-hongli"));

    const disabled = await waitFor(async () => {
      const found = (await webhooks.listSubscriptions({}, { actor: street })).subscriptions.find((s) => s.subscriptionId === subscriptionId);
      return found && !found.enabled && found;
    }, { what: "the subscription disabled", timeoutMs: 30_000 });
    expect(disabled.consecutiveFailures).toBe(maxFailures);
    expect(disabled.disabledReason).toContain(`连续 ${maxFailures} 次投递失败`);
    // Its pending delivery is given up, with the three 500s logged.
    const given = await waitFor(async () => {
      const d = (await log(subscriptionId, street)).deliveries[0];
      return d?.status === DeliveryStatus.FAILED && d;
    }, { what: "the delivery given up", timeoutMs: 15_000 });
    expect(given.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500]);
    expect(received.filter((r) => r.path === "/down")).toHaveLength(maxFailures);

    const { notifications: notes } = await notifications.listInbox({ pageSize: 50 }, { actor: street });
    const notice = notes.filter((n) => n.kind === "webhook.disabled");
    expect(notice).toHaveLength(2); // the owner's own inbox and her street's
    expect(notice[0]!.body).toContain(`${receiverUrl}/down`);
    await expect(webhooks.redeliver({ deliveryId: given.deliveryId }, { actor: street })).rejects.toThrow(/停用|disabled/);

    // Enabled again: failures reset; a redelivery goes out (and fails once more at /down).
    const enabled = await webhooks.setSubscriptionEnabled({ subscriptionId, enabled: true }, { actor: street });
    expect([enabled.subscription!.enabled, enabled.subscription!.consecutiveFailures]).toEqual([true, 0]);
    await webhooks.redeliver({ deliveryId: given.deliveryId }, { actor: street });
    await waitFor(() => received.filter((r) => r.path === "/down").length === maxFailures + 1, { what: "the redelivery after enabling" });
  });

  it("is for associations in their subtree and admins: others are refused or find nothing", async () => {
    await expect(webhooks.createSubscription({ orgId: "c-hongli", eventTypes: [], url: `${receiverUrl}/x` }, { actor: resident })).rejects.toThrow(/角色|role/i);
    await expect(webhooks.createSubscription({ orgId: "sz-futian", eventTypes: [], url: `${receiverUrl}/x` }, { actor: luohu })).rejects.toThrow(/范围|outside/i);
    await expect(webhooks.createSubscription({ orgId: "", eventTypes: [], url: `${receiverUrl}/x` }, { actor: district })).rejects.toThrow(/范围|outside/i); // every event: admins only
    await expect(webhooks.createSubscription({ orgId: "sz-futian", eventTypes: ["kepu.nothing.v1.Nothing"], url: `${receiverUrl}/x` }, { actor: district })).rejects.toThrow(/没有这种事件|No such event type/);
    await expect(webhooks.createSubscription({ orgId: "sz-futian", eventTypes: [], url: "ftp://example.org/x" }, { actor: district })).rejects.toThrow(/URL/);
    const theirs = (await webhooks.listSubscriptions({}, { actor: district })).subscriptions;
    expect(theirs.length).toBeGreaterThanOrEqual(2); // the district's own and the street's below it
    expect((await webhooks.listSubscriptions({}, { actor: luohu })).subscriptions).toEqual([]);
    await expect(log(theirs[0]!.subscriptionId, luohu)).rejects.toThrow(/没有这个 Webhook 订阅|No such webhook subscription/);
    await expect(webhooks.deleteSubscription({ subscriptionId: theirs[0]!.subscriptionId }, { actor: luohu })).rejects.toThrow(/No such webhook subscription/);
    const admin = { id: "admin", role: Role.ADMIN, orgId: "", displayName: "管理员" };
    await webhooks.deleteSubscription({ subscriptionId: theirs[0]!.subscriptionId }, { actor: admin });
    await webhooks.deleteSubscription({ subscriptionId: theirs[0]!.subscriptionId }, { actor: admin }); // a repeated delete answers alike
    await expect(log(theirs[0]!.subscriptionId, admin)).rejects.toThrow(/No such webhook subscription/);
    expect((await webhooks.listSubscriptions({}, { actor: district })).subscriptions.map((s) => s.subscriptionId)).not.toContain(theirs[0]!.subscriptionId);
  });
});
