// The journeys test the built app as the gateway serves it: build it when dist/ is older than src/.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "@kepu/testkit";

export const webDir = fileURLToPath(new URL("..", import.meta.url));
/** WEB_TEST_DIST: a build folder of one's own, so engineers testing side by side do not rebuild each other's. */
export const distDir = process.env.WEB_TEST_DIST ?? join(webDir, "dist");

function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

const fresh = () => existsSync(join(distDir, "index.html")) && statSync(join(distDir, "index.html")).mtimeMs > newest(join(webDir, "src"));

/**
 * Builds the app when src/ is newer than the build, without blocking the test worker (a build of
 * minutes inside execFileSync starves vitest's worker RPC: "Timeout calling onTaskUpdate"), and once
 * for the test files that start together: the first takes a lock folder next to the build, the
 * others wait for it and then find the build fresh. (A second build beside it would empty the
 * folder the first one is writing and serving.)
 */
export async function whenBuilt(): Promise<void> {
  const lock = `${distDir.replace(/\/+$/, "")}.building`;
  for (;;) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      await waitFor(async () => !existsSync(lock), { what: `the web build in ${distDir}`, timeoutMs: 600_000 });
      continue;
    }
    try {
      if (!fresh()) await promisify(execFile)("pnpm", ["exec", "vite", "build", "--logLevel", "error", "--outDir", distDir], { cwd: webDir });
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
