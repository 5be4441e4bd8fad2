// The journeys test the built app as the gateway serves it: build it when dist/ is older than src/.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = fileURLToPath(new URL("..", import.meta.url));
/** WEB_TEST_DIST: a build folder of one's own, so engineers testing side by side do not rebuild each other's. */
export const distDir = process.env.WEB_TEST_DIST ?? join(webDir, "dist");

function newest(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

export function ensureBuilt(): void {
  const built = existsSync(join(distDir, "index.html")) ? statSync(join(distDir, "index.html")).mtimeMs : 0;
  if (built > newest(join(webDir, "src"))) return;
  execFileSync("pnpm", ["exec", "vite", "build", "--logLevel", "error", "--outDir", distDir], { cwd: webDir, stdio: "inherit" });
}
