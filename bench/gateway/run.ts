// bench/gateway: authenticated menu-list reads through the gateway (JWT check, Redis rate limit,
// cached registry answer) against a bare fastify route serving the same JSON, in the same run,
// load generated on loopback by autocannon. Writes bench/results/gateway.json.
import autocannon from "autocannon";
import Fastify from "fastify";
import { SignJWT } from "jose";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { rssMb, sampleRss } from "../lib/rss.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const secret = "bench-gateway-secret-0123456789abcdefghij";
const engines = new TestEngines(uniquePrefix("benchgw"));
await engines.createTopics([engines.topic("registry")]);
const registry = await ServiceProcess.start("registry", engines.serviceEnv({ LOG_LEVEL: "error" }));
const gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ LOG_LEVEL: "error", JWT_SECRET: secret, REGISTRY_GRPC: registry.grpcAddress, RATE_LIMIT_PER_MINUTE: "100000000", RATE_LIMIT_IP_PER_MINUTE: "100000000" }));
const bare = Fastify();

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

try {
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  const client = createRpcClient(RegistryService, registry.grpcAddress, { signer: testSigner() });
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["d", OrgKind.DISTRICT, "sz"], ["s", OrgKind.STREET, "d"], ["c", OrgKind.COMMUNITY, "s"]] as const) await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  await client.registerTeam({ teamId: "t", name: "科普队", orgId: "d", themes: [Theme.HEALTH], serviceAreaOrgIds: ["d"] }, admin);
  for (let i = 0; i < 20; i++) {
    await client.publishMenuItem({ item: { itemId: `m${i}`, title: `科普讲座 ${i}`, theme: Theme.HEALTH, format: 1, durationMinutes: 60, capacity: 50, serviceAreaOrgId: "d", providerKind: ProviderKind.TEAM, providerId: "t" } }, admin);
  }
  client.close();
  const token = await new SignJWT({ role: Role.RESIDENT, org: "c", name: "" }).setProtectedHeader({ alg: "HS256" }).setSubject("bench").setIssuer("kepu-gateway").setAudience("kepu-app").setExpirationTime("1h").sign(new TextEncoder().encode(secret));
  const menuUrl = `${gateway.httpUrl}/api/v1/menu?communityId=c`;
  const sample = await (await fetch(menuUrl, { headers: { authorization: `Bearer ${token}` } })).json();
  bare.get("/menu", async () => sample);
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/menu`;

  const baseline = await load(bareUrl, {});
  // The gateway's memory: idle, then at its peak under the read load (the memory target covers it too).
  const idleRss = rssMb(gateway.pid!);
  const sampler = sampleRss(gateway.pid!, 500);
  const through = await load(menuUrl, { authorization: `Bearer ${token}` });
  const rss = { idle: idleRss, underLoadPeak: Math.max(...sampler.stop()) };
  const ratio = Math.round((through.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100;
  writeResult(
    "gateway",
    { params: { seconds, connections, menuItems: 20 }, bareFastify: baseline, gateway: through, ratio, gatewayRssMb: rss, target: "≥ 15,000 req/s and ≥ 50% of a bare fastify route in the same run" },
    [
      { route: "bare fastify", "req/s": baseline.requestsPerSecond, "p50 ms": baseline.p50Ms, "p99 ms": baseline.p99Ms },
      { route: "gateway menu (JWT, rate limit, cache)", "req/s": through.requestsPerSecond, "p50 ms": through.p50Ms, "p99 ms": through.p99Ms, "non-2xx": through.non2xx },
      { route: "ratio", "req/s": ratio },
      { route: `gateway RSS idle ${rss.idle} MB, peak under load ${rss.underLoadPeak} MB` },
    ],
  );
} finally {
  await bare.close();
  await gateway.stop();
  await registry.stop();
  await engines.cleanup();
}
