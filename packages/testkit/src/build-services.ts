import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Vitest global setup for the tiers that start services as processes: bundles every service once,
 * before any test file runs, so the tests run the same file production runs and never a stale one.
 * Several tiers name this setup; the first to run in a vitest process does the work.
 */
export default function setup(): void {
  if (process.env.KEPU_SERVICES_BUNDLED === String(process.pid)) return;
  const script = fileURLToPath(new URL("../../../deploy/build/bundle.mjs", import.meta.url));
  execFileSync(process.execPath, [script], { stdio: "inherit" });
  process.env.KEPU_SERVICES_BUNDLED = String(process.pid);
}
