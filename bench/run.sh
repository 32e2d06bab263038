#!/usr/bin/env bash
# The MQTT benchmark (`make bench`): Gridhub and, beside it, Mosquitto driven by bench/loadgen; rewrites
# its sections of docs/benchmarks.md and docs/bench-throughput-latency.png. Builds nothing (make bench builds
# first). About 8 minutes.
#
# Environment knobs (defaults in brackets):
#   BUILD [build]  SIZES ["1000 10000"]  DURATION [10] measured seconds per load run  IDLE_HOLD [10]
#   SWEEP_RATES ["5000 10000 20000 30000 40000 50000 60000"] offered posts/s for both servers, plus a closed-loop
#   point  SWEEP_N [1000] devices  SWEEP_DURATION [6]  SWEEP_INFLIGHT [20]
#   HOLD_N [19000] connections held, then the connect storm (0 = skip)  STORM_TIMEOUT [90]
#   LOADGEN_THREADS [1]  SERVER_THREADS [0 = one per core]  DURABILITY [fsync]  PEER [1] run Mosquitto too
#   OUT [docs/benchmarks.md]  PLOT [docs/bench-throughput-latency.png]  KEEP_WORK [0] keep the temp dir
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/server_banner.sh"
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
GRIDHUB=${GRIDHUB:-$BUILD/gridhub}
LOADGEN=${LOADGEN:-$BUILD/bench/gridhub_loadgen}
SIZES=${SIZES:-"1000 10000"}
DURATION=${DURATION:-10}
SWEEP_RATES=${SWEEP_RATES:-"5000 10000 20000 30000 40000 50000 60000"}
SWEEP_N=${SWEEP_N:-1000}
SWEEP_DURATION=${SWEEP_DURATION:-6}
SWEEP_INFLIGHT=${SWEEP_INFLIGHT:-20}
# One server process may hold < 20,000 descriptors here (hard limit): 19,000 connections and room for its files.
HOLD_N=${HOLD_N:-19000}
STORM_TIMEOUT=${STORM_TIMEOUT:-90}
IDLE_HOLD=${IDLE_HOLD:-10}
LOADGEN_THREADS=${LOADGEN_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-0}
DURABILITY=${DURABILITY:-fsync}
PEER=${PEER:-1}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
PLOT=${PLOT:-$ROOT/docs/bench-throughput-latency.png}
TARGET_HALF_RATE=25000                # "p99 < 20 ms at half that load" (of 50,000 posts/s)
BIND_ADDRESSES=127.0.0.2-127.0.0.20   # past the ephemeral-port limit of one source address

for bin in "$GRIDHUB" "$LOADGEN"; do
  [[ -x $bin ]] || { echo "bench: $bin not found: run 'make bench' (it builds first)" >&2; exit 2; }
done
# Debian's python3 (its python3-matplotlib draws the plot), not whatever python3 comes first on PATH.
PY=${PYTHON:-$(if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3 || true; fi)}
[[ -n $PY ]] || { echo "bench: python3 is needed to write the report" >&2; exit 2; }

WORK=$(mktemp -d /tmp/gridhub-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
SERVER_PID=
PEER_PID=
cleanup() {
  # Only the processes this script started, by their ids.
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n $PEER_PID ]] && kill "$PEER_PID" 2>/dev/null && wait "$PEER_PID" 2>/dev/null || true
  if [[ ${KEEP_WORK:-0} = 1 ]]; then echo "bench: work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

# Starts `gridhub serve` on free ports (port 0) and reads them from its start-up banner.
start_server() {
  launch_server "$1" 0 0
  wait_for_banner "$WORK/server.$1.log" "$SERVER_PID"
}

# launch_server LABEL MQTT_PORT HTTP_PORT: starts it and returns at once (the connect storm restarts it on the
# same ports and lets the devices find out when it listens).
launch_server() {
  "$GRIDHUB" serve --data-dir "$WORK/data" --bind 127.0.0.1 --mqtt-port "$2" --http-port "$3" --tls-port 0 --demo \
    --threads "$SERVER_THREADS" --durability "$DURABILITY" --log-level warn >"$WORK/server.$1.log" 2>&1 &
  SERVER_PID=$!
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  local status=0
  wait "$SERVER_PID" 2>/dev/null || status=$?
  # SIGTERM is the normal way to stop it; any other end (a crash during the run) is worth reporting.
  [[ $status -eq 0 || $status -eq 143 ]] || log "server exited with status $status (see $WORK/server.*.log)"
  SERVER_PID=
}

# loadgen LABEL ARGS...: one run; its JSON line goes to results.jsonl (and its stderr to the work dir).
loadgen() {
  local label=$1; shift
  local line
  if ! line=$("$LOADGEN" --label "$label" --bind-addresses "$BIND_ADDRESSES" --threads "$LOADGEN_THREADS" "$@" \
      2>"$WORK/loadgen.$label.err"); then
    log "$label: the load generator reported a failure (connections refused or lost): see below"
  fi
  [[ -n $line ]] || { log "$label: no result"; cat "$WORK/loadgen.$label.err" >&2; return 1; }
  echo "$line" >>"$RESULTS"
  echo "$line"
}

