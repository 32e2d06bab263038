#!/usr/bin/env python3
# Turns bench/commands/run.sh's result (one gridhub_command_bench line) into the "Command round trip" section
# of docs/benchmarks.md, replacing only what lies between its two markers.
import argparse
import importlib.util
import json
import os

# The machine line is the MQTT report's (bench/report.py), loaded by path: all three files are called report.py (it also holds get and splice).
_spec = importlib.util.spec_from_file_location("mqtt_report", os.path.join(os.path.dirname(__file__), "..", "report.py"))
_mqtt_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mqtt_report)
machine = _mqtt_report.machine
get = _mqtt_report.get

BEGIN = "<!-- bench/commands/run.sh: begin (this section is rewritten by `make bench-commands`) -->"
END = "<!-- bench/commands/run.sh: end -->"
TSDB_END = "<!-- bench/tsdb/run.sh: end -->"

TARGET_P50_MS = 1.0        # sequential round trip
TARGET_CALLS_PER_S = 10_000  # 100 devices in parallel
SHARED_CORES = 0.3         # other processes' CPU during a phase above which its figures are flagged


def num(v):
    return "–" if v is None else f"{v:,.0f}"


def ms(v):
    return "–" if v is None else f"{v:.3f}"


def mib(v):
    return "–" if v is None else f"{v / 1048576:.1f} MiB"




def failures_cell(p):
    if not p:
        return "–"
    parts = [f"{k}: {n:,}" for k, n in sorted(p.get("failures", {}).items())]
    if p.get("gave_up"):
        parts.append("gave up")
    return "; ".join(parts) or "none"


def cpu_cell(p):
    c = p.get("cpu", {})
    s = f"{c.get('server_cores', 0):.2f} / {c.get('bench_cores', 0):.2f}"
    if c.get("other_cores", 0) >= 0.1:
        s += f" (other {c['other_cores']:.2f})"
    return s


def verdict(phase, ok):
    if not phase:
        return "not measured (phase not run)"
    if phase.get("failed_total", phase.get("failed", 0)) or phase.get("gave_up"):  # warm-up failures count too
        return "not met (the phase had failures)"
    return "met" if ok else "not met"


