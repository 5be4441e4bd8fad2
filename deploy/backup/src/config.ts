import { brokerList, engineDefaults, loadConfig, z } from "@kepu/config";

/** What backup and restore read from the environment: the engines and the platform's prefix. */
export const configSchema = z.object({
  KAFKA_BROKERS: brokerList,
  MONGO_URL: z.string().url().default(engineDefaults.MONGO_URL),
  REDIS_URL: z.string().url().default(engineDefaults.REDIS_URL),
  /** The prefix the services run with (KEPU_PREFIX): only its databases, keys, topics and groups are copied. */
  KEPU_PREFIX: z.string().regex(/^[a-z0-9_]*$/).default(""),
});

export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
