import { loadConfig, serviceEnv, z } from "@kepu/config";

/** Every setting of the events service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4103, grpcPort: 5103 }).extend({
  /** Bookings can be cancelled until this many hours before the session. */
  CANCEL_CUTOFF_HOURS: z.coerce.number().min(0).default(2),
  WAITLIST_MAX: z.coerce.number().int().min(0).default(200),
  /** Bookings one resident may hold at a time. */
  BOOKINGS_PER_PERSON: z.coerce.number().int().min(1).default(5),
  /** Share of seats kept for the community that ordered the activity… */
  PRIORITY_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  /** …until this many hours before it starts. */
  PRIORITY_HOURS_BEFORE_START: z.coerce.number().min(0).default(48),
  /** Bookings close this many minutes before the session starts. */
  BOOKING_CUTOFF_MINUTES: z.coerce.number().min(0).default(30),
  /** Check-in (签到) opens this many minutes before the session starts and closes at its end. */
  CHECK_IN_OPENS_MINUTES: z.coerce.number().min(0).default(60),
  /**
   * Test only (refused in production): a file holding how many milliseconds the service's clock
   * runs ahead of (or behind) the machine's, re-read at every tick, so an end-to-end test can move
   * the service to the day of a session. No file, or an empty one, is the machine's time.
   */
  TEST_CLOCK_FILE: z.string().default(""),
  /** Signs check-in QR codes. Set a long random value in production. */
  CHECK_IN_SECRET: z.string().min(16).default("kepu-dev-check-in-secret-change-me"),
  /** The recurring campaigns are seeded for every year from this one to next year (each once; edits are kept)… */
  CAMPAIGN_SEED_FIRST_YEAR: z.coerce.number().int().min(2000).max(2100).default(2020),
  /** …owned by the city's association (市科协), which edits them. */
  CAMPAIGN_CITY_ORG_ID: z.string().min(1).default("sz"),
});

export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(configSchema, env);
  if (config.NODE_ENV === "production" && config.CHECK_IN_SECRET.startsWith("kepu-dev")) throw new Error("CHECK_IN_SECRET must be set in production");
  if (config.NODE_ENV === "production" && config.TEST_CLOCK_FILE) throw new Error("TEST_CLOCK_FILE is for tests only");
  return config;
}