now_ms() { date +%s%3N; }

# storm LABEL PID RESTART_COMMAND LOADGEN_ARGS... (--port at least): holds HOLD_N idle connections (server RSS
# per connection), then SIGKILLs PID, runs RESTART_COMMAND (which must set the new pid in its own variable) and
# waits for the load generator to see every device logged in again. The result line gets the kill and restart
# times (epoch ms).
storm() {
  local label=$1 pid=$2 restart=$3; shift 3
  local err=$WORK/loadgen.$label.err out=$WORK/loadgen.$label.out
  "$LOADGEN" --label "$label" --bind-addresses "$BIND_ADDRESSES" --threads "$LOADGEN_THREADS" \
    --devices-file "$DEVICES" --connections "$HOLD_N" --reconnect-storm --duration "$IDLE_HOLD" \
    --storm-timeout "$STORM_TIMEOUT" --server-pid "$pid" "$@" >"$out" 2>"$err" &
  local lg=$!
  until grep -q '^gridhub_loadgen: held' "$err" 2>/dev/null; do
    kill -0 "$lg" 2>/dev/null || break
    sleep 0.05
  done
  local killed started status=0
  killed=$(now_ms)
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  started=$(now_ms)
  $restart
  wait "$lg" || status=$?
  (( status == 0 )) || log "$label: the load generator reported a failure ($status): $(tail -2 "$err" | tr '\n' ' ')"
  local line
  line=$(cat "$out")
  [[ -n $line ]] || { log "$label: no result"; cat "$err" >&2; return 1; }
  line=$("$PY" -c 'import json, sys
d = json.loads(sys.argv[1])
d["restart"] = {"killed_epoch_ms": int(sys.argv[2]), "started_epoch_ms": int(sys.argv[3])}
print(json.dumps(d, separators=(",", ":")))' "$line" "$killed" "$started")
  echo "$line" >>"$RESULTS"
}

json_get() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); exec("v=d"+sys.argv[2]); print(v)' "$1" "$2"; }

MAX_N=$SWEEP_N
for n in $SIZES $HOLD_N; do (( n > MAX_N )) && MAX_N=$n; done
START_DATE=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- provisioning --------------------------------------------------------------------------------------------
log "starting Gridhub in $WORK/data"
start_server provision
MODEL_ID=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["modelId"])' "$WORK/data/demo.json")
DEVICES=$WORK/devices.jsonl
log "creating $MAX_N devices through the REST API (products of model $MODEL_ID: at most 10,000 per product)"
t0=$(date +%s.%N)
: >"$DEVICES"
for (( made = 0, part = 0; made < MAX_N; made += 10000, part++ )); do
  count=$(( MAX_N - made < 10000 ? MAX_N - made : 10000 ))
  prefix=bench-; (( part == 0 )) || prefix=bench$part-
  "$LOADGEN" --create-devices "$count" --api-port "$HTTP_PORT" --admin-file "$WORK/data/admin.json" \
    --model-id "$MODEL_ID" --product-name "${prefix%-}" --device-prefix "$prefix" \
    --out "$WORK/devices.$part.jsonl" --api-connections 4
  cat "$WORK/devices.$part.jsonl" >>"$DEVICES"
