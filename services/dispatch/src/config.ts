import { loadConfig, serviceEnv, z } from "@kepu/config";
import type { DeadlinesByDistrict } from "./domain/deadlines.js";

const deadlines = z.object({ dispatchHours: z.number().positive(), acceptHours: z.number().positive(), claimHours: z.number().positive() });

/** Every setting of the dispatch service, from the environment, with typed defaults. */
export const configSchema = serviceEnv({ httpPort: 4102, grpcPort: 5102 }).extend({
  /**
   * Hours each hop may take before the order escalates, per district id, JSON:
   * {"default":{"dispatchHours":24,"acceptHours":48,"claimHours":24},"sz-nanshan":{...}}
   */
  DISPATCH_DEADLINES: z
    .string()
    .default('{"default":{"dispatchHours":24,"acceptHours":48,"claimHours":24}}')
    .transform((text, ctx) => {
      const parsed = z.object({ default: deadlines }).catchall(deadlines).safeParse(JSON.parse(text));
      if (!parsed.success) ctx.addIssue({ code: "custom", message: parsed.error.message });
      return parsed.data as DeadlinesByDistrict;
    }),
  /** How often the escalation timer looks for orders whose hop has timed out. */
  TIMER_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** Merged demand: neighbouring communities are those of one district (the registry has no street adjacency), or of one street. */
  MERGE_NEIGHBOURHOOD: z.enum(["district", "street"]).default("district"),
  /** Merged demand: at most this many days between the wanted dates of one suggested group. */
  MERGE_WINDOW_DAYS: z.coerce.number().int().positive().max(90).default(14),
});

export type Config = z.infer<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig(configSchema, env);
}
