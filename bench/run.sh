#!/usr/bin/env bash
# The MQTT benchmark (`make bench`): Gridhub and, beside it, Mosquitto driven by bench/loadgen; rewrites
# docs/benchmarks.md with the figures. Builds nothing (make bench builds first). About 4-5 minutes.
#
# Environment knobs (defaults in brackets):
#   BUILD [build]  SIZES ["1000 10000"]  DURATION [15] measured seconds per load run  IDLE_HOLD [10]
#   LOADGEN_THREADS [1]  SERVER_THREADS [0 = one per core]  DURABILITY [fsync]  PEER [1] run Mosquitto too
#   OUT [docs/benchmarks.md]  KEEP_WORK [0] keep the temp dir (logs, results.jsonl)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/server_banner.sh"
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
GRIDHUB=${GRIDHUB:-$BUILD/gridhub}
LOADGEN=${LOADGEN:-$BUILD/bench/gridhub_loadgen}
SIZES=${SIZES:-"1000 10000"}
DURATION=${DURATION:-15}
IDLE_HOLD=${IDLE_HOLD:-10}
LOADGEN_THREADS=${LOADGEN_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-0}
DURABILITY=${DURABILITY:-fsync}
PEER=${PEER:-1}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
TARGET_HALF_RATE=25000                # "p99 < 20 ms at half that load" (of 50,000 posts/s)
BIND_ADDRESSES=127.0.0.2-127.0.0.20   # past the ephemeral-port limit of one source address

for bin in "$GRIDHUB" "$LOADGEN"; do
  [[ -x $bin ]] || { echo "bench: $bin not found: run 'make bench' (it builds first)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "bench: python3 is needed to write the report" >&2; exit 2; }

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
  local log_file=$WORK/server.$1.log
  "$GRIDHUB" serve --data-dir "$WORK/data" --bind 127.0.0.1 --mqtt-port 0 --http-port 0 --demo \
    --threads "$SERVER_THREADS" --durability "$DURABILITY" --log-level warn >"$log_file" 2>&1 &
  SERVER_PID=$!
  wait_for_banner "$log_file" "$SERVER_PID"
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

json_get() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); exec("v=d"+sys.argv[2]); print(v)' "$1" "$2"; }

MAX_N=0
for n in $SIZES; do (( n > MAX_N )) && MAX_N=$n; done
START_DATE=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# --- provisioning --------------------------------------------------------------------------------------------
log "starting Gridhub in $WORK/data"
start_server provision
MODEL_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["modelId"])' "$WORK/data/demo.json")
DEVICES=$WORK/devices.jsonl
log "creating $MAX_N devices through the REST API (a product of model $MODEL_ID: at most 10,000 per product)"
t0=$(date +%s.%N)
"$LOADGEN" --create-devices "$MAX_N" --api-port "$HTTP_PORT" --admin-file "$WORK/data/admin.json" \
  --model-id "$MODEL_ID" --out "$DEVICES" --api-connections 4
CREATE_SECONDS=$(python3 -c "import sys; print(round($(date +%s.%N) - $t0, 1))")
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
  half=$(python3 -c "print(max(1, int(float('$rate') / 2)))")
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

# --- peer: Mosquitto (own config file, never the system service) ---------------------------------------------
if [[ $PEER = 1 ]] && command -v mosquitto >/dev/null; then
  PEER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
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
    mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
    PEER_PID=$!
    sleep 0.3
  }
  stop_peer() { kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; PEER_PID=; }
  # `mosquitto -h` exits non-zero: read its banner without tripping `set -e -o pipefail`.
  PEER_VERSION=$( (mosquitto -h 2>/dev/null || true) | sed -n 's/^mosquitto version \([0-9.]*\).*/\1/p' | head -1)
  start_peer
  log "peer: Mosquitto $PEER_VERSION idle N=$MAX_N"
  # Mosquitto listens with a backlog of 100: more connects in flight overflow it and cost 1 s SYN retries.
  loadgen "mosquitto-idle-$MAX_N" --port "$PEER_PORT" --devices-file "$DEVICES" --connections "$MAX_N" --idle \
    --duration "$IDLE_HOLD" --server-pid "$PEER_PID" --connect-concurrency 100 >/dev/null
  stop_peer
  # BENCHMARKS.md: 20 in flight per publisher, one QoS 1 subscriber; the fair figure is the highest offered
  # rate that the subscriber receives without loss.
  PEER_N=1000
  start_peer
  log "peer: relay saturation N=$PEER_N"
  loadgen "mosquitto-max-$PEER_N" --port "$PEER_PORT" --devices-file "$DEVICES" --connections "$PEER_N" --relay \
    --connect-concurrency 100 --inflight 20 --duration 10 --warmup 2 --drain 2 --server-pid "$PEER_PID" >/dev/null
  for r in 10000 20000 30000 40000; do
    stop_peer; start_peer  # a fresh broker: no backlog from the previous step
    log "peer: relay offered $r/s"
    loadgen "mosquitto-rate-$r" --port "$PEER_PORT" --devices-file "$DEVICES" --connections "$PEER_N" --relay \
      --connect-concurrency 100 --inflight 20 --duration 8 --warmup 2 --drain 2 --rate "$r" --server-pid "$PEER_PID" >/dev/null
  done
  stop_peer
fi

# --- report --------------------------------------------------------------------------------------------------
GXX=$(g++ --version 2>/dev/null | head -1 || true)
python3 "$ROOT/bench/report.py" --results "$RESULTS" --out "$OUT" --date "$START_DATE" --load-before "$LOAD_BEFORE" \
  --create-seconds "$CREATE_SECONDS" --devices "$MAX_N" --durability "$DURABILITY" \
  --loadgen-threads "$LOADGEN_THREADS" --server-threads "$SERVER_THREADS" --compiler "$GXX" \
  --peer-version "${PEER_VERSION:-}" --duration "$DURATION" --idle-hold "$IDLE_HOLD"
log "wrote $OUT"
