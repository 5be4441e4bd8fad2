// Floods against the gateway as a process: per-IP and per-user limits (429 + Retry-After), the
// client address from X-Forwarded-For only behind a trusted proxy, and the per-account sign-in
// lock. Clients come from different loopback addresses (127.0.0.x), as separate machines would.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";

// Each gateway its own prefix, so their counters and accounts never meet.
const direct = new TestEngines(uniquePrefix("flood"));
const proxied = new TestEngines(uniquePrefix("floodproxy"));
const limits = { DEMO_ACCOUNTS: "1", RATE_LIMIT_PER_MINUTE: "20", RATE_LIMIT_IP_PER_MINUTE: "40", SIGN_IN_MAX_FAILURES: "3", SIGN_IN_LOCK_SECONDS: "2" };
let gateway: ServiceProcess; // trusts no proxy (the default)
let behindProxy: ServiceProcess; // trusts 127.0.0.1 as its load balancer

interface Call {
  from: string;
  path?: string;
  method?: string;
  token?: string;
  body?: unknown;
  forwardedFor?: string;
  to?: ServiceProcess;
}
interface Answer {
  status: number;
  body: { code?: string; messageZh?: string; accessToken?: string };
  headers: IncomingHttpHeaders;
}

/** One HTTP request from the loopback address `from` (a client of its own). */
function call({ from, path = "/api/v1/me", method = "GET", token, body, forwardedFor, to = gateway }: Call): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(payload ? { "content-type": "application/json" } : {}),
    ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
  };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port: to.httpPort, localAddress: from, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"), headers: response.headers }));
    });
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}
const signIn = async (account: string, from: string) => (await call({ from, method: "POST", path: "/api/v1/auth/sign-in", body: { account, password: "kepu-demo" } })).body.accessToken!;
const statuses = async (calls: Call[]) => {
  const seen: number[] = [];
  for (const one of calls) seen.push((await call(one)).status);
  return seen;
};
const times = (n: number, status: number) => Array.from({ length: n }, () => status);

function expectRateLimited(answer: Answer) {
  expect(answer.status).toBe(429);
  expect(answer.body).toMatchObject({ code: "RATE_LIMITED", messageZh: "请求过于频繁，请稍后再试" });
  const retryAfter = Number(answer.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

beforeAll(async () => {
  [gateway, behindProxy] = await Promise.all([ServiceProcess.start("gateway", direct.serviceEnv(limits)), ServiceProcess.start("gateway", proxied.serviceEnv({ ...limits, TRUSTED_PROXIES: "127.0.0.1" }))]);
}, 120_000);

afterAll(async () => {
  await Promise.all([gateway?.stop(), behindProxy?.stop()]);
  await Promise.all([direct.cleanup(), proxied.cleanup()]);
});

describe("X-Forwarded-For", () => {
  it("gives a client that is not a trusted proxy no counter of its own: rotating it, the client is still limited", async () => {
    const flood = Array.from({ length: 45 }, (_, i) => ({ from: "127.0.0.2", forwardedFor: `198.51.100.${i}` }));
    expect(await statuses(flood)).toEqual([...times(40, 401), ...times(5, 429)]);
    expectRateLimited(await call({ from: "127.0.0.2", forwardedFor: "198.51.100.200" }));
    expect((await call({ from: "127.0.0.3" })).status).toBe(401); // another client is unaffected
  });

  it("names the client behind a trusted proxy, and only there", async () => {
    const viaProxy = (forwardedFor: string) => ({ from: "127.0.0.1", forwardedFor, to: behindProxy });
    // Many clients through the one proxy: each counts for itself, none reaches the limit.
    expect(await statuses(Array.from({ length: 45 }, (_, i) => viaProxy(`198.51.100.${i}`)))).toEqual(times(45, 401));
    // One client flooding through the proxy is limited; its neighbour behind the same proxy is not.
    expect(await statuses(Array.from({ length: 45 }, () => viaProxy("203.0.113.9")))).toEqual([...times(40, 401), ...times(5, 429)]);
    expectRateLimited(await call(viaProxy("203.0.113.9")));
    expect((await call(viaProxy("203.0.113.10"))).status).toBe(401);
    // A peer that is not the proxy is counted by its own address, whatever it forwards.
    const spoofer = Array.from({ length: 45 }, (_, i) => ({ from: "127.0.0.2", forwardedFor: `192.0.2.${i}`, to: behindProxy }));
    expect(await statuses(spoofer)).toEqual([...times(40, 401), ...times(5, 429)]);
  });
});

describe("the per-user and per-IP limits", () => {
  it("caps one flooding user behind many addresses; another user and another address still get 200", async () => {
    const [member, base] = [await signIn("member", "127.0.0.4"), await signIn("base", "127.0.0.4")];
    const flood = Array.from({ length: 25 }, (_, i) => ({ from: `127.0.1.${i + 1}`, token: member }));
    expect(await statuses(flood)).toEqual([...times(20, 200), ...times(5, 429)]);
    expectRateLimited(await call({ from: "127.0.1.99", token: member }));
    expect((await call({ from: "127.0.1.1", token: base })).status).toBe(200);
    expect((await call({ from: "127.0.0.5", token: base })).status).toBe(200);
  });

  it("caps one flooding address with many users; the same users elsewhere still get 200", async () => {
    const users = await Promise.all(["leader", "viewer", "street", "district"].map((account) => signIn(account, "127.0.0.6")));
    const flood = Array.from({ length: 45 }, (_, i) => ({ from: "127.0.0.7", token: users[i % users.length]! }));
    expect(await statuses(flood)).toEqual([...times(40, 200), ...times(5, 429)]);
    expectRateLimited(await call({ from: "127.0.0.7", token: users[0]! }));
    expect(await statuses(users.map((token) => ({ from: "127.0.0.8", token })))).toEqual(times(users.length, 200));
  });
});

describe("the sign-in lock", () => {
  const attempt = (account: string, password: string) => call({ from: "127.0.0.9", method: "POST", path: "/api/v1/auth/sign-in", body: { account, password } });
  const codes = async (account: string, password: string, n: number) => {
    const seen: string[] = [];
    for (let i = 0; i < n; i++) seen.push(`${(await attempt(account, password)).body.code}`);
    return seen;
  };

  it("locks an account after 3 failures with a Chinese message saying when to retry, an unknown one alike, and unlocks it after the lock", async () => {
    expect(await codes("worker", "guess", 3)).toEqual(["WRONG_CREDENTIALS", "WRONG_CREDENTIALS", "ACCOUNT_LOCKED"]);
    const locked = await attempt("worker", "kepu-demo"); // even the right password
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: "ACCOUNT_LOCKED", messageZh: expect.stringMatching(/^登录失败次数过多，账号已暂时锁定，请 [12] 秒后再试$/) });
    expect(await codes("ghost", "guess", 3)).toEqual(["WRONG_CREDENTIALS", "WRONG_CREDENTIALS", "ACCOUNT_LOCKED"]);
    await waitFor(async () => (await attempt("worker", "kepu-demo")).status === 200, { timeoutMs: 6_000, intervalMs: 250, what: "the lock to end" });
  });
});
