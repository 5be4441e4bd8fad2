// The durable timers' store (notifications): work is found by _id in minute buckets, and at rest a
// pass reads nothing (issue 20, idle: every 2 s each of three timers read its cursor and its last
// minutes' buckets and wrote its cursor back, ~7 store operations a second for nothing).
import { Collection, MongoClient } from "mongodb";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { DueStore } from "../src/store/due-store.js";

const engines = new TestEngines(uniquePrefix("due"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const db = () => mongo.db(engines.database("notifications"));
const at = (iso: string) => new Date(`${iso}+08:00`);
const all = async (ids: string[]) => ids;

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await mongo.close();
  await engines.cleanup();
});

describe("the due store", () => {
  it("hands over work filed here on the next pass, and reads nothing on a pass in the same minute once nothing is left", async () => {
    const due = new DueStore(db());
    await due.file("reminder", at("2027-09-10T08:00:00"), ["act-1|s1"]);
    const handled: string[][] = [];
    expect(await due.drain("reminder", at("2027-09-10T08:00:20"), async (ids) => (handled.push(ids), ids))).toBe(1);
    expect(handled).toEqual([["act-1|s1"]]);

    const reads = vi.spyOn(Collection.prototype, "findOne");
    const writes = vi.spyOn(Collection.prototype, "updateOne");
    expect(await due.drain("reminder", at("2027-09-10T08:00:40"), all)).toBe(0);
    expect(reads).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();

    await due.file("reminder", at("2027-09-10T08:00:50"), ["act-2|s1"]); // filed here: the next pass looks again
    expect(await due.drain("reminder", at("2027-09-10T08:00:55"), all)).toBe(1);
  });

  it("tries an id its handler left (not due yet) again within the same minute", async () => {
    const due = new DueStore(db());
    await due.file("sms", at("2027-09-10T09:00:00"), ["sms-1"]);
    expect(await due.drain("sms", at("2027-09-10T09:00:05"), async () => [])).toBe(0);
    expect(await due.drain("sms", at("2027-09-10T09:00:45"), all)).toBe(1);
  });

  it("finds work another replica filed for the current minute once the minute has passed", async () => {
    const mine = new DueStore(db());
    const theirs = new DueStore(db());
    expect(await mine.drain("webhook", at("2027-09-10T10:00:05"), all)).toBe(0);
    await theirs.file("webhook", at("2027-09-10T10:00:10"), ["d-1#0"]);
    expect(await mine.drain("webhook", at("2027-09-10T10:00:30"), all)).toBe(0); // quiet in this minute
    expect(await mine.drain("webhook", at("2027-09-10T10:01:01"), all)).toBe(1); // the look-back covers 10:00
    expect(await theirs.drain("webhook", at("2027-09-10T10:01:02"), all)).toBe(0); // handled once
  });
});
