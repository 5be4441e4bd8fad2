#!/usr/bin/env bash
# Real engines on this machine, provisioned from package registries only (no Docker):
#   Kafka 3.9 (one KRaft node) from Maven Central jars, FerretDB v1 (MongoDB wire protocol, SQLite)
#   built with the Go module proxy, and Debian's redis-server.
#
# Usage: deploy/local/engines.sh install|start|stop|status|env      (works from any directory)
#   install  fetch/build into the cache ($KEPU_CACHE, default ~/.cache/kepu); a second run says "cached"
#   start    install if needed, start what is not running yet, wait until healthy
#   stop     stop what this state folder started (SIGTERM, then SIGKILL after a deadline)
#   status   health of each engine; exit 1 if one is down
#   env      `export KAFKA_BROKERS=… MONGO_URL=… REDIS_URL=…` lines: eval "$(engines.sh env)"
#
# An engine whose URL is already set (KAFKA_BROKERS, MONGO_URL, REDIS_URL) is neither installed nor
# started: that one is used. Data and logs live in $KEPU_STATE (default <repo>/.kepu). Ports:
# KEPU_KAFKA_PORT (19092), KEPU_KAFKA_CONTROLLER_PORT (19093), KEPU_MONGO_PORT (27027),
# KEPU_REDIS_PORT (16379).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
abspath() { if [[ $1 == /* ]]; then echo "$1"; else echo "$PWD/$1"; fi; }
cache="$(abspath "${KEPU_CACHE:-$HOME/.cache/kepu}")"
state="$(abspath "${KEPU_STATE:-$repo/.kepu}")"

kafka_port="${KEPU_KAFKA_PORT:-19092}"
kafka_controller_port="${KEPU_KAFKA_CONTROLLER_PORT:-19093}"
mongo_port="${KEPU_MONGO_PORT:-27027}"
redis_port="${KEPU_REDIS_PORT:-16379}"
kafka_heap="${KEPU_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

# The versions live in one place each: the pom and go.mod.
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")"
ferretdb_version="$(awk '$1 == "github.com/FerretDB/FerretDB" { print $2 }' "$here/ferretdb/go.mod")"
kafka_home="$cache/kafka-$kafka_version"
ferretdb_bin="$cache/ferretdb-$ferretdb_version/kepu-ferretdb"

say() { printf '\033[1m[engines]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ---- helpers -------------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE PATTERN: the pid in the file is running and its command line has PATTERN
# (so a stale pid file whose number was reused by another program does not count).
pid_alive() {
  [[ -f "$1" ]] || return 1
  local pid; pid="$(cat "$1" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa -- "$2" "/proc/$pid/cmdline" 2>/dev/null
}

sources_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

# lock FILE: serialize installs/starts (a test run and a shell may both call start at once).
lock_fds=()
lock() {
  command -v flock >/dev/null || return 0
  mkdir -p "$(dirname "$1")"
  local fd; exec {fd}>"$1"; lock_fds+=("$fd")
  flock -w 900 "$fd" || die "waited 15 min for $1 (another engines.sh is stuck?)"
}

# launch CMD...: run CMD in the background in its own session (a Ctrl-C or the end of the caller
# does not reach it), without our lock files open. The caller redirects its output; $! is its pid.
launch() {
  local fd; for fd in "${lock_fds[@]}"; do eval "exec $fd>&-"; done
  exec setsid nohup "$@"
}

# ---- health ---------------------------------------------------------------------------------

# Kafka: a Metadata request answered with a live broker and a controller (Node built-ins, ~0.1 s).
kafka_health() {
  local brokers=$1
  if command -v node >/dev/null; then
    node "$here/kafka/health.mjs" "$brokers" 2000 >/dev/null 2>&1
  else # no Node: the port accepts connections and our broker logged that it started
    port_open "${brokers##*:}" && grep -q "Kafka Server started" "$state/kafka/logs/kafka.log" 2>/dev/null
  fi
}
kafka_healthy() { kafka_health "127.0.0.1:$kafka_port"; }

# MongoDB wire protocol: the "ping" command through the official Go driver (in our binary).
mongo_health() {
  if [[ -x "$ferretdb_bin" ]]; then
    "$ferretdb_bin" ping -q -timeout 3s -addr "$1" >/dev/null 2>&1
  else
    local hostport=${1#mongodb://}; hostport=${hostport%%/*}; port_open "${hostport##*:}"
  fi
}
mongo_healthy() { mongo_health "127.0.0.1:$mongo_port"; }

redis_health() { [[ "$(timeout 3 redis-cli -u "$1" ping 2>/dev/null)" == "PONG" ]]; }
redis_healthy() { redis_health "redis://127.0.0.1:$redis_port"; }

# ---- install --------------------------------------------------------------------------------

install_kafka() {
  [[ -z "${KAFKA_BROKERS:-}" ]] || return 0
  local stamp; stamp="$(sources_hash "$here/kafka/pom.xml")"
  if [[ -d "$kafka_home/libs" && "$(cat "$kafka_home/.installed" 2>/dev/null)" == "$stamp" ]]; then
    say "Kafka $kafka_version: cached ($kafka_home)"; return 0
  fi
  command -v java >/dev/null || die "Kafka needs Java 17+ (Debian: apt-get install -y openjdk-17-jre-headless)."
  command -v mvn >/dev/null || die "Kafka's jars are fetched with Maven (Debian: apt-get install -y maven)."
  say "Kafka $kafka_version: fetching the broker's jars from Maven Central into $kafka_home/libs (first time only)..."
  mkdir -p "$kafka_home"; rm -rf "$kafka_home/libs.tmp"
  (cd "$here/kafka" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$kafka_home/libs.tmp") \
    || die "Maven could not fetch Kafka's jars (is Maven Central reachable? see the output above)."
  [[ -f "$kafka_home/libs.tmp/kafka_2.13-$kafka_version.jar" ]] || die "Maven ran but kafka_2.13-$kafka_version.jar is missing."
  rm -rf "$kafka_home/libs"; mv "$kafka_home/libs.tmp" "$kafka_home/libs"
  echo "$stamp" > "$kafka_home/.installed"
  say "Kafka $kafka_version: installed ($(find "$kafka_home/libs" -name '*.jar' | wc -l) jars)"
}

# FerretDB's module, copied out of the read-only module cache with our files under ferretdb/patches/
# laid over it (same paths), and a go.mod of ours that builds against that copy. The one patch today
# drops FerretDB's leak tracker, which took 15 % of its CPU under load (see the patch's header).
patched_ferretdb_source() {
  local build="$1" module
  module="$(cd "$here/ferretdb" && go mod download -json "github.com/FerretDB/FerretDB@$ferretdb_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$module" ]] || return 1
  rm -rf "$build"; mkdir -p "$build"
  cp -R "$module" "$build/FerretDB"; chmod -R u+w "$build/FerretDB"
  cp -R "$here/ferretdb/patches/." "$build/FerretDB/"
  cp "$here/ferretdb/go.mod" "$build/go.mod"; cp "$here/ferretdb/go.sum" "$build/go.sum"
  (cd "$here/ferretdb" && go mod edit -modfile="$build/go.mod" -replace="github.com/FerretDB/FerretDB=$build/FerretDB")
}

install_ferretdb() {
  [[ -z "${MONGO_URL:-}" ]] || return 0
  local src=("$here/ferretdb/go.mod" "$here/ferretdb/go.sum" "$here"/ferretdb/*.go)
  mapfile -t -O "${#src[@]}" src < <(find "$here/ferretdb/patches" -type f -name '*.go' | sort)
  local stamp; stamp="$(sources_hash "${src[@]}")"
  if [[ -x "$ferretdb_bin" && "$(cat "$ferretdb_bin.source" 2>/dev/null)" == "$stamp" ]]; then
    say "FerretDB $ferretdb_version: cached ($ferretdb_bin)"; return 0
  fi
  command -v go >/dev/null || die "FerretDB is built with Go 1.24+ (https://go.dev/doc/install)."
  say "FerretDB $ferretdb_version: building from the Go module proxy into $ferretdb_bin (first time only, 1-3 min)..."
  mkdir -p "$(dirname "$ferretdb_bin")"
  patched_ferretdb_source "$(dirname "$ferretdb_bin")/build" \
    || die "fetching FerretDB's module failed (is the Go module proxy reachable? see the output above)."
  (cd "$here/ferretdb" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -modfile="$(dirname "$ferretdb_bin")/build/go.mod" \
      -trimpath -ldflags='-s -w' -o "$ferretdb_bin.tmp" .) \
    || die "building FerretDB failed (is the Go module proxy reachable? see the output above)."
  mv "$ferretdb_bin.tmp" "$ferretdb_bin"
  echo "$stamp" > "$ferretdb_bin.source"
  say "FerretDB $ferretdb_version: built"
}

install_redis() {
  [[ -z "${REDIS_URL:-}" ]] || return 0
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    say "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p'): cached (Debian's redis-server is installed)"; return 0
  fi
  command -v apt-get >/dev/null || die "Redis: install redis-server (and redis-cli) with your package manager."
  local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  say "Redis: installing Debian's redis-server (apt-get update + install)..."
  $sudo apt-get update -qq || die "apt-get update failed."
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null || die "apt-get could not install redis-server."
  say "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p'): installed"
}

install_all() {
  lock "$cache/.install.lock"
  install_kafka; install_ferretdb; install_redis
}

# ---- start ----------------------------------------------------------------------------------

# Each start_X prints what it does and records in `waiting` the engines it has to wait for.
waiting=()

# already_up NAME PIDFILE PATTERN PORT HEALTHCHECK: 0 if nothing is to be launched.
already_up() {
  local name=$1 pidfile=$2 pattern=$3 port=$4 check=$5
  if pid_alive "$pidfile" "$pattern"; then
    if "$check"; then say "$name: already running and healthy on 127.0.0.1:$port (pid $(cat "$pidfile"))"
    else say "$name: already running (pid $(cat "$pidfile")), not healthy yet: waiting"; waiting+=("$name"); fi
    return 0
  fi
  rm -f "$pidfile"
  if port_open "$port"; then
    "$check" || die "$name: port $port is taken by another program (see: ss -ltnp 'sport = :$port'). Free it or pick another port (KEPU_*_PORT)."
    say "$name: a healthy server already answers on 127.0.0.1:$port (not started from $state): using it"
    return 0
  fi
  return 1
}

start_kafka() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    say "Kafka: KAFKA_BROKERS is set, using $KAFKA_BROKERS"
    kafka_health "$KAFKA_BROKERS" || say "WARNING: Kafka at $KAFKA_BROKERS does not answer a metadata request (yet?)"
    return
  fi
  local dir="$state/kafka"
  already_up Kafka "$dir/pid" kafka.Kafka "$kafka_port" kafka_healthy && return
  port_open "$kafka_controller_port" && die "Kafka: controller port $kafka_controller_port is taken. Set KEPU_KAFKA_CONTROLLER_PORT."
  command -v java >/dev/null || die "Kafka needs Java 17+."
  mkdir -p "$dir/logs" "$dir/data"
  sed -e "s|@PORT@|$kafka_port|g" -e "s|@CONTROLLER_PORT@|$kafka_controller_port|g" -e "s|@DATA_DIR@|$dir/data|g" \
    "$here/kafka/server.properties.template" > "$dir/server.properties"
  # KEPU_KAFKA_PROPERTIES: lines appended to the broker's settings (the last of a name wins), e.g. a
  # test's own broker whose retention runs fast (packages/bus/test/retention.e2e.spec.ts).
  [[ -z "${KEPU_KAFKA_PROPERTIES:-}" ]] || printf '%s\n' "$KEPU_KAFKA_PROPERTIES" >> "$dir/server.properties"
  local cp="$kafka_home/libs/*" log4j="-Dlog4j.configuration=file:$here/kafka/log4j.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local id; id="$(java -cp "$cp" "$log4j" -Dkafka.logs.dir="$dir/logs" kafka.tools.StorageTool random-uuid 2>"$dir/logs/format.log" | tail -n1)"
    [[ -n "$id" ]] || { tail -n 20 "$dir/logs/format.log" >&2; die "Kafka: StorageTool random-uuid failed (log above)."; }
    java -cp "$cp" "$log4j" -Dkafka.logs.dir="$dir/logs" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" \
      >> "$dir/logs/format.log" 2>&1 \
      || { tail -n 20 "$dir/logs/format.log" >&2; die "Kafka: formatting the storage in $dir/data failed (log above). Delete $dir and retry."; }
    say "Kafka: storage formatted (cluster id $id)"
  fi
  : > "$dir/logs/kafka.log"
  # -XX:-UsePerfData: no hsperfdata counters, so no sampler thread waking 20 times a second (an idle
  # broker's cost, issue 20); jps/jstat do not list the broker, jcmd still works.
  # shellcheck disable=SC2086 # the heap options are several words
  launch java $kafka_heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
    -Djava.awt.headless=true "$log4j" -Dkafka.logs.dir="$dir/logs" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" > "$dir/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  waiting+=(Kafka)
  say "Kafka $kafka_version: starting on 127.0.0.1:$kafka_port, controller :$kafka_controller_port (pid $!)"
}

# A database FerretDB began to create when it was stopped has no metadata table, and FerretDB then
# refuses to start at all: ferretdb/set-aside.py moves such files (they hold no collection) aside.
set_aside_unreadable_databases() {
  command -v python3 >/dev/null || return 0
  python3 "$here/ferretdb/set-aside.py" "$1" | while read -r name; do
    say "FerretDB: $name has no collections table (its creation was cut short): moved to $(dirname "$1")/set-aside/"
  done
}

start_ferretdb() {
  if [[ -n "${MONGO_URL:-}" ]]; then
    say "MongoDB: MONGO_URL is set, using $MONGO_URL"
    mongo_health "$MONGO_URL" || say "WARNING: MongoDB at $MONGO_URL does not answer a ping (yet?)"
    return
  fi
  local dir="$state/ferretdb"
  already_up FerretDB "$dir/pid" kepu-ferretdb "$mongo_port" mongo_healthy && return
  mkdir -p "$dir/data"
  set_aside_unreadable_databases "$dir/data"
  launch "$ferretdb_bin" -listen "127.0.0.1:$mongo_port" -data "$dir/data" -log-level "${KEPU_FERRETDB_LOG_LEVEL:-warn}" \
    >> "$dir/ferretdb.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  waiting+=(FerretDB)
  say "FerretDB $ferretdb_version: starting on 127.0.0.1:$mongo_port (pid $!)"
}

start_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then
    say "Redis: REDIS_URL is set, using $REDIS_URL"
    ! command -v redis-cli >/dev/null || redis_health "$REDIS_URL" || say "WARNING: Redis at $REDIS_URL does not answer PING (yet?)"
    return
  fi
  local dir="$state/redis"
  already_up Redis "$dir/pid" redis-server "$redis_port" redis_healthy && return
  mkdir -p "$dir"
  # Every seat lives in this Redis (the events service's ledger): the append-only file is written
  # and fsynced before Redis answers (appendfsync always), so a seat it acknowledged survives a
  # SIGKILL or a lost machine. Measured in docs/operations.md ("Faults"): with the booking storm's
  # concurrency Redis fsyncs once per batch and keeps its throughput. KEPU_REDIS_APPENDFSYNC overrides.
  # --hz 1: Redis's background cron (active expiry, client checks) once a second when idle instead of
  # ten times (issue 20); dynamic-hz raises it with many clients. An expired key is never served either way.
  launch redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --daemonize no \
    --logfile "$dir/redis.log" --save "" --appendonly yes --appendfsync "${KEPU_REDIS_APPENDFSYNC:-always}" --maxclients 10000 --hz 1 \
    > "$dir/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  waiting+=(Redis)
  say "Redis: starting on 127.0.0.1:$redis_port (pid $!)"
}

# wait_healthy NAME SECONDS PIDFILE CHECK LOG...: poll CHECK until it passes; stop early if the
# process died; on failure show the logs' tails and what to do.
wait_healthy() {
  local name=$1 seconds=$2 pidfile=$3 check=$4; shift 4
  local deadline=$((SECONDS + seconds)) pid; pid="$(cat "$pidfile")"
  until "$check"; do
    local why=""
    kill -0 "$pid" 2>/dev/null || why="the process (pid $pid) exited"
    [[ -z "$why" ]] && ((SECONDS >= deadline)) && why="not healthy within ${seconds}s"
    if [[ -n "$why" ]]; then
      say "$name failed to start: $why."
      local log; for log in "$@"; do
        [[ -s "$log" ]] || continue
        say "--- last lines of $log"; tail -n 25 "$log" >&2
      done
      say "What to do: read the log above. A port may be taken (set KEPU_*_PORT), data may be damaged"
      say "  (bash $here/engines.sh stop; rm -rf ${state/#$repo\//}/${name,,}), or the cache broken (rm -rf $cache)."
      exit 1
    fi
    sleep 0.5
  done
  say "$name: healthy (${SECONDS}s since start)"
}

start_all() {
  install_all
  lock "$state/.start.lock"
  start_redis; start_ferretdb; start_kafka
  local name
  for name in "${waiting[@]}"; do
    case $name in
      Redis) wait_healthy Redis 30 "$state/redis/pid" redis_healthy "$state/redis/redis.log" "$state/redis/stdout.log" ;;
      FerretDB) wait_healthy FerretDB 30 "$state/ferretdb/pid" mongo_healthy "$state/ferretdb/ferretdb.log" ;;
      Kafka) wait_healthy Kafka 120 "$state/kafka/pid" kafka_healthy "$state/kafka/logs/kafka.log" "$state/kafka/logs/stdout.log" ;;
    esac
  done
  local logs=()
  local log; for log in "$state/kafka/logs/kafka.log" "$state/ferretdb/ferretdb.log" "$state/redis/redis.log"; do
    [[ -f "$log" ]] && logs+=("$log")
  done
  say "engines ready.${logs[*]:+ Logs: ${logs[*]}}"
  say "use them with: eval \"\$(bash $here/engines.sh env)\""
}

# ---- stop / status / env --------------------------------------------------------------------

stop_all() {
  local -a names=(Kafka FerretDB Redis) files=("$state/kafka/pid" "$state/ferretdb/pid" "$state/redis/pid")
  local -a patterns=(kafka.Kafka kepu-ferretdb redis-server) graces=(60 20 20)
  local i pid pids=()
  for i in 0 1 2; do # ask them all to stop at once, then wait for each
    pids[i]=""
    if pid_alive "${files[i]}" "${patterns[i]}"; then
      pids[i]="$(cat "${files[i]}")"; kill -TERM "${pids[i]}" 2>/dev/null || true
    else
      rm -f "${files[i]}"; say "${names[i]}: not running"
    fi
  done
  for i in 0 1 2; do
    pid="${pids[i]}"; [[ -n "$pid" ]] || continue
    local deadline=$((SECONDS + graces[i]))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true; say "${names[i]}: did not stop within ${graces[i]}s, killed (pid $pid)"
    else
      say "${names[i]}: stopped (pid $pid)"
    fi
    rm -f "${files[i]}"
  done
}

# running PIDFILE PATTERN LOG: "pid N, log FILE" when this state folder started it.
running() {
  if pid_alive "$1" "$2"; then echo "pid $(cat "$1"), log $3"; else echo "(not started from $state)"; fi
}

status_all() {
  local down=0
  line() { printf '%-8s %-9s %s\n' "$@"; }
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    if kafka_health "$KAFKA_BROKERS"; then line kafka external "$KAFKA_BROKERS (healthy)"; else line kafka external "$KAFKA_BROKERS (NOT answering)"; down=1; fi
  elif kafka_healthy; then
    local v; v="$(grep -m1 -o 'Kafka version: [^ ]*' "$state/kafka/logs/kafka.log" 2>/dev/null | cut -d' ' -f3 || true)"
    line kafka up "127.0.0.1:$kafka_port  Kafka ${v:-?}  $(running "$state/kafka/pid" kafka.Kafka "$state/kafka/logs/kafka.log")"
  else line kafka down "127.0.0.1:$kafka_port"; down=1; fi
  if [[ -n "${MONGO_URL:-}" ]]; then
    if mongo_health "$MONGO_URL"; then line mongodb external "$MONGO_URL (healthy)"; else line mongodb external "$MONGO_URL (NOT answering)"; down=1; fi
  elif mongo_healthy; then line mongodb up "127.0.0.1:$mongo_port  FerretDB  $(running "$state/ferretdb/pid" kepu-ferretdb "$state/ferretdb/ferretdb.log")"
  else line mongodb down "127.0.0.1:$mongo_port"; down=1; fi
  if [[ -n "${REDIS_URL:-}" ]]; then
    if redis_health "$REDIS_URL"; then line redis external "$REDIS_URL (healthy)"; else line redis external "$REDIS_URL (NOT answering)"; down=1; fi
  elif redis_healthy; then line redis up "127.0.0.1:$redis_port  Redis  $(running "$state/redis/pid" redis-server "$state/redis/redis.log")"
  else line redis down "127.0.0.1:$redis_port"; down=1; fi
  return $down
}

# Unquoted when the value is plain (the usual case), single-quoted otherwise, so eval is safe.
export_line() {
  if [[ "$2" =~ ^[A-Za-z0-9_./:@,%+=-]*$ ]]; then echo "export $1=$2"
  else echo "export $1='${2//\'/\'\\\'\'}'"; fi
}

print_env() {
  export_line KAFKA_BROKERS "${KAFKA_BROKERS:-127.0.0.1:$kafka_port}"
  export_line MONGO_URL "${MONGO_URL:-mongodb://127.0.0.1:$mongo_port/}"
  export_line REDIS_URL "${REDIS_URL:-redis://127.0.0.1:$redis_port}"
}

case "${1:-}" in
  install) install_all ;;
  start) start_all ;;
  stop) stop_all ;;
  status) status_all ;;
  env) print_env ;;
  *) echo "usage: $0 install|start|stop|status|env   (see the comment at the top of this file)" >&2; exit 2 ;;
esac
