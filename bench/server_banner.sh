# Sourced by the benchmark scripts: waits for a `gridhub serve --demo` started on port 0 to print its banner and
# reads the ports it got. Usage: wait_for_banner LOG_FILE PID  (sets MQTT_PORT and HTTP_PORT; exits 1 with the
# log when the server ends or never prints it).
wait_for_banner() {
  local log_file=$1 pid=$2
  for _ in $(seq 1 200); do
    if grep -q 'HTTP (API)' "$log_file" 2>/dev/null; then
      MQTT_PORT=$(sed -n 's|.*MQTT (devices) *tcp://[^:]*:\([0-9]*\).*|\1|p' "$log_file" | head -1)
      HTTP_PORT=$(sed -n 's|.*HTTP (API) *http://[^:]*:\([0-9]*\).*|\1|p' "$log_file" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench: the server did not start; its log:" >&2
  cat "$log_file" >&2
  exit 1
}
