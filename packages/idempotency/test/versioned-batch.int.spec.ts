import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { applyVersioned, applyVersionedBatch, type VersionedChange } from "../src/index.js";

const engines = new TestEngines(uniquePrefix("vbatch"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const db = () => mongo.db(engines.database("vbatch"));

beforeAll(() => mongo.connect().then(() => undefined));
afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

// Three facts, each event delivered twice and some out of the batch's order of documents.
const changes: VersionedChange[] = [
  { id: "a", version: 1, update: { $set: { status: "SUBMITTED" }, $inc: { declines: 0 } } },
  { id: "b", version: 1, update: { $set: { status: "SUBMITTED" } } },
  { id: "a", version: 2, update: { $set: { status: "DISPATCHED" }, $inc: { declines: 1 } } },
  { id: "a", version: 2, update: { $set: { status: "DISPATCHED" }, $inc: { declines: 1 } } },
  { id: "c", version: 4, update: { $inc: { checkIns: 1 } } },
  { id: "a", version: 3, update: { $set: { status: "ACCEPTED" } } },
  { id: "b", version: 1, update: { $set: { status: "SUBMITTED" } } },
  { id: "c", version: 5, update: { $inc: { checkIns: 1 } } },
];

describe("applyVersionedBatch", () => {
  it("leaves the same documents as applying each change on its own, and counts only what applied", async () => {
    const one = db().collection("one_by_one");
    for (const c of changes) await applyVersioned(one, c.id, c.version, c.update);
    const batched = db().collection("batched");
    expect(await applyVersionedBatch(batched, changes.slice(0, 5))).toBe(4);
    expect(await applyVersionedBatch(batched, changes)).toBe(2); // a@3 and c@5 are new
    expect(await batched.find({}).sort({ _id: 1 }).toArray()).toEqual(await one.find({}).sort({ _id: 1 }).toArray());
    expect(await batched.findOne({ _id: "a" as never })).toMatchObject({ status: "ACCEPTED", declines: 1, version: 3 });
  });
});
