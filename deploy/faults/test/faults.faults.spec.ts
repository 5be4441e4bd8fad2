// The fault suite (issues 8 and 21): the whole workflow under load while the broker, the store,
// Redis and the services are killed, the store's disk fills up, Kafka is cut off from one service,
// every event is delivered twice, poison is injected and stats are replayed. After each scenario
// nothing a user submitted is lost or counted twice and the figures equal the records; a booking
// storm under the store's and Redis's crash still seats exactly as many as there are seats.
// `pnpm test:faults` runs the full version; `npm test` (CI) runs the short one.
import { writeFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { isKepuError } from "@kepu/errors";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { audit, readRecords, settledFigures } from "../src/audit.js";
import { FaultEngines } from "../src/engines.js";
import { KafkaPartition, namespacesWork } from "../src/netns.js";
import { backendServices, Platform } from "../src/platform.js";
import { checkDeadLetters, injectPoison } from "../src/poison.js";
import { printReports, type ScenarioReport } from "../src/report.js";
import { BookingStorm } from "../src/storm.js";
import { liveGroups, messageCount, redeliverEverything, waitUntilCaughtUp } from "../src/topics.js";
import { communities, connectClients, placeOf, seedPlaces, workerOf, Workload, type Clients, type Journey } from "../src/workload.js";

const full = process.env.KEPU_FAULTS === "full";
// seats: the booking storm's session (twice as many residents book it); cutMs: how long Kafka is
// unreachable from one service; diskFullMs: how long the store's disk stays full.
const load = full ? { orders: 24, concurrency: 6, kills: 3, seats: 30, cutMs: 30_000, diskFullMs: 15_000 } : { orders: 6, concurrency: 3, kills: 1, seats: 10, cutMs: 10_000, diskFullMs: 4_000 };
const faultEngines = new FaultEngines();
const reports: ScenarioReport[] = [];
let engines: TestEngines;
let platform: Platform;
let clients: Clients;
let workload: Workload;
const contexts = ["registry", "dispatch", "events"];
let startedAt = 0;
// The engines' URLs this suite replaces; files after it in the same fork (the restarts test) need them back.
const sharedEngineUrls = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, MONGO_URL: process.env.MONGO_URL, REDIS_URL: process.env.REDIS_URL };

