// The escalation loop survives its store failing: a pass whose lookup of due orders rejects (Redis
// away in the fault suite, 2 Dec) is logged and retried next tick, never an unhandled rejection.
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "@kepu/log";
import type { Orders } from "../src/orders.js";
import type { OrderStore } from "../src/store/order-store.js";
import { EscalationTimer } from "../src/timers.js";

describe("EscalationTimer", () => {
  it("resolves a pass whose lookup failed with nothing escalated, logs it, and escalates on the next pass", async () => {
    const logger = createLogger({ service: "timers-unit", level: "silent" });
    const warn = vi.spyOn(logger, "warn");
    const due = vi.fn<OrderStore["due"]>().mockRejectedValueOnce(new Error("Stream isn't writeable")).mockResolvedValueOnce(["ord-1"]);
    const handle = vi.fn<Orders["handle"]>().mockResolvedValue(undefined as never);
    const timer = new EscalationTimer({ due } as unknown as OrderStore, { handle } as unknown as Orders, () => new Date("2026-09-07T08:00:00Z"), logger);
    await expect(timer.tick()).resolves.toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), "escalation pass failed; trying again next tick");
    await expect(timer.tick()).resolves.toBe(1);
    expect(handle).toHaveBeenCalledWith("ord-1", { kind: "escalate" }, expect.anything(), { correlationId: "timer-ord-1" });
  });
});
