#!/usr/bin/env bash
# Real engines on this machine, provisioned from package registries only:
#   Kafka 3.9 (one KRaft node) from Maven Central jars, FerretDB v1 (SQLite) built with the Go
#   module proxy, Redis from Debian. Usage: engines.sh install|start|stop|status|env
# An engine whose URL is already set (KAFKA_BROKERS, MONGO_URL, REDIS_URL) is not touched: the
# given one is used. Downloads and builds are cached in $KEPU_CACHE, so a second run is fast.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${KEPU_CACHE:-$HOME/.cache/kepu}"
state="${KEPU_STATE:-$repo/.kepu}"

kafka_version=3.9.1
ferretdb_version=v1.24.0
kafka_port="${KEPU_KAFKA_PORT:-19092}"
kafka_controller_port="${KEPU_KAFKA_CONTROLLER_PORT:-19093}"
mongo_port="${KEPU_MONGO_PORT:-27027}"
redis_port="${KEPU_REDIS_PORT:-16379}"

kafka_home="$cache/kafka-$kafka_version"
ferretdb_bin="$cache/ferretdb-$ferretdb_version/kepu-ferretdb"

say() { printf '\033[1m[engines]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ---- helpers -----------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for NAME SECONDS LOGFILE CHECK...: polls CHECK until it succeeds or the deadline passes.
wait_for() {
  local name=$1 seconds=$2 log=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS > deadline)); then
      say "$name did not become healthy within ${seconds}s. Last lines of $log:"
      tail -n 30 "$log" >&2 || true
      die "$name failed to start. Check the log above; a port may be taken (set KEPU_*_PORT) or the cache broken (delete $cache and retry)."
    fi
    sleep 0.3
  done
}

# ---- install -----------------------------------------------------------------------------

install_kafka() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then return; fi
  if [[ -f "$kafka_home/.installed" ]]; then say "Kafka $kafka_version: cached"; return; fi
  command -v java >/dev/null || die "Java is required for Kafka (install a JDK 17)."
  command -v mvn >/dev/null || die "Maven is required to fetch Kafka's jars (apt-get install maven)."
  say "Kafka $kafka_version: resolving the broker's jars from Maven Central..."
  rm -rf "$kafka_home/libs"
  (cd "$here/kafka" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$kafka_home/libs") \
    || die "Maven could not resolve Kafka's jars (is Maven Central reachable?)."
  touch "$kafka_home/.installed"
}

install_ferretdb() {
  if [[ -n "${MONGO_URL:-}" ]]; then return; fi
  if [[ -x "$ferretdb_bin" ]]; then say "FerretDB $ferretdb_version: cached"; return; fi
  command -v go >/dev/null || die "Go is required to build FerretDB (https://go.dev/doc/install)."
  say "FerretDB $ferretdb_version: building from the Go module proxy (first time only, ~2 min)..."
  mkdir -p "$(dirname "$ferretdb_bin")"
  (cd "$here/ferretdb" && CGO_ENABLED=0 go build -o "$ferretdb_bin.tmp" .) || die "building FerretDB failed (is the Go module proxy reachable?)."
  mv "$ferretdb_bin.tmp" "$ferretdb_bin"
}

install_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then return; fi
  if command -v redis-server >/dev/null; then say "Redis: $(redis-server --version | awk '{print $3}')"; return; fi
  say "Redis: installing Debian's redis-server..."
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server >/dev/null || die "apt-get could not install redis-server."
}

install_all() { install_kafka; install_ferretdb; install_redis; }

# ---- start -------------------------------------------------------------------------------

kafka_healthy() { port_open "$kafka_port" && grep -q "Kafka Server started" "$state/kafka/logs/kafka.log" 2>/dev/null; }

