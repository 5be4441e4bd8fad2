// The whole demo seed (what `npm start` loads) against a started platform: a newcomer signing in
// as the demo accounts finds the features of issues 16 and 19 filled, and a second run changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { testSigner, waitFor } from "@kepu/testkit";
import { Platform } from "../../../services/gateway/test/platform.js";
import { seedDemo, type DemoTarget } from "../src/demo.js";
import { nextBeijingMonth } from "../src/features.js";
import { caravanRotation, credits, kepuMonth, mergeOrders, venueBookings } from "../src/shenzhen.js";

let platform: Platform;
let target: DemoTarget;
const campaignId = `kepu-month-${new Date().getUTCFullYear()}`;
const month = nextBeijingMonth(new Date()).key;
const residentOf = (id: string) => ({ actor: { id, role: Role.RESIDENT, orgId: "sz-futian-yuanling-c1" } });

beforeAll(async () => {
  platform = await Platform.empty("demo-seed");
  const admin = await platform.adminCommand("--account", "admin", "--name", "平台管理员", "--org", "sz", "--password", "kepu-demo", "--no-must-change");
  expect(admin.code, admin.out).toBe(0);
  const [registry, dispatch, events] = platform.services.map((s) => s.grpcAddress);
  const rpc = { signer: testSigner(), timeoutMs: 30_000 }; // the seed writes ~100 things at once; a loaded CI machine is slow
  target = { registry: createRpcClient(RegistryService, registry!, rpc), dispatch: createRpcClient(DispatchService, dispatch!, rpc), events: createRpcClient(EventsService, events!, rpc), gatewayUrl: platform.gateway.httpUrl };
}, 120_000);

afterAll(async () => {
  for (const client of [target?.registry, target?.dispatch, target?.events]) (client as { close?: () => void } | undefined)?.close?.();
  await platform?.stop();
});

async function get(account: string, path: string) {
  const answer = await platform.call("GET", path, await platform.signIn(account));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** What the demo accounts (and the demo residents) see of issues 16 and 19, read through the APIs. */
async function snapshot() {
  const { rollup } = await get("city", `/api/v1/campaigns/${campaignId}/rollup`);
  const { suggestions } = await get("street", "/api/v1/orders/merge-suggestions?orgId=sz-futian-yuanling");
  const student = await target.events.listMyCredits({}, residentOf(credits.student.residentId));
  const parent = await target.events.listMyCredits({}, residentOf(credits.parent.residentId));
  const { plan } = await get("district", `/api/v1/resources/${caravanRotation.resourceId}/rotation/${month}`);
  const { reservations } = await get("district", `/api/v1/resources/${venueBookings.resourceId}/calendar?month=${month}`);
  return {
    rollup: {
      activities: rollup.activities ?? 0,
      participants: rollup.participants ?? 0,
      late: rollup.summariesLate ?? 0,
      onTime: rollup.summariesOnTime ?? 0,
      levels: (rollup.byLevel ?? []).map((row: { key: string; activities: number }) => `${row.key}:${row.activities}`),
      lateFilers: (rollup.lateFilers ?? []).map((f: { title: string }) => f.title).sort(),
    },
    merge: (suggestions ?? []).map((s: { orderIds: string[] }) => [...s.orderIds].sort()),
    credits: student.credits.map((c) => `${c.studentName} ${c.activityTitle} ${c.credits}`),
    children: parent.students.map((s) => `${s.name} ${s.schoolName} guardian=${s.guardianId}`),
    rotation: (plan.stays ?? []).map((s: { communityId: string }) => s.communityId).sort(),
    venue: (reservations ?? []).map((r: { title: string; startsAt: string }) => `${r.title} ${r.startsAt}`),
  };
}

describe("the Shenzhen demo seed on a started platform", () => {
  it("fills the campaign roll-up, a merge suggestion, a student's credit, the caravan's rotation and a venue's calendar; a second run changes nothing", async () => {
    const line = await seedDemo(target);
    console.log(line);
    expect(line).toMatch(/^\[demo\] Shenzhen demo data ready in \d+ ms: .*3 open orders to merge, 1 student credit and 1 child registered, a caravan rotation of 4 stays in \d{4}-\d{2}, 2 venue sessions/);

    // The roll-up is the stats service's projection of the events: wait until it holds every summary.
    await waitFor(
      async () => {
        const { rollup } = await get("city", `/api/v1/campaigns/${campaignId}/rollup`);
        return (rollup.summariesLate ?? 0) + (rollup.summariesOnTime ?? 0) === kepuMonth.length;
      },
      { what: "the roll-up to count the 科普月 summaries", timeoutMs: 30_000 },
    );
    const first = await snapshot();
    expect(first.rollup).toMatchObject({ activities: kepuMonth.length, participants: 186 + 38 + 54 + 71 + 26 });
    // Filed after the 28 September due date (the seed runs after the 科普月), every summary is late, by name.
    expect(first.rollup.late + first.rollup.onTime).toBe(kepuMonth.length);
    expect(first.rollup.lateFilers).toHaveLength(first.rollup.late);
    expect(first.merge).toContainEqual(mergeOrders.map((o) => o.orderId).sort());
    expect(first.credits).toEqual([`${credits.student.name} ${credits.activity.title} 1`]);
    expect(first.children).toEqual([`${credits.parent.child.name} 园岭小学 guardian=${credits.parent.residentId}`]);
    expect(first.rotation).toEqual([...caravanRotation.communities].sort());
    expect(first.venue).toHaveLength(2);
    expect(first.venue.every((r: string) => r.startsWith(venueBookings.title))).toBe(true);

    const again = await seedDemo(target);
    console.log(again);
    expect(again).toContain(" 0 new demo accounts");
    expect(await snapshot()).toEqual(first);
  }, 240_000);
});
