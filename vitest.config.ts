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

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["{packages,services,bench}/**/*.unit.spec.ts"], exclude: ignore } },
      {
        test: { name: "int", include: ["{packages,services,deploy}/**/*.int.spec.ts"], exclude: ignore, globalSetup: [engines], testTimeout: 60_000, hookTimeout: 90_000 },
      },
      {
        test: { name: "e2e", include: ["{packages,services,deploy}/**/*.e2e.spec.ts"], exclude: ignore, globalSetup: [engines, bundles], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      { test: { name: "faults", include: ["deploy/**/*.faults.spec.ts"], exclude: ignore, globalSetup: [bundles], testTimeout: 900_000, hookTimeout: 300_000 } },
    ],
  },
});
