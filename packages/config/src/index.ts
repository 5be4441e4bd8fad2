import { z } from "zod";

export { z };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration / 配置有误:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment once against a schema whose defaults are the typed defaults of one
 * service. Every bad variable is named in one error, so a misconfigured service fails at start.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
}

/** Defaults match deploy/local/engines.sh, so a service started by hand finds the local engines. */
export const engineDefaults = {
  KAFKA_BROKERS: "127.0.0.1:19092",
  MONGO_URL: "mongodb://127.0.0.1:27027/",
  REDIS_URL: "redis://127.0.0.1:16379",
} as const;

/** Comma-separated list of brokers → array. */
export const brokerList = z
  .string()
  .default(engineDefaults.KAFKA_BROKERS)
  .transform((value) => value.split(",").map((b) => b.trim()).filter(Boolean));

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** The variables every service reads: engines, topic/database prefix, ports, log level. */
export function serviceEnv(defaults: { httpPort: number; grpcPort: number }) {
  return z.object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    KAFKA_BROKERS: brokerList,
    MONGO_URL: z.string().url().default(engineDefaults.MONGO_URL),
    REDIS_URL: z.string().url().default(engineDefaults.REDIS_URL),
    /** Prefix of topics and databases: lets tests and parallel stacks share one set of engines. */
    KEPU_PREFIX: z.string().regex(/^[a-z0-9_]*$/).default(""),
    HTTP_HOST: z.string().default("127.0.0.1"),
    HTTP_PORT: port(defaults.httpPort),
    GRPC_HOST: z.string().default("127.0.0.1"),
    GRPC_PORT: port(defaults.grpcPort),
    /**
     * The public keys (a JWKS, each key with its kid) that verify the token every gRPC call
     * carries. No default: a service that cannot tell who calls it does not start.
     */
    KEPU_CALL_VERIFY_KEYS: z
      .string({ required_error: "不能为空：验证调用令牌的公钥（JWKS）/ required: the public keys (JWKS) that verify call tokens" })
      .min(1, "不能为空：验证调用令牌的公钥（JWKS）/ required: the public keys (JWKS) that verify call tokens"),
  });
}
