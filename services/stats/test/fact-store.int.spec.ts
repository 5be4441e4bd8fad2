// The check-ins kept by the stats read model, on the real store: each kept once however often it
// arrives (within a batch or across batches), matched to its activity, forgotten by a reset.
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { people, visits } from "../src/domain/figures.js";
import { FactStore, type CheckIn } from "../src/store/fact-store.js";

const engines = new TestEngines(uniquePrefix("stats-facts"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const store = new FactStore(mongo.db(engines.database("stats")));
afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

const at = new Date("2027-09-27T16:30:00Z"); // 00:30 on 28 September, Beijing
const checkIn = (activityId: string, bookingId: string, residentId: string): CheckIn => ({ id: `${activityId}/${bookingId}`, activityId, residentId, sessionId: `${activityId}-s1`, at });
const path = ["sz", "sz-luohu", "sz-luohu-s1", "sz-luohu-s1-c1"];

describe("FactStore check-ins", () => {
  it("keeps each check-in once, and counts a resident at three activities as one person", async () => {
    await store.createIndexes();
    for (const [version, activityId] of ["a1", "a2", "a3"].entries()) {
      await store.applyAll([{ kind: "activities", id: activityId, version: version + 1, update: { $set: { status: "SCHEDULED", path, districtId: "sz-luohu", startsAt: at } } }]);
    }
    const first = [checkIn("a1", "b1", "r-a"), checkIn("a1", "b2", "r-b"), checkIn("a1", "b1", "r-a")]; // a duplicate within the batch
    expect(await store.recordCheckIns(first)).toBe(2);
    expect(await store.recordCheckIns([checkIn("a1", "b2", "r-b"), checkIn("a2", "b3", "r-a"), checkIn("a3", "b4", "r-a")])).toBe(2); // one seen before
    expect(await store.recordCheckIns(first)).toBe(0); // a redelivered batch
    expect(await store.recordCheckIns([])).toBe(0);
    expect(await store.checkIns.countDocuments({})).toBe(4);

    const { activities } = await store.load({ orgId: "sz-luohu", theme: 0, audience: 0, format: 0, campaignId: "" });
    const byId = Object.fromEntries(activities.map((a) => [a.activityId, a]));
    expect(byId.a1!.residents.sort()).toEqual(["r-a", "r-b"]);
    expect([byId.a2!.residents, byId.a3!.residents]).toEqual([["r-a"], ["r-a"]]);
    expect(activities.reduce((sum, a) => sum + visits(a), 0)).toBe(4);
    expect(people(activities)).toBe(2);
    expect((await store.loadAnnualReturn("sz-luohu")).activities.map((a) => a.residents.length).sort()).toEqual([1, 1, 2]);
  });

  it("forgets the check-ins with the facts when a rebuild begins", async () => {
    await store.reset();
    expect(await store.checkIns.countDocuments({})).toBe(0);
    expect(await store.recordCheckIns([checkIn("a1", "b1", "r-a")])).toBe(1);
  });
});
