import { BlockList, isIP } from "node:net";
import { loadConfig, serviceEnv, z } from "@kepu/config";
import { parseHmacKeys } from "@kepu/identity";

/** "10.0.0.0/8", "192.0.2.10" or "2001:db8::/32": an address, or one with a prefix length its family allows. */
const isAddressOrCidr = (entry: string) => {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

const devJwtSecret = "kepu-dev-jwt-secret-change-me-0123456789";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** 127.0.0.0/8, ::1 (IPv4-mapped too) and localhost: nobody but this machine reaches the gateway. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  if (isIP(v4) === 4) return loopback.check(v4, "ipv4");
  return isIP(bare) === 6 && loopback.check(bare, "ipv6");
}

/** Every setting of the gateway, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 8080, grpcPort: 0 }).extend({
  HTTP_HOST: z.string().default("127.0.0.1"),
  REGISTRY_GRPC: z.string().default("127.0.0.1:5101"),
  DISPATCH_GRPC: z.string().default("127.0.0.1:5102"),
  EVENTS_GRPC: z.string().default("127.0.0.1:5103"),
  STATS_GRPC: z.string().default("127.0.0.1:5104"),
  NOTIFICATIONS_GRPC: z.string().default("127.0.0.1:5105"),
  /** Signs access tokens (HS256) when JWT_KEYS is empty. Refused unless set whenever the gateway listens beyond loopback. */
  JWT_SECRET: z.string().min(32).default(devJwtSecret),
  /**
   * Access-token keys, "kid1:secret1,kid2:secret2" (secrets ≥ 32 characters): the first signs, all
   * verify. Rotate without signing anyone out: put the new key first, drop the old one once the
   * tokens it signed expired (ACCESS_TOKEN_MINUTES). Empty: JWT_SECRET is the one key.
   */
  JWT_KEYS: z
    .string()
    .default("")
    .superRefine((text, ctx) => {
      const keys = text ? parseHmacKeys(text) : undefined;
      if (keys && !keys.ok) ctx.addIssue({ code: "custom", message: `密钥格式有误 / ${keys.problem}` });
    }),
  /** The private Ed25519 JWK (with its kid) that signs the token every call to the services carries. */
  KEPU_CALL_SIGNING_KEY: z
    .string({ required_error: "不能为空：签署服务调用的私钥（JWK）/ required: the private key (JWK) that signs calls to the services" })
    .min(1, "不能为空：签署服务调用的私钥（JWK）/ required: the private key (JWK) that signs calls to the services"),
  /** The gateway serves no gRPC: it signs calls and verifies none. */
  KEPU_CALL_VERIFY_KEYS: z.string().default(""),
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
  const secrets = config.JWT_KEYS ? config.JWT_KEYS.split(",").map((entry) => entry.slice(entry.indexOf(":") + 1).trim()) : [config.JWT_SECRET];
  if (secrets.some((secret) => secret.startsWith("kepu-dev")) && (config.NODE_ENV === "production" || !isLoopback(config.HTTP_HOST))) {
    throw new Error(
      `开发用的令牌密钥只能在本机回环地址上使用（HTTP_HOST=${config.HTTP_HOST}）：请设置 JWT_KEYS 或 JWT_SECRET / the development token secret is refused when the gateway listens beyond loopback or in production: set JWT_KEYS or JWT_SECRET`,
    );
  }
  if (config.NODE_ENV === "production" && config.DEMO_ACCOUNTS === "1") throw new Error("DEMO_ACCOUNTS cannot be used in production");
  return config;
}
