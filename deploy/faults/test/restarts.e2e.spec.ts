// Restarts users do not notice: the platform as `npm start` runs it (deploy/local/services.sh and its
// supervisor), on ports and a prefix of its own, on the shared engines. Residents, a community worker
// and a team leader keep carrying orders through their whole life over the HTTP API (点单 → 派单 →
// 接单 → the activity → 预约) while every service is restarted one by one — the gateway too — and
// not one of their requests fails; a service killed outright is back and ready within 10 s.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const services = fileURLToPath(new URL("../../local/services.sh", import.meta.url));
const engines = new TestEngines(uniquePrefix("restarts"));
const redis = new Redis(engines.urls.redisUrl);
const state = mkdtempSync(join(tmpdir(), "kepu-restarts-"));
const community = "sz-futian-yuanling-c1"; // the demo data's 红荔社区, where the demo worker works
const names = ["registry", "dispatch", "events", "stats", "gateway"] as const;
const ports: Record<string, number> = {};
let env: NodeJS.ProcessEnv;
let api: string;

const servicesSh = (...args: string[]) => run("bash", [services, ...args], { env, cwd: repo, maxBuffer: 16 * 1024 * 1024 });
const pidOf = (name: string) => Number(readFileSync(join(state, "pids", name), "utf8"));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const readyz = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);

async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function residentToken(phone: string): Promise<string> {
  await call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => redis.get(`${engines.prefix}kepu:gateway:otp-outbox:${phone}`).then((c) => c ?? undefined), { what: `the code for ${phone}` });
  const signedIn = await call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: community });
  expect(signedIn.status).toBe(200);
  return signedIn.body.accessToken as string;
}

beforeAll(async () => {
  for (const name of names) ports[`${name}:http`] = await freePort();
  for (const name of names.slice(0, 4)) ports[`${name}:grpc`] = await freePort();
  env = {
    ...process.env,
    ...engines.serviceEnv(),
    SHUTDOWN_DRAIN_MS: "1000", // the rolling restart's zero-downtime claim rests on the drain (testkit's default is none)
    KEPU_STATE: state,
    KEPU_SKIP_BUNDLE: "1", // the e2e tier bundled the services before any test ran
    DEMO_ACCOUNTS: "1",
    RATE_LIMIT_PER_MINUTE: "100000",
    RATE_LIMIT_IP_PER_MINUTE: "100000", // every simulated user comes from 127.0.0.1
    LOG_LEVEL: "info",
    KEPU_GATEWAY_PORT: String(ports["gateway:http"]),
    ...Object.fromEntries(names.slice(0, 4).flatMap((name) => [
      [`KEPU_${name.toUpperCase()}_HTTP_PORT`, String(ports[`${name}:http`])],
      [`KEPU_${name.toUpperCase()}_GRPC_PORT`, String(ports[`${name}:grpc`])],
    ])),
  };
  api = `http://127.0.0.1:${ports["gateway:http"]}`;
  await servicesSh("start");
  // The Shenzhen demo data, loaded the way `npm start` loads it (deploy/local/start.sh).
  const grpc = (name: string) => `127.0.0.1:${ports[`${name}:grpc`]}`;
  const keys = join(repo, "packages/identity/bin/call-keys.mjs");
  const seedEnv = { ...env, REGISTRY_GRPC: grpc("registry"), DISPATCH_GRPC: grpc("dispatch"), EVENTS_GRPC: grpc("events") };
  await run("bash", ["-c", `[[ -n "$KEPU_CALL_SIGNING_KEY" || ! -f ${keys} ]] || eval "$(node ${keys} "$KEPU_STATE/keys")"; exec node --import tsx src/seed.ts`], { env: seedEnv, cwd: join(repo, "deploy/demo") });
}, 300_000);

afterAll(async () => {
  await servicesSh("stop").catch((error: unknown) => console.error(error));
  redis.disconnect();
  await engines.cleanup();
  rmSync(state, { recursive: true, force: true });
}, 200_000);

