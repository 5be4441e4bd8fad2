// The use cases on the real engines (FerretDB, Kafka): decisions saved with their events in one
// write, commands on one aggregate one after another, a refused command writing nothing.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BaseLevel, BaseStatus, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import type { MenuItemFields } from "../src/domain/menu.js";
import type { Cause, RegistryStore } from "../src/store/registry-store.js";
import { Bases } from "../src/use-cases/bases.js";
import { Menu } from "../src/use-cases/menu.js";
import { Organizations } from "../src/use-cases/organizations.js";
import { Teams } from "../src/use-cases/teams.js";
import { registryOnEngines } from "./registry-engines.js";

const registry = registryOnEngines("registry-use-cases");
const { engines, topic } = registry;
let store: RegistryStore;
let orgs: Organizations;
let teams: Teams;
let bases: Bases;
let menu: Menu;

const as = (id: string, role: Role, orgId = ""): Cause => ({ correlationId: `corr-${id}`, actor: create(ActorSchema, { id, role, orgId }) });
const admin = as("admin", Role.ADMIN);
const futianStaff = as("kx-futian", Role.DISTRICT_STAFF, "sz-futian");
const clock = () => new Date("2026-09-01T10:00:00+08:00");
const refusal = (p: Promise<unknown>) => p.then(() => "accepted", (e: { code?: string }) => e.code);
const item = (itemId: string, providerKind: ProviderKind, providerId: string, resourceIds: string[] = []): MenuItemFields => ({
  itemId, title: "科普讲座", description: "", theme: Theme.HEALTH, format: Format.EXPERT_TALK, audiences: [], durationMinutes: 60, capacity: 30, leadTimeDays: 3, serviceAreaOrgId: "sz-futian", providerKind, providerId, resourceIds,
});

beforeAll(async () => {
  store = await registry.start();
  orgs = new Organizations(store);
  teams = new Teams(store, orgs, clock);
  bases = new Bases(store, orgs, clock);
  menu = new Menu(store, orgs);
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"], ["sz-nanshan", OrgKind.DISTRICT, "sz"]] as const) {
    await orgs.register({ type: "register", orgId, name: orgId, kind, parentId }, admin);
  }
  await teams.register({ type: "register", teamId: "team-futian", orgId: "sz-futian", name: "福田队", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"], leaderId: "" }, admin);
});

afterAll(() => registry.stop());

describe("the registry's use cases", () => {
  it("lets twenty volunteers join one team at once: every one a member, every event with the next version", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `vol-${i}`);
    await Promise.all(ids.map((volunteerId, i) => teams.addVolunteer("team-futian", { volunteerId, realName: `志愿者${i}`, phone: "13812345678", skills: [], birthDate: undefined, guardianConsent: undefined }, futianStaff)));
    const team = await store.state("teams", "team-futian");
    expect([...team!.memberIds].sort()).toEqual([...ids].sort());
    expect((await store.get("teams", "team-futian"))?.version).toBe(21);
    const messages = await engines.readTopic(topic, (m) => m.filter((x) => x.key === "team-futian").length >= 21);
    const versions = [...new Map(messages.filter((m) => m.key === "team-futian").map((m) => decodeEnvelope(m.value)).map((e) => [e.eventId, Number(e.aggregateVersion)])).values()];
    expect(versions).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it("writes nothing for a refused command: outside the actor's subtree, a member twice, a suspended base's item", async () => {
    expect(await refusal(teams.register({ type: "register", teamId: "team-x", orgId: "sz-nanshan", name: "越权", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-nanshan"], leaderId: "" }, futianStaff))).toBe("OUTSIDE_YOUR_SCOPE");
    expect(await store.get("teams", "team-x")).toBeUndefined();

    const again = teams.addVolunteer("team-futian", { volunteerId: "vol-0", realName: "冒名", phone: "13900000000", skills: [], birthDate: undefined, guardianConsent: undefined }, futianStaff);
    expect(await refusal(again)).toBe("ALREADY_EXISTS");
    expect((await store.volunteersOf("team-futian")).find((v) => v._id === "vol-0")).toMatchObject({ realName: "志愿者0", phone: "13812345678" });

    await bases.certify({ type: "certify", baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, certifiedOn: undefined, termYears: 3, themes: [] }, futianStaff);
    await bases.review("base-kjg", { type: "changeStatus", status: BaseStatus.SUSPENDED, reason: "场馆维修" }, futianStaff);
    expect(await refusal(menu.publish(item("menu-base", ProviderKind.BASE, "base-kjg"), admin))).toBe("PROVIDER_INACTIVE");
    expect(await refusal(menu.publish(item("menu-res", ProviderKind.TEAM, "team-futian", ["res-ghost"]), admin))).toBe("RESOURCE_NOT_FOUND");
    expect(await store.get("menu", "menu-base")).toBeUndefined();
    expect(await store.get("menu", "menu-res")).toBeUndefined();
    expect((await store.get("bases", "base-kjg"))?.version).toBe(2);
  });

  it("answers a refused read as not found, and a district that is not a community as not one", async () => {
    await teams.register({ type: "register", teamId: "team-nanshan", orgId: "sz-nanshan", name: "南山队", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-nanshan"], leaderId: "" }, admin);
    expect(await refusal(teams.get("team-nanshan", futianStaff.actor))).toBe("TEAM_NOT_FOUND");
    expect((await teams.get("team-futian", futianStaff.actor)).team.teamId).toBe("team-futian");
    expect(await refusal(menu.forCommunity("sz-futian", { theme: 0, format: 0, audience: 0 }, admin.actor))).toBe("NOT_A_COMMUNITY");
    expect(await refusal(teams.eligible({ theme: Theme.HEALTH, communityId: "sz-nanshan" }, admin.actor))).toBe("NOT_A_COMMUNITY");
  });
});
