// Members leave, teams are deactivated, the members list is paged — on the real engines
// (FerretDB, Kafka): each change one write with its event, a refusal writing nothing.
import { create, fromBinary } from "@bufbuild/protobuf";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, decodeEnvelope, EventPublisher } from "@kepu/bus";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { TeamDeactivatedSchema, VolunteerLeftTeamSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { RegistryStore, type Cause } from "../src/store/registry-store.js";
import { Organizations } from "../src/use-cases/organizations.js";
import { Teams } from "../src/use-cases/teams.js";

const logger = createLogger({ service: "registry-membership-test", level: "silent" });
const engines = new TestEngines(uniquePrefix("registry-membership"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const kafka = createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "registry-membership-test", logger });
const publisher = new EventPublisher(kafka);
const topic = engines.topic("registry");
const relay = new OutboxRelay({ collections: [], publisher, logger });
let store: RegistryStore;
let teams: Teams;

const as = (id: string, role: Role, orgId = ""): Cause => ({ correlationId: `corr-${id}`, actor: create(ActorSchema, { id, role, orgId }) });
const admin = as("admin", Role.ADMIN);
const futianStaff = as("kx-futian", Role.DISTRICT_STAFF, "sz-futian");
const nanshanStaff = as("kx-nanshan", Role.DISTRICT_STAFF, "sz-nanshan");
const leader = as("leader", Role.TEAM_LEADER, "team-a");
const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e: { code?: string }) => e.code);
const join = (teamId: string, volunteerId: string, by: Cause) =>
  teams.addVolunteer(teamId, { volunteerId, realName: `张${volunteerId}`, phone: "13812345678", skills: [Theme.HEALTH], birthDate: undefined, guardianConsent: undefined }, by);
const registerTeam = (teamId: string) => teams.register({ type: "register", teamId, orgId: "sz-futian", name: teamId, themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"], leaderId: "leader" }, admin);

beforeAll(async () => {
  await mongo.connect();
  await engines.createTopics([topic]);
  store = new RegistryStore(mongo.db(engines.database("registry")), topic, relay);
  relay.watch(Object.values(store.collections));
  await store.createIndexes();
  relay.start();
  const orgs = new Organizations(store);
  teams = new Teams(store, orgs, () => new Date("2026-09-01T10:00:00+08:00"));
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"], ["sz-nanshan", OrgKind.DISTRICT, "sz"]] as const) {
    await orgs.register({ type: "register", orgId, name: orgId, kind, parentId }, admin);
  }
});

afterAll(async () => {
  await relay.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("team membership and deactivation", () => {
  it("a member leaves: no longer counted or listed, the record kept as left, VolunteerLeftTeam published", async () => {
    await registerTeam("team-a");
    for (const v of ["vol-1", "vol-2", "vol-3"]) await join("team-a", v, futianStaff);
    const after = await teams.leave("team-a", "vol-2", leader); // the team's own leader may
    expect(after.memberIds).toEqual(["vol-1", "vol-3"]);
    expect((await teams.members("team-a", { page: 0, pageSize: 10 }, leader.actor)).volunteers.map((v) => v._id)).toEqual(["vol-1", "vol-3"]);
    expect(await mongo.db(engines.database("registry")).collection("volunteers").findOne({ _id: "vol-2" as never })).toMatchObject({ teamId: "team-a", status: "left" });

    const messages = await engines.readTopic(topic, (m) => m.some((x) => x.key === "team-a" && decodeEnvelope(x.value).type.endsWith("VolunteerLeftTeam")));
    const left = messages.map((m) => decodeEnvelope(m.value)).find((e) => e.type.endsWith("VolunteerLeftTeam"))!;
    expect(fromBinary(VolunteerLeftTeamSchema, left.payload)).toMatchObject({ teamId: "team-a", volunteerId: "vol-2" });
    expect(Number(left.aggregateVersion)).toBe(5);

    expect(await refusal(teams.leave("team-a", "vol-2", leader))).toBe("NOT_A_MEMBER");
    expect(await refusal(teams.leave("team-a", "vol-1", nanshanStaff))).toBe("OUTSIDE_YOUR_SCOPE");
    expect((await store.get("teams", "team-a"))?.version).toBe(5); // the refusals wrote nothing
    // Joining again after leaving is a join like any other.
    await join("team-a", "vol-2", futianStaff);
    expect((await teams.members("team-a", { page: 0, pageSize: 10 }, admin.actor)).total).toBe(3);
  });

  it("pages the members by id, names and phones in clear for the leader and admins only", async () => {
    await registerTeam("team-b");
    const ids = Array.from({ length: 12 }, (_, i) => `vol-b${String(i).padStart(2, "0")}`);
    await Promise.all(ids.map((v) => join("team-b", v, admin)));
    const first = await teams.members("team-b", { page: 0, pageSize: 5 }, futianStaff.actor);
    const last = await teams.members("team-b", { page: 2, pageSize: 5 }, futianStaff.actor);
    expect([first.total, first.volunteers.map((v) => v._id), last.volunteers.map((v) => v._id)]).toEqual([12, ids.slice(0, 5), ids.slice(10)]);
    expect(first.clear).toBe(false);
    expect((await teams.members("team-b", { page: 0, pageSize: 5 }, admin.actor)).clear).toBe(true);
    expect(await refusal(teams.members("team-b", { page: 0, pageSize: 5 }, nanshanStaff.actor))).toBe("TEAM_NOT_FOUND");
  });

  it("deactivates a team once: no one joins it after, deactivating it again changes nothing", async () => {
    await registerTeam("team-c");
    await join("team-c", "vol-c1", admin);
    expect(await refusal(teams.deactivate("team-c", "队伍解散", leader))).toBe("OUTSIDE_YOUR_SCOPE"); // not his team
    expect((await teams.deactivate("team-c", "队伍解散", futianStaff)).active).toBe(false);
    expect((await teams.deactivate("team-c", "再次", futianStaff)).active).toBe(false);
    expect((await store.get("teams", "team-c"))?.version).toBe(3);
    expect(await refusal(join("team-c", "vol-c2", admin))).toBe("TEAM_INACTIVE");
    expect(await store.get("teams", "team-c")).toMatchObject({ version: 3, memberIds: ["vol-c1"], active: false });

    const messages = await engines.readTopic(topic, (m) => m.some((x) => x.key === "team-c" && decodeEnvelope(x.value).type.endsWith("TeamDeactivated")));
    const deactivated = messages.map((m) => decodeEnvelope(m.value)).filter((e) => e.type.endsWith("TeamDeactivated"));
    expect(deactivated.map((e) => fromBinary(TeamDeactivatedSchema, e.payload))).toMatchObject([{ teamId: "team-c", reason: "队伍解散" }]);
  });
});
