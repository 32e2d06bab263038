#!/usr/bin/env bash
# The storage benchmark (`make bench-tsdb`): Gridhub's embedded store, SQLite and VictoriaMetrics on the same
# data set (/work/shared/BENCHMARKS.md), one engine at a time; rewrites the "Time-series store" section of
# docs/benchmarks.md (between its markers, nothing else). Builds nothing (make bench-tsdb builds first).
# The full run (1,000 devices x 7 days, 241.9M points per flavour) takes about 15 minutes on 2 cores; a quick
# check: DEVICES=20 DAYS=1 WRITE_REPORT=0 bench/tsdb/run.sh (under a minute).
#
# Environment knobs (defaults in brackets):
#   BUILD [build-bench]  DEVICES [1000]  DAYS [7]  EXTRA_DAYS [90] the aggregate query's extra series
#   SQLITE_DEVICES [100] SQLite gets this many devices (it ingests ~15x slower; the per-point figures hold)
#   FLAVOURS ["sample random"]  ENGINES ["gridhub sqlite vm"]  FLUSH_RUN [1] also time Gridhub's ingest with
#   durability=flush (sample flavour)  QUERY_RUNS [20]  VERIFY_SERIES [24]  VM_CONNECTIONS [4]
#   CSV [../shared/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv]  WORK_ROOT [/tmp]
#   OUT [docs/benchmarks.md]  WRITE_REPORT [1]  KEEP_WORK [0] keep the temp dir (logs, results.jsonl)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build-bench}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
BENCH=${BENCH:-$BUILD/bench/gridhub_tsdb_bench}
DEVICES=${DEVICES:-1000}
DAYS=${DAYS:-7}
EXTRA_DAYS=${EXTRA_DAYS:-90}
SQLITE_DEVICES=${SQLITE_DEVICES:-100}
FLAVOURS=${FLAVOURS:-"sample random"}
ENGINES=${ENGINES:-"gridhub sqlite vm"}
FLUSH_RUN=${FLUSH_RUN:-1}
QUERY_RUNS=${QUERY_RUNS:-20}
VERIFY_SERIES=${VERIFY_SERIES:-24}
VM_CONNECTIONS=${VM_CONNECTIONS:-4}
CSV=${CSV:-$ROOT/../shared/seed-data/enos_simulator_sample_AESC_DEMO_Easy.csv}
WORK_ROOT=${WORK_ROOT:-/tmp}
OUT=${OUT:-$ROOT/docs/benchmarks.md}
WRITE_REPORT=${WRITE_REPORT:-1}
VM_BIN=/usr/bin/victoria-metrics

log() { echo "bench-tsdb: $*" >&2; }

[[ -x $BENCH ]] || { log "$BENCH not found: run 'make bench-tsdb' (it builds first)"; exit 2; }
command -v python3 >/dev/null || { log "python3 is needed to write the report"; exit 2; }
(( SQLITE_DEVICES > DEVICES )) && SQLITE_DEVICES=$DEVICES
if [[ " $FLAVOURS " = *" sample "* && ! -r $CSV ]]; then log "the sample flavour needs $CSV (set CSV)"; exit 2; fi

# VictoriaMetrics from Debian, started here on its own port and data dir: never the system service.
if [[ " $ENGINES " = *" vm "* && ! -x $VM_BIN ]]; then
  log "installing Debian's victoria-metrics"
  SUDO=$( [[ $(id -u) = 0 ]] || echo sudo )
  $SUDO apt-get install -y -qq victoria-metrics >&2 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq victoria-metrics >&2; }
fi
VM_VERSION=$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || echo "?")

# Disk: the largest single engine run must fit (one at a time, each removed after its run). Gridhub's WAL
# takes ~30 bytes a point until its history replaces it; SQLite ~24; VictoriaMetrics ~5 (random data).
POINTS=$(( DEVICES * 4 * DAYS * 8640 + EXTRA_DAYS * 8640 ))
NEED=$(( POINTS * 40 ))
AVAIL=$(( $(df -Pk "$WORK_ROOT" | awk 'NR==2 {print $4}') * 1024 ))
if (( AVAIL < NEED )); then
  log "$WORK_ROOT has $((AVAIL >> 30)) GiB free, a run of $POINTS points needs about $((NEED >> 30)) GiB: scale down (DEVICES, DAYS)"
  exit 2
fi

