// Campaigns as data on the real store: seeded per year once (an edit is never overwritten by the
// next start's seeding), created once per id, and edited only at the version they were read at.
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Campaigns } from "../src/campaigns.js";
import { recurringCampaigns } from "../src/domain/campaign.js";
import { CampaignStore } from "../src/store/campaign-store.js";

const engines = new TestEngines(uniquePrefix("evcampaigns"));
const mongo = new MongoClient(engines.urls.mongoUrl);
let store: CampaignStore;

beforeAll(async () => {
  await mongo.connect();
  store = new CampaignStore(mongo.db(engines.database("events")));
});

afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

describe("the campaigns collection", () => {
  it("seeds the recurring campaigns of each year once, and keeps an edit through the next seeding", async () => {
    const campaigns = new Campaigns(store);
    expect(await campaigns.seedRecurring(2026, 2027, { orgId: "sz", path: ["sz"] })).toBe(8);
    const month = (await store.load("tech-week-2027"))!;
    expect(month).toMatchObject({ name: "2027年全国科技活动周", firstDay: "2027-05-18", ownerOrgId: "sz", version: 1 });
    // The city moves 科技活动周 to the year's notice; the next start seeds again and changes nothing.
    expect(await store.update(month, { ...month, firstDay: "2027-05-15", lastDay: "2027-05-21", version: 2 })).toBe(true);
    expect(await campaigns.seedRecurring(2026, 2028, { orgId: "sz", path: ["sz"] })).toBe(4);
    expect(await store.load("tech-week-2027")).toMatchObject({ firstDay: "2027-05-15", version: 2 });
    expect((await store.list()).map((c) => c.campaignId)).toHaveLength(12);
  });

  it("creates an id once and edits at the version read only", async () => {
    const [record] = recurringCampaigns(2030, "sz-futian", ["sz", "sz-futian"]);
    const mine = { ...record!, campaignId: "cmp-int-1", recurring: "" };
    expect(await store.create(mine)).toBe(true);
    expect(await store.create({ ...mine, name: "另一个" })).toBe(false);
    expect(await store.update(mine, { ...mine, name: "改名", version: 2 })).toBe(true);
    expect(await store.update(mine, { ...mine, name: "过时的修改", version: 2 })).toBe(false); // read at version 1, now 2
    expect(await store.load("cmp-int-1")).toMatchObject({ name: "改名", version: 2, ownerPath: ["sz", "sz-futian"] });
  });
});
