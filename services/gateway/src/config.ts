import { loadConfig, serviceEnv } from "@kepu/config";

/** Every setting of the gateway service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 8080, grpcPort: 5199 });

export type Config = ReturnType<typeof loadConfig<typeof configSchema>>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