done
CREATE_SECONDS=$("$PY" -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
stop_server

# --- Gridhub: per N, idle memory, saturation, half of saturation ---------------------------------------------
for n in $SIZES; do
  start_server "n$n"
  log "N=$n: connect and hold idle ${IDLE_HOLD}s (server RSS before/after)"
  loadgen "gridhub-idle-$n" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$n" --idle \
    --duration "$IDLE_HOLD" --server-pid "$SERVER_PID" >/dev/null
  log "N=$n: saturation (closed loop, 1 request in flight per connection, ${DURATION}s)"
  sat=$(loadgen "gridhub-max-$n" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$n" \
    --duration "$DURATION" --warmup 2 --server-pid "$SERVER_PID")
  rate=$(json_get "$sat" '["posts"]["acked_per_s"]')
  half=$("$PY" -c "print(max(1, int(float('$rate') / 2)))")
  log "N=$n: saturated at $rate acked posts/s; now paced at $half/s"
  loadgen "gridhub-half-$n" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$n" \
    --duration "$DURATION" --warmup 2 --rate "$half" --server-pid "$SERVER_PID" >/dev/null
  # The target's own load point: p99 at half of 50,000/s, whatever this machine saturates at.
  log "N=$n: paced at $TARGET_HALF_RATE/s (half the 50,000/s target)"
  loadgen "gridhub-target-$n" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$n" \
    --duration "$DURATION" --warmup 2 --rate "$TARGET_HALF_RATE" --server-pid "$SERVER_PID" >/dev/null
  if (( n <= 1000 )); then
    # SDKs allow more than one request in flight (Python: 20): the same N with 4 each shows what the server
    # does when several posts share one read and one group commit.
    log "N=$n: saturation with 4 requests in flight per connection"
    loadgen "gridhub-max4-$n" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$n" --inflight 4 \
      --duration "$DURATION" --warmup 2 --server-pid "$SERVER_PID" >/dev/null
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "N=$n: the server is gone (crash?)"; fi
  stop_server
done

# --- Gridhub: throughput and latency against load --------------------------------------------------------------
# The same points as Mosquitto's below: SWEEP_INFLIGHT posts in flight per device (the Python SDK allows 20), paced
# at each offered rate, then closed loop (label ...-0).
start_server sweep
for r in $SWEEP_RATES 0; do
  log "sweep: Gridhub N=$SWEEP_N offered ${r/#0/closed loop}/s"
  loadgen "gridhub-sweep-$r" --port "$MQTT_PORT" --devices-file "$DEVICES" --connections "$SWEEP_N" \
    --inflight "$SWEEP_INFLIGHT" --duration "$SWEEP_DURATION" --warmup 2 --drain 2 --rate "$r" \
    --server-pid "$SERVER_PID" >/dev/null
done
if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "sweep: the server is gone (crash?)"; fi
stop_server

# --- Gridhub: connections held, then the connect storm ------------------------------------------------------
restart_gridhub() { launch_server storm-restart "$MQTT_PORT" "$HTTP_PORT"; }
if (( HOLD_N > 0 )); then
  start_server hold
  log "hold: $HOLD_N idle Gridhub connections for ${IDLE_HOLD}s, then SIGKILL, restart, all log in again"
  storm "gridhub-storm-$HOLD_N" "$SERVER_PID" restart_gridhub --port "$MQTT_PORT" || true
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "storm: the restarted server is gone (crash?)"; fi
  stop_server
fi

# --- peer: Mosquitto (own config file, never the system service) ---------------------------------------------
if [[ $PEER = 1 ]] && command -v mosquitto >/dev/null; then
  PEER_PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$WORK/mosquitto.conf" <<EOF
listener $PEER_PORT 127.0.0.1
allow_anonymous true
max_inflight_messages 20
max_queued_messages 10000
persistence false
max_connections -1
set_tcp_nodelay true
log_dest none
EOF
  start_peer() {
    mosquitto -c "$WORK/mosquitto.conf" >>"$WORK/mosquitto.log" 2>&1 &
    PEER_PID=$!
    sleep 0.3
  }
  stop_peer() { kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; PEER_PID=; }
  restart_peer() { mosquitto -c "$WORK/mosquitto.conf" >>"$WORK/mosquitto.log" 2>&1 & PEER_PID=$!; }
  # `mosquitto -h` exits non-zero: read its banner without tripping `set -e -o pipefail`.
  PEER_VERSION=$( (mosquitto -h 2>/dev/null || true) | sed -n 's/^mosquitto version \([0-9.]*\).*/\1/p' | head -1)
  if (( HOLD_N > 0 )); then
    start_peer
    log "peer: hold $HOLD_N idle Mosquitto connections for ${IDLE_HOLD}s, then SIGKILL, restart, all log in again"
    # Mosquitto listens with a backlog of 100: more connects in flight overflow it and cost 1 s SYN retries.
    # The storm itself reconnects everything at once, as devices would.
    storm "mosquitto-storm-$HOLD_N" "$PEER_PID" restart_peer --port "$PEER_PORT" --connect-concurrency 100 || true
    stop_peer
  fi
  # BENCHMARKS.md: 20 in flight per publisher, one QoS 1 subscriber; the fair figure is the highest offered
  # rate that the subscriber receives without loss. A fresh broker per point: no backlog from the previous one.
  for r in $SWEEP_RATES 0; do
    start_peer
    log "sweep: Mosquitto relay N=$SWEEP_N offered ${r/#0/closed loop}/s"
    loadgen "mosquitto-sweep-$r" --port "$PEER_PORT" --devices-file "$DEVICES" --connections "$SWEEP_N" --relay \
      --connect-concurrency 100 --inflight "$SWEEP_INFLIGHT" --duration "$SWEEP_DURATION" --warmup 2 --drain 2 \
      --rate "$r" --server-pid "$PEER_PID" >/dev/null
    stop_peer
  done
  stop_peer
fi

# --- report --------------------------------------------------------------------------------------------------
GXX=$(g++ --version 2>/dev/null | head -1 || true)
"$PY" "$ROOT/bench/report.py" --results "$RESULTS" --out "$OUT" --date "$START_DATE" --load-before "$LOAD_BEFORE" \
  --create-seconds "$CREATE_SECONDS" --devices "$MAX_N" --durability "$DURABILITY" \
  --loadgen-threads "$LOADGEN_THREADS" --server-threads "$SERVER_THREADS" --compiler "$GXX" \
  --peer-version "${PEER_VERSION:-}" --duration "$DURATION" --idle-hold "$IDLE_HOLD" \
  --sweep-duration "$SWEEP_DURATION" --sweep-inflight "$SWEEP_INFLIGHT" --sweep-n "$SWEEP_N" --plot "$PLOT" \
  --load-after "$(cut -d' ' -f1-3 /proc/loadavg)"
log "wrote $OUT"
