#!/usr/bin/env bash
# `npm run bench`: every benchmark, on real engines this script starts. Results in bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/local/setup.sh
bash deploy/local/engines.sh start
eval "$(bash deploy/local/engines.sh env)"
export KAFKA_BROKERS MONGO_URL REDIS_URL
node deploy/build/bundle.mjs   # the benchmarks run the services as production does
for run in bench/*/run.ts; do
  [[ -n "${1:-}" && "$run" != *"/$1/"* ]] && continue
  printf '\n\033[1m== %s\033[0m\n' "$run"
  node --import tsx "$run"
done
node --import tsx bench/lib/readme-table.ts >/dev/null   # the README's table, from the result files
