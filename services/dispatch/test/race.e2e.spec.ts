import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent } from "@kepu/bus";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { OrganizationRegisteredSchema, TeamRegisteredSchema, VolunteerJoinedTeamSchema } from "@kepu/contracts/registry/v1/events_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { request } from "./order-fixtures.js";

const engines = new TestEngines(uniquePrefix("race"));
const publisher = new EventPublisher(engines.kafka);
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof DispatchService>>;
const teams = Array.from({ length: 50 }, (_, i) => `team-${i}`);
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-hongli" };

beforeAll(async () => {
  await engines.createTopics([engines.topic("dispatch"), engines.topic("registry"), engines.topic("events")]);
  // The registry's news of the community and of 50 teams serving it, each with a volunteer.
  const community = request.community!;
  const meta = (aggregateId: string, aggregateVersion: number) => ({ source: "race-e2e", aggregateId, aggregateVersion, correlationId: "race" });
  await publisher.publish(engines.topic("registry"), [
    newEvent(OrganizationRegisteredSchema, { orgId: community.orgId, name: community.orgId, kind: OrgKind.COMMUNITY, place: community }, meta(community.orgId, 1)),
    ...teams.flatMap((teamId) => [
      newEvent(TeamRegisteredSchema, { teamId, name: teamId, themes: [request.theme], serviceAreaOrgIds: ["sz-futian"] }, meta(teamId, 1)),
      newEvent(VolunteerJoinedTeamSchema, { teamId, volunteerId: `vol-${teamId}` }, meta(teamId, 2)),
    ]),
  ]);
  service = await ServiceProcess.start("dispatch", engines.serviceEnv());
  client = createRpcClient(DispatchService, service.grpcAddress, { signer: testSigner() });
  await engines.waitForDocuments("dispatch", "orgs", [community.orgId]);
  await engines.waitForDocuments("dispatch", "teams", teams, (team) => (team.memberIds as string[] | undefined)?.length === 1);
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
});

describe("exactly one team wins an order", () => {
  it("50 teams racing to accept each of 20 orders: one winner each, every loser told it was already accepted", async () => {
    const orderIds = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    for (const orderId of orderIds) {
      await client.submitOrder({ request, orderId }, { actor: { id: "resident-1", role: Role.RESIDENT, orgId: worker.orgId } });
      await client.dispatchOrder({ orderId, teamIds: teams }, { actor: worker });
    }
    const outcomes = await Promise.all(
      orderIds.flatMap((orderId) =>
        teams.map((teamId) =>
          client
            .acceptOrder({ orderId, teamId }, { actor: { id: `leader-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId }, timeoutMs: 60_000 })
            .then(() => ({ orderId, teamId, won: true, code: "" }))
            .catch((error: { code?: string }) => ({ orderId, teamId, won: false, code: error.code ?? String(error) })),
        ),
      ),
    );
    for (const orderId of orderIds) {
      const mine = outcomes.filter((o) => o.orderId === orderId);
      const winners = mine.filter((o) => o.won);
      expect(winners, orderId).toHaveLength(1);
      expect(new Set(mine.filter((o) => !o.won).map((o) => o.code))).toEqual(new Set(["ORDER_ALREADY_ACCEPTED"]));
      const { order } = await client.getOrder({ orderId }, { actor: worker });
      expect(order).toMatchObject({ status: OrderStatus.ACCEPTED, acceptedTeamId: winners[0]!.teamId });
    }
  });
});
