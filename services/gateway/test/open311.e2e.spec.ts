// An Open311 GeoReport v2 client against the running platform: list the services (the menu),
// read a service's definition, submit a request, poll it until it is closed — JSON and XML, every
// field's name and type checked against the spec (http://wiki.open311.org/GeoReport_v2) — and the
// spec's errors. API keys are made by an association for its subtree and act as that org's staff.
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { community, Platform } from "./platform.js";

let platform: Platform;
const base = "/open311/v2";

interface Reply {
  status: number;
  type: string;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- GeoReport's JSON, checked field by field below
}
async function open311(method: "GET" | "POST", path: string, options: { query?: Record<string, string>; form?: Record<string, string>; token?: string } = {}): Promise<Reply> {
  const url = `${platform.gateway.httpUrl}${base}${path}${options.query ? `?${new URLSearchParams(options.query)}` : ""}`;
  const response = await fetch(url, {
    method,
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...(options.form ? { "content-type": "application/x-www-form-urlencoded; charset=utf-8" } : {}) },
    ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, type, text, json: type.startsWith("application/json") ? JSON.parse(text) : undefined };
}
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ["service", "request", "error", "attribute", "value"].includes(name) });

// ---- the spec's fields and their types (GeoReport v2: GET Service List, GET Service Definition,
// POST Service Request, GET Service Request(s), Errors). "string?" may be null (not returned).
type Kind = "string" | "string?" | "boolean" | "integer" | "datetime" | "datetime?" | "null" | string[];
const serviceFields: Record<string, Kind> = { service_code: "string", service_name: "string", description: "string?", metadata: "boolean", type: ["realtime", "batch", "blackbox"], keywords: "string", group: "string" };
const definitionFields: Record<string, Kind> = { service_code: "string" };
const attributeFields: Record<string, Kind> = { variable: "boolean", code: "string", datatype: ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"], required: "boolean", datatype_description: "string?", order: "integer", description: "string" };
const createdFields: Record<string, Kind> = { service_request_id: "string", service_notice: "string?", account_id: "string?" };
const requestFields: Record<string, Kind> = {
  service_request_id: "string",
  status: ["open", "closed"],
  status_notes: "string?",
  service_name: "string",
  service_code: "string?",
  description: "string?",
  agency_responsible: "string?",
  service_notice: "string?",
  requested_datetime: "datetime",
  updated_datetime: "datetime",
  expected_datetime: "datetime?",
  address: "string?",
  address_id: "string",
  zipcode: "null",
  lat: "null",
  long: "null",
  media_url: "null",
};
const errorFields: Record<string, Kind> = { code: "integer", description: "string" };
const w3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/; // the spec's date-time: the zone is required

function conforms(value: Record<string, unknown>, fields: Record<string, Kind>, extra: string[] = []): void {
  expect(Object.keys(value).sort(), "field names").toEqual([...Object.keys(fields), ...extra].sort());
  for (const [name, kind] of Object.entries(fields)) {
    const v = value[name];
    const where = `${name} = ${JSON.stringify(v)}`;
    if (Array.isArray(kind)) expect(kind, where).toContain(v);
    else if (kind === "string") expect(typeof v, where).toBe("string");
    else if (kind === "string?") expect(v === null || typeof v === "string", where).toBe(true);
    else if (kind === "boolean") expect(typeof v, where).toBe("boolean");
    else if (kind === "integer") expect(Number.isInteger(v), where).toBe(true);
    else if (kind === "datetime") expect(String(v), where).toMatch(w3);
    else if (kind === "datetime?") expect(v === null || w3.test(String(v)), where).toBe(true);
    else if (kind === "null") expect(v, where).toBeNull();
  }
}
function conformsErrors(reply: Reply, status: number): void {
  expect(reply.status).toBe(status);
  expect(Array.isArray(reply.json)).toBe(true);
  for (const error of reply.json) conforms(error, errorFields);
  expect(reply.json[0].code).toBe(status);
}

let resident: string;
let worker: string;
let leader: string;
let communityKey: string;
let districtKey: string;
let districtKeyId: string;

beforeAll(async () => {
  platform = await Platform.start("open311", { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" });
  resident = await platform.resident("13700031101");
  worker = await platform.signIn("worker");
  leader = await platform.signIn("leader");
  const district = await platform.signIn("district");
  // The district association makes keys for its subtree: one for a community, one for itself.
  const forCommunity = await platform.call("POST", "/api/v1/api-keys", district, { orgId: community, name: "12345 市民热线" });
  expect(forCommunity.status, JSON.stringify(forCommunity.body)).toBe(200);
  expect(forCommunity.body.apiKey).toMatchObject({ orgId: community, role: "COMMUNITY_WORKER", revokedAt: null });
  communityKey = forCommunity.body.key;
  const forDistrict = (await platform.call("POST", "/api/v1/api-keys", district, { orgId: "sz-futian", name: "区数据平台" })).body;
  districtKey = forDistrict.key;
  districtKeyId = forDistrict.apiKey.keyId;
}, 240_000);

afterAll(async () => {
  await platform?.stop();
});

describe("Open311 GeoReport v2", () => {
  it("lists services, submits a request and polls it until closed, every field as the spec names and types it", async () => {
    const jurisdiction = { jurisdiction_id: "sz-futian" };
    // GET Service List: the menu of the district, for the resident (her community's) and a key.
    const services = await open311("GET", "/services.json", { query: jurisdiction, token: resident });
    expect(services.status).toBe(200);
    expect(services.type).toBe("application/json; charset=utf-8");
    expect(services.json.map((s: { service_code: string }) => s.service_code)).toEqual(["menu-health"]);
    for (const service of services.json) conforms(service, serviceFields);
    expect(services.json[0]).toMatchObject({ service_name: "健康养生讲座", metadata: true, type: "realtime", group: "THEME_HEALTH" });
    expect((await open311("GET", "/services.json", { query: { ...jurisdiction, api_key: communityKey } })).json).toEqual(services.json);
    const servicesXml = await open311("GET", "/services.xml", { query: jurisdiction, token: resident });
    expect(servicesXml.type).toBe("text/xml; charset=utf-8");
    expect(servicesXml.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const listed = xml.parse(servicesXml.text).services.service;
    expect(listed.map((s: { service_code: string }) => s.service_code)).toEqual(["menu-health"]);
    expect(Object.keys(listed[0]).sort()).toEqual(Object.keys(serviceFields).sort());

    // GET Service Definition: the order's details as attributes.
    const definition = await open311("GET", "/services/menu-health.json", { query: jurisdiction, token: resident });
    expect(definition.status).toBe(200);
    conforms(definition.json, definitionFields, ["attributes"]);
    for (const attribute of definition.json.attributes) {
      conforms(attribute, attributeFields, ["values"]);
      for (const value of attribute.values) conforms(value, { key: "string", name: "string" });
    }
    const orders = definition.json.attributes.map((a: { order: number }) => a.order);
    expect(new Set(orders).size).toBe(orders.length);
    expect(definition.json.attributes.map((a: { code: string }) => a.code)).toEqual(["preferred_date", "expected_participants", "audience", "duration"]);
    const definitionXml = xml.parse((await open311("GET", "/services/menu-health.xml", { query: jurisdiction, token: resident })).text).service_definition;
    expect(definitionXml.service_code).toBe("menu-health");
    expect(definitionXml.attributes.attribute.find((a: { code: string }) => a.code === "audience").values.value.length).toBeGreaterThan(0);

    // POST Service Request, form-encoded as the spec sends it, by the resident.
    const preferred = new Date(Date.now() + 21 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    const created = await open311("POST", "/requests.json", {
      token: resident,
      form: { ...jurisdiction, service_code: "menu-health", description: "楼下老人想听健康讲座", "attribute[expected_participants]": "30", "attribute[preferred_date]": preferred, "attribute[audience]": "AUDIENCE_ELDERLY" },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toHaveLength(1);
    conforms(created.json[0], createdFields);
    const id = created.json[0].service_request_id as string;
    const order = (await platform.call("GET", `/api/v1/orders/${id}`, resident)).body.order;
    expect(order).toMatchObject({ status: "ORDER_STATUS_SUBMITTED", request: { menuItemId: "menu-health", expectedParticipants: 30, audience: "AUDIENCE_ELDERLY", community: { orgId: community } } });

    // GET Service Request: open while the order lives, the notes from its timeline.
    const poll = async () => (await open311("GET", `/requests/${id}.json`, { query: jurisdiction, token: resident })).json[0];
    const fresh = await poll();
    conforms(fresh, requestFields);
    expect(fresh).toMatchObject({ service_request_id: id, status: "open", service_code: "menu-health", service_name: "健康养生讲座", address_id: community, address: community, agency_responsible: null });
    expect(fresh.status_notes).toContain("已点单");
    expect(Date.parse(fresh.expected_datetime)).toBe(Date.parse(preferred));

    // The community dispatches it, the team accepts it: still open, the notes follow.
    expect((await platform.call("POST", `/api/v1/orders/${id}/dispatch`, worker, { teamIds: ["team-futian"] })).status).toBe(200);
    expect((await waitFor(async () => ((await poll()).status_notes.includes("派单") ? await poll() : undefined), { what: "the dispatch in the notes" })).status).toBe("open");
    expect((await platform.call("POST", `/api/v1/orders/${id}/accept`, leader, {})).status).toBe(200);
    const accepted = await waitFor(async () => ((await poll()).agency_responsible ? await poll() : undefined), { what: "the accepting team" });
    expect(accepted).toMatchObject({ status: "open", agency_responsible: "team-futian" });
    expect(accepted.status_notes).toMatch(/接单|排期/); // accepted, and — a moment later — scheduled as an activity

    // She cancels: the client polls until it reads closed, with her reason as the notes.
    expect((await platform.call("POST", `/api/v1/orders/${id}/cancel`, resident, { reason: "小区停电，改期再约" })).status).toBe(200);
    const closed = await waitFor(async () => ((await poll()).status === "closed" ? await poll() : undefined), { what: "the request to close" });
    conforms(closed, requestFields);
    expect(closed.status_notes).toContain("小区停电，改期再约");
    expect(Date.parse(closed.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(fresh.updated_datetime));

    // GET Service Requests: by status, by id, in XML; the community's key reads its community's.
    const closedList = await open311("GET", "/requests.json", { query: { ...jurisdiction, status: "closed", api_key: communityKey } });
    expect(closedList.status).toBe(200);
    for (const r of closedList.json) conforms(r, requestFields);
    expect(closedList.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    const openList = await open311("GET", "/requests.json", { query: { ...jurisdiction, status: "open", api_key: communityKey } });
    expect(openList.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    const byId = await open311("GET", "/requests.xml", { query: { ...jurisdiction, service_request_id: id }, token: resident });
    const fromXml = xml.parse(byId.text).service_requests.request;
    expect(fromXml).toHaveLength(1);
    expect(fromXml[0]).toMatchObject({ service_request_id: id, status: "closed", zipcode: "", lat: "" });
    expect(Object.keys(fromXml[0]).sort()).toEqual(Object.keys(requestFields).sort());
  });

  it("takes a request from a community's key (代点单) and refuses a district's, which may not order", async () => {
    const form = { jurisdiction_id: "sz-futian", service_code: "menu-health", description: "网格员代居民点单" };
    const byCommunity = await open311("POST", "/requests.json", { form: { ...form, api_key: communityKey } });
    expect(byCommunity.status, byCommunity.text).toBe(200);
    const order = (await platform.call("GET", `/api/v1/orders/${byCommunity.json[0].service_request_id}`, worker)).body.order;
    expect(order).toMatchObject({ requesterId: expect.stringMatching(/^api-key:/), request: { community: { orgId: community } } });

    const before = (await platform.call("GET", "/api/v1/orders?pageSize=200", worker)).body.total;
    const byDistrict = await open311("POST", "/requests.json", { form: { ...form, api_key: districtKey, address_id: community } });
    conformsErrors(byDistrict, 403);
    expect((await platform.call("GET", "/api/v1/orders?pageSize=200", worker)).body.total).toBe(before);
  });

  it("answers the spec's errors: [{code, description}] in JSON and <errors><error> in XML", async () => {
    conformsErrors(await open311("GET", "/services.json", { token: resident }), 400); // no jurisdiction_id
    conformsErrors(await open311("GET", "/services.json", { query: { jurisdiction_id: "sz-nowhere" }, token: resident }), 404);
    conformsErrors(await open311("GET", "/services.json", { query: { jurisdiction_id: "sz-futian-yuanling" }, token: resident }), 404); // a street is not a jurisdiction
    conformsErrors(await open311("GET", "/services.json", { query: { jurisdiction_id: "sz-futian" } }), 403); // no api_key
    conformsErrors(await open311("GET", "/services.json", { query: { jurisdiction_id: "sz-futian", api_key: "kepu311_0000000000000000_guess" } }), 403);
    conformsErrors(await open311("GET", "/services/menu-none.json", { query: { jurisdiction_id: "sz-futian" }, token: resident }), 404);
    conformsErrors(await open311("GET", "/requests/no-such-order.json", { query: { jurisdiction_id: "sz-futian" }, token: resident }), 404);
    conformsErrors(await open311("POST", "/requests.json", { token: resident, form: { jurisdiction_id: "sz-futian", service_code: "menu-health", "attribute[expected_participants]": "很多" } }), 400);
    conformsErrors(await open311("POST", "/requests.json", { token: resident, form: { jurisdiction_id: "sz-futian", service_code: "menu-health", "attribute[colour]": "red" } }), 400);
    conformsErrors(await open311("GET", "/requests.json", { query: { jurisdiction_id: "sz-futian", start_date: "2026-01-01T00:00:00Z", end_date: "2026-06-01T00:00:00Z" }, token: resident }), 400); // more than 90 days
    conformsErrors(await open311("GET", "/nothing-here.json", { token: resident }), 404);

    const asXml = await open311("GET", "/services.xml", { query: { jurisdiction_id: "sz-futian", api_key: "wrong" } });
    expect(asXml.status).toBe(403);
    expect(asXml.type).toBe("text/xml; charset=utf-8");
    const error = xml.parse(asXml.text).errors.error[0];
    expect(error.code).toBe("403");
    expect(error.description).toContain("api_key");

    // Another district's jurisdiction does not hold Futian's requests; a revoked key is refused.
    const mine = (await open311("GET", "/requests.json", { query: { jurisdiction_id: "sz-futian" }, token: resident })).json;
    expect(mine.length).toBeGreaterThan(0);
    conformsErrors(await open311("GET", `/requests/${mine[0].service_request_id}.json`, { query: { jurisdiction_id: "sz-luohu" }, token: resident }), 404);
    expect((await open311("GET", "/requests.json", { query: { jurisdiction_id: "sz-luohu" }, token: resident })).json).toEqual([]);
    const district = await platform.signIn("district");
    expect((await platform.call("DELETE", `/api/v1/api-keys/${districtKeyId}`, district)).body.apiKey.revokedAt).toEqual(expect.any(String));
    conformsErrors(await open311("GET", "/services.json", { query: { jurisdiction_id: "sz-futian", api_key: districtKey } }), 403);
  });
});
