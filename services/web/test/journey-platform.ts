// The set-up every browser journey shares, in one place: engines with the file's own prefix, the
// four backend services as processes, the gateway serving this file's web build (WEB_TEST_DIST),
// the standard seed (深圳 → 福田区 → 园岭街道 → 红荔社区 and 福田区科技志愿服务队, with options for
// more orgs, a volunteer, menu items and anything else through the registry), Chromium, and the
// helpers the journeys use: a staff page signed in through the form, a page holding a resident's
// tokens, `shot` (screenshot + no machine ids + axe) and `told` (a toast).
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { expect, onTestFailed } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { Platform } from "@kepu/faults/platform";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { expectAccessible } from "./a11y";
import { launchBrowser } from "./browser";
import { distDir, whenBuilt } from "./build";
import { expectNoIds } from "./visible-ids";

export const city = "sz";
export const district = "sz-futian";
export const street = "sz-futian-yuanling";
export const community = "sz-futian-yuanling-c1"; // 红荔社区, the demo worker's
export const team = "team-futian";
export const admin = { actor: { id: "admin", role: Role.ADMIN } };

export type OrgRow = [orgId: string, name: string, kind: OrgKind, parentId: string];
export type RegistryClient = ReturnType<typeof createRpcClient<typeof RegistryService>>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON a route answers
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** The standard tree: the city, one district, one street, 红荔. */
export const standardOrgs: OrgRow[] = [
  [city, "深圳市", OrgKind.CITY, ""],
  [district, "福田区", OrgKind.DISTRICT, city],
  [street, "园岭街道", OrgKind.STREET, district],
  [community, "红荔社区", OrgKind.COMMUNITY, street],
];

/** A menu item of the demo team, 60 minutes, served in `serviceAreaOrgId` (福田区 unless said). */
export const teamItem = (itemId: string, title: string, theme: Theme, format: number, capacity: number, serviceAreaOrgId: string = district) => ({
  item: { itemId, title, theme, format, durationMinutes: 60, capacity, serviceAreaOrgId, providerKind: ProviderKind.TEAM, providerId: team },
});

export interface JourneyOptions {
  /** The engines' prefix (unique per file). */
  name: string;
  /** Where the screenshots go, e.g. "test-artifacts/demand-journeys". */
  shots: string;
  /** Orgs registered after the standard four. */
  orgs?: OrgRow[];
  /** Whether the demo team is registered (yes unless false). */
  team?: boolean;
  /** The demo team's themes ([HEALTH] unless said). */
  teamThemes?: Theme[];
  /** The team's one volunteer (a team takes orders once it has people). */
  volunteer?: { volunteerId: string; realName: string; phone: string; skills: Theme[] };
  /** Menu items published after the team. */
  menu?: ReturnType<typeof teamItem>[];
  /** Anything else, through the registry, after the above. */
  seed?: (registry: RegistryClient) => Promise<void>;
  /** The browser pages' viewport (1280 × 900 unless said). */
  viewport?: { width: number; height: number };
}

export class JourneyPlatform {
  private constructor(
    readonly options: JourneyOptions,
    readonly engines: TestEngines,
    readonly platform: Platform,
    readonly gateway: ServiceProcess,
    readonly browser: Browser,
    readonly redis: Redis,
    /** A folder of the test's own for failure screenshots and downloads. */
    readonly files: string,
  ) {}

  /** Builds the web app if src/ is newer, starts everything, seeds, launches Chromium. */
  static async start(options: JourneyOptions): Promise<JourneyPlatform> {
    await whenBuilt();
    const engines = new TestEngines(uniquePrefix(options.name));
    const files = join(tmpdir(), engines.prefix);
    mkdirSync(options.shots, { recursive: true });
    mkdirSync(files, { recursive: true });
    await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
    const platform = await Platform.start(engines);
    const peers = { REGISTRY_GRPC: platform.address("registry"), DISPATCH_GRPC: platform.address("dispatch"), EVENTS_GRPC: platform.address("events"), STATS_GRPC: platform.address("stats") };
    let gateway: ServiceProcess;
    try {
      gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ ...peers, DEMO_ACCOUNTS: "1", WEB_DIST: distDir, RATE_LIMIT_PER_MINUTE: "1000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
    } catch (error) {
      await platform.stop();
      throw error;
    }
    const redis = new Redis(engines.urls.redisUrl);
    const journey = new JourneyPlatform(options, engines, platform, gateway, await launchBrowser(), redis, files);
    await journey.seed();
    return journey;
  }

