#!/bin/sh
# Runs the crash-safety loop (crash_loop.py) with Debian's python, which has paho-mqtt.
#   tests/reliability/run.sh           the long run: up to 1000 kill -9 cycles in about 10 minutes
#   tests/reliability/run.sh --short   about 60 s, for CI
# Any further arguments go to crash_loop.py (e.g. --seed 123 --keep). GRIDHUB_BIN picks the server binary
# (default build/gridhub).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export GRIDHUB_BIN="${GRIDHUB_BIN:-$root/build/gridhub}"
export GRIDHUB_SOURCE_DIR="${GRIDHUB_SOURCE_DIR:-$root}"
mode="--cycles 1000 --seconds 600"
if [ "${1:-}" = "--short" ]; then
  mode="--cycles 20 --seconds 60"
  shift
fi
# shellcheck disable=SC2086
exec /usr/bin/python3 "$here/crash_loop.py" $mode "$@"