WORK=$(mktemp -d "$WORK_ROOT/gridhub-bench-tsdb.XXXXXX")
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
VM_PID=
cleanup() {
  # Only the process this script started, by its id.
  [[ -n $VM_PID ]] && kill "$VM_PID" 2>/dev/null && wait "$VM_PID" 2>/dev/null || true
  if [[ ${KEEP_WORK:-0} = 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

START_DATE=$(date -u +%Y-%m-%dT%H:%MZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# One time base for every engine: a UTC midnight 10 days before the longest series would end.
BACK=$(( (DAYS > EXTRA_DAYS ? DAYS : EXTRA_DAYS) + 10 ))
BASE_MS=$(( ($(date -u +%s) / 86400 - BACK) * 86400000 ))
COMMON=(--csv "$CSV" --days "$DAYS" --extra-days "$EXTRA_DAYS" --base-ms "$BASE_MS" --query-runs "$QUERY_RUNS"
        --verify-series "$VERIFY_SERIES")

# bench LABEL ARGS...: one engine run; its JSON line goes to results.jsonl, its stderr to the work dir.
bench() {
  local label=$1; shift
  local line status=0
  log "$label: $*"
  line=$("$BENCH" --label "$label" "${COMMON[@]}" "$@" 2>"$WORK/$label.err") || status=$?
  if [[ -n $line ]]; then echo "$line" >>"$RESULTS"; fi
  if (( status != 0 )); then
    log "$label: exit status $status; its stderr:"; tail -5 "$WORK/$label.err" >&2
  fi
  [[ -z $line ]] || python3 -c 'import json,sys
d=json.loads(sys.argv[1]); i=d.get("ingest",{}); s=d.get("size",{}); q=d.get("queries",{})
med=lambda k: q.get(k,{}).get("timing",{}).get("median_ms","-")
print("bench-tsdb:   %s pts/s, %s B/pt, raw day %s ms, hourly avg %s ms, errors: %s" % (i.get("points_per_s","-"),
  s.get("bytes_per_point","-"), med("raw_day"), med("avg_hourly"), "; ".join(d.get("errors",[])) or "none"))' "$line" >&2
}

start_vm() {
  local data=$1
  VM_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$data"
  "$VM_BIN" -storageDataPath "$data" -httpListenAddr "127.0.0.1:$VM_PORT" -retentionPeriod 100y \
    -search.disableCache -loggerLevel WARN >"$WORK/vm.$(basename "$data").log" 2>&1 &
  VM_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$VM_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$VM_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "VictoriaMetrics did not start; its log:"; cat "$WORK/vm.$(basename "$data").log" >&2; exit 1
}

stop_vm() {
  kill "$VM_PID" 2>/dev/null || true
  wait "$VM_PID" 2>/dev/null || true
  VM_PID=
}

for flavour in $FLAVOURS; do
  for engine in $ENGINES; do
    case $engine in
      gridhub)
        bench "gridhub-$flavour" --engine gridhub --flavour "$flavour" --devices "$DEVICES" \
          --durability none --dir "$WORK/gridhub-$flavour"
        rm -rf "$WORK/gridhub-$flavour"
        if [[ $FLUSH_RUN = 1 && $flavour = sample ]]; then
          bench "gridhub-flush-$flavour" --engine gridhub --flavour "$flavour" --devices "$DEVICES" \
            --durability flush --ingest-only --dir "$WORK/gridhub-flush-$flavour"
          rm -rf "$WORK/gridhub-flush-$flavour"
        fi
        ;;
      sqlite)
        bench "sqlite-$flavour" --engine sqlite --flavour "$flavour" --devices "$SQLITE_DEVICES" \
          --dir "$WORK/sqlite-$flavour"
        rm -rf "$WORK/sqlite-$flavour"
        ;;
      vm)
        start_vm "$WORK/vm-$flavour"
        bench "vm-$flavour" --engine vm --flavour "$flavour" --devices "$DEVICES" --vm-port "$VM_PORT" \
          --vm-pid "$VM_PID" --vm-data "$WORK/vm-$flavour" --vm-connections "$VM_CONNECTIONS"
        stop_vm
        rm -rf "$WORK/vm-$flavour"
        ;;
      *) log "unknown engine $engine (gridhub, sqlite, vm)"; exit 2 ;;
    esac
  done
done

if [[ $WRITE_REPORT = 1 ]]; then
  GXX=$(g++ --version 2>/dev/null | head -1 || true)
  CMD="DEVICES=$DEVICES DAYS=$DAYS EXTRA_DAYS=$EXTRA_DAYS SQLITE_DEVICES=$SQLITE_DEVICES bench/tsdb/run.sh"
  python3 "$ROOT/bench/tsdb/report.py" --results "$RESULTS" --out "$OUT" --date "$START_DATE" \
    --load-before "$LOAD_BEFORE" --compiler "$GXX" --vm-version "$VM_VERSION" --command "$CMD" \
    --vm-connections "$VM_CONNECTIONS"
  log "wrote the Time-series store section of $OUT"
else
  cat "$RESULTS"
fi
