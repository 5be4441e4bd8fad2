// A service's database connection at rest must not wake the process over and over (issue 20, idle
// ≤ 3 % of one core for the whole platform). The driver's connection pool re-armed a 100 ms timer
// for ever to keep a minimum pool size that is 0: ~2 ms of CPU a second per client, in every
// service (patches/mongodb@6.20.0.patch stops it when there is no minimum and no idle limit).
import timers from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectMongo, type Connection } from "../src/index.js";

const url = process.env.MONGO_URL;
let connection: Connection;

beforeAll(async () => {
  if (!url) throw new Error("MONGO_URL is not set: the int tier's global setup provides it");
  connection = await connectMongo(url, `idle_${process.pid}`);
  await connection.db.collection("probe").findOne({ _id: "none" as never }); // a pooled connection exists
});
afterAll(async () => {
  await connection?.close();
});

describe("an idle database connection", () => {
  it("arms no more than a few timers in a second (the pool's check ran ten times a second)", async () => {
    const armed = vi.spyOn(timers, "setTimeout");
    try {
      await sleep(1_000); // node:timers/promises, which the spy does not count
      expect(armed.mock.calls.length).toBeLessThan(3);
    } finally {
      armed.mockRestore();
    }
  });
});
