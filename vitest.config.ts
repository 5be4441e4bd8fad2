import { defineConfig } from "vitest/config";

// One workspace config, three tiers by file name:
//   *.unit.spec.ts — pure logic, no engines
//   *.int.spec.ts  — one adapter or package against the real engines
//   *.e2e.spec.ts  — services as processes, driven through their public APIs
//   *.faults.spec.ts — the whole platform under load on engines of its own, killed and poisoned
//                      (short in `npm test`; `pnpm test:faults` runs it in full)
const ignore = ["**/node_modules/**", "**/dist/**"];
const engines = "./packages/testkit/src/global-setup.ts";
const bundles = "./packages/testkit/src/build-services.ts";

// Two test files at a time even on 2 cores: most of an e2e file's time is spent waiting on the
// engines (consumer groups joining, Kafka's retention, a browser page), so the second core is
// idle otherwise (CI took ~20 min with one). Every file has its own prefix, topics, ports and
// build lock. The fault suite kills and starves processes: it runs alone, after all the others.
const workers = Number(process.env.KEPU_TEST_WORKERS ?? 2);
// The supervisor's restarts under load saturate both cores for a minute: the browser journey that ran
// beside it missed its page in three CI runs out of three. It runs alone too, with the fault suite.
const alone = ["deploy/faults/test/restarts.e2e.spec.ts"];

export default defineConfig({
  test: {
    maxWorkers: workers,
    minWorkers: 1,
    projects: [
      { test: { name: "unit", include: ["{packages,services,bench}/**/*.unit.spec.ts"], exclude: ignore } },
      {
        test: { name: "int", include: ["{packages,services,deploy}/**/*.int.spec.ts"], exclude: ignore, globalSetup: [engines], testTimeout: 60_000, hookTimeout: 90_000 },
      },
      {
        test: { name: "e2e", include: ["{packages,services,deploy}/**/*.e2e.spec.ts"], exclude: [...ignore, ...alone], globalSetup: [engines, bundles], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      { test: { name: "faults", include: ["deploy/**/*.faults.spec.ts", ...alone], exclude: ignore, globalSetup: [engines, bundles], testTimeout: 900_000, hookTimeout: 300_000, poolOptions: { forks: { singleFork: true } } } },
    ],
  },
});