  private async seed() {
    const o = this.options;
    const client = createRpcClient(RegistryService, this.platform.address("registry"), { signer: testSigner() });
    try {
      for (const [orgId, name, kind, parentId] of [...standardOrgs, ...(o.orgs ?? [])]) await client.registerOrganization({ orgId, name, kind, parentId }, admin);
      if (o.team !== false) await client.registerTeam({ teamId: team, name: "福田区科技志愿服务队", orgId: district, themes: o.teamThemes ?? [Theme.HEALTH], serviceAreaOrgIds: [district] }, admin);
      if (o.volunteer) await client.addVolunteer({ teamId: team, ...o.volunteer }, admin);
      for (const item of o.menu ?? []) await client.publishMenuItem(item, admin);
      await o.seed?.(client);
    } finally {
      client.close();
    }
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await this.gateway.stop();
    await this.platform.stop();
    this.redis.disconnect();
    await this.engines.cleanup();
  }

  url(path: string): string {
    return `${this.gateway.httpUrl}${path}`;
  }

  /** A JSON call as `token` (none: anonymous); throws with the gateway's answer unless 2xx. */
  async call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
    const response = await fetch(this.url(path), { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as Json;
  }

  /** A demo staff account's tokens (password kepu-demo). */
  staff(account: string): Promise<Tokens> {
    return this.call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" }) as Promise<Tokens>;
  }

  /** A resident signed in by SMS code (read from the gateway's outbox in Redis), in `communityId`. */
  async resident(phone: string, communityId: string = community, displayName?: string): Promise<Tokens> {
    await this.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    const code = await waitFor(async () => (await this.redis.get(`${this.engines.prefix}kepu:gateway:otp-outbox:${phone}`)) ?? undefined, { what: "the one-time code" });
    return (await this.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId, ...(displayName ? { displayName } : {}) })) as Tokens;
  }

  /** A new browser page (Chinese, downloads allowed) that screenshots itself when the test fails. */
  async newPage(who: string, extra: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ locale: "zh-CN", viewport: this.options.viewport ?? { width: 1280, height: 900 }, acceptDownloads: true, ...extra });
    const page = await context.newPage();
    onTestFailed(() => page.screenshot({ path: `${this.files}/failed-${who}.png`, fullPage: true }).then(() => undefined));
    return page;
  }

  /** A staff page signed in through the sign-in form with a demo account. */
  async signedIn(account: string, password = "kepu-demo"): Promise<Page> {
    const page = await this.newPage(account);
    await page.goto(this.url("/sign-in"));
    await page.locator("input[name=account]").fill(account);
    await page.locator("input[name=password]").fill(password);
    await page.getByRole("button", { name: "登录" }).first().click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    return page;
  }

  /** A page holding these tokens (the app keeps them in localStorage), opened at `path`. */
  async pageWith(tokens: Tokens, path: string, who = "resident", extra: BrowserContextOptions = {}): Promise<Page> {
    const page = await this.newPage(who, extra);
    await page.context().addInitScript((saved) => localStorage.setItem("kepu.tokens", saved), JSON.stringify(tokens));
    await page.goto(this.url(path));
    return page;
  }

  /** A screenshot of a page once nothing is loading, which shows no machine id and passes axe (WCAG 2.1 A/AA; soft). */
  async shot(page: Page, name: string): Promise<void> {
    await expect.poll(() => page.locator(".el-loading-mask:visible").count(), { message: `${name} still loading` }).toBe(0);
    await page.screenshot({ path: `${this.options.shots}/${name}.png`, fullPage: true });
    await expectNoIds(page, name);
    await expectAccessible(page, name);
  }
}

/** Waits for a toast with this text. */
export const told = (page: Page, text: string) => page.locator(".el-message").filter({ hasText: text }).first().waitFor();

/** Picks `option` in the nth Element Plus select matching `select`. */
export async function choose(page: Page, select: string, option: string, nth = 0): Promise<void> {
  await page.locator(select).nth(nth).click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: option }).first().click();
}
