// Composition root of the notifications service: configuration, connections, wiring.
import { connectEngines } from "@kepu/engines";
import { createHttpServer, gracefulShutdown } from "@kepu/http";
import { createLogger } from "@kepu/log";
import { CallVerifier, diagnostics, DiagnosticsService, RpcServer } from "@kepu/rpc";
import { NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import { WebhooksService } from "@kepu/contracts/notifications/v1/webhooks_pb";
import { clockFrom } from "@kepu/calendar/clock";
import { readConfig } from "./config.js";
import { Reminders } from "./delivery/reminders.js";
import { HttpSmsSender, NoSmsSender, RedisSmsOutbox } from "./delivery/senders.js";
import { SmsDispatcher } from "./delivery/sms-dispatcher.js";
import { notificationsService } from "./grpc/notifications-service.js";
import { notificationsConsumer } from "./messaging/consumer.js";
import { Notifier } from "./notifier.js";
import { DueStore } from "./store/due-store.js";
import { InboxStore } from "./store/inbox-store.js";
import { ReadModel } from "./store/read-model.js";
import { PhoneCipher, SmsStore } from "./store/sms-store.js";
import { TimerLoop } from "./timers.js";
import { webhooksService } from "./webhooks/grpc.js";
import { WebhookStore } from "./webhooks/store.js";
import { WebhookWorker } from "./webhooks/worker.js";

const config = readConfig();
const logger = createLogger({ service: "notifications", level: config.LOG_LEVEL });
const engines = await connectEngines("notifications", config, { topics: ["registry", "dispatch", "events"], redis: !config.SMS_WEBHOOK_URL && config.NODE_ENV !== "production" }, logger);
const db = engines.db!;
const clock = clockFrom(config.TEST_CLOCK_FILE);
if (config.TEST_CLOCK_FILE) logger.warn({ file: config.TEST_CLOCK_FILE }, "test clock in use");

const inbox = new InboxStore(db);
const sms = new SmsStore(db, new PhoneCipher(config.NOTIFICATIONS_PHONE_KEY));
const due = new DueStore(db);
const readModel = new ReadModel(db);
const notifier = new Notifier(inbox, sms, due, clock, logger);
const reminders = new Reminders(readModel, due, notifier, config.REMINDER_HOURS, clock);
const sender = config.SMS_WEBHOOK_URL
  ? new HttpSmsSender(config.SMS_WEBHOOK_URL, config.SMS_WEBHOOK_TOKEN)
  : config.NODE_ENV === "production"
    ? new NoSmsSender()
    : new RedisSmsOutbox(engines.redis!, config.KEPU_PREFIX, clock);
if (!config.SMS_WEBHOOK_URL && config.NODE_ENV === "production") logger.warn("no SMS sender configured (SMS_WEBHOOK_URL): SMS will fail with that reason");
const dispatcher = new SmsDispatcher(sms, due, sender, { dailyCap: config.SMS_DAILY_CAP, maxAttempts: config.SMS_MAX_ATTEMPTS }, clock, logger);
const webhooks = new WebhookStore(db, new PhoneCipher(config.NOTIFICATIONS_PHONE_KEY)); // the secrets sealed with the service's key
const webhookRetry = { baseMs: config.WEBHOOK_RETRY_BASE_MS, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS, windowMs: config.WEBHOOK_RETRY_WINDOW_MS };
const webhookWorker = new WebhookWorker(webhooks, due, inbox, readModel, { retry: webhookRetry, maxFailures: config.WEBHOOK_MAX_FAILURES, timeoutMs: config.WEBHOOK_TIMEOUT_MS }, clock, logger);
const timers = new TimerLoop([{ name: "reminders", run: () => reminders.run() }, { name: "sms", run: () => dispatcher.run() }, { name: "webhooks", run: () => webhookWorker.run() }], logger);
// One group on every topic: a new group reads from offset 0, so names registered before it existed are known.
const consumer = notificationsConsumer(engines.kafka, engines.group("notify"), ["registry", "dispatch", "events"].map((c) => engines.topic(c)), { readModel, notifier, reminders, logger })
  .onEvery((event) => webhookWorker.onEvent(event)); // after the handlers above: every event, to the webhooks it matches

const rpc = new RpcServer({
  verifier: CallVerifier.fromJwks(config.KEPU_CALL_VERIFY_KEYS),
  onRefused: (problem, method) => logger.warn({ problem, method }, "call refused: no valid call token"),
  onUnexpectedError: (err, method) => logger.error({ err, method }, "rpc failed"),
})
  .add(NotificationsService, notificationsService(inbox, sms))
  .add(WebhooksService, webhooksService(webhooks, webhookWorker, clock))
  .add(DiagnosticsService, diagnostics("notifications", engines.readiness));
const http = createHttpServer({ logger, readiness: engines.readiness });

await consumer.start();
timers.start(config.TIMER_INTERVAL_MS);
const grpcPort = await rpc.listen(config.GRPC_HOST, config.GRPC_PORT);
await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ httpPort: config.HTTP_PORT, grpcPort, sms: sender.constructor.name }, "notifications ready");

gracefulShutdown(logger, [
  { name: "http", run: () => http.close() },
  { name: "grpc", run: () => rpc.stop() },
  { name: "timers", run: () => timers.stop() },
  { name: "consumer", run: () => consumer.stop() },
  { name: "engines", run: () => engines.close() },
]);
