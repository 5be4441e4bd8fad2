import { loadConfig, serviceEnv } from "@kepu/config";

/** Every setting of the stats service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4104, grpcPort: 5104 });

export type Config = ReturnType<typeof loadConfig<typeof configSchema>>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
