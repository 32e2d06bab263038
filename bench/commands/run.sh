#!/usr/bin/env bash
# The command round-trip benchmark (`make bench-commands`, issue 4 "Performance"): starts `gridhub serve --demo`
# on free ports, runs gridhub_command_bench against it (sequential phase, then the parallel one), stops the
# server and rewrites the "Command round trip" section of docs/benchmarks.md (between its markers, nothing
# else). Builds nothing (make bench-commands builds first). About a minute.
#
# Environment knobs (defaults in brackets):
#   BUILD [build-bench-cmd]  CALLS [10000] timed sequential calls  WARMUP_CALLS [500]
#   DEVICES [100]  CONNECTIONS [100] parallel HTTP connections  DURATION [15] measured seconds  WARMUP [2]
#   BENCH_THREADS [1] io threads of the benchmark  SERVER_THREADS [0 = one per core]  DURABILITY [fsync]
#   COMMAND_DELAY_MS [1000] the server's delay between a device's login and its first command
#   TIMEOUT [5] the API's timeout= per call  OUT [docs/benchmarks.md]  WRITE_REPORT [1]  KEEP_WORK [0]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/bench/server_banner.sh"
BUILD=${BUILD:-build-bench-cmd}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
GRIDHUB=${GRIDHUB:-$BUILD/gridhub}
BENCH=${BENCH:-$BUILD/bench/gridhub_command_bench}
CALLS=${CALLS:-10000}
WARMUP_CALLS=${WARMUP_CALLS:-500}
DEVICES=${DEVICES:-100}
CONNECTIONS=${CONNECTIONS:-100}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-2}
BENCH_THREADS=${BENCH_THREADS:-1}
SERVER_THREADS=${SERVER_THREADS:-0}
DURABILITY=${DURABILITY:-fsync}
COMMAND_DELAY_MS=${COMMAND_DELAY_MS:-1000}
TIMEOUT=${TIMEOUT:-5}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
WRITE_REPORT=${WRITE_REPORT:-1}

log() { echo "bench-commands: $*" >&2; }

for bin in "$GRIDHUB" "$BENCH"; do
  [[ -x $bin ]] || { log "$bin not found: run 'make bench-commands' (it builds first)"; exit 2; }
done
command -v python3 >/dev/null || { log "python3 is needed to write the report"; exit 2; }

WORK=$(mktemp -d /tmp/gridhub-bench-commands.XXXXXX)
SERVER_PID=
cleanup() {
  # Only the process this script started, by its id.
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [[ ${KEEP_WORK:-0} = 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# `gridhub serve` on free ports (port 0), read back from its start-up banner (as bench/run.sh does).
start_server() {
  local log_file=$WORK/server.log
  "$GRIDHUB" serve --data-dir "$WORK/data" --bind 127.0.0.1 --mqtt-port 0 --http-port 0 --demo \
    --threads "$SERVER_THREADS" --durability "$DURABILITY" --command-delay-ms "$COMMAND_DELAY_MS" \
    --log-level warn >"$log_file" 2>&1 &
  SERVER_PID=$!
  wait_for_banner "$log_file" "$SERVER_PID"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  local status=0
  wait "$SERVER_PID" 2>/dev/null || status=$?
  # SIGTERM is the normal way to stop it; any other end (a crash during the run) is worth reporting.
  [[ $status -eq 0 || $status -eq 143 ]] || { log "server exited with status $status; its log:"; tail -20 "$WORK/server.log" >&2; }
  SERVER_PID=
}

START_DATE=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before the run: $LOAD_BEFORE (2 cores: above ~1 the figures are disturbed)"
log "starting Gridhub in $WORK/data"
start_server
MODEL_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["modelId"])' "$WORK/data/demo.json")

RESULT=$WORK/result.jsonl
status=0
"$BENCH" --label "commands-$DEVICES" --host 127.0.0.1 --mqtt-port "$MQTT_PORT" --api-port "$HTTP_PORT" \
  --server-pid "$SERVER_PID" --admin-file "$WORK/data/admin.json" --model-id "$MODEL_ID" \
  --sequential-calls "$CALLS" --sequential-warmup "$WARMUP_CALLS" --devices "$DEVICES" \
  --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" --threads "$BENCH_THREADS" \
  --timeout "$TIMEOUT" >"$RESULT" 2> >(tee "$WORK/bench.err" >&2) || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then log "the server is gone (crash?): see its log below"; tail -20 "$WORK/server.log" >&2; fi
stop_server

if [[ ! -s $RESULT ]]; then
  log "no result line (exit status $status)"
  exit 1
fi
(( status == 0 )) || log "THE RUN HAD FAILURES (exit status $status): the report says which"

if [[ $WRITE_REPORT = 1 ]]; then
  GXX=$(g++ --version 2>/dev/null | head -1 || true)
  CMD="CALLS=$CALLS DEVICES=$DEVICES CONNECTIONS=$CONNECTIONS DURATION=$DURATION bench/commands/run.sh"
  python3 "$ROOT/bench/commands/report.py" --result "$RESULT" --out "$OUT" --date "$START_DATE" \
    --load-before "$LOAD_BEFORE" --compiler "$GXX" --command "$CMD" --server-threads "$SERVER_THREADS" \
    --durability "$DURABILITY" --command-delay-ms "$COMMAND_DELAY_MS" --bench-threads "$BENCH_THREADS" \
    --timeout "$TIMEOUT"
  log "wrote the Command round trip section of $OUT"
else
  cat "$RESULT"
fi
exit "$status"
