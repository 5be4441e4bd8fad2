// schemathesis (PyPI, installed by deploy/local/setup.sh) against the live gateway's OpenAPI, once
// with a resident's token and once with a staff member's, every check on, bounded in time: any 5xx,
// response off its schema, input accepted though the document forbids it, or refused though the
// document allows it fails the test with schemathesis' own report.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { community, menuOrder, Platform } from "./platform.js";

const setupScript = fileURLToPath(new URL("../../../deploy/local/setup.sh", import.meta.url));
const version = /^schemathesis_version=(\S+)$/m.exec(readFileSync(setupScript, "utf8"))![1]!;
const st = join(process.env.KEPU_CACHE ?? join(homedir(), ".cache/kepu"), `schemathesis-${version}`, "bin", "st");
/** Seconds per run (two runs: about 70 s in all; raise it with KEPU_SCHEMATHESIS_SECONDS for a deeper search). */
const budget = Number(process.env.KEPU_SCHEMATHESIS_SECONDS ?? 35);

// Statuses that answer a well-formed request the domain refuses: a rule no schema can state (400:
// a session ending before it starts; the edge's own 400s are caught by schemathesis_hooks.py), not
// signed in for it, not theirs, not there, not in this state, the idempotency key used for another
// request, an account locked after failed sign-ins (429).
const config = `
[checks.positive_data_acceptance]
expected-statuses = ["2XX", "400", "401", "403", "404", "409", "422", "429"]
`;
const hooks = fileURLToPath(new URL(".", import.meta.url));

let platform: Platform;
const work = mkdtempSync(join(tmpdir(), "kepu-schemathesis-"));

beforeAll(async () => {
  // The limits are another test's subject (flood.e2e): here they would only answer 429 to the fuzzer.
  platform = await Platform.start("gwst", { RATE_LIMIT_PER_MINUTE: "1000000", RATE_LIMIT_IP_PER_MINUTE: "1000000" });
  // A little data for the reads to find: an order, an activity with a session, a booking.
  const resident = await platform.resident("13700001212");
  expect((await platform.call("POST", "/api/v1/orders", resident, menuOrder)).status).toBe(200);
  const worker = await platform.signIn("worker");
  const startsAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
  const endsAt = new Date(Date.now() + 5 * 86_400_000 + 3_600_000).toISOString();
  const published = await platform.call("POST", "/api/v1/activities", worker, { title: "社区开放日", theme: "THEME_HEALTH", orgId: community, sessions: [{ startsAt, endsAt, place: "社区活动室", capacity: 30 }] });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  const { activityId, sessions } = published.body.activity;
  await waitFor(async () => (await platform.call("POST", `/api/v1/activities/${activityId}/sessions/${sessions[0].session.sessionId}/bookings`, resident)).status === 200, { what: "a booking" });
  writeFileSync(join(work, "schemathesis.toml"), config);
}, 240_000);
afterAll(() => platform?.stop());

function schemathesis(token: string, name: string): Promise<{ code: number | null; output: string }> {
  const base = platform.gateway.httpUrl;
  const args = [
    "--no-color",
    `--config-file=${join(work, "schemathesis.toml")}`,
    "run",
    `${base}/docs/json`,
    `--url=${base}`,
    "--checks=all",
    `--header=Authorization: Bearer ${token}`,
    `--max-time=${budget}`,
    "--max-examples=25",
    "--workers=1",
    "--seed=14",
    "--request-timeout=10",
    // The live feeds are streams that do not end by themselves; their first answers are tested in
    // gateway.e2e (figures) and notifications.e2e (the inbox).
    "--exclude-path=/api/v1/stats/live",
    "--exclude-path=/api/v1/me/notifications/live",
    // An xlsx workbook is the body: schemathesis has no serializer for it. The sheets' checks are
    // tested in teams-imports.e2e and the registry's *-import unit tests.
    "--exclude-path=/api/v1/imports/{kind}",
    "--report=junit",
    `--report-dir=${join(work, name)}`,
  ];
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: "1", SCHEMATHESIS_HOOKS: "schemathesis_hooks", PYTHONPATH: hooks };
    const child = spawn(st, args, { cwd: work, env });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("schemathesis against the live gateway", () => {
  it(`is installed by deploy/local/setup.sh (schemathesis ${version})`, () => {
    expect(existsSync(st), `run bash deploy/local/setup.sh to install schemathesis into ${st}`).toBe(true);
  });

  for (const who of ["resident", "staff"] as const) {
    it(`finds no 5xx, no response off its schema and no input the document and the API disagree on — as a ${who}`, async () => {
      const token = who === "resident" ? await platform.resident("13700003434") : await platform.signIn("district");
      const { code, output } = await schemathesis(token, who);
      mkdirSync("test-artifacts", { recursive: true });
      writeFileSync(`test-artifacts/schemathesis-${who}.txt`, output); // the whole report
      expect(output).toMatch(/test cases/i); // it ran
      expect(code, output.split("\n").slice(-250).join("\n")).toBe(0);
    }, (budget + 120) * 1000);
  }
});
