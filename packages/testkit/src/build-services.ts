import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup for the tiers that start services as processes: bundles every service once,
 * before any test file runs, so the tests run the same file production runs and never a stale one.
 */
export default function setup(): void {
  const script = fileURLToPath(new URL("../../../deploy/build/bundle.mjs", import.meta.url));
  execFileSync(process.execPath, [script], { stdio: "inherit" });
}
