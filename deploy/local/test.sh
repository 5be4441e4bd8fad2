#!/usr/bin/env bash
# `npm test`: every check CI makes, on real engines this script starts itself.
#   contracts (buf lint + breaking) · eslint · typecheck · the web's generated API client · deploy files (k8s, compose) ·
#   unit, integration, e2e and short fault tests.
# Ends with one line "tests: N passed, M failed".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "set-up"
bash "$here/setup.sh"
bash "$here/engines.sh" start
eval "$(bash "$here/engines.sh" env)"
export KAFKA_BROKERS MONGO_URL REDIS_URL

step "contracts: buf lint and buf breaking"
pnpm exec buf lint
base=$(git rev-parse -q --verify HEAD~1 2>/dev/null || true)
if [[ -n "$base" ]] && git cat-file -e "$base:buf.yaml" 2>/dev/null; then
  pnpm exec buf breaking --against ".git#ref=$base"
  echo "no breaking change against $base" >&2
else
  echo "no earlier contracts to compare with" >&2
fi

step "lint"
pnpm exec eslint . --max-warnings=0

step "typecheck"
pnpm exec tsc -p tsconfig.typecheck.json
pnpm --filter @kepu/web --silent typecheck

step "web: the typed API client matches the gateway's OpenAPI (else: pnpm --filter @kepu/web gen:api)"
pnpm --filter @kepu/web --silent check:api

step "deploy files: k8s manifests (kustomize + kubeconform) and docker-compose.yml"
bash deploy/validate/validate.sh

step "tests (unit, integration, e2e)"
mkdir -p .kepu
# Every service a test starts writes its output to .kepu/test-logs/<prefix><service>.log; this run's only.
rm -rf .kepu/test-logs .kepu/log-scan.json
set +e
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.kepu/test-results.json "$@"
status=$?

step "logs: no phone number in clear in any service log of this run"
node --import tsx packages/log/bin/scan-logs.ts .kepu/test-logs .kepu/log-scan.json
scan=$?
[[ $status -eq 0 ]] && status=$scan
set -e
# The log scan counts as one test: passed, failed, or skipped when no service ran (no logs to read).
node -e '
  const r = require(process.argv[1]);
  let scan;
  try { scan = require(process.argv[2]); } catch {}
  const scanPassed = scan && scan.files > 0 && scan.leaks.length === 0 ? 1 : 0;
  const scanFailed = !scan || scan.leaks.length > 0 ? 1 : 0;
  // A file whose set-up fails has no failed test, only skipped ones: count it as failed too.
  const brokenFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((t) => t.status !== "failed")).length;
  const skipped = r.numPendingTests + 1 - scanPassed - scanFailed;
  console.log(`tests: ${r.numPassedTests + scanPassed} passed, ${r.numFailedTests + brokenFiles + scanFailed} failed` + (skipped ? `, ${skipped} skipped` : "") + (brokenFiles ? ` (${brokenFiles} test file(s) failed before their tests ran)` : "") + (scanFailed ? (scan ? ` (phone numbers in clear in the logs: ${scan.leaks.length})` : " (the log scan did not run)") : ""));
' "$repo/.kepu/test-results.json" "$repo/.kepu/log-scan.json" || echo "tests: 0 passed, 1 failed"
exit $status
