import { DiagnosticsService } from "@kepu/contracts/common/v1/diagnostics_pb";
import type { ServiceImplementation } from "./definition.js";

const startedAt = Date.now();

/** The DiagnosticsService every service serves: its name and whether its engines answer. */
export function diagnostics(service: string, readiness: Record<string, () => Promise<boolean>>): ServiceImplementation<typeof DiagnosticsService> {
  return {
    async ping(request, context) {
      const names = Object.keys(readiness);
      const answers = await Promise.all(names.map((name) => readiness[name]!().catch(() => false)));
      return {
        service,
        echo: request.echo,
        caller: context.actor,
        correlationId: context.correlationId,
        engines: Object.fromEntries(names.map((name, i) => [name, answers[i]!])),
        uptimeSeconds: BigInt(Math.round((Date.now() - startedAt) / 1000)),
      };
    },
  };
}

export { DiagnosticsService };
