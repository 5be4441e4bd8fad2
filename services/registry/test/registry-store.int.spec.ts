import { create, fromBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrganizationServesChangedSchema, OrganizationRegisteredSchema, TeamUpdatedSchema } from "@kepu/contracts/registry/v1/events_pb";
import { waitFor } from "@kepu/testkit";
import type { RegistryStore } from "../src/store/registry-store.js";
import { registryOnEngines } from "./registry-engines.js";

const registry = registryOnEngines("registry-store");
const { engines, topic } = registry;
let store: RegistryStore;
const cause = { correlationId: "corr-registry-1", actor: create(ActorSchema, { id: "admin-1", role: Role.ADMIN, orgId: "sz" }) };

beforeAll(async () => {
  store = await registry.start();
});

afterAll(() => registry.stop());

describe("the registry store", () => {
  it("saves a registration with its event in one write; the relay brings the event to Kafka with the envelope filled", async () => {
    const place = { orgId: "sz", path: ["sz"], districtId: "", streetId: "", communityId: "" };
    await store.create("organizations", "sz", { name: "深圳市", kind: OrgKind.CITY, parentId: "", place }, OrganizationRegisteredSchema, { orgId: "sz", name: "深圳市", kind: OrgKind.CITY, place }, cause);

    expect(await store.get("organizations", "sz")).toMatchObject({ name: "深圳市", kind: OrgKind.CITY, version: 1, place: { path: ["sz"] } });
    const [message] = await engines.readTopic(topic, (m) => m.length >= 1);
    expect(message!.key).toBe("sz");
    const envelope = decodeEnvelope(message!.value);
    expect(envelope).toMatchObject({ type: "kepu.registry.v1.OrganizationRegistered", source: "registry", aggregateId: "sz", aggregateVersion: 1n, correlationId: "corr-registry-1" });
    expect(envelope.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(envelope.actor).toMatchObject({ id: "admin-1", role: Role.ADMIN });
    expect(envelope.occurredAt).toBeDefined();
    expect(fromBinary(OrganizationRegisteredSchema, envelope.payload)).toMatchObject({ orgId: "sz", name: "深圳市" });
    await waitFor(async () => (await store.collections.organizations.findOne({ _id: "sz" as never }))?.outboxCount === 0, { what: "the outbox emptied" });
  });

  it("refuses to create the same id twice, and scopes queries to a subtree by the stored path", async () => {
    const place = { orgId: "sz", path: ["sz"], districtId: "", streetId: "", communityId: "" };
    await expect(store.create("organizations", "sz", { name: "又一个深圳市", kind: OrgKind.CITY, place }, OrganizationRegisteredSchema, { orgId: "sz" }, cause)).rejects.toMatchObject({ code: "ALREADY_EXISTS" });
    const district = (id: string) => ({ orgId: id, path: ["sz", id], districtId: id, streetId: "", communityId: "" });
    for (const id of ["sz-futian", "sz-nanshan"]) await store.create("organizations", id, { name: id, kind: OrgKind.DISTRICT, parentId: "sz", place: district(id) }, OrganizationRegisteredSchema, { orgId: id }, cause);
    const team = (id: string, districtId: string) => store.create("teams", id, { name: id, orgId: districtId, place: district(districtId), themes: [], serviceAreaOrgIds: [districtId], memberIds: [] }, OrganizationRegisteredSchema, { orgId: id }, cause);
    await team("team-futian", "sz-futian");
    await team("team-nanshan", "sz-nanshan");
    expect((await store.find("teams", { "place.path": "sz-futian" })).map((t) => t._id)).toEqual(["team-futian"]);
    expect((await store.find("organizations", { "place.path": "sz" })).map((o) => o._id).sort()).toEqual(["sz", "sz-futian", "sz-nanshan"]);
  });

  it("changes an aggregate with the next version, and the change's event follows the creation's on the same key", async () => {
    const changed = await store.change("teams", "team-futian", () => ({ state: { name: "福田区科技志愿服务队" }, payload: { teamId: "team-futian", name: "福田区科技志愿服务队" } }), TeamUpdatedSchema, cause);
    expect(changed).toMatchObject({ version: 2, name: "福田区科技志愿服务队" });
    const messages = await engines.readTopic(topic, (m) => m.some((x) => decodeEnvelope(x.value).type.endsWith("TeamUpdated")));
    const ofTeam = messages.filter((m) => m.key === "team-futian").map((m) => decodeEnvelope(m.value).aggregateVersion);
    expect(ofTeam).toEqual([1n, 2n]);
    await expect(store.change("teams", "no-such-team", () => ({ state: {}, payload: {} }), TeamUpdatedSchema, cause)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("creates many aggregates in bulk (an import): each document with its state, its events numbered from 1 in its own outbox; an id already taken is answered and left as it is", async () => {
    const community = (id: string) => ({ orgId: id, name: id, kind: OrgKind.COMMUNITY, parentId: "sz-futian", closed: false, servedCommunityIds: [], place: { orgId: id, path: ["sz", "sz-futian", id], districtId: "sz-futian", streetId: "", communityId: id } });
    const registered = (id: string) => ({ schema: OrganizationRegisteredSchema, payload: { orgId: id, name: id } });
    const station = { ...community("bulk-station"), kind: OrgKind.PRACTICE_STATION, servedCommunityIds: ["bulk-c1"] };
    const taken = await store.createMany(
      "organizations",
      [
        { id: "bulk-c1", state: community("bulk-c1"), messages: [registered("bulk-c1")] },
        { id: "bulk-station", state: station, messages: [registered("bulk-station"), { schema: OrganizationServesChangedSchema, payload: { orgId: "bulk-station", communityIds: ["bulk-c1"] } }] },
        { id: "sz", state: community("sz"), messages: [registered("sz")] },
      ],
      cause,
    );
    expect(taken).toEqual(["sz"]);
    expect(await store.get("organizations", "sz")).toMatchObject({ name: "深圳市", kind: OrgKind.CITY, version: 1 }); // not overwritten
    expect((await store.states("organizations", ["bulk-c1", "bulk-station"])).get("bulk-station")).toEqual({ ...station, orgId: "bulk-station" });
    expect(await store.get("organizations", "bulk-station")).toMatchObject({ version: 2, nameKeys: expect.any(Array) });
    // Both aggregates' events: the relay may publish them in different batches (ci25 read bulk-station's alone).
    const messages = await engines.readTopic(topic, (m) => m.filter((x) => x.key === "bulk-station").length >= 2 && m.some((x) => x.key === "bulk-c1"));
    const of = (key: string) => messages.filter((m) => m.key === key).map((m) => decodeEnvelope(m.value)).map((e) => [e.type.split(".").at(-1), e.aggregateVersion, e.correlationId]);
    expect(of("bulk-station")).toEqual([
      ["OrganizationRegistered", 1n, "corr-registry-1"],
      ["OrganizationServesChanged", 2n, "corr-registry-1"],
    ]);
    expect(of("bulk-c1")).toEqual([["OrganizationRegistered", 1n, "corr-registry-1"]]);
    await waitFor(async () => (await store.collections.organizations.findOne({ _id: "bulk-station" as never }))?.outboxCount === 0, { what: "the bulk's outboxes emptied" });
  });
});
