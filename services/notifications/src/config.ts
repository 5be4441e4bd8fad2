import { loadConfig, serviceEnv, z } from "@kepu/config";

/** Every setting of the notifications service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4105, grpcPort: 5105 })
  .extend({
    /**
     * SMS go by POST {phone, text} with this bearer token (the gateway's sender contract). Unset:
     * they stay in Redis (<prefix>sms-outbox) — in production, each fails with its reason instead.
     */
    SMS_WEBHOOK_URL: z.preprocess((value) => (value === "" ? undefined : value), z.string().url().optional()),
    SMS_WEBHOOK_TOKEN: z.string().default(""),
    /** At most this many SMS per person per Beijing day; the rest stay in-app only. */
    SMS_DAILY_CAP: z.coerce.number().int().min(0).default(5),
    /** Tries before an SMS is dead-lettered with its reason (backoff doubles from 2 s, at most 1 h). */
    SMS_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
    /**
     * Key (32 bytes, base64) that encrypts the phones given at SMS opt-in (AES-256-GCM). Required
     * in production; elsewhere a fixed development key.
     */
    NOTIFICATIONS_PHONE_KEY: z.string().default(""),
    /**
     * How often the timers (reminders, due SMS, webhook retries) look for work; never faster than
     * once a second. 2 s by default: each pass queries the store, and at 1 s this timer was the
     * largest idle cost left among the services (issue 20, bench/results/idle.json).
     */
    TIMER_INTERVAL_MS: z.coerce.number().int().min(1_000).default(2_000),
    /** Hours before a session starts that its booked residents are reminded. */
    REMINDER_HOURS: z.coerce.number().positive().default(24),
    /** Webhooks: the first retry's delay after a failed delivery; each next one doubles (tests set it short). */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).default(10_000),
    /** Webhooks: the longest wait between two tries of one delivery. */
    WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(100).default(3_600_000),
    /** Webhooks: how long after its creation a delivery is still retried. */
    WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(1_000).default(24 * 3_600_000),
    /** Webhooks: consecutive failed attempts after which a subscription is disabled and its owner told. */
    WEBHOOK_MAX_FAILURES: z.coerce.number().int().positive().default(100),
    /** Webhooks: how long a receiver has to answer one POST. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** Tests only: a file holding the milliseconds to add to the machine's time (a fixed clock). */
    TEST_CLOCK_FILE: z.string().default(""),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== "production") return;
    if (!config.NOTIFICATIONS_PHONE_KEY) ctx.addIssue({ code: "custom", path: ["NOTIFICATIONS_PHONE_KEY"], message: "生产环境必须配置手机号加密密钥 / required in production: the key that encrypts phones" });
    if (config.WEBHOOK_RETRY_BASE_MS < 1_000) ctx.addIssue({ code: "custom", path: ["WEBHOOK_RETRY_BASE_MS"], message: "生产环境重试间隔至少 1 秒 / at least 1 s in production (shorter is for tests)" });
    if (config.TEST_CLOCK_FILE) ctx.addIssue({ code: "custom", path: ["TEST_CLOCK_FILE"], message: "仅用于测试 / for tests only" });
  });

export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
