#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/<name>_fuzz.cpp) for N seconds on a copy of its committed seed corpus,
# and prints executions, coverage and crashes per target. Exits non-zero on any crash, leak, timeout or OOM.
#   tests/fuzz/run.sh [seconds-per-target] [target...]      (default 30 s, every target)
# Environment: FUZZ_BUILD (build dir, default build-fuzz), FUZZ_WORK (work corpora and crash files, default
# $FUZZ_BUILD/fuzz-work; kept between runs so that long runs accumulate), FUZZ_JOBS (ninja -j, default 2).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
shift || true
build=${FUZZ_BUILD:-$root/build-fuzz}
work=${FUZZ_WORK:-$build/fuzz-work}
fuzz_dir=$root/tests/fuzz

# Per target: the longest input worth mutating (a CONNECT or a post fits in 4 KiB; the seed model is 15 KiB).
declare -A max_len=([mqtt_decoder]=4096 [topic_parser]=512 [login_parser]=1024 [device_json]=8192
                    [model_importer]=65536 [http_request]=32768)

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1' -DGRIDHUB_FUZZ=ON -DGRIDHUB_CONSOLE=OFF >/dev/null || exit 2
fi
ninja -C "$build" -j "${FUZZ_JOBS:-2}" fuzz_targets >/dev/null || { ninja -C "$build" fuzz_targets | tail -30; exit 2; }

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in "$fuzz_dir"/*_fuzz.cpp; do n=$(basename "$src" _fuzz.cpp); targets+=("$n"); done
fi

status=0
printf '%-16s %12s %9s %7s %7s  %s\n' target executions exec/s cov ft result
for t in "${targets[@]}"; do
  bin=$build/${t}_fuzz
  [ -x "$bin" ] || { echo "$t: no binary $bin"; status=1; continue; }
  corpus=$work/$t/corpus
  artifacts=$work/$t/artifacts
  mkdir -p "$corpus" "$artifacts"
  cp -n "$fuzz_dir/corpus/$t/"* "$corpus/" 2>/dev/null  # the committed seeds; never write back to them
  dict=()
  [ -f "$fuzz_dir/$t.dict" ] && dict=(-dict="$fuzz_dir/$t.dict")
  log=$work/$t/last.log
  before=$(ls "$artifacts" | wc -l)
  "$bin" "$corpus" "${dict[@]}" -max_total_time="$seconds" -max_len="${max_len[$t]:-4096}" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  new=$(( $(ls "$artifacts" | wc -l) - before ))
  result=ok
  if [ $rc -ne 0 ] || [ $new -gt 0 ]; then
    result="FAILED (exit $rc, $new new file(s) in $artifacts; log $log)"
    status=1
    grep -m3 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|==ERROR' "$log" | sed 's/^/    /'
  fi
  printf '%-16s %12s %9s %7s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
