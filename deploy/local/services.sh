#!/usr/bin/env bash
# Starts and stops Kepu's services as background processes on this machine.
# Usage: services.sh start|stop|status. Logs: .kepu/logs/<service>.log
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${KEPU_STATE:-$repo/.kepu}"
logs="$state/logs"
pids="$state/pids"

# name:http-port, in start order (the gateway last: it calls the others).
services=(registry:4101 dispatch:4102 events:4103 stats:4104 gateway:8080)

say() { printf '\033[1m[services]\033[0m %s\n' "$*" >&2; }

ready() { curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }

start_one() {
  local name=$1 port=$2
  if [[ -f "$pids/$name" ]] && kill -0 "$(cat "$pids/$name")" 2>/dev/null; then say "$name: already running"; return; fi
  # The bundle production runs; KEPU_FROM_SOURCE=1 runs the TypeScript directly (tsx) instead.
  local entry=(dist/main.js)
  [[ "${KEPU_FROM_SOURCE:-}" == 1 ]] && entry=(--import tsx src/main.ts)
  (cd "$repo/services/$name" && exec nohup node "${entry[@]}" >>"$logs/$name.log" 2>&1) &
  echo $! >"$pids/$name"
  say "$name: starting (http :$port, log $logs/$name.log)"
}

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + 90))
  [[ -f "$pids/$name" ]] || return 0
  until ready "$port"; do
    if ! kill -0 "$(cat "$pids/$name")" 2>/dev/null || ((SECONDS > deadline)); then
      say "$name did not become ready. Last lines of $logs/$name.log:"
      tail -n 30 "$logs/$name.log" >&2
      exit 1
    fi
    sleep 0.3
  done
  say "$name: ready"
}

start_all() {
  mkdir -p "$logs" "$pids"
  [[ "${KEPU_FROM_SOURCE:-}" == 1 ]] || node "$repo/deploy/build/bundle.mjs"
  eval "$(bash "$here/engines.sh" env)"
  export KAFKA_BROKERS MONGO_URL REDIS_URL
  export REGISTRY_GRPC=127.0.0.1:5101 DISPATCH_GRPC=127.0.0.1:5102 EVENTS_GRPC=127.0.0.1:5103 STATS_GRPC=127.0.0.1:5104
  export DEMO_ACCOUNTS="${DEMO_ACCOUNTS:-1}"
  [[ -d "$repo/services/web/dist" ]] && export WEB_DIST="$repo/services/web/dist"
  for entry in "${services[@]}"; do start_one "${entry%%:*}" "${entry##*:}"; done
  for entry in "${services[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
}

stop_all() {
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    local name=${services[$i]%%:*}
    [[ -f "$pids/$name" ]] || continue
    local pid; pid=$(cat "$pids/$name")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pids/$name"
    say "$name: stopped"
  done
}

status_all() {
  for entry in "${services[@]}"; do
    local name=${entry%%:*} port=${entry##*:}
    if ready "$port"; then echo "$name ready :$port"; else echo "$name down"; fi
  done
}

case "${1:-}" in
  start) start_all ;;
  stop) stop_all ;;
  status) status_all ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
