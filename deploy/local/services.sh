#!/usr/bin/env bash
# Starts and stops Kepu's services on this machine, under deploy/local/supervisor.mjs: it starts a
# crashed service again (with backoff), restarts them one at a time on request, stops them in order.
# Usage: services.sh start | stop | restart [name ...] | status
# Logs: $KEPU_STATE/logs/<service>.log and supervisor.log; pids in $KEPU_STATE/pids.
# Ports (defaults): KEPU_GATEWAY_PORT (8080), KEPU_{REGISTRY,DISPATCH,EVENTS,STATS,NOTIFICATIONS}_HTTP_PORT
# (4101–4105) and _GRPC_PORT (5101–5105). KEPU_SKIP_BUNDLE=1: the bundles are fresh, do not build them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export KEPU_STATE="${KEPU_STATE:-$repo/.kepu}"
logs="$KEPU_STATE/logs"
pids="$KEPU_STATE/pids"

registry_grpc="${KEPU_REGISTRY_GRPC_PORT:-5101}" dispatch_grpc="${KEPU_DISPATCH_GRPC_PORT:-5102}"
events_grpc="${KEPU_EVENTS_GRPC_PORT:-5103}" stats_grpc="${KEPU_STATS_GRPC_PORT:-5104}"
notifications_grpc="${KEPU_NOTIFICATIONS_GRPC_PORT:-5105}"
# name:http-port[:grpc-port], in start order (the gateway last: it calls the others).
services=(
  "registry:${KEPU_REGISTRY_HTTP_PORT:-4101}:$registry_grpc"
  "dispatch:${KEPU_DISPATCH_HTTP_PORT:-4102}:$dispatch_grpc"
  "events:${KEPU_EVENTS_HTTP_PORT:-4103}:$events_grpc"
  "stats:${KEPU_STATS_HTTP_PORT:-4104}:$stats_grpc"
  "notifications:${KEPU_NOTIFICATIONS_HTTP_PORT:-4105}:$notifications_grpc"
  "gateway:${KEPU_GATEWAY_PORT:-8080}"
)
name_of() { echo "${1%%:*}"; }
port_of() { local rest=${1#*:}; echo "${rest%%:*}"; }

say() { printf '\033[1m[services]\033[0m %s\n' "$*" >&2; }
ready() { curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + 90))
  until ready "$port"; do
    if ! alive "$pids/supervisor" || ((SECONDS > deadline)); then
      say "$name did not become ready. Last lines of $logs/$name.log and of the supervisor's log:"
      tail -n 30 "$logs/$name.log" >&2 || true
      tail -n 10 "$logs/supervisor.log" >&2 || true
      exit 1
    fi
    sleep 0.3
  done
  say "$name: ready (http :$port)"
}

start_all() {
  mkdir -p "$logs" "$pids"
  if alive "$pids/supervisor"; then
    say "supervisor already running (pid $(cat "$pids/supervisor"))"
  else
    [[ "${KEPU_FROM_SOURCE:-}" == 1 || "${KEPU_SKIP_BUNDLE:-}" == 1 ]] || node "$repo/deploy/build/bundle.mjs"
    eval "$(bash "$here/engines.sh" env)"
    export KAFKA_BROKERS MONGO_URL REDIS_URL
    export REGISTRY_GRPC="127.0.0.1:$registry_grpc" DISPATCH_GRPC="127.0.0.1:$dispatch_grpc" EVENTS_GRPC="127.0.0.1:$events_grpc" STATS_GRPC="127.0.0.1:$stats_grpc" NOTIFICATIONS_GRPC="127.0.0.1:$notifications_grpc"
    export DEMO_ACCOUNTS="${DEMO_ACCOUNTS:-1}"
    # The key pair that signs calls between the processes (made once, kept in $KEPU_STATE/keys).
    local keys="$repo/packages/identity/bin/call-keys.mjs"
    [[ -n "${KEPU_CALL_SIGNING_KEY:-}" || ! -f "$keys" ]] || eval "$(node "$keys" "$KEPU_STATE/keys")"
    [[ -d "$repo/services/web/dist" ]] && export WEB_DIST="$repo/services/web/dist"
    # Its own session: closing the terminal that ran `npm start` does not stop the platform.
    setsid node "$here/supervisor.mjs" run "${services[@]}" >>"$logs/supervisor.log" 2>&1 </dev/null &
    echo $! >"$pids/supervisor"
    say "supervisor started (pid $!, log $logs/supervisor.log)"
  fi
  for entry in "${services[@]}"; do wait_ready "$(name_of "$entry")" "$(port_of "$entry")"; done
}

stop_all() {
  if alive "$pids/supervisor"; then
    local pid; pid=$(cat "$pids/supervisor")
    kill -TERM "$pid"
    local deadline=$((SECONDS + 150)) # each service drains and stops in turn
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    say "supervisor: stopped"
  fi
  rm -f "$pids/supervisor"
  # Whatever a supervisor that died left behind.
  for entry in "${services[@]}"; do
    local name; name=$(name_of "$entry")
    if alive "$pids/$name"; then
      local pid; pid=$(cat "$pids/$name")
      kill -TERM "$pid" 2>/dev/null || true
      local deadline=$((SECONDS + 25))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      say "$name: stopped"
    fi
    rm -f "$pids/$name"
  done
}

status_all() {
  if alive "$pids/supervisor"; then echo "supervisor running (pid $(cat "$pids/supervisor"))"; else echo "supervisor down"; fi
  for entry in "${services[@]}"; do
    local name port; name=$(name_of "$entry") port=$(port_of "$entry")
    if ready "$port"; then echo "$name ready :$port"; else echo "$name down"; fi
  done
}

case "${1:-}" in
  start) start_all ;;
  stop) stop_all ;;
  restart) shift; node "$here/supervisor.mjs" restart "$@" ;;
  status) status_all ;;
  *) echo "usage: $0 start|stop|restart [name ...]|status" >&2; exit 2 ;;
esac
