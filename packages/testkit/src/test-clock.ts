import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Moves a service's clock through its test-only TEST_CLOCK_FILE setting (the events service's):
 * the file holds how many milliseconds the service runs ahead of the machine. `to(instant)` makes
 * the service's now that instant, running on from there; `reset()` gives it the machine's time.
 */
export class TestClock {
  private readonly dir = mkdtempSync(join(tmpdir(), "kepu-clock-"));
  readonly file = join(this.dir, "offset-ms");
  private offset = 0;

  /** What the service reads as now. */
  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  to(instant: Date): void {
    this.offset = instant.getTime() - Date.now();
    writeFileSync(this.file, String(this.offset));
  }

  reset(): void {
    this.offset = 0;
    writeFileSync(this.file, "0");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
