// Scale-out on one machine (issue 8): two replicas of dispatch and of stats share the partitions of
// their consumer groups; SIGKILL one of each mid-load and the survivor takes over its partitions,
// with nothing lost and nothing counted twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestClock, TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { audit } from "../src/audit.js";
import type { BackendService } from "../src/platform.js";
import { assignments, waitUntilCaughtUp } from "../src/topics.js";
import { connectClients, seedPlaces, Workload, type Clients } from "../src/workload.js";

const engines = new TestEngines(uniquePrefix("scaleout"));
const clock = new TestClock(); // the events service's: completion waits for the session to be over
const partitions = 3;
const replicated = ["dispatch", "stats"] as const;
let single: Record<"registry" | "events", ServiceProcess>;
let pairs: Record<(typeof replicated)[number], [ServiceProcess, ServiceProcess]>;
let clients: Clients;

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)), partitions);
  const start = (name: string) => ServiceProcess.start(name, engines.serviceEnv({ TEST_CLOCK_FILE: clock.file }));
  const [registry, events, d1, d2, s1, s2] = await Promise.all(["registry", "events", "dispatch", "dispatch", "stats", "stats"].map(start));
  single = { registry: registry!, events: events! };
  pairs = { dispatch: [d1!, d2!], stats: [s1!, s2!] };
  // Clients talk to the first replica of each pair: the one that survives.
  const address = (name: BackendService) => (name === "dispatch" || name === "stats" ? pairs[name][0] : single[name]).grpcAddress;
  clients = connectClients(address);
}, 180_000);

afterAll(async () => {
  clients?.close();
  await Promise.all([...Object.values(single ?? {}), ...Object.values(pairs ?? {}).flat()].map((s) => s.stop()));
  await engines.cleanup();
  clock.remove();
});

/** The groups of the replicated services: dispatch's two consumers and the stats projector. */
const groups = () => [engines.prefix + "kepu.dispatch.registry", engines.prefix + "kepu.dispatch.activities", engines.prefix + "kepu.stats.projector-g1"];

/** Waits until the group has `members` members that together hold every partition of its topics. */
async function sharedBy(groupId: string, members: number): Promise<Map<string, Record<string, number[]>>> {
  return waitFor(
    async () => {
      const held = await assignments(engines.kafka, groupId);
      const all = [...held.values()].flatMap((a) => Object.entries(a).flatMap(([topic, ps]) => ps.map((p) => `${topic}/${p}`)));
      const everyMemberWorks = [...held.values()].every((a) => Object.values(a).flat().length > 0);
      return held.size === members && everyMemberWorks && new Set(all).size === all.length && all.length % partitions === 0 && held;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: `${groupId} shared by ${members} member(s)` },
  );
}

describe("two replicas of dispatch and of stats", () => {
  it("share their groups' partitions, and a survivor takes over a killed replica's partitions with nothing lost", async () => {
    for (const groupId of groups()) expect((await sharedBy(groupId, 2)).size).toBe(2);
    await seedPlaces(clients);

    const workload = new Workload(clients, clock);
    let killed: Promise<unknown> | undefined;
    const batch = await workload.run("scale", 8, 4, (n) => {
      if (n === 4) killed = Promise.all(replicated.map((name) => pairs[name][1].kill()));
    });
    await killed;

    for (const groupId of groups()) expect((await sharedBy(groupId, 1)).size).toBe(1);
    await waitUntilCaughtUp(engines.kafka, engines.prefix);
    const report = await audit("two replicas, one killed", clients, workload.journeys, batch);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ sent: 8, stored: 8, counted: 8 });
  });
});