describe("restarts users do not notice", () => {
  it("restarting every service one by one under load fails none of the requests users make", async () => {
    const residents = await Promise.all(["13800001001", "13800001002", "13800001003"].map(residentToken));
    const worker = (await call("POST", "/api/v1/auth/sign-in", undefined, { account: "worker", password: "kepu-demo" })).body.accessToken as string;
    const menu = await call("GET", `/api/v1/menu?communityId=${community}`, residents[0]);
    const item = (menu.body.items as { itemId: string; title: string; theme: string }[])[0]!;
    expect(item).toBeDefined();

    let requests = 0;
    let placed = 0;
    const failures: string[] = [];
    let running = true;
    let lives = 0;
    const attempt = async (what: string, request: () => Promise<{ status: number; body: Record<string, unknown> }>, expected: number[] = []) => {
      requests++;
      try {
        const answer = await request();
        if (answer.status !== 200 && !expected.includes(answer.status)) failures.push(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        return answer;
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message} ${String((error as Error).cause ?? "")}`);
        return undefined;
      }
    };
    // The workflow, back to back, as its people do it: a resident reads the menu and orders (点单), the
    // community worker dispatches (派单), the team leader accepts (接单), the resident waits for the
    // activity and books a seat (预约) and reads her orders; the worker also keeps her inbox open.
    const leader = (await call("POST", "/api/v1/auth/sign-in", undefined, { account: "leader", password: "kepu-demo" })).body.accessToken as string;
    const activityOf = async (token: string, activityId: string) => {
      // Until the events service has made the activity from the acceptance, it is not found: that is waiting, not failing.
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        const answer = await attempt(`GET /api/v1/activities/${activityId}`, () => call("GET", `/api/v1/activities/${activityId}`, token), [404]);
        if (answer?.status === 200) return answer.body.activity as { sessions: { session: { sessionId: string } }[] };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      failures.push(`activity ${activityId} never appeared`);
      return undefined;
    };
    const lanes = [
      ...residents.map(async (token) => {
        while (running) {
          await attempt("GET /api/v1/menu", () => call("GET", `/api/v1/menu?communityId=${community}`, token));
          const order = await attempt("POST /api/v1/orders", () => call("POST", "/api/v1/orders", token, { menuItemId: item.itemId, title: item.title, theme: item.theme, expectedParticipants: 20, communityId: community }));
          const orderId = (order?.body.order as { orderId?: string } | undefined)?.orderId;
          if (!orderId) continue;
          placed++;
          await attempt("POST /api/v1/orders/:id/dispatch", () => call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: ["team-futian"] }));
          const accepted = await attempt("POST /api/v1/orders/:id/accept", () => call("POST", `/api/v1/orders/${orderId}/accept`, leader, {}));
          const activityId = (accepted?.body.order as { activityId?: string } | undefined)?.activityId || `act-${orderId}`;
          const activity = await activityOf(token, activityId);
          const sessionId = activity?.sessions[0]?.session.sessionId;
          if (sessionId) {
            const booked = await attempt("POST …/bookings", () => call("POST", `/api/v1/activities/${activityId}/sessions/${sessionId}/bookings`, token));
            const bookingId = (booked?.body.booking as { bookingId?: string } | undefined)?.bookingId;
            if (bookingId) {
              lives++;
              // 取消预约 too: a resident holds at most five bookings at once (BOOKINGS_PER_PERSON).
              await attempt("POST /api/v1/bookings/:id/cancel", () => call("POST", `/api/v1/bookings/${bookingId}/cancel`, token, { reason: "改期" }));
            }
          }
          await attempt("GET /api/v1/orders", () => call("GET", "/api/v1/orders", token));
        }
      }),
      (async () => {
        while (running) await attempt("GET /api/v1/orders (worker)", () => call("GET", "/api/v1/orders?status=SUBMITTED", worker));
      })(),
    ];

    await waitFor(() => placed >= 5, { timeoutMs: 60_000, what: "the load running" });
    const before = Object.fromEntries(names.map((name) => [name, pidOf(name)]));
    const started = Date.now();
    const restart = await servicesSh("restart");
    const restartMs = Date.now() - started;
    const requestsDuringRestart = requests;
    // And a little after, on the new processes.
    await waitFor(() => requests >= requestsDuringRestart + 20, { timeoutMs: 60_000, what: "requests after the restart" });
    running = false;
    await Promise.all(lanes);

    console.log(`[restarts] every service restarted one by one in ${restartMs} ms while users made ${requests} requests (${placed} orders placed, ${lives} whole lives to a booked seat): ${failures.length} failed`);
    console.log(restart.stderr.trim());
    for (const name of names) expect(pidOf(name), `${name} runs in a new process`).not.toBe(before[name]);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(20);
    expect(lives).toBeGreaterThan(3);
  });

  it("a service killed outright is back and ready within 10 s", async () => {
    for (const name of ["dispatch", "gateway"] as const) {
      const pid = pidOf(name);
      const killed = Date.now();
      process.kill(pid, "SIGKILL");
      await waitFor(() => !isAlive(pid), { timeoutMs: 5_000, what: `${name} (pid ${pid}) gone` });
      const port = ports[`${name}:http`]!;
      await waitFor(async () => pidOf(name) !== pid && isAlive(pidOf(name)) && (await readyz(port)), { timeoutMs: 10_000, intervalMs: 50, what: `${name} back and ready` });
      console.log(`[restarts] ${name} SIGKILLed: back and ready in ${Date.now() - killed} ms (pid ${pid} → ${pidOf(name)})`);
    }
    const log = readFileSync(join(state, "logs", "supervisor.log"), "utf8");
    expect(log).toMatch(/"msg":"exited unexpectedly; restarting","name":"dispatch".*"signal":"SIGKILL"/);
  });
});
