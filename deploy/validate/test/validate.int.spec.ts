// The deploy-file validation must fail on a broken manifest or compose file, or it proves nothing.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const script = join(repo, "deploy/validate/validate.sh");
const roots: string[] = [];

/** A copy of the repo's deploy files to break, so the real ones stay untouched. */
function copyOfDeployFiles(): string {
  const root = mkdtempSync(join(tmpdir(), "kepu-validate-"));
  roots.push(root);
  for (const path of ["deploy/k8s", "deploy/docker", "docker-compose.yml"]) cpSync(join(repo, path), join(root, path), { recursive: true });
  return root;
}

function edit(root: string, path: string, change: (text: string) => string) {
  const file = join(root, path);
  const before = readFileSync(file, "utf8");
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

async function validate(root: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)("bash", [script, root], { maxBuffer: 16 << 20 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr };
  }
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe("deploy/validate", { timeout: 300_000 }, () => {
  it("passes the repo's own k8s manifests and compose file", async () => {
    const result = await validate(copyOfDeployFiles());
    expect(result.output).toContain("deploy files are valid");
    expect(result.ok).toBe(true);
  });

  it("fails a Deployment with a misspelt probe, naming it", async () => {
    const root = copyOfDeployFiles();
    edit(root, "deploy/k8s/base/stats.yaml", (text) => text.replace("readinessProbe:", "readynessProbe:"));
    const result = await validate(root);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Deployment kepu-stats is invalid.*readynessProbe/);
  });

  it("fails a compose service with an unknown key or a missing Dockerfile", async () => {
    const root = copyOfDeployFiles();
    edit(root, "docker-compose.yml", (text) => text.replace('ports: ["8080:8080"]', 'ports: ["8080:8080"]\n    restrat: always'));
    expect((await validate(root)).output).toMatch(/services\.gateway\.restrat/);

    const other = copyOfDeployFiles();
    rmSync(join(other, "deploy/docker/service.Dockerfile"));
    const result = await validate(other);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/service registry: .*service\.Dockerfile does not exist/);
  });
});
