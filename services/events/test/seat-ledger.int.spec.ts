import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { SeatLedger } from "../src/store/seat-ledger.js";

const engines = new TestEngines(uniquePrefix("seats"));
const redis = new Redis(engines.urls.redisUrl);
const ledger = new SeatLedger(redis, engines.prefix);
const now = new Date("2026-09-01T00:00:00Z");
const limits = { waitlist: 1_000, perPerson: 5 };

afterAll(async () => {
  redis.disconnect();
  await engines.cleanup();
});

describe("the seat ledger", () => {
  it("never seats more than capacity under 600 simultaneous attempts, and keeps the waitlist first-come", async () => {
    await ledger.openSession("s-storm", { capacity: 100, reserved: 0, priorityCommunity: "", priorityUntil: now });
    const residents = Array.from({ length: 600 }, (_, i) => `r-${i}`);
    const outcomes = await Promise.all(residents.map((r) => ledger.book("s-storm", r, `b-${r}`, "c-1", now, limits)));
    expect(outcomes.filter((o) => o.kind === "seated")).toHaveLength(100);
    expect(outcomes.filter((o) => o.kind === "waitlisted")).toHaveLength(500);
    expect((await ledger.counts("s-storm")).taken).toBe(100);
    const positions = outcomes.flatMap((o, i) => (o.kind === "waitlisted" ? [{ position: o.position, bookingId: `b-r-${i}` }] : []));
    expect(positions.map((p) => p.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const byPosition = [...positions].sort((a, b) => a.position - b.position).map((p) => p.bookingId);
    expect(await ledger.waitlist("s-storm")).toEqual(byPosition);
  });

  it("gives a freed seat to the first in line", async () => {
    await ledger.openSession("s-small", { capacity: 2, reserved: 0, priorityCommunity: "", priorityUntil: now });
    for (const r of ["a", "b", "c", "d"]) await ledger.book("s-small", r, `b-${r}`, "c-1", now, limits);
    expect(await ledger.cancel("s-small", "a")).toEqual({ kind: "cancelled", bookingId: "b-a", promoted: { bookingId: "b-c", residentId: "c" } });
    expect(await ledger.waitlist("s-small")).toEqual(["b-d"]);
    expect(await ledger.cancel("s-small", "d")).toEqual({ kind: "cancelled", bookingId: "b-d" });
    expect(await ledger.waitlist("s-small")).toEqual([]);
    expect(await ledger.cancel("s-small", "nobody")).toEqual({ kind: "none" });
  });

  it("answers a repeated booking with the same booking, and enforces the per-person limit", async () => {
    await ledger.openSession("s-limit-1", { capacity: 10, reserved: 0, priorityCommunity: "", priorityUntil: now });
    await ledger.openSession("s-limit-2", { capacity: 10, reserved: 0, priorityCommunity: "", priorityUntil: now });
    expect(await ledger.book("s-limit-1", "p", "b-1", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "seated", bookingId: "b-1" });
    expect(await ledger.book("s-limit-1", "p", "b-other", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "seated", bookingId: "b-1" });
    expect(await ledger.book("s-limit-2", "p", "b-2", "c", now, { waitlist: 10, perPerson: 1 })).toEqual({ kind: "limit" });
  });

  it("keeps reserved seats for the ordering community until the priority period ends", async () => {
    const until = new Date(now.getTime() + 3_600_000);
    await ledger.openSession("s-prio", { capacity: 4, reserved: 2, priorityCommunity: "home", priorityUntil: until });
    const other = async (r: string, at: Date) => (await ledger.book("s-prio", r, `b-${r}`, "elsewhere", at, limits)).kind;
    expect([await other("o1", now), await other("o2", now), await other("o3", now)]).toEqual(["seated", "seated", "waitlisted"]);
    expect((await ledger.book("s-prio", "h1", "b-h1", "home", now, limits)).kind).toBe("seated");
    expect(await other("o4", new Date(until.getTime() + 1))).toBe("seated");
  });
});
