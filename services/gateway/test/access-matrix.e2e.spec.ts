// The access matrix, generated: every route of the gateway's OpenAPI document × every role (two
// residents and each staff role) × a record in the caller's own subtree and one in a foreign one
// (and, for residents' records, another resident's). The expected answer of each cell comes from
// PRODUCT.md's ownership matrix as @kepu/access holds it, evaluated on the record as it is at that
// moment; every refused write is checked to have left the store unchanged.
import { mkdirSync, writeFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { Redis } from "ioredis";
import { MongoClient, type Db, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, listScope, mayGrantRole, roleMay, type Action, type Facts, type Who } from "@kepu/access";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BaseLevel, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("matrix"));
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
const redis = new Redis(engines.urls.redisUrl);
const mongo = new MongoClient(engines.urls.mongoUrl);
const db = (service: string): Db => mongo.db(engines.database(service));

// The tree: 深圳 → 福田 → 园岭 → c1 (own: every demo account works here) and 罗湖 (foreign).
const C1 = "sz-futian-yuanling-c1";
const FOREIGN_C = "sz-luohu-s-c";
const tree: [string, OrgKind, string][] = [
  ["sz", OrgKind.CITY, ""],
  ["sz-futian", OrgKind.DISTRICT, "sz"],
  ["sz-futian-yuanling", OrgKind.STREET, "sz-futian"],
  [C1, OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ["sz-luohu", OrgKind.DISTRICT, "sz"],
  ["sz-luohu-s", OrgKind.STREET, "sz-luohu"],
  [FOREIGN_C, OrgKind.COMMUNITY, "sz-luohu-s"],
];
const pathOf = (orgId: string): string[] => {
  const row = tree.find((t) => t[0] === orgId);
  return row ? [...(row[2] ? pathOf(row[2]) : []), orgId] : [];
};
const teamAreas: Record<string, string[]> = { "team-futian": ["sz-futian"], "team-luohu": ["sz-luohu"] };

interface Person extends Who {
  name: string;
  token: string;
}
const people: Person[] = [];
let residentC: Person; // the foreign community's resident: she makes the foreign records, she is not a column
const admin = () => people.find((p) => p.role === Role.ADMIN)!;

interface Answer {
  status: number;
  body: Record<string, unknown> & { [key: string]: unknown };
}
async function call(method: string, path: string, token: string | undefined, body?: unknown, contentType = "application/json"): Promise<Answer> {
  const raw = body instanceof Buffer ? body : body !== undefined ? JSON.stringify(body) : undefined;
  const abort = new AbortController();
  const response = await fetch(`${gateway.httpUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(raw !== undefined ? { "content-type": contentType } : {}) },
    ...(raw !== undefined ? { body: raw } : {}),
    signal: abort.signal,
  });
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    abort.abort(); // a live feed that opened: that is the answer
    return { status: response.status, body: {} };
  }
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : { text } };
}
const ok = (a: Answer, what: string) => {
  if (a.status >= 300) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function signInStaff(account: string): Promise<Person> {
  const token = ok(await call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" }), `sign in ${account}`).accessToken as string;
  return { ...(await me(token)), name: account, token };
}
async function signInResident(name: string, phone: string, communityId: string): Promise<Person> {
  ok(await call("POST", "/api/v1/auth/resident-code", undefined, { phone }), "code");
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  const token = ok(await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId, displayName: name }), `sign in ${name}`).accessToken as string;
  return { ...(await me(token)), name, token };
}
async function me(token: string): Promise<Who> {
  const body = ok(await call("GET", "/api/v1/me", token), "me");
  return { id: body.id, role: Role[body.role as keyof typeof Role], orgId: body.orgId };
}

// ---- records and what the access model needs to know of them --------------------------------
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const adminGet = async (path: string): Promise<Json> => ok(await call("GET", path, admin().token), `admin GET ${path}`);
const order = async (orderId: string) => (await adminGet(`/api/v1/orders/${orderId}`)).order as Json;
const activity = async (activityId: string) => (await adminGet(`/api/v1/activities/${activityId}`)).activity as Json;

function orderFacts(o: Json, who: Who): Facts {
  const claims = (o.timeline as Json[]).filter((s) => /OrderClaimed$|OrderEscalated$/.test(String(s.eventType)));
  const lastClaim = claims.at(-1);
  const offered = o.status === "ORDER_STATUS_DISPATCHED" ? (o.invitedTeamIds as string[]).filter((t) => !(o.declinedTeamIds as string[]).includes(t)) : [];
  return {
    path: o.request.community.path,
    orgId: o.request.community.orgId,
    ownerId: o.requesterId,
    teamId: o.acceptedTeamId,
    offeredTeamIds: offered,
    claimedByOrgId: lastClaim && /OrderClaimed$/.test(String(lastClaim.eventType)) ? lastClaim.actor.orgId : "",
    actorTeamAreas: o.status === "ORDER_STATUS_POOLED" ? (teamAreas[who.orgId] ?? []) : [],
  };
}
const activityFacts = (a: Json): Facts => ({ path: a.place.path, teamId: a.teamId });
const teamFacts = (t: Json, who: Who): Facts => ({ path: t.place.path, teamId: t.teamId, areaOrgIds: t.serviceAreaOrgIds, actorPath: pathOf(who.orgId) });

// ---- fixtures ---------------------------------------------------------------------------------
let seq = 0;
const residentA = () => people.find((p) => p.name === "residentA")!;
const residentB = () => people.find((p) => p.name === "residentB")!;
const district = () => people.find((p) => p.name === "district")!;
const worker = () => people.find((p) => p.name === "worker")!;

async function submit(by: Person, communityId: string): Promise<string> {
  const body = ok(await call("POST", "/api/v1/orders", by.token, { theme: "THEME_HEALTH", communityId, title: `矩阵订单 ${++seq}` }), "submit");
  return body.order.orderId;
}
const act = async (orderId: string, action: string, body: object, by = admin()) => ok(await call("POST", `/api/v1/orders/${orderId}/${action}`, by.token, body), `${action} ${orderId}`);
const own = async () => submit(residentA(), C1);
const foreign = async () => submit(residentC, FOREIGN_C);
const dispatched = async (orderId: string, teamId: string) => (await act(orderId, "dispatch", { teamIds: [teamId] }), orderId);
const pooled = async (orderId: string) => (await act(orderId, "pool", { reason: "转科协" }), orderId);

async function publish(orgId: string, teamId: string, by = admin()): Promise<string> {
  const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const endsAt = new Date(Date.now() + 7 * 86_400_000 + 7_200_000).toISOString();
  const body = ok(await call("POST", "/api/v1/activities", by.token, { title: `矩阵活动 ${++seq}`, theme: "THEME_HEALTH", orgId, teamId, sessions: [{ startsAt, endsAt, capacity: 50 }] }), "publish");
  return body.activity.activityId;
}
const ownActivity = () => publish(C1, "team-futian", worker());
const foreignActivity = () => publish(FOREIGN_C, "team-luohu");
async function book(by: Person, activityId: string): Promise<string> {
  const sessionId = (await activity(activityId)).sessions[0].session.sessionId;
  return ok(await call("POST", `/api/v1/activities/${activityId}/sessions/${sessionId}/bookings`, by.token), "book").booking.bookingId;
}
const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f0c6b50000000049454e44ae426082", "hex");
const photo = async (activityId: string) => ok(await call("POST", `/api/v1/activities/${activityId}/photos`, admin().token, png, "image/png"), "photo").photoId as string;

// ---- the routes -------------------------------------------------------------------------------
/** What a cell needs: the request, and the action with the record's facts as they are now. */
interface Cell {
  method?: string;
  path: string;
  body?: unknown;
  contentType?: string;
  /** The expected verdict for this person, read from the record now. */
  allowed: (who: Person) => Promise<boolean>;
  /** For a write: what the store holds of the record, to compare when the write is refused. */
  snapshot?: () => Promise<unknown>;
  /** For a list: the ids the person may see (admin's answer filtered by the model), and the ids in an answer. */
  list?: { ids: (a: Answer) => string[]; expected: (who: Person) => Promise<string[]> };
}
type Target = { name: string; make: () => Promise<Cell> };
interface RouteSpec {
  route: string;
  targets: Target[];
}

const may = (action: Action, facts: Facts = {}) => async (who: Person) => can(action, who, facts);
const mayEver = (action: Action) => async (who: Person) => {
  try {
    listScope(action, who);
    return true;
  } catch {
    return false;
  }
};
const strip = (doc: Document | null) => (doc ? Object.fromEntries(Object.entries(doc).filter(([k]) => k !== "outbox" && k !== "outboxCount")) : null);
// What people did to the order: an accepted order moves on by itself (the events service schedules its
// activity, and dispatch records that as the system) while later cells run, which is no refused write.
const orderDoc = (orderId: string) => async () => {
  const doc = await db("dispatch").collection("orders").findOne({ _id: orderId as never });
  return ((doc?.timeline ?? []) as { actorRole: number }[]).filter((step) => step.actorRole !== Role.SYSTEM);
};
const activityDocs = (activityId: string) => async () => ({
  activity: strip(await db("events").collection("activities").findOne({ _id: activityId as never })),
  summary: await db("events").collection("summaries").findOne({ _id: activityId as never }),
  hours: await db("events").collection("hours").countDocuments({ activityId }),
  photos: await db("events").collection("photos").countDocuments({ activityId }),
  bookings: await db("events").collection("bookings").countDocuments({ activityId }),
});
const bookingDoc = (bookingId: string) => async () => strip(await db("events").collection("bookings").findOne({ _id: bookingId as never }));

/** A write to an order: expected from the order's state when the cell runs. */
function orderWrite(action: string, body: (o: Json, who: Who) => object, actionOf: (o: Json) => Action, make: () => Promise<string>, name: string): Target {
  return {
    name,
    make: async () => {
      const orderId = await make();
      const cell: Cell = {
        path: `/api/v1/orders/${orderId}/${action}`,
        body: {},
        allowed: async (who) => {
          const o = await order(orderId);
          cell.body = body(o, who);
          return can(actionOf(o), who, orderFacts(o, who));
        },
        snapshot: orderDoc(orderId),
      };
      return cell;
    },
  };
}
const communityOrClaimed = (o: Json): Action => (o.holder === "ORDER_HOLDER_COMMUNITY" ? "order.handleAtCommunity" : "order.dispatchClaimed");
const teamFor = (o: Json) => (o.request.community.path.includes("sz-luohu") ? "team-luohu" : "team-futian");
const orderWrites = (action: string, actionOf: (o: Json) => Action, body: (o: Json, who: Who) => object, targets: [string, () => Promise<string>][]): RouteSpec => ({
  route: `POST /api/v1/orders/{orderId}/${action}`,
  targets: targets.map(([name, make]) => orderWrite(action, body, actionOf, make, name)),
});

function activityWrite(action: string, body: object, act: Action, make: () => Promise<string>, name: string, contentType?: string): Target {
  return {
    name,
    make: async () => {
      const activityId = await make();
      return { path: `/api/v1/activities/${activityId}/${action}`, body, ...(contentType ? { contentType } : {}), allowed: async (who) => can(act, who, activityFacts(await activity(activityId))), snapshot: activityDocs(activityId) };
    },
  };
}
const activityTargets = (make: (name: string, f: () => Promise<string>) => Target) => [make("own", ownActivity), make("foreign", foreignActivity)];

function statsRoute(route: string, path: string): RouteSpec {
  const cell = (orgId: string) => async (): Promise<Cell> => ({
    path: `${path}${path.includes("?") ? "&" : "?"}${orgId ? `orgId=${orgId}` : ""}`,
    allowed: async (who) => can("figures.read", who, { path: orgId ? pathOf(orgId) : pathOf(who.orgId) }),
  });
  return { route, targets: [{ name: "own", make: cell("sz-futian") }, { name: "foreign", make: cell("sz-luohu") }, { name: "mine", make: cell("") }] };
}

function listRoute(route: string, path: string, action: Action, key: string, idOf: (item: Json) => string, factsOf: (item: Json, who: Person) => Facts, targets: [string, string][]): RouteSpec {
  return {
    route,
    targets: targets.map(([name, query]) => ({
      name,
      make: async () => ({
        path: `${path}${query}`,
        allowed: mayEver(action),
        list: {
          ids: (a) => ((a.body[key] as Json[]) ?? []).map(idOf).sort(),
          expected: async (who) => ((await adminGet(`${path}${query}`))[key] as Json[]).filter((item) => can(action, who, factsOf(item, who))).map(idOf).sort(),
        },
      }),
    })),
  };
}

// ---- campaigns (活动节点): read by everyone signed in; created and edited by the city or a district over
// the owner's place; 报备 by the activity's organizers; the roll-up for those who read figures.
const beijingDay = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
/** A campaign running now (yesterday to a month ahead, 报备 open three weeks), owned by `ownerOrgId`. */
const campaignBody = (ownerOrgId: string, name: string) => ({
  name, firstDay: beijingDay(-1), lastDay: beijingDay(30), registrationOpens: beijingDay(-1), registrationCloses: beijingDay(20), summaryDue: beijingDay(28),
  levels: ["CAMPAIGN_LEVEL_MAIN", "CAMPAIGN_LEVEL_BRANCH"], ownerOrgId,
});
const campaignOf = async (ownerOrgId: string) => ok(await call("POST", "/api/v1/campaigns", admin().token, campaignBody(ownerOrgId, `矩阵活动节点 ${++seq}`)), "campaign").campaign.campaignId as string;
const campaignDoc = (campaignId: string) => async () => db("events").collection("campaigns").findOne({ _id: campaignId as never });
function campaignSpecs(): RouteSpec[] {
  const owners: [string, string][] = [["own", "sz-futian"], ["foreign", "sz-luohu"]];
  return [
    { route: "GET /api/v1/campaigns", targets: [{ name: "all", make: async () => ({ path: "/api/v1/campaigns?year=2026", allowed: may("campaign.read") }) }] },
    {
      route: "POST /api/v1/campaigns",
      targets: owners.map(([name, owner]) => ({
        name,
        make: async () => {
          const title = `矩阵新建节点 ${++seq}`;
          return { path: "/api/v1/campaigns", body: campaignBody(owner, title), allowed: may("campaign.change", { path: pathOf(owner) }), snapshot: async () => db("events").collection("campaigns").countDocuments({ name: title }) };
        },
      })),
    },
    { route: "GET /api/v1/campaigns/{campaignId}", targets: [{ name: "seeded", make: async () => ({ path: "/api/v1/campaigns/kepu-month-2026", allowed: may("campaign.read") }) }] },
    {
      route: "PUT /api/v1/campaigns/{campaignId}",
      targets: owners.map(([name, owner]) => ({
        name,
        make: async () => {
          const campaignId = await campaignOf(owner);
          return { method: "PUT", path: `/api/v1/campaigns/${campaignId}`, body: campaignBody(owner, `矩阵改名节点 ${++seq}`), allowed: may("campaign.change", { path: pathOf(owner) }), snapshot: campaignDoc(campaignId) };
        },
      })),
    },
    {
      route: "POST /api/v1/activities/{activityId}/campaign-registration",
      targets: activityTargets((name, make) => ({
        name,
        make: async () => {
          const campaignId = await campaignOf("sz");
          return (await activityWrite("campaign-registration", { campaignId, level: "CAMPAIGN_LEVEL_BRANCH" }, "activity.organize", make, name).make());
        },
      })),
    },
    { route: "GET /api/v1/campaigns/{campaignId}/rollup", targets: [{ name: "city's", make: async () => ({ path: `/api/v1/campaigns/${await campaignOf("sz")}/rollup`, allowed: mayEver("figures.read") }) }] },
    { route: "GET /api/v1/campaigns/{campaignId}/rollup/export", targets: [{ name: "city's", make: async () => ({ path: `/api/v1/campaigns/${await campaignOf("sz")}/rollup/export?format=csv`, allowed: mayEver("figures.read") }) }] },
  ];
}

// ---- Open311: the menu of a district as services, its orders as service requests (arrays, not objects)
const districtOf = (orgId: string) => pathOf(orgId)[1] ?? "";
const arrayOf = (a: Answer): Json[] => (typeof a.body.text === "string" && a.body.text.startsWith("[") ? JSON.parse(a.body.text) : []);
/** Whether the person may read the menu offered in the district: her own community's, or any for staff. */
const readsMenuIn = (who: Person, district: string) => (who.role === Role.RESIDENT ? districtOf(who.orgId) === district && can("menu.read", who, { orgId: who.orgId }) : can("menu.read", who, {}));
async function apiKey(orgId: string): Promise<string> {
  return ok(await call("POST", "/api/v1/api-keys", admin().token, { orgId, name: `矩阵密钥 ${++seq}` }), "api key").apiKey.keyId as string;
}
const apiKeyDocs = async () => (await db("gateway").collection("api_keys").find({}).toArray()).map((k) => [k._id, k.revokedAt ?? null]);

function open311Specs(): RouteSpec[] {
  const districts: [string, string][] = [["own", "sz-futian"], ["foreign", "sz-luohu"]];
  const itemOf = (district: string) => (district === "sz-futian" ? "menu-team-futian" : "menu-team-luohu");
  const communityOf = (district: string) => (district === "sz-futian" ? C1 : FOREIGN_C);
  const orderTargets: [string, () => Promise<string>][] = [
    ["own", async () => dispatched(await own(), "team-futian")],
    ["foreign", async () => dispatched(await foreign(), "team-luohu")],
    ["another resident's", () => submit(residentB(), C1)],
    ["own, in the pool", async () => pooled(await own())],
  ];
  return [
    {
      route: "GET /open311/v2/services.{format}",
      targets: districts.map(([name, district]) => ({
        name,
        make: async () => ({
          path: `/open311/v2/services.json?jurisdiction_id=${district}`,
          allowed: mayEver("menu.read"),
          list: {
            ids: (a) => arrayOf(a).map((s) => s.service_code).sort(),
            expected: async (who) => (readsMenuIn(who, district) ? arrayOf(await call("GET", `/open311/v2/services.json?jurisdiction_id=${district}`, admin().token)).map((s) => s.service_code).sort() : []),
          },
        }),
      })),
    },
    {
      route: "GET /open311/v2/services/{service_code}.{format}",
      targets: districts.map(([name, district]) => ({ name, make: async () => ({ path: `/open311/v2/services/${itemOf(district)}.json?jurisdiction_id=${district}`, allowed: async (who) => readsMenuIn(who, district) }) })),
    },
    {
      route: "POST /open311/v2/requests.{format}",
      targets: districts.map(([name, district]) => ({
        name,
        make: async () => ({
          path: "/open311/v2/requests.json",
          body: { jurisdiction_id: district, service_code: itemOf(district), address_id: communityOf(district), description: "矩阵 Open311 点单" },
          allowed: async (who) => readsMenuIn(who, district) && can("order.submit", who, { orgId: communityOf(district), path: pathOf(communityOf(district)) }),
          snapshot: async () => db("dispatch").collection("orders").countDocuments({}),
        }),
      })),
    },
    {
      route: "GET /open311/v2/requests.{format}",
      targets: districts.map(([name, district]) => ({
        name,
        make: async () => ({
          path: `/open311/v2/requests.json?jurisdiction_id=${district}`,
          allowed: mayEver("order.read"),
          list: {
            ids: (a) => arrayOf(a).map((r) => r.service_request_id).sort(),
            expected: async (who) => {
              const all = arrayOf(await call("GET", `/open311/v2/requests.json?jurisdiction_id=${district}`, admin().token)).map((r) => r.service_request_id as string);
              const readable = await Promise.all(all.map(async (orderId) => can("order.read", who, orderFacts(await order(orderId), who))));
              return all.filter((_, i) => readable[i]).sort();
            },
          },
        }),
      })),
    },
    {
      route: "GET /open311/v2/requests/{service_request_id}.{format}",
      targets: orderTargets.map(([name, make]) => ({
        name,
        make: async () => {
          const orderId = await make();
          const district = districtOf((await order(orderId)).request.community.orgId);
          return { path: `/open311/v2/requests/${orderId}.json?jurisdiction_id=${district}`, allowed: async (who) => can("order.read", who, orderFacts(await order(orderId), who)) };
        },
      })),
    },
    {
      route: "POST /api/v1/api-keys",
      targets: districts.map(([name, district]) => ({
        name,
        make: async () => ({ path: "/api/v1/api-keys", body: { orgId: district, name: "矩阵接入系统" }, allowed: may("webhook.manage", { path: pathOf(district) }), snapshot: apiKeyDocs }),
      })),
    },
    {
      route: "GET /api/v1/api-keys",
      targets: [
        {
          name: "all",
          make: async () => {
            await apiKey("sz-futian");
            await apiKey("sz-luohu");
            return {
              path: "/api/v1/api-keys",
              allowed: mayEver("webhook.manage"),
              list: {
                ids: (a) => ((a.body.apiKeys as Json[]) ?? []).map((k) => k.keyId).sort(),
                expected: async (who) => ((await adminGet("/api/v1/api-keys")).apiKeys as Json[]).filter((k) => can("webhook.manage", who, { path: pathOf(k.orgId) })).map((k) => k.keyId).sort(),
              },
            };
          },
        },
      ],
    },
    {
      route: "DELETE /api/v1/api-keys/{keyId}",
      targets: districts.map(([name, district]) => ({
        name,
        make: async () => ({ path: `/api/v1/api-keys/${await apiKey(district)}`, allowed: may("webhook.manage", { path: pathOf(district) }), snapshot: apiKeyDocs }),
      })),
    },
  ];
}

// ---- webhooks: subscriptions per org subtree (associations for their subtree, admins), the log, redelivery
const webhookUrl = "http://127.0.0.1:9/matrix"; // nobody listens: deliveries fail, far fewer than disable one
const webhookDistricts: [string, string][] = [["own", "sz-futian"], ["foreign", "sz-luohu"]];
async function subscription(orgId: string): Promise<string> {
  await engines.waitForDocuments("notifications", "webhook_org_paths", [orgId]); // the notifications service knows the tree
  return ok(await call("POST", "/api/v1/webhooks", admin().token, { orgId, eventTypes: ["kepu.dispatch.v1.OrderSubmitted"], url: webhookUrl }), "subscription").subscription.subscriptionId as string;
}
/** A subscription's delivery of a fresh order submitted in its district. */
async function webhookDelivery(district: string): Promise<string> {
  const subscriptionId = await subscription(district);
  await (district === "sz-futian" ? own() : foreign());
  return waitFor(async () => ((await adminGet(`/api/v1/webhooks/${subscriptionId}/deliveries`)).deliveries as Json[])[0]?.deliveryId as string | undefined, { what: "a webhook delivery" });
}
const subscriptionDocs = async () => (await db("notifications").collection("webhook_subscriptions").find({}).toArray()).map((d) => [d._id, d.enabled, d.disabledReason, d.deleted ?? false]);

// ---- 合并需求 (merged demand, dispatch): suggestions for those who list orders over a subtree;
// proposing by a community worker or the street (or an admin) over every order named; each order's
// requester answers for it (a 代点单's placer too); the proposer confirms; a merge is read by whoever
// reads one of its orders. Merges are made by the community's worker over two of residentA's orders.
const proposers = [Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.ADMIN];
const listsSubtree = async (who: Person) => {
  try {
    const scope = listScope("order.read", who);
    return scope.all || scope.scopes.includes("subtree");
  } catch {
    return false;
  }
};
const mergeDoc = (mergeId: string) => async () => strip(await db("dispatch").collection("merges").findOne({ _id: mergeId as never }));
async function mergeOf(orderIds: string[], by: Person): Promise<string> {
  return ok(await call("POST", "/api/v1/merges", by.token, { orderIds }), "merge").merge.mergeId as string;
}
const readsAnyOf = (orderIds: string[]) => async (who: Person) => (await Promise.all(orderIds.map(async (id) => can("order.read", who, orderFacts(await order(id), who))))).some(Boolean);
function mergeSpecs(): RouteSpec[] {
  const pairs: [string, () => Promise<string[]>][] = [
    ["own", async () => [await own(), await own()]],
    ["foreign", async () => [await foreign(), await foreign()]],
  ];
  const merged = async (consented: boolean) => {
    const orderIds = [await own(), await own()];
    const mergeId = await mergeOf(orderIds, worker());
    if (consented) for (const orderId of orderIds) ok(await call("POST", `/api/v1/merges/${mergeId}/consent`, residentA().token, { orderId }), "consent");
    return { mergeId, orderIds };
  };
  const answer = (action: string): RouteSpec => ({
    route: `POST /api/v1/merges/{mergeId}/${action}`,
    targets: [
      {
        name: "residentA's order",
        make: async () => {
          const { mergeId, orderIds } = await merged(false);
          return { path: `/api/v1/merges/${mergeId}/${action}`, body: { orderId: orderIds[0] }, allowed: async (who) => who.id === (await order(orderIds[0]!)).requesterId, snapshot: mergeDoc(mergeId) };
        },
      },
    ],
  });
  return [
    {
      route: "GET /api/v1/orders/merge-suggestions",
      targets: [["own", "sz-futian-yuanling"], ["foreign", "sz-luohu-s"]].map(([name, orgId]) => ({ name: name!, make: async () => ({ path: `/api/v1/orders/merge-suggestions?orgId=${orgId}`, allowed: listsSubtree }) })),
    },
    {
      route: "POST /api/v1/merges",
      targets: pairs.map(([name, make]) => ({
        name,
        make: async () => {
          const orderIds = await make();
          return {
            path: "/api/v1/merges",
            body: { orderIds },
            allowed: async (who) => proposers.includes(who.role) && (await Promise.all(orderIds.map(async (id) => can("order.read", who, orderFacts(await order(id), who))))).every(Boolean),
            snapshot: async () => db("dispatch").collection("merges").countDocuments({ orderIds: orderIds[0] }),
          };
        },
      })),
    },
    {
      route: "GET /api/v1/merges/{mergeId}",
      targets: [{ name: "own", make: async () => { const { mergeId, orderIds } = await merged(false); return { path: `/api/v1/merges/${mergeId}`, allowed: async (who) => who.id === worker().id || (await readsAnyOf(orderIds)(who)) }; } }],
    },
    {
      route: "GET /api/v1/orders/{orderId}/merge",
      targets: [{ name: "own", make: async () => { const { orderIds } = await merged(false); return { path: `/api/v1/orders/${orderIds[0]}/merge`, allowed: async (who) => who.id === worker().id || (await readsAnyOf(orderIds)(who)) }; } }],
    },
    answer("consent"),
    answer("decline"),
    {
      route: "POST /api/v1/merges/{mergeId}/confirm",
      targets: [{ name: "own, both consented", make: async () => { const { mergeId } = await merged(true); return { path: `/api/v1/merges/${mergeId}/confirm`, body: {}, allowed: async (who) => who.id === worker().id || who.role === Role.ADMIN, snapshot: mergeDoc(mergeId) }; } }],
    },
  ];
}

function webhookSpecs(): RouteSpec[] {
  const manages = (district: string) => may("webhook.manage", { path: pathOf(district) });
  const bySubscription = (method: string, suffix: string, body?: object): Target[] =>
    webhookDistricts.map(([name, district]) => ({
      name,
      make: async () => ({ method, path: `/api/v1/webhooks/${await subscription(district)}${suffix}`, ...(body ? { body } : {}), allowed: manages(district), ...(method === "GET" ? {} : { snapshot: subscriptionDocs }) }),
    }));
  return [
    {
      route: "POST /api/v1/webhooks",
      targets: webhookDistricts.map(([name, district]) => ({
        name,
        make: async () => {
          await engines.waitForDocuments("notifications", "webhook_org_paths", [district]);
          return { path: "/api/v1/webhooks", body: { orgId: district, eventTypes: ["kepu.dispatch.v1.OrderSubmitted"], url: webhookUrl }, allowed: manages(district), snapshot: subscriptionDocs };
        },
      })),
    },
    {
      route: "GET /api/v1/webhooks",
      targets: [
        {
          name: "all",
          make: async () => {
            await subscription("sz-futian");
            await subscription("sz-luohu");
            return {
              path: "/api/v1/webhooks",
              allowed: mayEver("webhook.manage"),
              list: {
                ids: (a) => ((a.body.subscriptions as Json[]) ?? []).map((s) => s.subscriptionId).sort(),
                expected: async (who) => ((await adminGet("/api/v1/webhooks")).subscriptions as Json[]).filter((s) => can("webhook.manage", who, { path: pathOf(s.orgId) })).map((s) => s.subscriptionId).sort(),
              },
            };
          },
        },
      ],
    },
    { route: "PUT /api/v1/webhooks/{subscriptionId}/enabled", targets: bySubscription("PUT", "/enabled", { enabled: false }) },
    { route: "DELETE /api/v1/webhooks/{subscriptionId}", targets: bySubscription("DELETE", "") },
    { route: "GET /api/v1/webhooks/{subscriptionId}/deliveries", targets: bySubscription("GET", "/deliveries") },
    {
      route: "POST /api/v1/webhook-deliveries/{deliveryId}/redeliver",
      targets: webhookDistricts.map(([name, district]) => ({
        name,
        make: async () => {
          const deliveryId = await webhookDelivery(district);
          return { path: `/api/v1/webhook-deliveries/${deliveryId}/redeliver`, allowed: manages(district), snapshot: async () => db("notifications").collection("webhook_deliveries").countDocuments({ redeliveryOf: deliveryId }) };
        },
      })),
    },
  ];
}

// ---- teams: registered by associations within their subtree (and admins); changed by them or the team's own leader
const teamDistricts: [string, string][] = [["own", "sz-futian"], ["foreign", "sz-luohu"]];
async function freshTeam(orgId: string): Promise<string> {
  const teamId = `team-matrix-${++seq}`;
  ok(await call("POST", "/api/v1/teams", admin().token, { teamId, name: `矩阵队 ${seq}`, orgId, themes: ["THEME_HEALTH"], serviceAreaOrgIds: [orgId] }), "team");
  return teamId;
}
async function freshMember(teamId: string): Promise<string> {
  const volunteerId = `vol-matrix-${++seq}`;
  ok(await call("POST", `/api/v1/teams/${teamId}/members`, admin().token, { volunteerId, realName: "李志愿", phone: "13800000009", skills: ["THEME_HEALTH"] }), "member");
  return volunteerId;
}
const teamDocs = (teamId: string) => async () => ({
  team: strip(await db("registry").collection("teams").findOne({ _id: teamId as never })),
  volunteers: await db("registry").collection("volunteers").find({ teamId }).sort({ _id: 1 }).toArray(),
});
const changes = (teamId: string) => async (who: Person) => can("team.change", who, teamFacts((await adminGet(`/api/v1/teams/${teamId}`)).team, who));
const reads = (teamId: string) => async (who: Person) => can("team.read", who, teamFacts((await adminGet(`/api/v1/teams/${teamId}`)).team, who));

/** A fresh team in each district, and the leader's own team where changing it spoils no later cell. */
function teamTargets(withLeaders: boolean, cell: (teamId: string) => Promise<Omit<Cell, "allowed" | "snapshot">>, allowed = changes): Target[] {
  const make = (teamId: () => Promise<string>) => async (): Promise<Cell> => {
    const id = await teamId();
    return { ...(await cell(id)), allowed: allowed(id), snapshot: teamDocs(id) };
  };
  return [...teamDistricts.map(([name, district]) => ({ name, make: make(() => freshTeam(district)) })), ...(withLeaders ? [{ name: "the leader's", make: make(async () => "team-futian") }] : [])];
}

// ---- imports: the template for anyone signed in; a sheet of volunteers for those who may change
// every team it names, of org units for those who may change the tree under every parent it names
// (a root only the admin), of teams for those who may register teams for every owner it names
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
async function importSheet(kind: string, values: Record<string, string>): Promise<Buffer> {
  const template = await fetch(`${gateway.httpUrl}/api/v1/imports/${kind}/template`, { headers: { authorization: `Bearer ${admin().token}` } });
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await template.arrayBuffer());
  const headers = (book.getWorksheet("导入")!.getRow(1).values as string[]).slice(1);
  const out = new ExcelJS.Workbook();
  const sheet = out.addWorksheet("导入");
  sheet.addRow(headers);
  sheet.addRow(headers.map((h) => values[h] ?? ""));
  return Buffer.from(await out.xlsx.writeBuffer());
}
const volunteerSheet = (teamId: string) => importSheet("volunteers", { 队伍编号: teamId, 志愿者编号: `vol-matrix-${++seq}`, 姓名: "周志愿", 手机号: "13800000011" });

/** An org or team sheet of one new record, made afresh for each person (so each allowed import writes). */
function sheetTarget(kind: string, name: string, row: () => Record<string, string>, allowed: (who: Person) => Promise<boolean>, collection: string): Target {
  return {
    name: `${kind}: ${name}`,
    make: async () => {
      const cell: Cell = {
        path: `/api/v1/imports/${kind}`,
        contentType: xlsxType,
        allowed: async (who) => {
          cell.body = await importSheet(kind, row());
          return allowed(who);
        },
        snapshot: async () => db("registry").collection(collection).countDocuments({}),
      };
      return cell;
    },
  };
}
const importStreets: [string, string][] = [["own street", "sz-futian-yuanling"], ["foreign street", "sz-luohu-s"]];
const orgSheetTargets = (): Target[] => [
  ...importStreets.map(([name, street]) =>
    sheetTarget("orgs", name, () => ({ 机构编号: `matrix-import-org-${++seq}`, 名称: "矩阵导入社区", 类型: "社区", 上级编号: street }), may("org.change", { path: pathOf(street) }), "organizations"),
  ),
  sheetTarget("orgs", "root", () => ({ 机构编号: `matrix-import-city-${++seq}`, 名称: "矩阵导入市", 类型: "市" }), may("org.change", { path: [] }), "organizations"),
];
const teamSheetTargets = (): Target[] =>
  teamDistricts.map(([name, district]) =>
    sheetTarget("teams", name, () => ({ 队伍编号: `team-matrix-import-${++seq}`, 队伍名称: "矩阵导入队", 所属机构编号: district, 服务范围: district, 主题: "卫生健康" }), may("team.register", { path: pathOf(district), orgId: district }), "teams"),
  );

function teamSpecs(): RouteSpec[] {
  return [
    {
      route: "GET /api/v1/imports/{kind}/template",
      targets: ["volunteers", "orgs", "teams"].map((kind) => ({ name: kind, make: async () => ({ path: `/api/v1/imports/${kind}/template`, allowed: async () => true }) })),
    },
    {
      route: "POST /api/v1/imports/{kind}",
      targets: [
        ...teamTargets(false, async (teamId) => ({ path: "/api/v1/imports/volunteers", body: await volunteerSheet(teamId), contentType: xlsxType })).map((t) => ({ ...t, name: `volunteers: ${t.name}` })),
        ...orgSheetTargets(),
        ...teamSheetTargets(),
      ],
    },
    {
      route: "POST /api/v1/teams",
      targets: teamDistricts.map(([name, district]) => ({
        name,
        make: async () => ({
          path: "/api/v1/teams",
          body: { teamId: `team-matrix-new-${name}`, name: `矩阵新队 ${name}`, orgId: district, themes: ["THEME_HEALTH"], serviceAreaOrgIds: [district] },
          allowed: may("team.register", { path: pathOf(district), orgId: district }),
          snapshot: async () => db("registry").collection("teams").countDocuments({}),
        }),
      })),
    },
    { route: "PATCH /api/v1/teams/{teamId}", targets: teamTargets(true, async (teamId) => ({ method: "PATCH", path: `/api/v1/teams/${teamId}`, body: { name: teamId } })) },
    { route: "GET /api/v1/teams/{teamId}/members", targets: teamTargets(true, async (teamId) => ({ path: `/api/v1/teams/${teamId}/members?pageSize=10` }), reads) },
    {
      route: "POST /api/v1/teams/{teamId}/members",
      targets: teamTargets(true, async (teamId) => ({ path: `/api/v1/teams/${teamId}/members`, body: { volunteerId: `vol-matrix-${++seq}`, realName: "王志愿", phone: "13800000010", skills: ["THEME_HEALTH"] } })),
    },
    { route: "POST /api/v1/teams/{teamId}/members/{volunteerId}/leave", targets: teamTargets(true, async (teamId) => ({ path: `/api/v1/teams/${teamId}/members/${await freshMember(teamId)}/leave` })) },
    // The leader's own team deactivated last of all: nothing after this cell needs it.
    { route: "POST /api/v1/teams/{teamId}/deactivate", targets: teamTargets(true, async (teamId) => ({ path: `/api/v1/teams/${teamId}/deactivate`, body: { reason: "矩阵" } })) },
  ];
}

// ---- staff accounts: the gateway's own records (associations for their subtree, roles no higher than their own; admins)
async function staffAccount(orgId: string): Promise<string> {
  const account = `matrix-${++seq}`;
  ok(await call("POST", "/api/v1/accounts", admin().token, { account, displayName: "矩阵社工", role: "COMMUNITY_WORKER", orgId }), "account");
  return account;
}
// Without its outbox, which the gateway's relay empties whenever it likes (an account is an aggregate with events).
const accountDoc = (account: string) => async () => strip(await db("gateway").collection("accounts").findOne({ _id: account as never }));
function accountSpecs(): RouteSpec[] {
  const communities: [string, string][] = [["own", C1], ["foreign", FOREIGN_C]];
  const keeps = (orgId: string) => async (who: Person) => can("account.change", who, { path: pathOf(orgId) }) && (who.role === Role.ADMIN || mayGrantRole(who.role, Role.COMMUNITY_WORKER));
  return [
    {
      route: "POST /api/v1/accounts",
      targets: communities.map(([name, orgId]) => ({
        name,
        make: async () => ({ path: "/api/v1/accounts", body: { account: `matrix-new-${++seq}`, displayName: "新社工", role: "COMMUNITY_WORKER", orgId }, allowed: keeps(orgId), snapshot: async () => db("gateway").collection("accounts").countDocuments({}) }),
      })),
    },
    listRoute("GET /api/v1/accounts", "/api/v1/accounts", "account.read", "accounts", (a) => a.account, (a) => ({ path: a.path }), [["all", "?pageSize=200"], ["foreign", "?pageSize=200&orgId=sz-luohu"]]),
    ...["disable", "enable", "reset-password"].map(
      (action): RouteSpec => ({
        route: `POST /api/v1/accounts/{account}/${action}`,
        targets: communities.map(([name, orgId]) => ({
          name,
          make: async () => {
            const account = await staffAccount(orgId);
            return { path: `/api/v1/accounts/${account}/${action}`, allowed: keeps(orgId), snapshot: accountDoc(account) };
          },
        })),
      }),
    ),
  ];
}

// ---- the org tree: created, renamed, moved and closed within one's subtree (org.change); the
// ancestors for everyone signed in; a resident's move to another community is hers (residents only)
async function freshOrg(kind: string, parentId: string): Promise<string> {
  const orgId = `matrix-org-${++seq}`;
  ok(await call("POST", "/api/v1/orgs", admin().token, { orgId, name: `矩阵组织 ${seq}`, kind, parentId }), "org");
  return orgId;
}
const orgPath = async (orgId: string): Promise<string[]> => (await adminGet(`/api/v1/orgs/${orgId}`)).organization.place.path;
const orgDoc = (orgId: string) => async () => strip(await db("registry").collection("organizations").findOne({ _id: orgId as never }));

function orgSpecs(): RouteSpec[] {
  const streets: [string, string][] = [["own", "sz-futian-yuanling"], ["foreign", "sz-luohu-s"]];
  const changes = (action: string, method: string, body: (orgId: string) => object, moveTo?: (street: string) => Promise<string>): RouteSpec => ({
    route: `${method} /api/v1/orgs/{orgId}${action}`,
    targets: streets.map(([name, street]) => ({
      name,
      make: async () => {
        const orgId = await freshOrg("ORG_KIND_COMMUNITY", street);
        const target = moveTo ? await moveTo(street) : "";
        return {
          method,
          path: `/api/v1/orgs/${orgId}${action}`,
          body: body(target),
          // A move needs the subtree both where the org sits and where it goes.
          allowed: async (who) => can("org.change", who, { path: await orgPath(orgId) }) && (!target || can("org.change", who, { path: await orgPath(target) })),
          snapshot: orgDoc(orgId),
        };
      },
    })),
  });
  const districtOfStreet = (street: string) => pathOf(street)[1]!;
  return [
    {
      // A community in one's own / a foreign street, and a root (a city has no parent): the admin's alone.
      route: "POST /api/v1/orgs",
      targets: [...streets, ["root", ""] as [string, string]].map(([name, street]) => ({
        name,
        make: async () => {
          const cell: Cell = {
            path: "/api/v1/orgs",
            body: {},
            allowed: async (who) => {
              cell.body = street ? { orgId: `matrix-new-org-${++seq}`, name: "矩阵新社区", kind: "ORG_KIND_COMMUNITY", parentId: street } : { orgId: `matrix-new-city-${++seq}`, name: "矩阵新市", kind: "ORG_KIND_CITY" };
              return can("org.change", who, { path: street ? pathOf(street) : [] });
            },
            snapshot: async () => db("registry").collection("organizations").countDocuments({}),
          };
          return cell;
        },
      })),
    },
    {
      route: "GET /api/v1/orgs/{orgId}/ancestors",
      targets: [C1, FOREIGN_C].map((c, i) => ({ name: i ? "foreign" : "own", make: async () => ({ path: `/api/v1/orgs/${c}/ancestors`, allowed: may("org.read", { path: pathOf(c) }) }) })),
    },
    changes("", "PATCH", () => ({ name: "矩阵改名社区" })),
    changes("/move", "POST", (parentId) => ({ parentId }), (street) => freshOrg("ORG_KIND_STREET", districtOfStreet(street))),
    changes("/close", "POST", () => ({ reason: "矩阵撤销" })),
    {
      route: "POST /api/v1/me/community",
      targets: [C1, FOREIGN_C].map((c, i) => ({
        name: i ? "foreign" : "own",
        make: async () => ({ path: "/api/v1/me/community", body: { communityId: c }, allowed: async (who) => who.role === Role.RESIDENT, snapshot: async () => db("gateway").collection("resident_moves").countDocuments({}) }),
      })),
    },
  ];
}

// ---- the 名录 and the menu kept by their owners (issue 16): resources submitted by an org of its own
// (待审核), reviewed by the association above, published for all staff and team leaders; menu items
// published by a team's leader or a base's staff, withdrawn by them or the district.
const resourceOwners: [string, string][] = [["own", C1], ["foreign", FOREIGN_C]];
const venueBody = (ownerOrgId: string) => ({ ownerOrgId, kind: "RESOURCE_KIND_VENUE", name: `矩阵场馆 ${++seq}`, capacity: 50, themes: ["THEME_HEALTH"], areaOrgIds: [ownerOrgId], weekdays: [6] });
async function freshResource(ownerOrgId: string, published: boolean): Promise<string> {
  const resourceId = ok(await call("POST", "/api/v1/resources", admin().token, venueBody(ownerOrgId)), "resource").resource.resourceId as string;
  if (published) ok(await call("POST", `/api/v1/resources/${resourceId}/review`, admin().token, { decision: "APPROVE" }), "approve");
  return resourceId;
}
const resourceFacts = (r: Json): Facts => ({ path: r.place.path, orgId: r.ownerOrgId });
/** Whether the person sees the resource: published ones with resource.readPublished; others their owner's staff and reviewers. */
const seesResource = (r: Json, who: Who) =>
  r.status === "RESOURCE_STATUS_PUBLISHED" ? can("resource.readPublished", who, resourceFacts(r)) : ["resource.readDraft", "resource.submit", "resource.review"].some((a) => can(a as Action, who, resourceFacts(r)));
const resourceNow = async (resourceId: string) => (await adminGet(`/api/v1/resources/${resourceId}`)).resource as Json;
const resourceDoc = (resourceId: string) => async () => strip(await db("registry").collection("resources").findOne({ _id: resourceId as never }));
function resourceTargets(published: boolean[], cell: (resourceId: string) => Omit<Cell, "allowed" | "snapshot">, allowed: (r: Json, who: Person) => boolean): Target[] {
  return resourceOwners.flatMap(([name, owner]) =>
    published.map((isPublished) => ({
      name: `${name}, ${isPublished ? "published" : "pending"}`,
      make: async (): Promise<Cell> => {
        const resourceId = await freshResource(owner, isPublished);
        return { ...cell(resourceId), allowed: async (who) => allowed(await resourceNow(resourceId), who), snapshot: resourceDoc(resourceId) };
      },
    })),
  );
}

const areaPath = (orgId: string) => pathOf(orgId);
const itemFacts = (i: Json): Facts => ({ path: areaPath(i.serviceAreaOrgId), teamId: i.providerKind === "PROVIDER_KIND_TEAM" ? i.providerId : "" });
const menuDistricts: [string, string, string][] = [["own", "sz-futian", "team-futian"], ["foreign", "sz-luohu", "team-luohu"]];
const itemBody = (district: string, providerId: string, providerKind = "TEAM") => ({ title: `矩阵菜单 ${++seq}`, theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK", durationMinutes: 60, capacity: 30, serviceAreaOrgId: district, providerKind, providerId });
async function freshItem(district: string, teamId: string): Promise<string> {
  return ok(await call("POST", "/api/v1/menu-items", admin().token, itemBody(district, teamId)), "menu item").item.itemId as string;
}
/** What menu.publish needs to know of a provider: a team (its place, itself, its areas) or a base (its place and org). */
async function providerFactsOf(kind: string, providerId: string, who: Who): Promise<Facts> {
  if (kind === "TEAM") return teamFacts((await adminGet(`/api/v1/teams/${providerId}`)).team, who);
  const found = ((await adminGet("/api/v1/bases")).bases as Json[]).find((b) => b.baseId === providerId)!;
  return { path: found.place.path, orgId: found.orgId };
}
const menuItemDoc = (itemId: string) => async () => strip(await db("registry").collection("menu_items").findOne({ _id: itemId as never }));
const itemNow = async (itemId: string, district: string) => ((await adminGet(`/api/v1/menu-items?underOrgId=${district}`)).items as Json[]).find((i) => i.itemId === itemId);

function menuResourceSpecs(): RouteSpec[] {
  const listsResources = async (who: Person) => roleMay("resource.readPublished", who.role);
  const listsItems = async (who: Person) => roleMay("menu.read", who.role) || roleMay("menu.withdraw", who.role);
  return [
    {
      route: "GET /api/v1/resources",
      targets: ["", "?status=RESOURCE_STATUS_PENDING", `?areaOrgId=${FOREIGN_C}`].map((query) => ({
        name: query || "published",
        make: async () => {
          for (const [, owner] of resourceOwners) for (const published of [true, false]) await freshResource(owner, published);
          const path = `/api/v1/resources${query}${query ? "&" : "?"}pageSize=100`;
          return {
            path,
            allowed: listsResources,
            list: {
              ids: (a) => ((a.body.resources as Json[]) ?? []).map((r) => r.resourceId).sort(),
              expected: async (who) => ((await adminGet(path)).resources as Json[]).filter((r) => seesResource(r, who)).map((r) => r.resourceId).sort(),
            },
          };
        },
      })),
    },
    { route: "GET /api/v1/resources/{resourceId}", targets: resourceTargets([true, false], (id) => ({ path: `/api/v1/resources/${id}` }), seesResource) },
    {
      route: "POST /api/v1/resources",
      targets: resourceOwners.map(([name, owner]) => ({
        name,
        make: async () => ({ path: "/api/v1/resources", body: venueBody(owner), allowed: may("resource.submit", { path: pathOf(owner), orgId: owner }), snapshot: async () => db("registry").collection("resources").countDocuments({}) }),
      })),
    },
    {
      route: "PATCH /api/v1/resources/{resourceId}",
      targets: resourceTargets([true, false], (id) => ({ method: "PATCH", path: `/api/v1/resources/${id}`, body: { description: "矩阵修改" } }), (r, who) => can("resource.submit", who, resourceFacts(r))),
    },
    {
      route: "POST /api/v1/resources/{resourceId}/review",
      targets: resourceTargets([false], (id) => ({ path: `/api/v1/resources/${id}/review`, body: { decision: "ASK_CHANGES", note: "矩阵：请补充" } }), (r, who) => can("resource.review", who, resourceFacts(r))),
    },
    {
      route: "GET /api/v1/menu-items",
      targets: ["?underOrgId=sz-futian", "?underOrgId=sz-luohu", "?providerId=team-futian"].map((query) => ({
        name: query.slice(1),
        make: async () => {
          for (const [, district, teamId] of menuDistricts) await freshItem(district, teamId);
          return {
            path: `/api/v1/menu-items${query}`,
            allowed: listsItems,
            list: {
              ids: (a) => ((a.body.items as Json[]) ?? []).map((i) => i.itemId).sort(),
              expected: async (who) => ((await adminGet(`/api/v1/menu-items${query}`)).items as Json[]).filter((i) => can("menu.read", who, {}) || can("menu.withdraw", who, itemFacts(i))).map((i) => i.itemId).sort(),
            },
          };
        },
      })),
    },
    {
      route: "POST /api/v1/menu-items",
      targets: [...menuDistricts.map(([name, district, teamId]) => [name, district, "TEAM", teamId] as const), ["a base's", "sz-futian", "BASE", "base-sz-futian"] as const].map(([name, district, kind, providerId]) => ({
        name,
        make: async () => ({
          path: "/api/v1/menu-items",
          body: itemBody(district, providerId, kind),
          allowed: async (who: Person) => can("menu.publish", who, await providerFactsOf(kind, providerId, who)),
          snapshot: async () => db("registry").collection("menu_items").countDocuments({}),
        }),
      })),
    },
    {
      route: "PUT /api/v1/menu-items/{itemId}",
      targets: menuDistricts.map(([name, district, teamId]) => ({
        name,
        make: async () => {
          const itemId = await freshItem(district, teamId);
          const { serviceAreaOrgId: _a, providerKind: _k, providerId: _p, ...content } = itemBody(district, teamId);
          return { method: "PUT", path: `/api/v1/menu-items/${itemId}`, body: content, allowed: async (who: Person) => can("menu.publish", who, await providerFactsOf("TEAM", teamId, who)), snapshot: menuItemDoc(itemId) };
        },
      })),
    },
    {
      route: "POST /api/v1/menu-items/{itemId}/withdraw",
      targets: menuDistricts.map(([name, district, teamId]) => ({
        name,
        make: async () => {
          const itemId = await freshItem(district, teamId);
          const facts = itemFacts((await itemNow(itemId, district))!);
          return { path: `/api/v1/menu-items/${itemId}/withdraw`, body: { reason: "矩阵下架" }, allowed: may("menu.withdraw", facts), snapshot: menuItemDoc(itemId) };
        },
      })),
    },
  ];
}

// ---- 科普基地 (issue 16): base staff apply for their own org; the association of the base's subtree
// reviews — an application only at its level (a district base by a district association or above) —
// assesses, renews and revokes. Each write is made on a fresh base, so an allowed write is seen and a
// refused one leaves the base's document as it was.
const baseOrgs: [string, string][] = [["own", "sz-futian"], ["foreign", "sz-luohu"]];
const baseFactsOf = (orgId: string): Facts => ({ path: pathOf(orgId), orgId });
const baseDoc = (baseId: string) => async () => strip(await db("registry").collection("bases").findOne({ _id: baseId as never }));
const scoresBody = ["ORGANIZATION", "FUNDING", "VENUE", "ACTIVITIES", "IMPACT"].map((c) => ({ criterion: `ASSESSMENT_CRITERION_${c}`, score: 80, evidence: "矩阵台账" }));
async function freshBase(orgId: string, certified: boolean): Promise<string> {
  const baseId = ok(await call("POST", "/api/v1/bases/applications", admin().token, { name: `矩阵基地 ${++seq}`, orgId, level: "BASE_LEVEL_DISTRICT" }), "apply").base.baseId as string;
  if (certified) ok(await call("POST", `/api/v1/bases/${baseId}/review`, admin().token, { approve: true }), "certify");
  return baseId;
}
function baseWrite(suffix: string, body: unknown, certified: boolean, extra: (who: Person) => boolean = () => true): Target[] {
  return baseOrgs.map(([name, orgId]) => ({
    name,
    make: async (): Promise<Cell> => {
      const baseId = await freshBase(orgId, certified);
      return { path: `/api/v1/bases/${baseId}${suffix}`, body, allowed: async (who) => can("base.review", who, baseFactsOf(orgId)) && extra(who), snapshot: baseDoc(baseId) };
    },
  }));
}
/** An application at the district level is decided by a district association, the city's, or an admin. */
const reviewsDistrictLevel = (who: Person) => [Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.ADMIN].includes(who.role);
function baseSpecs(): RouteSpec[] {
  return [
    {
      route: "POST /api/v1/bases/applications",
      targets: baseOrgs.map(([name, orgId]) => ({
        name,
        make: async () => ({ path: "/api/v1/bases/applications", body: { name: `矩阵申请 ${++seq}`, orgId, level: "BASE_LEVEL_DISTRICT" }, allowed: may("base.apply", baseFactsOf(orgId)), snapshot: async () => db("registry").collection("bases").countDocuments({}) }),
      })),
    },
    { route: "POST /api/v1/bases/{baseId}/review", targets: baseWrite("/review", { approve: false, reason: "矩阵：不通过" }, false, reviewsDistrictLevel) },
    {
      route: "GET /api/v1/bases/{baseId}/assessment-draft",
      targets: baseOrgs.map(([name, orgId]) => ({ name, make: async () => ({ path: `/api/v1/bases/base-${orgId}/assessment-draft?year=2026`, allowed: may("base.review", baseFactsOf(orgId)) }) })),
    },
    { route: "POST /api/v1/bases/{baseId}/assessments", targets: baseWrite("/assessments", { year: 2026, scores: scoresBody }, true) },
    { route: "POST /api/v1/bases/{baseId}/renewal", targets: baseWrite("/renewal", undefined, true) },
    { route: "POST /api/v1/bases/{baseId}/revocation", targets: baseWrite("/revocation", { reason: "矩阵：撤销" }, true) },
    { route: "GET /api/v1/bases/deadlines", targets: [{ name: "all", make: async () => ({ path: "/api/v1/bases/deadlines?withinDays=3650", allowed: mayEver("base.read") }) }] },
  ];
}

// ---- 一社区一科普品牌 (issue 16): everyone signed in reads a brand; the community's worker writes the
// brand and its plans, the street and district above it approve or return a plan; plan against done is
// read by those who read the community's figures (the stats service decides). Each community gets its
// brand first (admin), and a plan before a review.
const brandCommunities: [string, string][] = [["own", C1], ["foreign", FOREIGN_C]];
const brandBody = (c: string) => ({ name: `矩阵品牌 ${c === C1 ? "红荔" : "罗湖"}`, theme: "THEME_HEALTH", demoBaseId: c === C1 ? "base-sz-futian" : "base-sz-luohu" });
const brandDoc = (c: string) => async () => strip(await db("registry").collection("brands").findOne({ _id: c as never }));
async function branded(c: string): Promise<string> {
  ok(await call("PUT", `/api/v1/communities/${c}/brand`, admin().token, brandBody(c)), "brand");
  return c;
}
function brandSpecs(): RouteSpec[] {
  const each = (route: string, cell: (c: string) => Omit<Cell, "allowed">, allowed: (c: string) => (who: Person) => Promise<boolean>): RouteSpec => ({
    route,
    targets: brandCommunities.map(([name, c]) => ({ name, make: async () => ({ ...cell(await branded(c)), allowed: allowed(c) }) })),
  });
  const writes = (c: string) => may("brand.write", { path: pathOf(c), orgId: c });
  const plans = (c: string) => may("plan.change", { path: pathOf(c), orgId: c });
  const reviews = (c: string) => may("plan.approve", { path: pathOf(c), orgId: c });
  const planned = async (c: string) => ok(await call("PUT", `/api/v1/communities/${c}/plan/2026`, admin().token, { targets: [{ theme: "THEME_HEALTH", month: 9, target: 1 }] }), "plan");
  const readsDone = (orgId: string) => may("figures.read", { path: pathOf(orgId) });
  return [
    each("GET /api/v1/communities/{communityId}/brand", (c) => ({ path: `/api/v1/communities/${c}/brand` }), () => may("brand.read", {})),
    each("PUT /api/v1/communities/{communityId}/brand", (c) => ({ method: "PUT", path: `/api/v1/communities/${c}/brand`, body: { ...brandBody(c), slogan: "矩阵：改口号" }, snapshot: brandDoc(c) }), writes),
    each("PUT /api/v1/communities/{communityId}/plan/{year}", (c) => ({ method: "PUT", path: `/api/v1/communities/${c}/plan/2026`, body: { targets: [{ theme: "THEME_HEALTH", month: 9, target: 2 }] }, snapshot: brandDoc(c) }), plans),
    {
      route: "POST /api/v1/communities/{communityId}/plan/{year}/review",
      targets: brandCommunities.map(([name, c]) => ({
        name,
        make: async () => {
          await planned(await branded(c));
          return { method: "POST", path: `/api/v1/communities/${c}/plan/2026/review`, body: { decision: "return", comment: "矩阵：请补充九月的活动" }, snapshot: brandDoc(c), allowed: reviews(c) };
        },
      })),
    },
    each("GET /api/v1/communities/{communityId}/plan/{year}/progress", (c) => ({ path: `/api/v1/communities/${c}/plan/2026/progress` }), readsDone),
    {
      route: "GET /api/v1/orgs/{orgId}/plan/{year}/progress",
      targets: [["own", "sz-futian"], ["foreign", "sz-luohu"]].map(([name, orgId]) => ({ name: name!, make: async () => ({ path: `/api/v1/orgs/${orgId}/plan/2026/progress`, allowed: readsDone(orgId!) }) })),
    },
  ];
}

// ---- resources' calendars and a mobile resource's rotation (issue 16), kept by the events service:
// any staff member reads a calendar; only the org that owns the resource (or an admin) plans its rotation.
const rotationMonth = "2027-09";
const rotationBody = { month: rotationMonth, stayDays: 2, travelDays: 1, communities: [{ communityId: C1, lastVisit: "" }, { communityId: FOREIGN_C, lastVisit: "2027-01-01" }] };
const ownsResource = (ownerOrgId: string) => async (who: Person) => who.role === Role.ADMIN || (who.role !== Role.RESIDENT && who.orgId === ownerOrgId);
const rotationDoc = (resourceId: string) => async () => strip(await db("events").collection("rotation_plans").findOne({ _id: `${resourceId}:${rotationMonth}` as never }));
/** A published resource the events service has heard of (its rotation can be proposed), with a saved plan when asked. */
async function plannedResource(ownerOrgId: string, saved: boolean): Promise<string> {
  const resourceId = await freshResource(ownerOrgId, true);
  const plan = await waitFor(async () => {
    const answer = await call("POST", `/api/v1/resources/${resourceId}/rotation/propose`, admin().token, rotationBody);
    return answer.status === 200 ? (answer.body.plan as Json) : undefined;
  }, { what: "events to hear of the resource" });
  if (saved) ok(await call("PUT", `/api/v1/resources/${resourceId}/rotation/${rotationMonth}`, admin().token, { stayDays: 2, travelDays: 1, stays: plan.stays }), "save rotation");
  return resourceId;
}
function calendarSpecs(): RouteSpec[] {
  const rotation = (route: string, saved: boolean, cell: (resourceId: string) => Omit<Cell, "allowed">): RouteSpec => ({
    route,
    targets: resourceOwners.map(([name, owner]) => ({ name, make: async () => ({ ...cell(await plannedResource(owner, saved)), allowed: ownsResource(owner) }) })),
  });
  return [
    {
      route: "GET /api/v1/resources/{resourceId}/calendar",
      targets: resourceOwners.map(([name, owner]) => ({ name, make: async () => ({ path: `/api/v1/resources/${await freshResource(owner, true)}/calendar?month=${rotationMonth}`, allowed: async (who) => who.role !== Role.RESIDENT }) })),
    },
    rotation("POST /api/v1/resources/{resourceId}/rotation/propose", false, (id) => ({ path: `/api/v1/resources/${id}/rotation/propose`, body: rotationBody })),
    rotation("PUT /api/v1/resources/{resourceId}/rotation/{month}", false, (id) => ({ method: "PUT", path: `/api/v1/resources/${id}/rotation/${rotationMonth}`, body: { stayDays: 2, travelDays: 1, stays: [{ communityId: C1, firstDay: "2027-09-01", lastDay: "2027-09-02" }] }, snapshot: rotationDoc(id) })),
    rotation("GET /api/v1/resources/{resourceId}/rotation/{month}", true, (id) => ({ path: `/api/v1/resources/${id}/rotation/${rotationMonth}` })),
    rotation("PATCH /api/v1/resources/{resourceId}/rotation/{month}/stays/{communityId}", true, (id) => ({ method: "PATCH", path: `/api/v1/resources/${id}/rotation/${rotationMonth}/stays/${C1}`, body: { moveToFirstDay: "2027-09-10" }, snapshot: rotationDoc(id) })),
  ];
}

// ---- 科普教育学分 (issue 19): a resident says she is a student of a school (an org of kind 学校) and
// reads her credits; a school's credits are exported by its own staff and the associations above it.
const schools: [string, string, string][] = [["own", "sz-futian-school-m", "sz-futian"], ["foreign", "sz-luohu-school-m", "sz-luohu"]];
const madeSchools = new Set<string>();
async function school(orgId: string, parentId: string): Promise<string> {
  if (!madeSchools.has(orgId)) ok(await call("POST", "/api/v1/orgs", admin().token, { orgId, name: `矩阵学校 ${orgId}`, kind: "ORG_KIND_SCHOOL", parentId }), "school");
  madeSchools.add(orgId);
  return orgId;
}
function creditSpecs(): RouteSpec[] {
  return [
    {
      route: "POST /api/v1/me/students",
      targets: [{ name: "self", make: async () => ({ path: "/api/v1/me/students", body: { name: "矩阵学生", schoolId: await school(schools[0]![1], schools[0]![2]), grade: "五年级" }, allowed: may("student.register"), snapshot: async () => db("events").collection("students").countDocuments({}) }) }],
    },
    { route: "GET /api/v1/me/credits", targets: [{ name: "self", make: async () => ({ path: "/api/v1/me/credits", allowed: async (who) => can("credit.readOwn", who, { ownerId: who.id }) }) }] },
    {
      route: "GET /api/v1/schools/{schoolId}/credits",
      targets: schools.map(([name, orgId, parentId]) => ({ name, make: async () => ({ path: `/api/v1/schools/${await school(orgId, parentId)}/credits`, allowed: may("credit.export", { orgId, path: [...pathOf(parentId), orgId] }) }) })),
    },
    {
      route: "GET /api/v1/schools/{schoolId}/credits/export",
      targets: schools.map(([name, orgId, parentId]) => ({ name, make: async () => ({ path: `/api/v1/schools/${await school(orgId, parentId)}/credits/export`, allowed: may("credit.export", { orgId, path: [...pathOf(parentId), orgId] }) }) })),
    },
    // Credit rules: read by staff and teams; set by the city for the city, a district for its district (the
    // version is read when the cell is made: a later writer of the same cell gets 409, still not refused).
    { route: "GET /api/v1/credit-rules", targets: [{ name: "all", make: async () => ({ path: "/api/v1/credit-rules", allowed: may("creditRule.read") }) }] },
    {
      route: "PUT /api/v1/credit-rules/{orgId}",
      targets: ([["own", "sz-futian"], ["foreign", "sz-luohu"]] as const).map(([name, owner]) => ({
        name,
        make: async () => {
          const version = ((await adminGet("/api/v1/credit-rules")).sets as Json[] | undefined)?.find((s) => s.ownerOrgId === owner)?.version ?? 0;
          const body = { rules: [{ theme: "THEME_HEALTH", hoursPerCredit: 1, capPerActivity: 2 }], expectedVersion: version };
          return { method: "PUT", path: `/api/v1/credit-rules/${owner}`, body, allowed: may("creditRule.change", { path: pathOf(owner) }), snapshot: async () => db("events").collection("credit_rules").findOne({ _id: owner as never }, { projection: { rules: 1, version: 1 } }) };
        },
      })),
    },
  ];
}

const specs: RouteSpec[] = [
  { route: "GET /api/v1/me", targets: [{ name: "self", make: async () => ({ path: "/api/v1/me", allowed: async () => true }) }] },
  // ---- registry
  {
    route: "GET /api/v1/menu",
    targets: [C1, FOREIGN_C].map((c, i) => ({ name: i ? "foreign" : "own", make: async () => ({ path: `/api/v1/menu?communityId=${c}`, allowed: may("menu.read", { orgId: c }) }) })),
  },
  { route: "GET /api/v1/orgs/{orgId}", targets: ["sz-futian", "sz-luohu"].map((o, i) => ({ name: i ? "foreign" : "own", make: async () => ({ path: `/api/v1/orgs/${o}`, allowed: may("org.read", { path: pathOf(o) }) }) })) },
  // Names of many orgs in one call (a page's places, columns and axes): everyone signed in, both subtrees.
  {
    route: "GET /api/v1/names",
    targets: [{ name: "own+foreign", make: async () => ({ path: `/api/v1/names?orgIds=${C1},${FOREIGN_C}`, allowed: async (who) => (await may("org.read", { path: pathOf(C1) })(who)) && (await may("org.read", { path: pathOf(FOREIGN_C) })(who)) }) }],
  },
  ...orgSpecs(),
  listRoute("GET /api/v1/teams", "/api/v1/teams", "team.read", "teams", (t) => t.teamId, teamFacts, [["own", "?orgId=sz-futian"], ["foreign", "?orgId=sz-luohu"], ["all", ""]]),
  {
    route: "GET /api/v1/teams/{teamId}",
    targets: ["team-futian", "team-luohu"].map((t, i) => ({
      name: i ? "foreign" : "own",
      make: async () => ({ path: `/api/v1/teams/${t}`, allowed: async (who) => can("team.read", who, teamFacts((await adminGet(`/api/v1/teams/${t}`)).team, who)) }),
    })),
  },
  listRoute("GET /api/v1/bases", "/api/v1/bases", "base.read", "bases", (b) => b.baseId, (b) => ({ path: b.place.path, orgId: b.orgId }), [["own", "?orgId=sz-futian"], ["foreign", "?orgId=sz-luohu"]]),
  ...baseSpecs(),
  ...brandSpecs(),
  ...creditSpecs(),
  // ---- orders
  {
    route: "POST /api/v1/orders",
    targets: [C1, FOREIGN_C].map((c, i) => ({
      name: i ? "foreign" : "own",
      make: async () => ({
        path: "/api/v1/orders",
        body: { theme: "THEME_HEALTH", communityId: c, title: "矩阵点单" },
        allowed: may("order.submit", { orgId: c, path: pathOf(c) }),
        snapshot: async () => db("dispatch").collection("orders").countDocuments({}),
      }),
    })),
  },
  // 代点单: the residents of a community, found by name, for its workers only.
  {
    route: "GET /api/v1/residents",
    targets: [C1, FOREIGN_C].map((c, i) => ({ name: i ? "foreign" : "own", make: async () => ({ path: `/api/v1/residents?communityId=${c}`, allowed: may("resident.find", { orgId: c, path: pathOf(c) }) }) })),
  },
  listRoute("GET /api/v1/orders", "/api/v1/orders", "order.read", "orders", (o) => o.orderId, orderFacts, [["all", "?pageSize=200"], ["foreign", "?pageSize=200&orgId=sz-luohu"]]),
  // "/chain": the order's whole chain is read as the order is (its other parts are left out, never refused).
  ...["", "/suggestions", "/chain", "/resource-conflict"].map(
    (suffix): RouteSpec => ({
      route: `GET /api/v1/orders/{orderId}${suffix}`,
      targets: (
        [
          ["own", async () => dispatched(await own(), "team-futian")],
          ["foreign", async () => dispatched(await foreign(), "team-luohu")],
          ["another resident's", () => submit(residentB(), C1)],
          ["own, in the pool", async () => pooled(await own())],
        ] as [string, () => Promise<string>][]
      ).map(([name, make]) => ({
        name,
        make: async () => {
          const orderId = await make();
          return {
            path: `/api/v1/orders/${orderId}${suffix}`,
            allowed: async (who) => {
              const o = await order(orderId);
              return can("order.read", who, orderFacts(o, who)) && (suffix !== "/suggestions" || can(communityOrClaimed(o), who, orderFacts(o, who)));
            },
          };
        },
      })),
    }),
  ),
  orderWrites("dispatch", communityOrClaimed, (o) => ({ teamIds: [teamFor(o)] }), [
    ["own", own],
    ["foreign", foreign],
    ["own, claimed by the district", async () => {
      const orderId = await pooled(await own());
      await act(orderId, "claim", {}, district());
      return orderId;
    }],
  ]),
  orderWrites("pool", () => "order.handleAtCommunity", () => ({ reason: "转科协" }), [["own", own], ["foreign", foreign]]),
  orderWrites("reject", () => "order.handleAtCommunity", () => ({ reason: "不属于科普服务" }), [["own", own], ["foreign", foreign]]),
  orderWrites("claim", () => "order.claim", () => ({}), [["own", async () => pooled(await own())], ["foreign", async () => pooled(await foreign())]]),
  orderWrites("accept", (o) => (o.status === "ORDER_STATUS_POOLED" ? "order.grab" : "order.accept"), () => ({}), [
    ["own, offered to the team", async () => dispatched(await own(), "team-futian")],
    ["foreign, offered to its team", async () => dispatched(await foreign(), "team-luohu")],
    ["own, in the pool", async () => pooled(await own())],
    ["foreign, in the pool", async () => pooled(await foreign())],
  ]),
  orderWrites("decline", () => "order.decline", () => ({ reason: "时间冲突" }), [["own", async () => dispatched(await own(), "team-futian")], ["foreign", async () => dispatched(await foreign(), "team-luohu")]]),
  orderWrites("cancel", () => "order.cancel", () => ({ reason: "临时有事" }), [["own", own], ["foreign", foreign], ["another resident's", () => submit(residentB(), C1)]]),
  orderWrites("rate", () => "order.rate", () => ({ score: 5 }), [["own", own], ["another resident's", () => submit(residentB(), C1)]]),
  // ---- activities
  listRoute("GET /api/v1/activities", "/api/v1/activities", "activity.read", "activities", (a) => a.activityId, activityFacts, [["all", "?pageSize=200"], ["foreign", "?pageSize=200&orgId=sz-luohu"]]),
  {
    route: "GET /api/v1/activities/{activityId}",
    targets: activityTargets((name, make) => ({ name, make: async () => { const id = await make(); return { path: `/api/v1/activities/${id}`, allowed: async (who) => can("activity.read", who, activityFacts(await activity(id))) }; } })),
  },
  {
    route: "POST /api/v1/activities",
    targets: [C1, FOREIGN_C].map((c, i) => ({
      name: i ? "foreign" : "own",
      make: async () => {
        const title = `矩阵发布 ${++seq}`;
        const startsAt = new Date(Date.now() + 9 * 86_400_000).toISOString();
        const endsAt = new Date(Date.now() + 9 * 86_400_000 + 3_600_000).toISOString();
        return {
          path: "/api/v1/activities",
          body: { title, theme: "THEME_HEALTH", orgId: c, sessions: [{ startsAt, endsAt, capacity: 20 }] },
          allowed: may("activity.organize", { path: pathOf(c) }),
          snapshot: async () => db("events").collection("activities").countDocuments({ title }),
        };
      },
    })),
  },
  {
    route: "GET /api/v1/activities/{activityId}/attendance",
    targets: activityTargets((name, make) => ({ name, make: async () => { const id = await make(); return { path: `/api/v1/activities/${id}/attendance`, allowed: async (who) => can("attendance.read", who, activityFacts(await activity(id))) }; } })),
  },
  { route: "POST /api/v1/activities/{activityId}/summary", targets: activityTargets((name, make) => activityWrite("summary", { text: "活动总结：居民踊跃参与" }, "activity.organize", make, name)) },
  {
    route: "POST /api/v1/activities/{activityId}/hours",
    targets: activityTargets((name, make) => {
      const start = new Date(Date.now() - 3_600_000).toISOString();
      return activityWrite("hours", { volunteerId: "vol-1", serviceContent: "讲解", startedAt: start, endedAt: new Date().toISOString() }, "hours.record", make, name);
    }),
  },
  { route: "POST /api/v1/activities/{activityId}/photos", targets: activityTargets((name, make) => activityWrite("photos", png, "activity.organize", make, name, "image/png")) },
  { route: "POST /api/v1/activities/{activityId}/complete", targets: activityTargets((name, make) => activityWrite("complete", {}, "activity.organize", make, name)) },
  {
    route: "GET /api/v1/photos/{photoId}",
    targets: (
      [
        ["own", ownActivity],
        ["foreign", foreignActivity],
        ["own, summary filed", async () => { const id = await ownActivity(); ok(await call("POST", `/api/v1/activities/${id}/summary`, admin().token, { text: "已发布" }), "summary"); return id; }],
      ] as [string, () => Promise<string>][]
    ).map(([name, make]) => ({
      name,
      make: async () => {
        const activityId = await make();
        const photoId = await photo(activityId);
        return {
          path: `/api/v1/photos/${photoId}`,
          allowed: async (who) => {
            const a = await activity(activityId);
            return can("summary.read", who, activityFacts(a)) || (a.summaryFiled === true && can("summary.readPublished", who));
          },
        };
      },
    })),
  },
  listRoute("GET /api/v1/summaries/overdue", "/api/v1/summaries/overdue", "summary.overdue", "activities", (a) => a.activityId, activityFacts, [["mine", ""], ["foreign", "?orgId=sz-luohu"]]),
  // ---- bookings
  {
    route: "POST /api/v1/activities/{activityId}/sessions/{sessionId}/bookings",
    targets: activityTargets((name, make) => ({
      name,
      make: async () => {
        const id = await make();
        const sessionId = (await activity(id)).sessions[0].session.sessionId;
        return { path: `/api/v1/activities/${id}/sessions/${sessionId}/bookings`, allowed: may("booking.make"), snapshot: activityDocs(id) };
      },
    })),
  },
  { route: "GET /api/v1/me/bookings", targets: [{ name: "mine", make: async () => ({ path: "/api/v1/me/bookings", allowed: mayEver("booking.own") }) }] },
  ...[
    ["POST", "cancel", { reason: "有事" }],
    ["GET", "check-in-token", undefined],
  ].map(
    ([method, action, body]): RouteSpec => ({
      route: `${method} /api/v1/bookings/{bookingId}/${action}`,
      targets: (
        [
          ["own", residentA, ownActivity],
          ["another resident's", residentB, ownActivity],
          ["foreign", () => residentC, foreignActivity],
        ] as [string, () => Person, () => Promise<string>][]
      ).map(([name, booker, make]) => ({
        name,
        make: async () => {
          const bookingId = await book(booker(), await make());
          return { method: method as string, path: `/api/v1/bookings/${bookingId}/${action}`, ...(body ? { body } : {}), allowed: may("booking.own", { ownerId: booker().id }), ...(method === "POST" ? { snapshot: bookingDoc(bookingId) } : {}) };
        },
      })),
    }),
  ),
  {
    route: "POST /api/v1/check-ins",
    targets: (
      [
        ["own", ownActivity],
        ["foreign", foreignActivity],
      ] as [string, () => Promise<string>][]
    ).map(([name, make]) => ({
      name,
      make: async () => {
        const activityId = await make();
        const bookingId = await book(name === "own" ? residentA() : residentC, activityId);
        return { path: "/api/v1/check-ins", body: { bookingId }, allowed: async (who) => can("activity.organize", who, activityFacts(await activity(activityId))), snapshot: bookingDoc(bookingId) };
      },
    })),
  },
  // ---- statistics
  statsRoute("GET /api/v1/stats/figures", "/api/v1/stats/figures"),
  statsRoute("GET /api/v1/stats/breakdown", "/api/v1/stats/breakdown"),
  statsRoute("GET /api/v1/stats/export", "/api/v1/stats/export"),
  statsRoute("GET /api/v1/stats/annual-return", "/api/v1/stats/annual-return?year=2026"),
  statsRoute("GET /api/v1/stats/live", "/api/v1/stats/live"),
  statsRoute("GET /api/v1/stats/demand-supply", "/api/v1/stats/demand-supply"),
  statsRoute("GET /api/v1/stats/demand-supply/export", "/api/v1/stats/demand-supply/export"),
  ...campaignSpecs(),
  ...mergeSpecs(),
  // ---- Open311 GeoReport v2 (jurisdiction_id = a district) and the API keys other systems use
  ...open311Specs(),
  ...webhookSpecs(),
  ...accountSpecs(),
  // ---- the audit log
  { route: "GET /api/v1/audit", targets: [{ name: "all", make: async () => ({ path: "/api/v1/audit", allowed: may("audit.read") }) }] },
  // ---- the inbox: each person's own (her mailboxes are hers alone; the notifications service decides which)
  ...(
    [
      ["GET /api/v1/me/notifications", "GET", "/api/v1/me/notifications"],
      ["GET /api/v1/me/notifications/unread", "GET", "/api/v1/me/notifications/unread"],
      ["POST /api/v1/me/notifications/{notificationId}/read", "POST", "/api/v1/me/notifications/ntf-none/read"],
      ["POST /api/v1/me/notifications/read-all", "POST", "/api/v1/me/notifications/read-all"],
      ["GET /api/v1/me/notifications/live", "GET", "/api/v1/me/notifications/live"],
      ["GET /api/v1/me/notification-settings", "GET", "/api/v1/me/notification-settings"],
      ["PUT /api/v1/me/notification-settings", "PUT", "/api/v1/me/notification-settings", { smsEnabled: false }],
    ] as [string, string, string, object?][]
  ).map(([route, method, path, body]): RouteSpec => ({
    route,
    targets: [{ name: "own", make: async () => ({ method, path, ...(body ? { body } : {}), allowed: async (who: Person) => can("notification.read", who, { ownerId: who.id }) }) }],
  })),
  ...menuResourceSpecs(),
  ...calendarSpecs(),
  // ---- teams (last: the final cell deactivates the leader's own team)
  ...teamSpecs(),
];

/** Routes anyone may call before signing in: they are the way in (the community picker's lookups too). */
const publicRoutes = ["POST /api/v1/auth/sign-in", "POST /api/v1/auth/resident-code", "POST /api/v1/auth/resident-sign-in", "POST /api/v1/auth/refresh", "POST /api/v1/auth/change-password", "GET /api/v1/orgs", "GET /api/v1/orgs/{orgId}/children"];

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  services.push(...(await ServiceProcess.startAll(["registry", "dispatch", "events", "stats", "notifications"], () => engines.serviceEnv())));
  const [registry, dispatch, events, stats, notifications] = services.map((s) => s.grpcAddress);
  const limits = { RATE_LIMIT_PER_MINUTE: "1000000", RATE_LIMIT_IP_PER_MINUTE: "1000000" };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", ...limits, REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, STATS_GRPC: stats!, NOTIFICATIONS_GRPC: notifications! }));

  const client = createRpcClient(RegistryService, registry!, { signer: testSigner() });
  const asAdmin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, kind, parentId] of tree) await client.registerOrganization({ orgId, name: orgId, kind, parentId }, asAdmin);
  for (const [teamId, orgId] of [["team-futian", "sz-futian"], ["team-luohu", "sz-luohu"]] as const) {
    await client.registerTeam({ teamId, name: teamId, orgId, themes: [Theme.HEALTH], serviceAreaOrgIds: teamAreas[teamId]! }, asAdmin);
    await client.addVolunteer({ teamId, volunteerId: teamId === "team-futian" ? "vol-1" : `vol-${teamId}`, realName: "张志愿", phone: teamId === "team-futian" ? "13800000001" : "13800000002", skills: [Theme.HEALTH] }, asAdmin); // dispatch offers orders only to teams with people
    await client.publishMenuItem({ item: { itemId: `menu-${teamId}`, title: "健康讲座", theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 50, serviceAreaOrgId: orgId, providerKind: ProviderKind.TEAM, providerId: teamId } }, asAdmin);
    await client.certifyBase({ baseId: `base-${orgId}`, name: `${orgId} 科技馆`, orgId, level: BaseLevel.DISTRICT, termYears: 5 }, asAdmin);
  }
  client.close();
  // Dispatch must know the teams' areas (抢单) and stats the tree (figures' scope) before the cells run.
  await waitFor(async () => (await db("dispatch").collection("teams").countDocuments({})) === 2, { what: "dispatch's read model of teams" });
  await engines.waitForDocuments("dispatch", "teams", ["team-futian", "team-luohu"], (team) => (team.memberIds as string[] | undefined)?.length === 1);
  await engines.waitForDocuments("dispatch", "orgs", tree.map(([orgId]) => orgId));
  await engines.waitForDocuments("dispatch", "menu_items", ["menu-team-futian", "menu-team-luohu"]);
  await waitFor(async () => (await db("stats").collection("org_facts").countDocuments({})) === tree.length, { what: "stats' read model of the tree" });

  for (const account of ["worker", "street", "district", "city", "leader", "member", "base", "viewer", "admin"]) people.push(await signInStaff(account));
  people.unshift(await signInResident("residentA", "13700000001", C1), await signInResident("residentB", "13700000002", C1));
  residentC = await signInResident("residentC", "13700000003", FOREIGN_C);
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(services.map((s) => s.stop()));
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
});

async function sequentially<T, R>(items: T[], each: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await each(item));
  return results;
}

describe("the access matrix", () => {
  it("covers every route of the OpenAPI document", async () => {
    const doc = (await (await fetch(`${gateway.httpUrl}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)).filter((r) => r.includes("/api/") || r.includes("/open311/"));
    const covered = [...specs.map((s) => s.route), ...publicRoutes];
    expect(documented.filter((r) => !covered.includes(r)), "routes without cells").toEqual([]);
    expect(covered.filter((r) => !documented.includes(r)), "cells for routes that do not exist").toEqual([]);
  });

  it("allows exactly what PRODUCT.md's ownership matrix allows, and a refused write changes nothing", async () => {
    const rows: string[] = [];
    const wrong: string[] = [];
    for (const spec of specs) {
      for (const target of spec.targets) {
        const cell = await target.make();
        const judge = async (who: Person): Promise<{ mark: string; wrong?: string }> => {
          const expected = await cell.allowed(who);
          const before = cell.snapshot ? await cell.snapshot() : undefined;
          const answer = await call(method, cell.path, who.token, cell.body, cell.contentType);
          const refused = answer.status === 403 || answer.status === 404;
          let verdict = answer.status >= 500 ? "5xx" : refused === !expected ? "ok" : expected ? "refused, should be allowed" : "allowed, should be refused";
          if (verdict === "ok" && refused && cell.snapshot) {
            const after = await cell.snapshot();
            if (JSON.stringify(after) !== JSON.stringify(before)) verdict = "refused but the store changed";
          }
          if (verdict === "ok" && !refused && cell.list) {
            const [got, want] = [cell.list.ids(answer), await cell.list.expected(who)];
            if (JSON.stringify(got) !== JSON.stringify(want)) verdict = `list ${JSON.stringify(got)} ≠ allowed ${JSON.stringify(want)}`;
          }
          const mark = verdict === "ok" ? (refused ? "·" : "✓") : "✗";
          return verdict === "ok" ? { mark } : { mark, wrong: `${who.name} ${spec.route} [${target.name}] → ${answer.status} ${String(answer.body.code ?? "")}: ${verdict}` };
        };
        const method = cell.method ?? spec.route.split(" ")[0]!;
        const others = people.filter((p) => p.role !== Role.ADMIN);
        // A read changes nothing: everyone asks at once. A write's answer depends on who wrote before,
        // so writes go one person at a time, admins last (they may do everything, and what they do
        // changes the record for the rest).
        const judged = method === "GET" ? await Promise.all(others.map(judge)) : await sequentially(others, judge);
        judged.push(await judge(admin()));
        const marks = judged.map((j) => j.mark);
        wrong.push(...judged.flatMap((j) => (j.wrong ? [j.wrong] : [])));
        rows.push(`| ${spec.route} | ${target.name} | ${marks.join(" | ")} |`);
      }
    }
    const columns = [...people.filter((p) => p.role !== Role.ADMIN), admin()].map((p) => p.name);
    const table = [`| route | record | ${columns.join(" | ")} |`, `|---|---|${columns.map(() => "---").join("|")}|`, ...rows].join("\n");
    const report = `# The access matrix\n\n✓ allowed, · refused (403 / 404), ✗ differs from PRODUCT.md's ownership matrix\n\n${table}\n\n${wrong.length} cells differ.\n${wrong.map((w) => `- ${w}`).join("\n")}\n`;
    mkdirSync("test-artifacts", { recursive: true });
    writeFileSync("test-artifacts/access-matrix.md", report);
    console.log(report);
    expect(wrong).toEqual([]);
  }, 900_000); // every route × every person (reads at once, writes one call at a time): minutes, and more with each route
});
