import { loadConfig, serviceEnv } from "@kepu/config";

/** Every setting of the registry service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4101, grpcPort: 5101 });

export type Config = ReturnType<typeof loadConfig<typeof configSchema>>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
