import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Moves an events service's clock (its test-only TEST_CLOCK_FILE setting): `to(instant)` makes the
 * service's now that instant, running on from there; `reset()` gives it the machine's time again.
 */
export class TestClock {
  private readonly dir = mkdtempSync(join(tmpdir(), "kepu-clock-"));
  readonly file = join(this.dir, "offset-ms");

  to(instant: Date): void {
    writeFileSync(this.file, String(instant.getTime() - Date.now()));
  }

  reset(): void {
    writeFileSync(this.file, "0");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
