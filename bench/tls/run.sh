#!/usr/bin/env bash
# The TLS connection benchmark (`make bench-tls`, issue 5 "Performance"): starts `gridhub serve --demo` on free
# ports with its local CA, runs bench/tls/tls_bench.py (1,000 devices connecting at once over plain TCP, then over
# TLS), stops the server and rewrites the "TLS connections" section of docs/benchmarks.md (between its markers,
# nothing else). Builds nothing (make bench-tls builds first). About half a minute.
#
# Environment knobs (defaults in brackets):
#   BUILD [build-bench-tls]  DEVICES [1000]  IDLE [5] seconds held idle before the RSS is read
#   SERVER_THREADS [0 = one per core]  OUT [docs/benchmarks.md]  WRITE_REPORT [1]  KEEP_WORK [0]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/bench/server_banner.sh"
BUILD=${BUILD:-build-bench-tls}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
GRIDHUB=${GRIDHUB:-$BUILD/gridhub}
DEVICES=${DEVICES:-1000}
IDLE=${IDLE:-5}
SERVER_THREADS=${SERVER_THREADS:-0}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
WRITE_REPORT=${WRITE_REPORT:-1}

log() { echo "bench-tls: $*" >&2; }
[[ -x $GRIDHUB ]] || { log "$GRIDHUB not found: run 'make bench-tls' (it builds first)"; exit 2; }
command -v python3 >/dev/null || { log "python3 is needed"; exit 2; }

WORK=$(mktemp -d /tmp/gridhub-bench-tls.XXXXXX)
SERVER_PID=
cleanup() {
  # Only the process this script started, by its id.
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [[ ${KEEP_WORK:-0} = 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The TLS port comes from the config file (0 = any free port), the CONNACK delay is 0 so that logins/s measures
# the server's work, not the Python SDK workaround.
cat >"$WORK/gridhub.toml" <<TOML
[mqtt]
tls_port = 0
connack_delay_ms = 0
TOML
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
"$GRIDHUB" serve --config "$WORK/gridhub.toml" --data-dir "$WORK/data" --bind 127.0.0.1 --mqtt-port 0 \
  --http-port 0 --demo --threads "$SERVER_THREADS" --log-level warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_banner "$WORK/server.log" "$SERVER_PID"
TLS_PORT=$(sed -n 's|.*MQTT over TLS *ssl://[^:]*:\([0-9]*\).*|\1|p' "$WORK/server.log" | head -1)
[[ -n $TLS_PORT ]] || { log "the server has no TLS listener:"; cat "$WORK/server.log" >&2; exit 1; }
TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$WORK/data/admin.json")
PK=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["productKey"])' "$WORK/data/demo.json")
log "server pid $SERVER_PID: MQTT $MQTT_PORT, TLS $TLS_PORT, HTTP $HTTP_PORT; $DEVICES devices"

python3 "$ROOT/bench/tls/tls_bench.py" --http-port "$HTTP_PORT" --mqtt-port "$MQTT_PORT" --tls-port "$TLS_PORT" \
  --token "$TOKEN" --product-key "$PK" --ca "$WORK/data/tls/ca.pem" --server-pid "$SERVER_PID" \
  --devices "$DEVICES" --idle "$IDLE" | tee "$WORK/results.jsonl"

if [[ $WRITE_REPORT = 1 ]]; then
  python3 "$ROOT/bench/tls/report.py" --results "$WORK/results.jsonl" --out "$OUT" --load-before "$LOAD_BEFORE" \
    --server-threads "$SERVER_THREADS"
  log "wrote the TLS section of $OUT"
fi
