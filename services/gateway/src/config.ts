import { isIP } from "node:net";
import { loadConfig, serviceEnv, z } from "@kepu/config";

/** "10.0.0.0/8", "192.0.2.10" or "2001:db8::/32": an address, or one with a prefix length its family allows. */
const isAddressOrCidr = (entry: string) => {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

/** Every setting of the gateway, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 8080, grpcPort: 0 }).extend({
  HTTP_HOST: z.string().default("127.0.0.1"),
  REGISTRY_GRPC: z.string().default("127.0.0.1:5101"),
  DISPATCH_GRPC: z.string().default("127.0.0.1:5102"),
  EVENTS_GRPC: z.string().default("127.0.0.1:5103"),
  STATS_GRPC: z.string().default("127.0.0.1:5104"),
  /** Signs access tokens (HS256). Set a long random value in production. */
  JWT_SECRET: z.string().min(32).default("kepu-dev-jwt-secret-change-me-0123456789"),
  ACCESS_TOKEN_MINUTES: z.coerce.number().int().positive().default(15),
  REFRESH_TOKEN_DAYS: z.coerce.number().int().positive().default(7),
  /** Requests per minute per signed-in user (whatever addresses they come from). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Requests per minute per client address, signed in or not (one address may be a whole office behind NAT). */
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  /**
   * Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the client. Empty: none,
   * the client is the peer itself. List only the load balancers in front of the gateway.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrCidr), "每项须为 IP 或 CIDR / each entry must be an IP or a CIDR"),
  /** Failed staff sign-ins to one account within the window that lock it, and for how long. */
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  SIGN_IN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  SIGN_IN_LOCK_SECONDS: z.coerce.number().int().positive().default(900),
  CORS_ORIGIN: z.string().default("http://127.0.0.1:5173"),
  /** Create one demo account per role at start (never in production). */
  DEMO_ACCOUNTS: z.enum(["0", "1"]).default("0"),
  /** Residents' one-time codes go by SMS through this HTTP endpoint; unset, they stay in Redis (never in production). */
  SMS_WEBHOOK_URL: z.string().url().optional(),
  SMS_WEBHOOK_TOKEN: z.string().default(""),
  /** A built web app (services/web/dist) to serve at /. */
  WEB_DIST: z.string().default(""),
});

export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(configSchema, env);
  if (config.NODE_ENV === "production" && config.JWT_SECRET.startsWith("kepu-dev")) throw new Error("JWT_SECRET must be set in production");
  if (config.NODE_ENV === "production" && config.DEMO_ACCOUNTS === "1") throw new Error("DEMO_ACCOUNTS cannot be used in production");
  return config;
}
