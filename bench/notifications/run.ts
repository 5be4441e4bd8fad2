// bench/notifications: a campaign reminder fanned out to BENCH_RESIDENTS (default 10,000) residents
// at once. A campaign activity's session is scheduled 25 h ahead and every resident books a seat;
// then the notifications service's test clock moves one hour on, its 24-h reminder falls due and
// the timer tells every seated resident. Records notifications/s and the time from the reminder
// falling due until the last inbox has it, next to a baseline in the same run: the raw MongoDB
// driver writing the same number of notification documents and per-person inbox upserts by _id
// (the store's floor for one notification per person). Writes bench/results/notifications.json.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MongoClient } from "mongodb";
import { EventPublisher, newEvent } from "@kepu/bus";
import { ActivityScheduledSchema, BookingMadeSchema } from "@kepu/contracts/events/v1/events_pb";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { sampleRss } from "../lib/rss.js";

const residents = Number(process.env.BENCH_RESIDENTS ?? 10_000);
const hour = 3_600_000;
const engines = new TestEngines(uniquePrefix("benchnotify"));
const topics = { dispatch: engines.topic("dispatch"), events: engines.topic("events"), registry: engines.topic("registry") };
await engines.createTopics(Object.values(topics), 6);
const publisher = new EventPublisher(engines.kafka);
const mongo = new MongoClient(engines.urls.mongoUrl);
await mongo.connect();
const db = mongo.db(engines.database("notifications"));
const clockDir = mkdtempSync(join(tmpdir(), "kepu-bench-notify-"));
const clockFile = join(clockDir, "offset");
const setOffset = (ms: number) => {
  writeFileSync(`${clockFile}.next`, String(ms));
  renameSync(`${clockFile}.next`, clockFile);
};
setOffset(0);

const service = await ServiceProcess.start("notifications", engines.serviceEnv({ TEST_CLOCK_FILE: clockFile, LOG_LEVEL: "warn" }));
const client = createRpcClient(NotificationsService, service.grpcAddress, { signer: testSigner() });
const rss = sampleRss(service.pid!);
try {
  // A campaign session 25 h ahead (its reminder due in 1 h), and every resident seated.
  const startsAt = new Date(Date.now() + 25 * hour);
  const meta = (v: number) => ({ source: "bench", aggregateId: "campaign-act", aggregateVersion: v, correlationId: "bench-notify" });
  await publisher.publish(topics.events, [
    newEvent(ActivityScheduledSchema, { activityId: "campaign-act", title: "全国科普日主场活动", organizerOrgId: "sz-futian", sessions: [{ sessionId: "s1", startsAt: timestampFromDate(startsAt), place: "深圳市民中心", capacity: residents }] }, meta(1)),
  ]);
  const bookings = Array.from({ length: residents }, (_, i) => newEvent(BookingMadeSchema, { activityId: "campaign-act", sessionId: "s1", bookingId: `b${i}`, residentId: `r${i}` }, meta(2 + i)));
  for (let i = 0; i < bookings.length; i += 2_000) await publisher.publish(topics.events, bookings.slice(i, i + 2_000));
  const seats = db.collection<{ _id: string; residents: string[] }>("seats");
  await waitFor(async () => (await seats.find().toArray()).reduce((n, d) => n + d.residents.length, 0) >= residents, { timeoutMs: 600_000, intervalMs: 1_000, what: `${residents} seats` });
  console.log(`${residents} residents seated; moving the clock to the reminder`);

  // The reminder falls due: 24 h before the session.
  const dueAt = Date.now();
  setOffset(hour + 1_000);
  const inboxes = db.collection("inboxes");
  await waitFor(async () => (await inboxes.countDocuments()) >= residents, { timeoutMs: 900_000, intervalMs: 100, what: `${residents} inboxes` });
  const lastInboxMs = Date.now() - dueAt;
  const last = await client.listInbox({}, { actor: { id: `r${residents - 1}`, role: Role.RESIDENT, orgId: "sz-futian" } });
  const stored = await db.collection("notifications").countDocuments();
  const peakRssMb = Math.max(0, ...rss.stop());

  // Baseline: the raw driver, the same documents and inbox upserts, one at a time per inbox, 32 at once.
  const scratch = mongo.db(`${engines.prefix}baseline`);
  const baselineStart = Date.now();
  const docs = Array.from({ length: residents }, (_, i) => ({ _id: `n${i}`, mailbox: `person:r${i}`, kind: "activity.reminder", title: "活动提醒", body: "x".repeat(80), at: new Date() }));
  await scratch.collection<{ _id: string }>("notifications").insertMany(docs, { ordered: false });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < residents) {
        const i = next++;
        await scratch.collection<{ _id: string }>("inboxes").updateOne({ _id: `person:r${i}` }, { $addToSet: { ids: `n${i}`, unread: `n${i}` } }, { upsert: true });
      }
    }),
  );
  const baselineMs = Date.now() - baselineStart;

  const perSecond = Math.round((residents / lastInboxMs) * 1000);
  const baselinePerSecond = Math.round((residents / baselineMs) * 1000);
  writeResult(
    "notifications",
    {
      residents,
      notificationsStored: stored,
      lastResidentHasIt: last.notifications.some((n) => n.kind === "activity.reminder"),
      timeToLastInboxMs: lastInboxMs,
      notificationsPerSecond: perSecond,
      baseline: { what: "raw MongoDB driver: insertMany of the notifications + one _id upsert per inbox, 32 at once", ms: baselineMs, perSecond: baselinePerSecond },
      ratioToBaseline: Math.round((perSecond / baselinePerSecond) * 100) / 100,
      peakRssMb,
      note: "the time includes up to one timer interval (1 s) before the reminder's minute is read",
    },
    [
      { what: "notifications service fan-out", residents, ms: lastInboxMs, perSecond },
      { what: "baseline: raw driver, same writes", residents, ms: baselineMs, perSecond: baselinePerSecond },
    ],
  );
} finally {
  client.close();
  await service.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
  rmSync(clockDir, { recursive: true, force: true });
}
