#!/usr/bin/env bash
# The TLS connection benchmark (`make bench-tls`, issue 5 "Performance"): starts `gridhub serve --demo` on free
# ports with its local CA, runs bench/tls/tls_bench.py (1,000 devices connecting at once over plain TCP, then over
# TLS), stops the server; then the same against Mosquitto 2 (the side-by-side peer: a plain and a TLS listener with
# the same certificate files, allow_anonymous) when /usr/sbin/mosquitto exists; and rewrites the "TLS connections"
# section of docs/benchmarks.md (between its markers, nothing else). Builds nothing (make bench-tls builds first).
# About a minute.
#
# Environment knobs (defaults in brackets):
#   BUILD [build-bench-tls]  DEVICES [1000]  IDLE [5] seconds held idle before the RSS is read
#   SERVER_THREADS [0 = one per core]  OUT [docs/benchmarks.md]  WRITE_REPORT [1]  KEEP_WORK [0]
#   MOSQUITTO [/usr/sbin/mosquitto; "" = skip]
#   GRIDHUB_BEFORE [""]: another gridhub binary (e.g. an older build) measured the same way, as "Gridhub (before)"
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/bench/server_banner.sh"
BUILD=${BUILD:-build-bench-tls}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
GRIDHUB=${GRIDHUB:-$BUILD/gridhub}
GRIDHUB_BEFORE=${GRIDHUB_BEFORE:-}
MOSQUITTO=${MOSQUITTO-/usr/sbin/mosquitto}
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
stop_server() {
  # Only the process this script started, by its id.
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  if [[ ${KEEP_WORK:-0} = 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$WORK/results.jsonl"

# run_gridhub BINARY LABEL: one server, plain TCP then TLS. The TLS port comes from the config file (0 = any free
# port), the CONNACK delay is 0 so that logins/s measures the server's work, not the Python SDK workaround.
run_gridhub() {
  local bin=$1 label=$2 dir=$WORK/$2
  mkdir -p "$dir"
  cat >"$dir/gridhub.toml" <<TOML
[mqtt]
tls_port = 0
connack_delay_ms = 0
TOML
  "$bin" serve --config "$dir/gridhub.toml" --data-dir "$dir/data" --bind 127.0.0.1 --mqtt-port 0 \
    --http-port 0 --demo --threads "$SERVER_THREADS" --log-level warn >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  wait_for_banner "$dir/server.log" "$SERVER_PID"
  local tls_port token pk
  tls_port=$(sed -n 's|.*MQTT over TLS *ssl://[^:]*:\([0-9]*\).*|\1|p' "$dir/server.log" | head -1)
  [[ -n $tls_port ]] || { log "the server has no TLS listener:"; cat "$dir/server.log" >&2; exit 1; }
  token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$dir/data/admin.json")
  pk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["productKey"])' "$dir/data/demo.json")
  log "$label: server pid $SERVER_PID: MQTT $MQTT_PORT, TLS $tls_port, HTTP $HTTP_PORT; $DEVICES devices"
  python3 "$ROOT/bench/tls/tls_bench.py" --target gridhub --label "$label" --http-port "$HTTP_PORT" \
    --mqtt-port "$MQTT_PORT" --tls-port "$tls_port" --token "$token" --product-key "$pk" \
    --ca "$dir/data/tls/ca.pem" --server-pid "$SERVER_PID" --devices "$DEVICES" --idle "$IDLE" |
    tee -a "$WORK/results.jsonl"
  stop_server
}

# Mosquitto with the certificate files the Gridhub run created (its local CA and server certificate).
run_mosquitto() {
  local tls_dir=$WORK/gridhub/data/tls dir=$WORK/mosquitto ports
  mkdir -p "$dir"
  ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
  local tcp_port=${ports% *} tls_port=${ports#* }
  cat >"$dir/mosquitto.conf" <<CONF
# Root keeps root: the key file is mode 0600, owned by the user who ran gridhub.
user root
persistence false
log_dest stderr
log_type error
allow_anonymous true
listener $tcp_port 127.0.0.1
listener $tls_port 127.0.0.1
cafile $tls_dir/ca.pem
certfile $tls_dir/server.pem
keyfile $tls_dir/server.key
CONF
  "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' \
      "$tls_port" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { log "mosquitto did not start:"; cat "$dir/mosquitto.log" >&2; exit 1; }
    sleep 0.05
  done
  log "mosquitto: pid $SERVER_PID: MQTT $tcp_port, TLS $tls_port; $DEVICES clients"
  python3 "$ROOT/bench/tls/tls_bench.py" --target mosquitto --mqtt-port "$tcp_port" --tls-port "$tls_port" \
    --ca "$tls_dir/ca.pem" --server-pid "$SERVER_PID" --devices "$DEVICES" --idle "$IDLE" |
    tee -a "$WORK/results.jsonl"
  stop_server
}

run_gridhub "$GRIDHUB" gridhub
if [[ -n $GRIDHUB_BEFORE ]]; then run_gridhub "$GRIDHUB_BEFORE" gridhub-before; fi
if [[ -n $MOSQUITTO && -x $MOSQUITTO ]]; then run_mosquitto; else log "no mosquitto: its column stays empty"; fi

if [[ $WRITE_REPORT = 1 ]]; then
  python3 "$ROOT/bench/tls/report.py" --results "$WORK/results.jsonl" --out "$OUT" --load-before "$LOAD_BEFORE" \
    --server-threads "$SERVER_THREADS"
  log "wrote the TLS section of $OUT"
fi
