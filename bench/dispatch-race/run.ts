// bench/dispatch-race: TEAMS teams race to accept each of ORDERS orders through dispatch's gRPC API,
// on a dispatch process of its own on the real engines. Records that every order has exactly one
// winner, accepts/s and accept latency. Writes bench/results/dispatch-race.json.
import { EventPublisher, newEvent } from "@kepu/bus";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { OrganizationRegisteredSchema, TeamRegisteredSchema, VolunteerJoinedTeamSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { percentiles, writeResult } from "../lib/report.js";

const teams = Number(process.env.BENCH_TEAMS ?? 50);
const orders = Number(process.env.BENCH_ORDERS ?? 1_000);
const engines = new TestEngines(uniquePrefix("benchrace"));
const community = { orgId: "c1", path: ["sz", "sz-futian", "s1", "c1"], districtId: "sz-futian", streetId: "s1", communityId: "c1" };
const teamIds = Array.from({ length: teams }, (_, i) => `team-${i}`);

await engines.createTopics(["dispatch", "registry", "events"].map((c) => engines.topic(c)));
// The registry's news dispatch checks orders against: the community, and every team serving it with a volunteer.
const meta = (aggregateId: string, aggregateVersion: number) => ({ source: "bench", aggregateId, aggregateVersion, correlationId: "bench-race" });
const publisher = new EventPublisher(engines.kafka);
await publisher.publish(engines.topic("registry"), [
  newEvent(OrganizationRegisteredSchema, { orgId: "c1", name: "c1", kind: OrgKind.COMMUNITY, place: community }, meta("c1", 1)),
  ...teamIds.flatMap((teamId) => [
    newEvent(TeamRegisteredSchema, { teamId, name: teamId, themes: [3], serviceAreaOrgIds: ["sz-futian"] }, meta(teamId, 1)),
    newEvent(VolunteerJoinedTeamSchema, { teamId, volunteerId: `v-${teamId}` }, meta(teamId, 2)),
  ]),
]);
await publisher.disconnect();
const service = await ServiceProcess.start("dispatch", engines.serviceEnv({ LOG_LEVEL: "error" }));
const client = createRpcClient(DispatchService, service.grpcAddress, { signer: testSigner(), timeoutMs: 120_000 });
try {
  await engines.waitForDocuments("dispatch", "orgs", ["c1"]);
  await engines.waitForDocuments("dispatch", "teams", teamIds, (team) => (team.memberIds as string[] | undefined)?.length === 1, 60_000);
  const worker = { actor: { id: "w", role: Role.COMMUNITY_WORKER, orgId: "c1" } };
  // Set-up, not measured: orders submitted and dispatched to every team, 25 at a time.
  for (let from = 0; from < orders; from += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, orders - from) }, async (_, k) => {
        const orderId = `o-${from + k}`;
        await client.submitOrder({ orderId, request: { title: "讲座", theme: 3, community } }, { actor: { id: "r", role: Role.RESIDENT, orgId: "c1" } });
        await client.dispatchOrder({ orderId, teamIds }, worker);
      }),
    );
  }
  const latencies: number[] = [];
  const winners = new Map<string, number>();
  const losersClear = { yes: 0, no: 0 };
  const started = performance.now();
  // Order by order: all teams at once on one order, as in a real 抢单.
  for (let i = 0; i < orders; i++) {
    await Promise.all(
      teamIds.map(async (teamId) => {
        const t0 = performance.now();
        try {
          await client.acceptOrder({ orderId: `o-${i}`, teamId }, { actor: { id: `l-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId } });
          winners.set(`o-${i}`, (winners.get(`o-${i}`) ?? 0) + 1);
        } catch (error) {
          losersClear[(error as { code?: string }).code === "ORDER_ALREADY_ACCEPTED" ? "yes" : "no"]++;
        } finally {
          latencies.push(performance.now() - t0);
        }
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const exactlyOne = [...Array(orders).keys()].every((i) => winners.get(`o-${i}`) === 1);
  const latency = percentiles(latencies);
  writeResult(
    "dispatch-race",
    {
      params: { teams, orders, attempts: teams * orders, note: "each order raced by all teams at once; orders one after another" },
      exactlyOneWinnerPerOrder: exactlyOne,
      losersToldAlreadyAccepted: losersClear.yes,
      losersOtherAnswer: losersClear.no,
      attemptsPerSecond: Math.round((teams * orders) / seconds),
      acceptLatencyMs: latency,
      target: "exactly one winner per order; p99 accept ≤ 100 ms (50 teams × 1,000 orders)",
    },
    [{ "exactly one winner": String(exactlyOne), "attempts/s": Math.round((teams * orders) / seconds), "p50 ms": latency.p50, "p99 ms": latency.p99, "losers told 'already accepted'": losersClear.yes }],
  );
} finally {
  client.close();
  await service.stop();
  await engines.cleanup();
}
