// The events service's read model of the registry on the real store: what exists, applied once per version.
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectEngine } from "@kepu/mongo";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { RegistryStore } from "../src/store/registry-store.js";

const engines = new TestEngines(uniquePrefix("evregistry"));
const mongo = new MongoClient(engines.urls.mongoUrl);
let registry: RegistryStore;

beforeAll(async () => {
  await mongo.connect();
  const db = mongo.db(engines.database("events"));
  await detectEngine(db);
  registry = new RegistryStore(db);
});

afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

describe("the registry's read model in the events service", () => {
  it("knows a team's members as joined and left, and an older or repeated event changes nothing", async () => {
    expect(await registry.isMember("team-a", "vol-1")).toBe(false); // never heard of
    await registry.applyMembership("team-a", "vol-1", 2, true);
    await registry.applyMembership("team-a", "vol-1", 2, true); // redelivered
    expect(await registry.isMember("team-a", "vol-1")).toBe(true);
    await registry.applyMembership("team-a", "vol-1", 5, false); // left
    await registry.applyMembership("team-a", "vol-1", 3, true); // an older join arriving late
    expect(await registry.isMember("team-a", "vol-1")).toBe(false);
    expect(await registry.isMember("team-b", "vol-1")).toBe(false); // membership is per team
  });

  it("lists the 名录's resources that are listed and available", async () => {
    await registry.applyResource("venue-1", 1, { available: true, ownerOrgId: "sz-futian" });
    await registry.applyResource("venue-2", 1, { available: true, ownerOrgId: "sz-futian" });
    await registry.applyResource("venue-2", 2, { available: false });
    await registry.applyResource("venue-2", 1, { available: true }); // replayed: still withdrawn
    expect([...(await registry.listed(["venue-1", "venue-2", "venue-unknown"]))]).toEqual(["venue-1"]);
  });
});
