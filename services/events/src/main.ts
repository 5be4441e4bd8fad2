// Composition root of the events service: configuration, connections, wiring.
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { OutboxRelay } from "@kepu/outbox";
import { CallVerifier, diagnostics, DiagnosticsService, RpcServer } from "@kepu/rpc";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { Activities } from "./activities.js";
import { Campaigns } from "./campaigns.js";
import { calendar } from "@kepu/calendar";
import { clockFrom } from "@kepu/calendar/clock";
import { readConfig } from "./config.js";
import { Rotations } from "./rotations.js";
import { eventsService } from "./grpc/events-service.js";
import { orderConsumer } from "./messaging/order-consumer.js";
import { MergeHoldStore } from "./merged-activity.js";
import { registryConsumer } from "./messaging/registry-consumer.js";
import { ActivityStore } from "./store/activity-store.js";
import { CalendarStore } from "./store/calendar-store.js";
import { CampaignStore } from "./store/campaign-store.js";
import { Credits } from "./credits.js";
import { CreditStore } from "./store/credit-store.js";
import { CreditRules } from "./credit-rules.js";
import { CreditRuleStore } from "./store/credit-rule-store.js";
import { RegistryStore } from "./store/registry-store.js";
import { SeatLedger } from "./store/seat-ledger.js";
import { BookingIndex } from "./store/booking-index.js";
import { ActivityIndex } from "./store/activity-index.js";

const config = readConfig();
const logger = createLogger({ service: "events", level: config.LOG_LEVEL });
const engines = await connectEngines("events", config, { topics: ["events", "dispatch", "registry"], redis: true }, logger);
const clock = clockFrom(config.TEST_CLOCK_FILE);

// The lists from Redis sorted sets (docs/decisions/query-side.md): bookings by resident and by
// activity, activities by subtree, status, team…; supersets of the store, rebuilt only when their
// `built` marker is missing (checked in the background once ready).
const bookingIndex = new BookingIndex(engines.redis!, engines.db!.collection("bookings"), `${config.KEPU_PREFIX}kepu:events:`);
const activityIndex = new ActivityIndex(engines.redis!, engines.db!.collection("activities"), `${config.KEPU_PREFIX}kepu:events:`);
const store = new ActivityStore(engines.db!, engines.topic("events"), { bookings: bookingIndex, activities: activityIndex });
await store.createIndexes();
const registry = new RegistryStore(engines.db!);
const seats = new SeatLedger(engines.redis!, `${config.KEPU_PREFIX}kepu:events:`);
const calendars = new CalendarStore(engines.db!);
const campaignStore = new CampaignStore(engines.db!);
const campaigns = new Campaigns(campaignStore);
// The recurring campaigns (科普月, 科技活动周, 科技工作者日, 食品安全宣传周) as data, each year once; edits are kept.
await campaigns.seedRecurring(config.CAMPAIGN_SEED_FIRST_YEAR, calendar.yearOf(clock()) + 1, { orgId: config.CAMPAIGN_CITY_ORG_ID, path: [config.CAMPAIGN_CITY_ORG_ID] });
const creditStore = new CreditStore(engines.db!, engines.topic("events"));
await creditStore.createIndexes();
const creditRuleStore = new CreditRuleStore(engines.db!, engines.topic("events"));
const relay = new OutboxRelay({ collections: [store.activities, store.bookings, store.conflicts, creditStore.credits, creditRuleStore.sets], publisher: engines.publisher, logger });
const activities = new Activities(
  store,
  seats,
  relay,
  {
    cancelCutoffHours: config.CANCEL_CUTOFF_HOURS,
    waitlistMax: config.WAITLIST_MAX,
    perPersonMax: config.BOOKINGS_PER_PERSON,
    priorityShare: config.PRIORITY_SHARE,
    priorityHoursBeforeStart: config.PRIORITY_HOURS_BEFORE_START,
    checkInSecret: config.CHECK_IN_SECRET,
    bookingCutoffMinutes: config.BOOKING_CUTOFF_MINUTES,
    checkInOpensMinutes: config.CHECK_IN_OPENS_MINUTES,
  },
  clock,
  registry,
  calendars,
  campaignStore,
);
const consumer = orderConsumer(engines.kafka, engines.group("orders"), engines.topic("dispatch"), activities, logger, new MergeHoldStore(engines.db!));
const registryNews = registryConsumer(engines.kafka, engines.group("registry"), engines.topic("registry"), registry, logger);

const rpc = new RpcServer({
  verifier: CallVerifier.fromJwks(config.KEPU_CALL_VERIFY_KEYS),
  onRefused: (problem, method) => logger.warn({ problem, method }, "call refused: no valid call token"),
  onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed"),
})
  .add(EventsService, eventsService(activities, store, seats, clock, new Rotations(calendars, registry), campaigns, new Credits(creditStore, store, relay, clock, new CreditRules(creditRuleStore, campaignStore, relay, clock))))
  .add(DiagnosticsService, diagnostics("events", engines.readiness));
const http = createHttpServer({ logger, readiness: engines.readiness });

relay.start();
await consumer.start();
await registryNews.start();
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort }, "events ready");
for (const [name, index] of [["booking", bookingIndex], ["activity", activityIndex]] as const)
  index.ready().catch((err: unknown) => logger.error({ err, index: name }, "index rebuild failed: the next read tries again"));

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  // Together: each waits for its fetch in flight (up to the consumer's 2 s long poll).
  { name: "consumers", run: () => Promise.all([consumer.stop(), registryNews.stop()]).then(() => undefined) },
  { name: "outbox relay", run: () => relay.stop() },
  { name: "engines", run: () => engines.close() },
]);
