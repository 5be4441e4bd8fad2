// freePort hands out ports that are free, never the same one twice in a process, and only from its
// worker's slice of 21000–25999 (two files side by side once picked the same port: EADDRINUSE).
import { describe, expect, it } from "vitest";
import { freePort } from "../src/index.js";

describe("freePort", () => {
  it("never hands out a port twice in one process, and stays in its worker's slice", async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    const slice = (Number(process.env.VITEST_POOL_ID ?? 1) - 1) % 4;
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(21_000 + slice * 1_250);
      expect(port).toBeLessThan(21_000 + (slice + 1) * 1_250);
    }
  });
});
