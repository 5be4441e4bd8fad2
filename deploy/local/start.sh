#!/usr/bin/env bash
# `npm start`: the whole platform on this machine — packages, engines, services, demo data and the
# web app — then prints where to go. Run it again any time: what is running stays running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

bash "$here/setup.sh"
bash "$here/engines.sh" start
if [[ -f services/web/package.json ]]; then
  echo "[start] building the web app" >&2
  pnpm --filter @kepu/web build >/dev/null
fi
# The demo accounts are ordinary accounts: the first admin by its command, the rest by the seed
# through the API (unless DEMO_ACCOUNTS=1 asks the gateway to make them itself, as tests do).
export DEMO_ACCOUNTS="${DEMO_ACCOUNTS:-0}"
bash "$here/services.sh" start
if [[ -f deploy/demo/src/seed.ts ]]; then
  echo "[start] loading the Shenzhen demo data" >&2
  # The seeder signs its calls with the key the services trust (services.sh made it in .kepu/keys).
  eval "$(node packages/identity/bin/call-keys.mjs "${KEPU_STATE:-$repo/.kepu}/keys")"
  # The first admin, for the demo with the README's password (exit 2: there is one already).
  eval "$(bash "$here/engines.sh" env)"
  KAFKA_BROKERS="$KAFKA_BROKERS" MONGO_URL="$MONGO_URL" REDIS_URL="$REDIS_URL" \
    node --import tsx services/gateway/bin/admin.ts --account admin --name 平台管理员 --org sz --password kepu-demo --no-must-change || [[ $? == 2 ]]
  (cd deploy/demo && GATEWAY_URL="http://127.0.0.1:${KEPU_GATEWAY_PORT:-8080}" REGISTRY_GRPC="127.0.0.1:${KEPU_REGISTRY_GRPC_PORT:-5101}" DISPATCH_GRPC="127.0.0.1:${KEPU_DISPATCH_GRPC_PORT:-5102}" \
    EVENTS_GRPC="127.0.0.1:${KEPU_EVENTS_GRPC_PORT:-5103}" node --import tsx src/seed.ts)
fi

cat <<TXT

Kepu is running.
  Web app      http://127.0.0.1:8080/
  API docs     http://127.0.0.1:8080/docs
  Demo accounts: see README.md ("Demo accounts")
  Logs         .kepu/logs/   Engines: bash deploy/local/engines.sh status
  Restart      npm run restart   (one service at a time; a crashed one restarts by itself: .kepu/logs/supervisor.log)
  Stop         npm stop
TXT
