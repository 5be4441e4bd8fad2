import { loadConfig, serviceEnv } from "@kepu/config";

/** Every setting of the events service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4103, grpcPort: 5103 });

export type Config = ReturnType<typeof loadConfig<typeof configSchema>>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
