// The typed API client (src/api/client.ts) in a real browser against a real gateway serving the
// built app: an access token the gateway refuses is renewed once with the refresh token and the call
// made again; a POST's retry carries the same Idempotency-Key as its first try; the gateway's
// bilingual error reaches the person; a refresh token the gateway refuses signs her out. Only the
// gateway runs: the services it would call are away (their address answers nothing), which is
// itself the error the page must show.
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";

const engines = new TestEngines(uniquePrefix("apiclient"));
const away = "127.0.0.1:1";
let gateway: ServiceProcess;
let browser: Browser;

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

async function signIn(account: string): Promise<Tokens> {
  const response = await fetch(`${gateway.httpUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ account, password: "kepu-demo" }) });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

/** What the page asked of the API, in order: method, path, and the two headers the client sets. */
function recorded(page: Page) {
  const calls: { method: string; path: string; authorization?: string; key?: string }[] = [];
  page.on("request", (request: Request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith("/api/")) return;
    const headers = request.headers();
    calls.push({ method: request.method(), path: url.pathname, authorization: headers.authorization, key: headers["idempotency-key"] });
  });
  return calls;
}

const storedTokens = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem("kepu.tokens") ?? "null") as Tokens | null);
const setTokens = (page: Page, tokens: Tokens) => page.evaluate((t) => localStorage.setItem("kepu.tokens", JSON.stringify(t)), tokens);

beforeAll(async () => {
  await whenBuilt();
  const peers = { REGISTRY_GRPC: away, DISPATCH_GRPC: away, EVENTS_GRPC: away, STATS_GRPC: away, NOTIFICATIONS_GRPC: away };
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await engines.cleanup();
});

describe("the typed API client in a browser", () => {
  it("renews a refused access token once with the refresh token, retries a POST with its same Idempotency-Key, shows the gateway's error, and signs out when the refresh token is refused", async () => {
    const tokens = await signIn("district");
    const page = await (await browser.newContext({ locale: "zh-CN", viewport: { width: 1280, height: 860 } })).newPage();
    const calls = recorded(page);
    await page.goto(`${gateway.httpUrl}/sign-in`);

    // An access token the gateway refuses (as an expired one is), with a good refresh token: the
    // page opens signed in, after one renewal, and keeps the new tokens.
    await setTokens(page, { accessToken: "refused.access.token", refreshToken: tokens.refreshToken });
    await page.goto(`${gateway.httpUrl}/admin/webhooks`);
    await page.locator(".new-webhook").waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/webhooks");
    const me = calls.filter((c) => c.path === "/api/v1/me");
    expect(me.map((c) => c.authorization)).toEqual(["Bearer refused.access.token", expect.stringMatching(/^Bearer ey/)]);
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh")).toHaveLength(1);
    const renewed = (await storedTokens(page))!;
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken);
    expect(`Bearer ${renewed.accessToken}`).toBe(me[1]!.authorization);

    // A POST refused for its token is sent again after the renewal as the same action: the same
    // Idempotency-Key, the new token. The notifications service is away: the gateway's own words say so.
    await page.locator(".new-webhook").click();
    await page.locator("#webhook-url").fill("https://example.org/kepu-hook");
    await setTokens(page, { ...renewed, accessToken: "refused.again" });
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/webhooks" && r.request().headers().authorization !== "Bearer refused.again", { timeout: 60_000 });
    await page.locator(".do-create").click();
    const answer = await answered;
    const posts = calls.filter((c) => c.method === "POST" && c.path === "/api/v1/webhooks");
    expect(posts).toHaveLength(2);
    expect(posts[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]!.key).toBe(posts[0]!.key);
    expect(posts.map((c) => c.authorization)).toEqual(["Bearer refused.again", `Bearer ${(await storedTokens(page))!.accessToken}`]);
    // (the bell may have renewed the same token at the same moment: calls answered 401 together share one renewal)
    expect(calls.filter((c) => c.path === "/api/v1/auth/refresh").length).toBeGreaterThanOrEqual(2);
    expect(answer.status()).toBe(503);
    const { messageZh } = (await answer.json()) as { messageZh: string };
    expect(messageZh).toBeTruthy();
    await page.locator(".el-message--error").filter({ hasText: messageZh }).first().waitFor(); // the list reloading may say the same

    // A refresh token the gateway refuses (an ended session): the tokens are dropped and the
    // person is sent to sign in.
    await setTokens(page, { accessToken: "refused.access.token", refreshToken: "an-ended-session" });
    await page.goto(`${gateway.httpUrl}/admin/webhooks`);
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await waitFor(async () => (await storedTokens(page)) === null, { what: "the tokens dropped" });
  }, 180_000);
});
