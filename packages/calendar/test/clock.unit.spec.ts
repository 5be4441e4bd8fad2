import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clockFrom } from "../src/clock.js";

describe("a service's clock", () => {
  const dir = mkdtempSync(join(tmpdir(), "kepu-clock-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the machine's time without an offset file, and before the file exists", () => {
    for (const clock of [clockFrom(""), clockFrom(join(dir, "missing"))]) expect(Math.abs(clock().getTime() - Date.now())).toBeLessThan(1_000);
  });

  it("follows the offset written in the file, read again on every call", () => {
    const file = join(dir, "offset");
    const clock = clockFrom(file);
    writeFileSync(file, String(86_400_000));
    expect(clock().getTime() - Date.now()).toBeGreaterThan(86_399_000);
    writeFileSync(file, "not a number");
    expect(Math.abs(clock().getTime() - Date.now())).toBeLessThan(1_000);
  });
});
