// Credit rules on the real store: one document per owner by _id with its whole set and its event in
// the outbox; a save at a stale version changes nothing; a check-in's place reads the owners on its path.
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "@kepu/bus";
import { CreditRulesChangedSchema } from "@kepu/contracts/events/v1/events_pb";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { applicableRules, type CreditRuleSet } from "../src/domain/credits.js";
import { CreditRuleStore } from "../src/store/credit-rule-store.js";

const engines = new TestEngines(uniquePrefix("evcreditrules"));
const mongo = new MongoClient(engines.urls.mongoUrl);
let store: CreditRuleStore;

beforeAll(async () => {
  await mongo.connect();
  store = new CreditRuleStore(mongo.db(engines.database("events")), "kepu.events.v1");
});

afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

const setOf = (ownerPath: string[], hoursPerCredit: number, version: number): CreditRuleSet => ({
  ownerOrgId: ownerPath.at(-1)!,
  ownerPath,
  rules: [{ campaignId: "", theme: 0, format: 0, hoursPerCredit, capPerActivity: 3 }],
  version,
  changedBy: "staff-1",
  changedAt: new Date("2027-09-01T02:00:00Z"),
});
const eventOf = (set: CreditRuleSet) => newEvent(CreditRulesChangedSchema, { ownerOrgId: set.ownerOrgId, version: set.version }, { source: "events", aggregateId: set.ownerOrgId, aggregateVersion: set.version, correlationId: "c" });

describe("the credit_rules collection", () => {
  it("keeps one owner's whole set in one document, with its event waiting in the outbox", async () => {
    const futian = setOf(["sz", "sz-futian"], 1, 1);
    expect(await store.save(futian, 0, [eventOf(futian)])).toBe("saved");
    expect(await store.load("sz-futian")).toEqual(futian);
    const doc = await store.sets.findOne({ _id: "sz-futian" as never });
    expect(doc).toMatchObject({ outboxCount: 1, version: 1 });
  });

  it("saves at the version read only: a stale editor changes nothing", async () => {
    const edited = setOf(["sz", "sz-futian"], 2, 2);
    expect(await store.save(edited, 1, [eventOf(edited)])).toBe("saved");
    expect(await store.save(setOf(["sz", "sz-futian"], 5, 2), 1, [])).toBe("conflict");
    expect(await store.save(setOf(["sz", "sz-futian"], 5, 1), 0, [])).toBe("conflict");
    expect((await store.load("sz-futian"))!.rules[0]!.hoursPerCredit).toBe(2);
  });

  it("finds the sets of the owners on an activity's path, the district's before the city's", async () => {
    const city = setOf(["sz"], 4, 1);
    expect(await store.save(city, 0, [eventOf(city)])).toBe("saved");
    const path = ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-c1"];
    const onPath = await store.onPath(path);
    expect(onPath.map((s) => s.ownerOrgId).sort()).toEqual(["sz", "sz-futian"]);
    expect(applicableRules(onPath, path).map((r) => r.hoursPerCredit)).toEqual([2, 4, 2]); // district, city, built-in default
    expect((await store.onPath(["sz", "sz-luohu"])).map((s) => s.ownerOrgId)).toEqual(["sz"]);
    expect((await store.list()).map((s) => s.ownerOrgId)).toEqual(["sz", "sz-futian"]);
  });
});
