// The platform a gateway test talks to: the five services and the gateway as processes on the
// test's own engines (prefix), a little of Shenzhen in the registry, and HTTP helpers.
import { expect } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const run = promisify(execFile);
const adminBin = fileURLToPath(new URL("../bin/admin.ts", import.meta.url));
export const community = "sz-futian-yuanling-c1";
export const menuOrder = { menuItemId: "menu-health", title: "健康养生讲座", theme: "THEME_HEALTH", expectedParticipants: 10, communityId: community };
const orgs = [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"], ["sz-futian-yuanling", OrgKind.STREET, "sz-futian"], [community, OrgKind.COMMUNITY, "sz-futian-yuanling"], ["sz-luohu", OrgKind.DISTRICT, "sz"], ["sz-luohu-s", OrgKind.STREET, "sz-luohu"], ["sz-luohu-s-c", OrgKind.COMMUNITY, "sz-luohu-s"]] as const;

/** The organizations of two districts, a Futian team and its health talk on the menu. */
export async function seedShenzhen(registryAddress: string): Promise<void> {
  const client = createRpcClient(RegistryService, registryAddress, { signer: testSigner() });
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, kind, parentId] of orgs) await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-1", realName: "张志愿", phone: "13800000001", skills: [Theme.HEALTH] }, admin); // a team takes orders once it has people
  await client.publishMenuItem({ item: { itemId: "menu-health", title: "健康养生讲座", theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 50, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } }, admin);
  client.close();
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON the route answers
  headers: Headers;
}

/** The answer's body, once its status (and, given one, its error code) is the one expected; the body is in the message otherwise. */
export function expectStatus(answer: Answer, status: number, code?: string): Answer["body"] {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  if (code) expect(answer.body.code).toBe(code);
  return answer.body;
}

export class Platform {
  readonly redis: Redis;
  private constructor(
    readonly engines: TestEngines,
    readonly services: ServiceProcess[],
    readonly gateway: ServiceProcess,
  ) {
    this.redis = new Redis(engines.urls.redisUrl);
  }

  /** Starts the services and the gateway on an empty store: no orgs, no teams, no accounts (unless DEMO_ACCOUNTS=1 in gatewayEnv). */
  static async empty(name: string, gatewayEnv: Record<string, string> = {}): Promise<Platform> {
    const engines = new TestEngines(uniquePrefix(name));
    await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
    const services = await ServiceProcess.startAll(["registry", "dispatch", "events", "stats", "notifications"], () => engines.serviceEnv());
    const [registry, dispatch, events, stats, notifications] = services.map((s) => s.grpcAddress);
    const gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ REGISTRY_GRPC: registry!, DISPATCH_GRPC: dispatch!, EVENTS_GRPC: events!, STATS_GRPC: stats!, NOTIFICATIONS_GRPC: notifications!, ...gatewayEnv }));
    return new Platform(engines, services, gateway);
  }

  /** Starts the services and the gateway (with its demo accounts), seeds Shenzhen, and waits until dispatch knows the menu. */
  static async start(name: string, gatewayEnv: Record<string, string> = {}): Promise<Platform> {
    const platform = await Platform.empty(name, { DEMO_ACCOUNTS: "1", ...gatewayEnv });
    const engines = platform.engines;
    await seedShenzhen(platform.services[0]!.grpcAddress);
    // Ready when dispatch has heard of the menu item (its read model of the registry's events).
    const probe = await platform.resident("13700003333");
    await waitFor(async () => (await platform.call("POST", "/api/v1/orders", probe, menuOrder)).status === 200, { what: "dispatch to know the menu", timeoutMs: 30_000 });
    await engines.waitForDocuments("dispatch", "teams", ["team-futian"], (team) => (team.memberIds as string[] | undefined)?.length === 1); // and the team's volunteer
    return platform;
  }

  async call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.gateway.httpUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text, headers: response.headers };
  }

  /** A staff demo account's access token. */
  async signIn(account: string): Promise<string> {
    return (await this.call("POST", "/api/v1/auth/sign-in", undefined, { account, password: "kepu-demo" })).body.accessToken as string;
  }

  /** A resident of the community, signed in with the one-time code the gateway keeps in Redis here. */
  async resident(phone: string): Promise<string> {
    await this.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    const code = await waitFor(() => this.redis.get(`${this.engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
    return (await this.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: community })).body.accessToken as string;
  }

  /** `npm run admin -- …` (as deploy/local/start.sh runs it) on the test's engines: its exit code and what it printed. */
  async adminCommand(...args: string[]): Promise<{ code: number; out: string }> {
    const env = { ...process.env, ...this.engines.serviceEnv(), LOG_LEVEL: "warn" };
    try {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", adminBin, ...args], { env, timeout: 60_000 });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout + failed.stderr };
    }
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    await Promise.all(this.services.map((s) => s.stop()));
    this.redis.disconnect();
    await this.engines.cleanup();
  }
}
