// The org tree's commands and reads on the real engines (FerretDB, Kafka): children, ancestors and
// search by name or pinyin initials through the name keys' index; rename, move, close and the
// communities a station serves, each an event on the registry's topic; refusals write nothing.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { Cause, RegistryStore } from "../src/store/registry-store.js";
import { Organizations } from "../src/use-cases/organizations.js";
import { Teams } from "../src/use-cases/teams.js";
import { registryOnEngines } from "./registry-engines.js";

const registry = registryOnEngines("registry-org-tree");
const { engines, topic } = registry;
let store: RegistryStore;
let orgs: Organizations;
let teams: Teams;

const as = (id: string, role: Role, orgId = ""): Cause => ({ correlationId: `corr-${id}`, actor: create(ActorSchema, { id, role, orgId }) });
const admin = as("admin", Role.ADMIN);
const futianStaff = as("kx-futian", Role.DISTRICT_STAFF, "sz-futian");
const worker = as("worker", Role.COMMUNITY_WORKER, "sz-futian-yuanling-hongli");
const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e: { code?: string }) => e.code);
const ids = (list: { orgId: string }[]) => list.map((o) => o.orgId);

const tree: [orgId: string, name: string, kind: OrgKind, parentId: string][] = [
  ["sz", "深圳市", OrgKind.CITY, ""],
  ["sz-futian", "福田区", OrgKind.DISTRICT, "sz"],
  ["sz-nanshan", "南山区", OrgKind.DISTRICT, "sz"],
  ["sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian"],
  ["sz-futian-lianhua", "莲花街道", OrgKind.STREET, "sz-futian"],
  ["sz-nanshan-yuehai", "粤海街道", OrgKind.STREET, "sz-nanshan"],
  ["sz-futian-yuanling-hongli", "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ["sz-futian-yuanling-yuanxi", "园西社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ["sz-futian-yuanling-bagua", "八卦岭社区", OrgKind.COMMUNITY, "sz-futian-yuanling"],
  ["sz-futian-wmsj", "福田区新时代文明实践中心", OrgKind.PRACTICE_CENTER, "sz-futian"],
  ["sz-futian-wmsj-yuanling", "园岭街道新时代文明实践所", OrgKind.PRACTICE_INSTITUTE, "sz-futian-wmsj"],
  ["sz-futian-wmsj-yuanling-hongli", "红荔社区新时代文明实践站", OrgKind.PRACTICE_STATION, "sz-futian-wmsj-yuanling"],
];

beforeAll(async () => {
  store = await registry.start();
  orgs = new Organizations(store);
  teams = new Teams(store, orgs, () => new Date("2026-09-01T10:00:00+08:00"));
  for (const [orgId, name, kind, parentId] of tree) await orgs.register({ type: "register", orgId, name, kind, parentId }, admin);
});

afterAll(() => registry.stop());

describe("reading the org tree", () => {
  it("lists an org's children by name, of one kind when asked, and its ancestors root first", async () => {
    expect(ids(await orgs.children("sz-futian", OrgKind.UNSPECIFIED))).toEqual(["sz-futian-lianhua", "sz-futian-yuanling", "sz-futian-wmsj"]);
    expect(ids(await orgs.children("sz-futian", OrgKind.STREET))).toEqual(["sz-futian-lianhua", "sz-futian-yuanling"]);
    expect(ids(await orgs.children("sz-futian-yuanling", OrgKind.COMMUNITY))).toEqual(["sz-futian-yuanling-hongli", "sz-futian-yuanling-yuanxi", "sz-futian-yuanling-bagua"]);
    expect(ids(await orgs.ancestors("sz-futian-yuanling-hongli"))).toEqual(["sz", "sz-futian", "sz-futian-yuanling"]);
    expect(await refusal(orgs.children("sz-ghost", OrgKind.UNSPECIFIED))).toBe("ORG_NOT_FOUND");
  });

  it("finds orgs by a piece of their name or their pinyin initials, of a kind and within a subtree", async () => {
    expect(ids(await orgs.search("社区", { kind: OrgKind.COMMUNITY, under: "" }, 20))).toEqual(["sz-futian-yuanling-hongli", "sz-futian-yuanling-yuanxi", "sz-futian-yuanling-bagua"]);
    expect(ids(await orgs.search("红荔", { kind: OrgKind.UNSPECIFIED, under: "" }, 20))).toEqual(["sz-futian-yuanling-hongli", "sz-futian-wmsj-yuanling-hongli"]);
    expect(ids(await orgs.search("hlsq", { kind: OrgKind.COMMUNITY, under: "" }, 20))).toEqual(["sz-futian-yuanling-hongli"]);
    expect(ids(await orgs.search("新时代文明实践所", { kind: OrgKind.UNSPECIFIED, under: "" }, 20))).toEqual(["sz-futian-wmsj-yuanling"]);
    expect(ids(await orgs.search("街道", { kind: OrgKind.STREET, under: "sz-nanshan" }, 20))).toEqual(["sz-nanshan-yuehai"]);
    expect(ids(await orgs.search("社区", { kind: OrgKind.COMMUNITY, under: "" }, 1))).toHaveLength(1);
    expect(await orgs.search("不存在的名字", { kind: OrgKind.UNSPECIFIED, under: "" }, 20)).toEqual([]);
  });

  it("finds by name an org stored before orgs had name keys, once the store starts", async () => {
    await store.collections.organizations.insertOne({ _id: "sz-legacy" as never, name: "老旧社区", kind: OrgKind.COMMUNITY, parentId: "sz-futian-lianhua", place: { orgId: "sz-legacy", path: ["sz", "sz-futian", "sz-futian-lianhua", "sz-legacy"], districtId: "sz-futian", streetId: "sz-futian-lianhua", communityId: "sz-legacy" }, version: 1 });
    expect(await orgs.search("老旧", { kind: OrgKind.UNSPECIFIED, under: "" }, 20)).toEqual([]);
    await store.createIndexes();
    expect(ids(await orgs.search("老旧", { kind: OrgKind.UNSPECIFIED, under: "" }, 20))).toEqual(["sz-legacy"]);
  });
});

describe("changing the org tree", () => {
  it("renames, moves and closes within the actor's subtree, each an event on the topic; the name keys follow the name", async () => {
    await orgs.register({ type: "register", orgId: "sz-futian-yuanling-new", name: "新建社区", kind: OrgKind.COMMUNITY, parentId: "sz-futian-yuanling" }, futianStaff);
    expect((await orgs.change("sz-futian-yuanling-new", { type: "rename", name: "翠园社区" }, futianStaff)).name).toBe("翠园社区");
    expect(ids(await orgs.search("翠园", { kind: OrgKind.UNSPECIFIED, under: "" }, 20))).toEqual(["sz-futian-yuanling-new"]);
    expect(await orgs.search("新建", { kind: OrgKind.UNSPECIFIED, under: "" }, 20)).toEqual([]);
    const moved = await orgs.change("sz-futian-yuanling-new", { type: "move", parentId: "sz-futian-lianhua" }, futianStaff);
    expect(moved.place.path).toEqual(["sz", "sz-futian", "sz-futian-lianhua", "sz-futian-yuanling-new"]);
    expect(ids(await orgs.children("sz-futian-lianhua", OrgKind.COMMUNITY))).toContain("sz-futian-yuanling-new");
    expect((await orgs.change("sz-futian-yuanling-new", { type: "close", reason: "并入红荔" }, futianStaff)).closed).toBe(true);
    expect(ids(await orgs.children("sz-futian-lianhua", OrgKind.COMMUNITY))).not.toContain("sz-futian-yuanling-new");
    expect(await orgs.search("翠园", { kind: OrgKind.UNSPECIFIED, under: "" }, 20)).toEqual([]);
    const messages = await engines.readTopic(topic, (m) => m.filter((x) => x.key === "sz-futian-yuanling-new").length >= 4);
    const types = [...new Map(messages.filter((m) => m.key === "sz-futian-yuanling-new").map((m) => decodeEnvelope(m.value)).map((e) => [e.eventId, e.type.split(".").pop()])).values()];
    expect(types).toEqual(["OrganizationRegistered", "OrganizationRenamed", "OrganizationMoved", "OrganizationClosed"]);
  });

  it("sets the communities a station serves, refusing what is not a community", async () => {
    const station = await orgs.change("sz-futian-wmsj-yuanling-hongli", { type: "serve", communityIds: ["sz-futian-yuanling-hongli", "sz-futian-yuanling-yuanxi"] }, futianStaff);
    expect(station.servedCommunityIds).toEqual(["sz-futian-yuanling-hongli", "sz-futian-yuanling-yuanxi"]);
    expect((await orgs.get("sz-futian-wmsj-yuanling-hongli")).servedCommunityIds).toEqual(["sz-futian-yuanling-hongli", "sz-futian-yuanling-yuanxi"]);
    expect(await refusal(orgs.change("sz-futian-wmsj-yuanling-hongli", { type: "serve", communityIds: ["sz-futian-yuanling"] }, futianStaff))).toBe("NOT_A_COMMUNITY");
  });

  it("refuses outside the actor's subtree or role, a move of an org with records under it, closing one with open children — writing nothing", async () => {
    const version = async (id: string) => (await store.get("organizations", id))?.version;
    const before = await version("sz-nanshan-yuehai");
    expect(await refusal(orgs.change("sz-nanshan-yuehai", { type: "rename", name: "越权" }, futianStaff))).toBe("OUTSIDE_YOUR_SCOPE");
    expect(await refusal(orgs.change("sz-futian-yuanling-bagua", { type: "move", parentId: "sz-nanshan-yuehai" }, futianStaff))).toBe("OUTSIDE_YOUR_SCOPE");
    expect(await refusal(orgs.change("sz-futian-yuanling-hongli", { type: "rename", name: "自己改名" }, worker))).toBe("ROLE_NOT_ALLOWED");
    expect(await version("sz-nanshan-yuehai")).toBe(before);
    await teams.register({ type: "register", teamId: "team-bagua", orgId: "sz-futian-yuanling-bagua", name: "八卦岭队", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian-yuanling-bagua"], leaderId: "" }, admin);
    expect(await refusal(orgs.change("sz-futian-yuanling-bagua", { type: "move", parentId: "sz-futian-lianhua" }, futianStaff))).toBe("ORG_NOT_EMPTY");
    expect(await refusal(orgs.change("sz-futian-yuanling", { type: "close", reason: "" }, futianStaff))).toBe("ORG_NOT_EMPTY");
    expect(await refusal(orgs.change("sz-futian-yuanling", { type: "move", parentId: "sz-futian-yuanling-hongli" }, futianStaff))).toBe("MOVE_INTO_ITSELF");
    expect((await orgs.get("sz-futian-yuanling-bagua")).parentId).toBe("sz-futian-yuanling");
  });
});