def section(args, r):
    seq, par = r.get("sequential"), r.get("parallel")
    w = []
    w.append(BEGIN)
    w.append("## Command round trip (invokeService)")
    w.append("")
    w.append(f"Measured {args.date} by `make bench-commands` (`bench/commands/run.sh`, rewrites this section only). "
             f"Machine: {machine()}; load average before the run: {args.load_before}. Compiler: {args.compiler}. "
             "No peer product is run beside Gridhub here: the issue names none to compare against, and none of "
             "the usual peers (Mosquitto, VictoriaMetrics) has a synchronous cloud-to-device call.")
    w.append("")
    if not r.get("ok", False):
        w.append("**THIS RUN HAD FAILURES:** " + "; ".join(r.get("problems", [])) +
                 ". The figures below count successful calls only; first failed answer: `"
                 + (get(seq, "first_failure") or get(par, "first_failure") or "?").replace("`", "'") + "`.")
        w.append("")
    busy = [name for name, p in (("sequential", seq), ("parallel", par))
            if p and get(p, "cpu", "other_cores") is not None and p["cpu"]["other_cores"] >= SHARED_CORES]
    try:
        load1 = float(args.load_before.split()[0])
    except (ValueError, IndexError):
        load1 = 0.0
    if busy or load1 >= 1.0:
        why = []
        if busy:
            why.append(f"other processes took ≥ {SHARED_CORES} of the 2 cores during the {' and '.join(busy)} phase")
        if load1 >= 1.0:
            why.append(f"the load average was {args.load_before} when it started")
        w.append(f"**This run shared the machine with other work** ({'; '.join(why)}): its figures are lower "
                 "bounds for this machine. Re-run `make bench-commands` on an idle machine for figures to quote.")
        w.append("")
    w.append("### Method")
    w.append("")
    threads = "one per core" if args.server_threads in ("", "0") else args.server_threads
    w.append(f"- Server: `gridhub serve --demo --durability {args.durability} --command-delay-ms "
             f"{args.command_delay_ms}` (threads: {threads}), fresh data dir, on 127.0.0.1. Every call is an "
             "immediate command (`pendingTtl` 0): the hub records it, pushes it, waits for the reply, records the "
             "outcome and answers the HTTP request.")
    w.append(f"- Devices: {num(get(r, 'provision', 'devices'))} created through the REST API "
             f"(`devices?action=create` with admin.json's bearer token, in a new product of the demo's thing model) "
             f"in {get(r, 'provision', 'seconds')} s, then logged in over MQTT in {get(r, 'login', 'seconds')} s "
             "by `gridhub_command_bench` (C++ on Asio with the project's `mqtt/` codec and `enos/` helpers), the way "
             "the Python SDK logs in. They subscribe to nothing (the hub delivers commands unsolicited, spec §1.7) "
             "and answer each `/sys/{pk}/{dk}/thing/service/{id}` at once with "
             "`{\"id\":\"<same id>\",\"code\":200,\"message\":\"\",\"data\":{\"result\":0}}` at QoS 1 on the "
             "topic + `_reply`, as the Python SDK does.")
    w.append(f"- Calls: `POST /connect-service/v2.1/commands?action=invokeService&orgId=..&productKey=..&deviceKey=..&"
             f"serviceId={r.get('service', '?')}&timeout={args.timeout}` with body `{{\"inputData\":{{\"interval\":2}}}}` "
             "over keep-alive HTTP/1.1 connections (Boost.Beast client, TCP_NODELAY), each connection in a closed "
             "loop (the next call is written when the previous answer is read). Latency = request write → full "
             "response read, every call kept (exact percentiles, nearest rank). Every answer is checked: HTTP 200, "
             "code 0, `outputData` equal to `{\"result\":0}`, a `commandId`; anything else is a failure, counted by "
             "kind.")
    if seq:
        w.append(f"- (a) Sequential: one device, one HTTP connection, {num(seq.get('warmup_calls'))} warm-up calls on "
                 f"a connection of their own (the first waits out the hub's delivery delay after login), then "
                 f"{num(seq.get('calls'))} timed calls.")
    if par:
        w.append(f"- (b) Parallel: {num(par.get('devices'))} devices, {num(par.get('connections'))} HTTP connections "
                 f"(one device each when there are as many connections as devices), {par.get('warmup_s')} s "
                 f"warm-up, then {par.get('measured_s')} s measured; calls/s counts successful calls answered "
                 "inside the window.")
    w.append(f"- The benchmark runs on the same 2 cores as the server ({args.bench_threads} io thread(s)). CPU: "
             "utime+stime from `/proc/PID/stat` over the measured part, in cores, for the server / the benchmark; "
             "\"other\" is the rest of the machine (`/proc/stat`).")
    w.append("")
    w.append("### Results")
    w.append("")
    w.append("| phase | devices / connections | calls (failed) | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
             "| CPU server / bench | server CPU per call | failures |")
    w.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, p in (("(a) sequential", seq), ("(b) parallel", par)):
        if not p:
            w.append(f"| {name} | not run | | | | | | | | | | |")
            continue
        l = p.get("latency_ms", {})
        per_call = get(p, "cpu", "server_us_per_call")
        w.append(f"| {name} | {p['devices']} / {p['connections']} | {num(p['calls'])} ({num(p['failed'])}) | "
                 f"{num(p['calls_per_s'])} | {ms(l.get('p50'))} | {ms(l.get('p90'))} | {ms(l.get('p99'))} | "
                 f"{ms(l.get('p999'))} | {ms(l.get('max'))} | {cpu_cell(p)} | "
                 f"{'–' if per_call is None else f'{per_call:.0f} µs'} | {failures_cell(p)} |")
    w.append("")
    ds = r.get("device_side", {})
    w.append(f"Server RSS: {mib(r.get('server_rss_after_login_bytes'))} with the devices logged in, "
             f"{mib(get(seq, 'server_rss_bytes'))} after (a), {mib(get(par, 'server_rss_bytes'))} after (b). "
             f"Device side: {num(ds.get('commands_answered'))} service invocations answered, "
             f"{num(ds.get('other_topics', 0) + ds.get('unparsable', 0))} other downstream messages, "
             f"{num(ds.get('disconnects'))} disconnects, {num(ds.get('protocol_errors'))} protocol errors.")
    w.append("")
    w.append("### Against the targets")
    w.append("")
    w.append("| target | measured | verdict |")
    w.append("|---|---|---|")
    p50 = get(seq, "latency_ms", "p50")
    w.append(f"| p50 < {TARGET_P50_MS:.0f} ms, sequential round trip over {num(get(seq, 'calls'))} calls | "
             f"{ms(p50)} ms (p99 {ms(get(seq, 'latency_ms', 'p99'))} ms) | "
             f"{verdict(seq, p50 is not None and p50 < TARGET_P50_MS)} |")
    rate = get(par, "calls_per_s")
    w.append(f"| ≥ {TARGET_CALLS_PER_S:,} calls/s with {num(get(par, 'devices'))} devices in parallel | "
             f"{num(rate)} calls/s (p50 {ms(get(par, 'latency_ms', 'p50'))} / p99 "
             f"{ms(get(par, 'latency_ms', 'p99'))} ms) | "
             f"{verdict(par, rate is not None and rate >= TARGET_CALLS_PER_S)} |")
    w.append("")
    if par and rate is not None and rate < TARGET_CALLS_PER_S:
        c = par.get("cpu", {})
        used = c.get("server_cores", 0) + c.get("bench_cores", 0) + c.get("other_cores", 0)
        idle = (os.cpu_count() or 2) - used
        if idle >= 0.3:
            w.append(f"The parallel phase left {idle:.2f} of the machine's {os.cpu_count()} cores idle while "
                     f"{num(par.get('connections'))} calls were always in flight: the server was waiting (a lock "
                     "or I/O), not short of CPU. Where it waits is found with `perf record -e sched:sched_switch "
                     "--call-graph dwarf -p <server pid>` during the phase.")
        else:
            w.append("The parallel phase used the whole machine: the server and the benchmark shared the "
                     "2 cores, so the rate is bounded by CPU per call (the \"server CPU per call\" column).")
        w.append("")
    w.append("### Reproducing")
    w.append("")
    w.append("`make bench-commands` (a Release build in `build-bench-cmd/`, then `bench/commands/run.sh`: about a "
             "minute). Knobs: `CALLS`, `WARMUP_CALLS`, `DEVICES`, `CONNECTIONS`, `DURATION`, `WARMUP`, "
             "`BENCH_THREADS`, `SERVER_THREADS`, `DURABILITY`, `COMMAND_DELAY_MS`, `TIMEOUT`, `WRITE_REPORT=0` "
             "(print the result line only), `KEEP_WORK=1` (keep the server log). This run: "
             f"`{args.command}`. The result line:")
    w.append("")
    w.append("```")
    w.append(json.dumps(r, separators=(",", ":"), ensure_ascii=False))
    w.append("```")
    w.append(END)
    return "\n".join(w)




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--result", required=True)
    ap.add_argument("--out", required=True)
    for a in ("date", "load-before", "compiler", "command", "server-threads", "durability", "command-delay-ms",
              "bench-threads", "timeout"):
        ap.add_argument("--" + a, default="?")
    args = ap.parse_args()
    lines = []
    with open(args.result) as f:
        for line in f:
            line = line.strip()
            if line:
                lines.append(json.loads(line))
    if not lines:
        raise SystemExit("report: no result line")
    doc = ""
    if os.path.exists(args.out):
        with open(args.out) as f:
            doc = f.read()
    out = _mqtt_report.splice(doc, BEGIN.split(" (")[0], END, section(args, lines[-1]), after_marker=TSDB_END)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(out if out.endswith("\n") else out + "\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
