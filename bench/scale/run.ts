// bench/scale (issue 20): every part, one after the other, each writing its own result file
// (bench/results/scale-<part>.json). Each part also runs alone: node --import tsx bench/scale/<part>.ts.
// Sizes and knobs as each part's header says (BENCH_SIZES, BENCH_QUERIES, BENCH_SCANS, BENCH_KEEP).
import { spawnSync } from "node:child_process";
import { servicesRunAsProduction } from "../lib/production-flags.js";

servicesRunAsProduction();

const parts = ["dispatch", "events"];
let failed = 0;
for (const part of parts) {
  console.log(`== bench/scale/${part}.ts`);
  const { status } = spawnSync(process.execPath, ["--import", "tsx", `bench/scale/${part}.ts`], { stdio: "inherit" });
  if (status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
