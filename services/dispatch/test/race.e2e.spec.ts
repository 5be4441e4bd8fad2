import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { request } from "./order-fixtures.js";

const engines = new TestEngines(uniquePrefix("race"));
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof DispatchService>>;
const teams = Array.from({ length: 50 }, (_, i) => `team-${i}`);
const worker = { id: "worker-1", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-hongli" };

beforeAll(async () => {
  await engines.createTopics([engines.topic("dispatch"), engines.topic("registry"), engines.topic("events")]);
  service = await ServiceProcess.start("dispatch", engines.serviceEnv());
  client = createRpcClient(DispatchService, service.grpcAddress, { signer: testSigner() });
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await engines.cleanup();
});

describe("exactly one team wins an order", () => {
  it("50 teams racing to accept each of 20 orders: one winner each, every loser told it was already accepted", async () => {
    const orderIds = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    for (const orderId of orderIds) {
      await client.submitOrder({ request, orderId }, { actor: { id: "resident-1", role: Role.RESIDENT } });
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
