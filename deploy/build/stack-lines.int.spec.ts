// The bundles are whitespace-minified (one line) and ASCII-only; a thrown error's stack must still
// name the TypeScript source and line (deploy/build/stack-lines.mjs). Bundles a fixture the way every
// service is bundled and runs it as a process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- plain ES module of the build, no types
import { bundleFile } from "./bundle.mjs";

const fixture = fileURLToPath(new URL("test/throws.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "kepu-stack-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a bundle's stack traces", () => {
  it("name the source file and line of each of the bundle's frames, and the bundle is ASCII", async () => {
    const outfile = join(dir, "main.js");
    await bundleFile(fixture, outfile);
    const code = readFileSync(outfile, "utf8");
    expect(code).not.toMatch(/[\u0080-\uffff]/);
    const run = spawnSync(process.execPath, [outfile], { cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(1);
    // The escaped regular expression still matches what it matched.
    expect(run.stdout.trim()).toBe("ba ba ba ba");
    const frames = run.stderr.split("\n").filter((line) => line.trimStart().startsWith("at "));
    expect(run.stderr).toContain("Error: 故意的 / on purpose");
    expect(frames.slice(0, 4).map((line) => line.trim().replace(/^at (\S+ \()?(.*?)\)?$/, "$2").split("/").pop())).toEqual([
      "throws.ts:10",
      "throws.ts:11",
      "throws.ts:11",
      "throws.ts:15",
    ]);
  });
});
