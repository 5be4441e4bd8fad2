// The fault suite (issue 8): the whole workflow under load while the broker and the services are
// killed, every event is delivered twice, poison is injected and stats are replayed. After each
// scenario nothing a user submitted is lost or counted twice and the figures equal the records.
// `pnpm test:faults` runs the full version; `npm test` (CI) runs the short one.
import { writeFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { audit, readRecords, settledFigures } from "../src/audit.js";
import { FaultEngines } from "../src/engines.js";
import { backendServices, Platform } from "../src/platform.js";
import { checkDeadLetters, injectPoison } from "../src/poison.js";
import { printReports, type ScenarioReport } from "../src/report.js";
import { liveGroups, messageCount, redeliverEverything, waitUntilCaughtUp } from "../src/topics.js";
import { connectClients, seedPlaces, Workload, type Clients, type Journey } from "../src/workload.js";

const full = process.env.KEPU_FAULTS === "full";
const load = full ? { orders: 24, concurrency: 6, kills: 3 } : { orders: 6, concurrency: 3, kills: 1 };
const faultEngines = new FaultEngines();
const reports: ScenarioReport[] = [];
let engines: TestEngines;
let platform: Platform;
let clients: Clients;
let workload: Workload;
const contexts = ["registry", "dispatch", "events"];

beforeAll(async () => {
  await faultEngines.start();
  Object.assign(process.env, await faultEngines.urls());
  engines = new TestEngines(uniquePrefix("faults"));
  await engines.createTopics(contexts.map((c) => engines.topic(c)));
  platform = await Platform.start(engines);
  clients = connectClients((name) => platform.address(name));
  workload = new Workload(clients);
  await seedPlaces(clients);
}, 300_000);

afterAll(async () => {
  printReports(reports);
  mkdirSync("test-artifacts/faults", { recursive: true });
  writeFileSync("test-artifacts/faults.json", JSON.stringify({ scale: full ? "full" : "short", load, reports }, null, 2));
  // The services' last warnings and errors, to read when a scenario failed.
  for (const name of backendServices) if (platform) writeFileSync(`test-artifacts/faults/${name}.log`, platform.services[name].logs());
  clients?.close();
  await platform?.stop();
  await engines?.cleanup();
  await faultEngines.stop();
}, 180_000);

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
  reports.push(report);
  expect(report.problems).toEqual([]);
}

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
    for await (const step of clients.stats.rebuild({}, { timeoutMs: 300_000 })) last = step;
    expect(last.done).toBe(true);
    const after = await settledFigures(clients, records);
    const report = await audit(`stats replay (${last.eventsApplied} events)`, clients, workload.journeys, []);
    await expectClean(report);
    expect({ ...after.figures, computedAt: undefined }).toEqual({ ...before.figures, computedAt: undefined });
  });
});
