// The services a benchmark starts (testkit's ServiceProcess) run with the V8 flags production runs
// them with (deploy/local/node-flags.mjs), so memory and CPU are measured as `npm start` runs them.
// Flags already in KEPU_SERVICE_NODE_ARGS (a profile's --cpu-prof) are kept after them.
import { serviceNodeFlags } from "../../deploy/local/node-flags.mjs";

export function servicesRunAsProduction(): void {
  process.env.KEPU_SERVICE_NODE_ARGS = [...serviceNodeFlags, process.env.KEPU_SERVICE_NODE_ARGS ?? ""].join(" ").trim();
}