beforeAll(async () => {
  // The store's data folder gets a disk of its own (a tmpfs) that the disk-full scenario fills;
  // engines a crashed earlier run left behind are stopped first, so nothing runs under the mount.
  await faultEngines.stop();
  await faultEngines.mountStoreDisk();
  await faultEngines.start();
  Object.assign(process.env, await faultEngines.urls());
  engines = new TestEngines(uniquePrefix("faults"));
  await engines.createTopics(contexts.map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  clients = connectClients((name) => platform.address(name));
  workload = new Workload(clients, platform.clock);
  await seedPlaces(clients);
}, 300_000);

afterAll(async () => {
  for (const [name, url] of Object.entries(sharedEngineUrls)) if (url === undefined) delete process.env[name]; else process.env[name] = url;
  printReports(reports);
  mkdirSync("test-artifacts/faults", { recursive: true });
  writeFileSync("test-artifacts/faults.json", JSON.stringify({ scale: full ? "full" : "short", load, reports }, null, 2));
  // The services' last warnings and errors, to read when a scenario failed.
  for (const name of backendServices) if (platform) writeFileSync(`test-artifacts/faults/${name}.log`, platform.services[name].logs());
  clients?.close();
  await platform?.stop();
  await engines?.cleanup();
  await faultEngines.stop();
  await faultEngines.unmountStoreDisk();
}, 180_000);

beforeEach(() => {
  startedAt = Date.now();
});

/** Runs one batch of order lives; `fault` starts once half of them were submitted. */
async function loadWith(label: string, fault: () => Promise<void>): Promise<Journey[]> {
  let faulted: Promise<void> | undefined;
  const batch = await workload.run(label, load.orders, load.concurrency, (n) => {
    if (n === Math.ceil(load.orders / 2)) faulted = fault();
  });
  await faulted;
  await waitUntilCaughtUp(engines.kafka, engines.prefix);
  return batch;
}

async function expectClean(report: ScenarioReport): Promise<void> {
  report.seconds = Math.round((Date.now() - startedAt) / 100) / 10;
  reports.push(report);
  expect(report.problems).toEqual([]);
}

const operator = { id: "fault-operator", role: Role.ADMIN };

describe("the workflow under faults", () => {
  it("runs clean without a fault (the baseline)", async () => {
    const batch = await loadWith("base", async () => undefined);
    await expectClean(await audit("baseline", clients, workload.journeys, batch));
  });

  it("survives the broker killed with SIGKILL mid-load and restarted", async () => {
    const batch = await loadWith("broker", async () => {
      await faultEngines.killBroker();
      await faultEngines.start();
    });
    await expectClean(await audit("broker SIGKILL", clients, workload.journeys, batch));
  });

  for (const name of backendServices) {
    it(`survives ${name} killed with SIGKILL mid-load and restarted (${load.kills}×)`, async () => {
      const batch: Journey[] = [];
      for (let round = 1; round <= load.kills; round++) {
        batch.push(
          ...(await loadWith(`${name}${round}`, async () => {
            await platform.services[name].kill();
            await platform.services[name].launch();
          })),
        );
      }
      await expectClean(await audit(`${name} SIGKILL ×${load.kills}`, clients, workload.journeys, batch));
    });
  }

  /** Runs the storm; `fault` starts once half the seats were taken. */
  async function underStorm(storm: BookingStorm, fault: () => Promise<void>): Promise<void> {
    let faulted: Promise<void> | undefined;
    await storm.run(load.concurrency + 2, (n) => {
      if (n === Math.ceil(storm.seats / 2)) faulted = fault();
    });
    await faulted;
  }

  /** How long a fault lasts: the fault itself, not a wait for something to happen. */
  const lasting = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  for (const engine of [
    { name: "ferretdb", label: "FerretDB" },
    { name: "redis", label: "Redis" },
  ] as const) {
    it(`survives ${engine.label} killed with SIGKILL and restarted during a booking storm, mid-load`, async () => {
      const storm = await BookingStorm.open(clients, engine.name, load.seats);
      const batch = await loadWith(engine.name, () =>
        underStorm(storm, async () => {
          await faultEngines.kill(engine.name);
          await faultEngines.start();
        }),
      );
      const report = await audit(`${engine.label} SIGKILL, booking storm`, clients, workload.journeys, batch);
      const outcome = await storm.check();
      report.problems.push(...outcome.problems);
      report.storm = `${outcome.seated} seated + ${outcome.waitlisted} in line`;
      await expectClean(report);
    });
  }

  it("refuses writes with a clear error while the store's disk is full, half-writes nothing, and recovers when space returns", async () => {
    const communityId = communities[0]!;
    let probeId = "";
    let refusal: unknown;
    const batch = await loadWith("disk", async () => {
      try {
        await faultEngines.fillStoreDisk();
        // SQLite reuses the free pages of its write-ahead log, so the first small writes may still
        // fit: orders are submitted until the store needs a new page and refuses one (those
        // accepted before are ordinary orders).
        const request = { title: "磁盘已满时的点单", theme: Theme.HEALTH, community: await placeOf(clients, communityId) };
        const deadline = Date.now() + 30_000;
        for (let i = 0; refusal === undefined && Date.now() < deadline; i++) {
          probeId = `disk-probe-${Date.now()}-${i}`;
          refusal = await clients.dispatch.submitOrder({ orderId: probeId, request }, { actor: workerOf(communityId) }).then(() => undefined, (error: unknown) => error);
        }
        await lasting(load.diskFullMs);
      } finally {
        faultEngines.freeStoreDisk();
      }
    });
    const report = await audit(`store's disk full ${load.diskFullMs / 1000} s`, clients, workload.journeys, batch);
    if (!isKepuError(refusal) || refusal.code !== "STORAGE_FULL" || !refusal.zh || !refusal.en) {
      report.problems.push(`orders submitted on a full disk for 30 s were answered ${isKepuError(refusal) ? `${refusal.code}: ${refusal.zh} / ${refusal.en}` : String(refusal ?? "accepted, every one")}, not STORAGE_FULL in Chinese and English`);
    }
    const stored = await clients.dispatch.getOrder({ orderId: probeId }, { actor: workerOf(communityId) }).then(
      (r) => r.order,
      (error: unknown) => (isKepuError(error) && error.kind === "not_found" ? undefined : Promise.reject(error)),
    );
    if (stored) report.problems.push(`the order refused on a full disk (${probeId}) was stored anyway`);
    await expectClean(report);
  });

  it(`keeps every order when Kafka is unreachable from the events service for ${load.cutMs / 1000} s (its own network namespace)`, async (context) => {
    if (!(await namespacesWork())) context.skip();
    const partition = new KafkaPartition(platform.services.events, await faultEngines.urls(), engines.serviceEnv({ TEST_CLOCK_FILE: platform.clock.file }));
    let batch: Journey[] = [];
    let crashed = false;
    await partition.enter();
    try {
      batch = await loadWith("cut", async () => {
        await partition.cut();
        await lasting(load.cutMs);
        crashed = !partition.running;
        await partition.restore();
      });
    } finally {
      mkdirSync("test-artifacts/faults", { recursive: true });
      writeFileSync("test-artifacts/faults/events-netns.log", partition.logs());
      await partition.leave();
    }
    const report = await audit(`Kafka cut from events ${load.cutMs / 1000} s`, clients, workload.journeys, batch);
    if (crashed) report.problems.unshift("the events service exited while Kafka was unreachable");
    await expectClean(report);
  });

  it("counts nothing twice when every event is delivered twice", async () => {
    const before = await settledFigures(clients, await readRecords(clients, workload.journeys));
    const copies = await redeliverEverything(engines.kafka, contexts.map((c) => engines.topic(c)));
    await waitUntilCaughtUp(engines.kafka, engines.prefix);
    const report = await audit(`every event twice (+${copies})`, clients, workload.journeys, []);
    await expectClean(report);
    const after = await settledFigures(clients, await readRecords(clients, workload.journeys));
    expect({ ...after.figures, computedAt: undefined }).toEqual({ ...before.figures, computedAt: undefined });
  });

  it("dead-letters 1% undecodable messages in each topic within 3 attempts while the load goes on", async () => {
    const poison = new Map<string, string[]>();
    const batch = await loadWith("poison", async () => {
      for (const topic of contexts.map((c) => engines.topic(c))) {
        poison.set(topic, await injectPoison(engines.kafka, topic, Math.max(1, Math.ceil((await messageCount(engines.kafka, topic)) / 100))));
      }
    });
    const groups = await liveGroups(engines.kafka, engines.prefix);
    const letters = await checkDeadLetters((topic, done) => engines.readTopic(topic, done, 60_000), groups, poison);
    const report = await audit("1% poison", clients, workload.journeys, batch, letters.deadLettered);
    report.problems.unshift(...letters.problems);
    await expectClean(report);
  });

  it("rebuilds the stats projections from offset 0 to the same figures", async () => {
    const records = await readRecords(clients, workload.journeys);
    const before = await settledFigures(clients, records);
    let last = { eventsApplied: 0n, done: false };
    for await (const step of clients.stats.rebuild({}, { timeoutMs: 300_000, actor: operator })) last = step; // a rebuild is an admin's
    expect(last.done).toBe(true);
    const after = await settledFigures(clients, records);
    const report = await audit(`stats replay (${last.eventsApplied} events)`, clients, workload.journeys, []);
    await expectClean(report);
    expect({ ...after.figures, computedAt: undefined }).toEqual({ ...before.figures, computedAt: undefined });
  });
});