start_kafka() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then say "Kafka: using $KAFKA_BROKERS"; return; fi
  local dir="$state/kafka"; mkdir -p "$dir/logs" "$dir/data"
  if pid_alive "$dir/pid" && port_open "$kafka_port"; then say "Kafka: already running on $kafka_port"; return; fi
  port_open "$kafka_port" && die "port $kafka_port is taken by another program: set KEPU_KAFKA_PORT."
  sed -e "s|@PORT@|$kafka_port|g" -e "s|@CONTROLLER_PORT@|$kafka_controller_port|g" -e "s|@DATA_DIR@|$dir/data|g" \
    "$here/kafka/server.properties.template" > "$dir/server.properties"
  local cp="$kafka_home/libs/*"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local id; id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    java -cp "$cp" -Dlog4j.configuration="file:$here/kafka/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
      kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" > "$dir/logs/format.log" 2>&1 \
      || { tail "$dir/logs/format.log" >&2; die "formatting Kafka's storage failed."; }
  fi
  : > "$dir/logs/kafka.log"
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$here/kafka/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" > "$dir/logs/stdout.log" 2>&1 &
  echo $! > "$dir/pid"
  say "Kafka: starting on 127.0.0.1:$kafka_port (log: $dir/logs/kafka.log)"
}

start_ferretdb() {
  if [[ -n "${MONGO_URL:-}" ]]; then say "MongoDB: using $MONGO_URL"; return; fi
  local dir="$state/ferretdb"; mkdir -p "$dir/data"
  if pid_alive "$dir/pid" && port_open "$mongo_port"; then say "FerretDB: already running on $mongo_port"; return; fi
  port_open "$mongo_port" && die "port $mongo_port is taken by another program: set KEPU_MONGO_PORT."
  nohup "$ferretdb_bin" -listen "127.0.0.1:$mongo_port" -data "$dir/data" > "$dir/ferretdb.log" 2>&1 &
  echo $! > "$dir/pid"
  say "FerretDB: starting on 127.0.0.1:$mongo_port (log: $dir/ferretdb.log)"
}

start_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then say "Redis: using $REDIS_URL"; return; fi
  local dir="$state/redis"; mkdir -p "$dir"
  if pid_alive "$dir/pid" && port_open "$redis_port"; then say "Redis: already running on $redis_port"; return; fi
  port_open "$redis_port" && die "port $redis_port is taken by another program: set KEPU_REDIS_PORT."
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/pid" \
    --logfile "$dir/redis.log" --save "" --appendonly yes --appendfsync everysec --maxclients 10000 >/dev/null
  say "Redis: starting on 127.0.0.1:$redis_port (log: $dir/redis.log)"
}

redis_healthy() { [[ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" == "PONG" ]]; }

start_all() {
  install_all
  start_kafka; start_ferretdb; start_redis
  [[ -n "${KAFKA_BROKERS:-}" ]] || wait_for Kafka 90 "$state/kafka/logs/kafka.log" kafka_healthy
  [[ -n "${MONGO_URL:-}" ]] || wait_for FerretDB 30 "$state/ferretdb/ferretdb.log" port_open "$mongo_port"
  [[ -n "${REDIS_URL:-}" ]] || wait_for Redis 30 "$state/redis/redis.log" redis_healthy
  say "engines ready"
}

# ---- stop / status / env -----------------------------------------------------------------

stop_one() {
  local name=$1 pidfile=$2
  pid_alive "$pidfile" || { rm -f "$pidfile"; return; }
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "$name: stopped"
}

stop_all() {
  stop_one Kafka "$state/kafka/pid"
  stop_one FerretDB "$state/ferretdb/pid"
  stop_one Redis "$state/redis/pid"
}

status_all() {
  local ok=0
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then echo "kafka    external $KAFKA_BROKERS"; elif kafka_healthy; then echo "kafka    up   127.0.0.1:$kafka_port"; else echo "kafka    down"; ok=1; fi
  if [[ -n "${MONGO_URL:-}" ]]; then echo "mongodb  external $MONGO_URL"; elif port_open "$mongo_port"; then echo "mongodb  up   127.0.0.1:$mongo_port (FerretDB)"; else echo "mongodb  down"; ok=1; fi
  if [[ -n "${REDIS_URL:-}" ]]; then echo "redis    external $REDIS_URL"; elif redis_healthy; then echo "redis    up   127.0.0.1:$redis_port"; else echo "redis    down"; ok=1; fi
  return $ok
}

print_env() {
  echo "export KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:$kafka_port}"
  echo "export MONGO_URL=${MONGO_URL:-mongodb://127.0.0.1:$mongo_port/}"
  echo "export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$redis_port}"
}

case "${1:-}" in
  install) install_all ;;
  start) start_all ;;
  stop) stop_all ;;
  status) status_all ;;
  env) print_env ;;
  *) echo "usage: $0 install|start|stop|status|env" >&2; exit 2 ;;
esac
