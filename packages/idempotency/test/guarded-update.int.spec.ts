// updateIfVersion on the engine the tests run on, in the mode that engine gets (FerretDB: the
// version read by _id and checked in-process; MongoDB: one conditional update).
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectEngine, updateIfVersion } from "@kepu/mongo";
import { TestEngines, uniquePrefix } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("guard"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const db = () => mongo.db(engines.database("guard"));

beforeAll(async () => {
  await mongo.connect();
  expect(["mongodb", "ferretdb"]).toContain(await detectEngine(db()));
});
afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

describe("updateIfVersion", () => {
  it("applies an update only at the expected version, and exactly one of many racing writers wins", async () => {
    const orders = db().collection("orders");
    await orders.insertOne({ _id: "o1" as never, version: 1, acceptedBy: "" });
    const racers = Array.from({ length: 20 }, (_, i) => updateIfVersion(orders, "o1", { equals: 1 }, { $set: { version: 2, acceptedBy: `team-${i}` } }));
    const results = await Promise.all(racers);
    expect(results.filter((r) => r === "applied")).toHaveLength(1);
    const winner = results.indexOf("applied");
    expect(await orders.findOne({ _id: "o1" as never })).toMatchObject({ version: 2, acceptedBy: `team-${winner}` });
    expect(await updateIfVersion(orders, "missing", { equals: 1 }, { $set: { version: 2 } })).toBe("refused");
  });

  it("with a 'below' guard creates a missing document, applies newer versions and refuses older or equal ones", async () => {
    const facts = db().collection("facts");
    expect(await updateIfVersion(facts, "f1", { below: 3 }, { $set: { version: 3 }, $inc: { count: 1 } }, true)).toBe("applied");
    expect(await updateIfVersion(facts, "f1", { below: 3 }, { $set: { version: 3 }, $inc: { count: 1 } }, true)).toBe("refused");
    expect(await updateIfVersion(facts, "f1", { below: 2 }, { $set: { version: 2 }, $inc: { count: 1 } }, true)).toBe("refused");
    expect(await updateIfVersion(facts, "f1", { below: 4 }, { $set: { version: 4 }, $inc: { count: 1 } }, true)).toBe("applied");
    expect(await facts.findOne({ _id: "f1" as never })).toMatchObject({ version: 4, count: 2 });
  });
});
