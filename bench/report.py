#!/usr/bin/env python3
# Turns bench/run.sh's results.jsonl (one gridhub_loadgen line per run) into docs/benchmarks.md (whole file).
import argparse
import json
import os
import platform

TARGET_POSTS = 50_000       # acknowledged posts/s
TARGET_P99_MS = 20.0        # at half that load
TARGET_IDLE_BYTES = 8 * 1024


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = "?"
    try:
        with open("/proc/meminfo") as f:
            mem_gib = round(int(f.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem_gib} GiB, Linux {platform.release()}"


TSDB_BEGIN = "<!-- bench/tsdb/run.sh: begin"
TSDB_END = "<!-- bench/tsdb/run.sh: end -->"
COMMANDS_BEGIN = "<!-- bench/commands/run.sh: begin"
COMMANDS_END = "<!-- bench/commands/run.sh: end -->"


def get(d, *path):
    """d[path[0]][path[1]]..., or None where the path leaves the dicts (results may lack any field)."""
    for k in path:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def splice(doc, begin_marker, end_marker, new_section, after_marker=None):
    """Replaces the span between the markers with new_section; without them, puts it after `after_marker` when
    present, else before '## Raw results', else at the end. Sections other scripts own stay as they are."""
    b, e = doc.find(begin_marker), doc.find(end_marker)
    if b != -1 and e != -1 and e > b:
        return doc[:b] + new_section + doc[e + len(end_marker):]
    t = doc.find(after_marker) if after_marker else -1
    if t != -1:
        t += len(after_marker)
        return doc[:t] + "\n\n" + new_section + doc[t:]
    anchor = doc.find("\n## Raw results")
    if anchor != -1:
        return doc[:anchor + 1] + new_section + "\n\n" + doc[anchor + 1:]
    return doc.rstrip("\n") + "\n\n" + new_section + "\n"


def marked_section(path, begin_marker, end_marker):
    """The span between two markers in the current report, markers included ("" if none)."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return ""
    start = text.find(begin_marker)
    end = text.find(end_marker, start)
    return text[start:end + len(end_marker)] if start >= 0 and end >= 0 else ""


def tsdb_section(path):
    """The span between bench/tsdb/run.sh's markers in the current report, markers included ("" if none)."""
    return marked_section(path, TSDB_BEGIN, TSDB_END)


def ms(v):
    return "–" if v is None else f"{v:.2f}"


def whole_ms(v):
    # Millisecond-resolution figures (relay delivery): 0 means "within the same millisecond".
    return "–" if v is None else ("< 1" if v < 1 else f"{v:.0f}")


def num(v):
    return "–" if v is None else f"{v:,.0f}"


def kib(v):
    return "–" if v is None else f"{v / 1024:.2f} KiB"


def cpu(r):
    c = r.get("cpu", {})
    s = f"{c.get('server_cores', 0):.2f} / {c.get('loadgen_cores', 0):.2f}"
    if c.get("other_cores", 0) >= 0.1:
        s += f" (other {c['other_cores']:.2f})"
    return s


def errors(r):
    parts = []
    p = r.get("posts", {})
    for code, n in p.get("errors", {}).items():
        parts.append(f"code {code}: {n}")
    for code, n in r.get("connect", {}).get("refused", {}).items():
        parts.append(f"CONNACK {code}: {n}")
    for key in ("failed",):
        if r.get("connect", {}).get(key):
            parts.append(f"connect failed: {r['connect'][key]}")
    for key in ("unanswered", "unmatched", "unparsable", "skipped"):
        if p.get(key):
            parts.append(f"{key}: {p[key]}")
    if r.get("disconnects"):
        parts.append(f"disconnects: {r['disconnects']}")
    if r.get("protocol_errors"):
        parts.append(f"protocol errors: {r['protocol_errors']}")
    return ", ".join(parts) or "none"


def ratio(measured, target, lower_is_better=False):
    if measured is None:
        return "–"
    if lower_is_better:
        ok = measured <= target
        return f"{'meets' if ok else 'misses'} ({measured / target:.2f}× the limit)"
    ok = measured >= target
    return f"{'meets' if ok else 'misses'} ({measured / target:.2f}× the target)"


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "out", "date", "load-before", "create-seconds", "devices", "durability", "loadgen-threads",
              "server-threads", "compiler", "peer-version", "duration", "idle-hold"):
        ap.add_argument("--" + a, default="")
    args = ap.parse_args()

    runs = {}
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                runs[r["label"]] = r
    sizes = sorted({int(k.rsplit("-", 1)[1]) for k in runs if k.startswith("gridhub-idle-")})

    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w(f"Measured {args.date} by `make bench` (`bench/run.sh`, rewrites this file). Machine: {machine()}; "
      f"load average before the run: {args.load_before}. Compiler: {args.compiler}.")
    w("")
    busy = [k for k, r in runs.items() if r.get("cpu", {}).get("other_cores", 0) >= 0.3]
    if busy:
        w(f"**Caution:** other processes used ≥ 0.3 of the 2 cores during {len(busy)} of {len(runs)} runs "
          f"(column \"other\"): those figures are lower bounds for this machine, not its capacity.")
        w("")
    w("## Method")
    w("")
    w(f"- Server: `gridhub serve --demo --durability {args.durability}` (threads: "
      f"{'one per core' if args.server_threads in ('', '0') else args.server_threads}), fresh data dir, "
      f"restarted for each N. A reply with code 200 is sent only once the samples are durable under that mode "
      f"(`fsync`: written and fsynced, group commit).")
    w(f"- Devices: {int(args.devices or 0):,} created through the REST API (`devices?action=create`, 4 keep-alive HTTP "
      f"connections, in a product of the demo's thing model) in {args.create_seconds} s.")
    w(f"- Load generator: `bench/loadgen` (`gridhub_loadgen`, C++ on Asio and the `mqtt/` codec, "
      f"{args.loadgen_threads} thread(s), every connection on one io_context per thread, bound round-robin to "
      f"127.0.0.2–127.0.0.20). Each device logs in like the Python SDK (clientId "
      f"`dk|securemode=2,signmethod=hmacsha256,timestamp=<ms>|`, username `dk&pk`, SHA-256 sign) and posts the "
      f"lab's `thing.measurepoint.post` (cycle_number, temp, voltage, current, accumulating_power with the lab's "
      f"formulas, ~230 bytes) at QoS 1, matching each `_reply` by id. It runs on the same 2 cores as the server.")
    w(f"- Per N: connect all and hold idle {args.idle_hold} s, server VmRSS read before connecting and after the "
      f"hold → bytes per idle connection; then a saturation run (closed loop: each connection sends its next post "
      f"when the reply to the previous one arrives, 1 in flight per connection, {args.duration} s measured after "
      f"2 s of warm-up); then an open-loop run paced at half the saturated rate (posts spread evenly over the "
      f"connections on a 1 ms schedule; a post whose slot finds its connection still waiting is skipped and "
      f"counted, not sent late), which gives the latency at half load; and one paced at 25,000 posts/s, the "
      f"load the p99 target names.")
    w("- Latency: publish of the post → arrival of its `_reply`, recorded in a log-bucketed histogram "
      "(~3% resolution, reported as the bucket's upper bound). Rates count only replies with code 200 that arrive "
      "inside the measured window.")
    w("- CPU: utime+stime from `/proc/PID/stat` over the measured window, in cores, for the server / the load "
      "generator; \"other\" is what the rest of the machine used in that window (a high figure makes the run "
      "suspect).")
    w("")
    w("## Gridhub")
    w("")
    w("| N | connect rate | idle RSS / connection | saturation: acked posts/s | p50 / p99 ms | CPU server / loadgen "
      "| half load: acked posts/s | p50 / p90 / p99 / max ms | CPU server / loadgen | errors |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    best_posts = None
    for n in sizes:
        idle = runs.get(f"gridhub-idle-{n}", {})
        mx = runs.get(f"gridhub-max-{n}", {})
        half = runs.get(f"gridhub-half-{n}", {})
        rate = idle.get("connect", {}).get("per_s")
        per = idle.get("server_rss", {}).get("bytes_per_connection")
        sat = mx.get("posts", {}).get("acked_per_s")
        if sat is not None:
            best_posts = sat if best_posts is None else max(best_posts, sat)
        ml = mx.get("latency_ms", {})
        hl = half.get("latency_ms", {})
        errs = "; ".join(f"{k}: {errors(r)}" for k, r in (("idle", idle), ("max", mx), ("half", half)) if r and
                         errors(r) != "none") or "none"
        w(f"| {n:,} | {num(rate)}/s | {kib(per)} | {num(sat)} | {ms(ml.get('p50'))} / {ms(ml.get('p99'))} | "
          f"{cpu(mx) if mx else '–'} | {num(half.get('posts', {}).get('acked_per_s'))} "
          f"(offered {num(half.get('rate_target'))}) | {ms(hl.get('p50'))} / {ms(hl.get('p90'))} / "
          f"{ms(hl.get('p99'))} / {ms(hl.get('max'))} | {cpu(half) if half else '–'} | {errs} |")
    w("")
    extra = sorted((int(k.rsplit("-", 1)[1]), r) for k, r in runs.items() if k.startswith("gridhub-max4-"))
    for n, r in extra:
        l = r.get("latency_ms", {})
        sat = r.get("posts", {}).get("acked_per_s")
        if sat is not None:
            best_posts = sat if best_posts is None else max(best_posts, sat)
        w(f"With 4 requests in flight per connection (N={n:,}, closed loop): {num(sat)} acknowledged posts/s, "
          f"p50 / p99 {ms(l.get('p50'))} / {ms(l.get('p99'))} ms, CPU server / loadgen {cpu(r)}, errors: "
          f"{errors(r)}.")
        w("")
    w("## Against the targets of this first step")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    w(f"| ≥ {TARGET_POSTS:,} acknowledged posts/s | best of the saturation runs above {num(best_posts)}/s | {ratio(best_posts, TARGET_POSTS)} |")
    for n in sizes:
        t = runs.get(f"gridhub-target-{n}", {})
        p99 = t.get("latency_ms", {}).get("p99")
        acked = t.get("posts", {}).get("acked_per_s")
        note = ""
        if acked is not None and t.get("rate_target") and acked < 0.98 * t["rate_target"]:
            note = f"; only {num(acked)}/s of the {num(t['rate_target'])}/s offered were acknowledged"
        w(f"| p99 < {TARGET_P99_MS:.0f} ms at {num(t.get('rate_target'))} posts/s (half the target), 1 in flight "
          f"per connection, N={n:,} | {ms(p99)} ms (p50 {ms(t.get('latency_ms', {}).get('p50'))}) | "
          f"{ratio(p99, TARGET_P99_MS, lower_is_better=True)}{note} |")
    for n in sizes:
        per = runs.get(f"gridhub-idle-{n}", {}).get("server_rss", {}).get("bytes_per_connection")
        w(f"| ≤ 8 KiB server memory per idle connection, N={n:,} | {kib(per)} | "
          f"{ratio(per, TARGET_IDLE_BYTES, lower_is_better=True)} |")
    w("")

    peer = {k: v for k, v in runs.items() if k.startswith("mosquitto-")}
    w("## Peer: Mosquitto" + (f" {args.peer_version}" if args.peer_version else ""))
    w("")
    if not peer:
        w("Not run (PEER=0 or mosquitto not installed).")
        w("")
    else:
        w("Same machine, same load generator, Debian's broker with its own config file (`listener`, "
          "`allow_anonymous true`, `max_inflight_messages 20`, `max_queued_messages 10000`, `persistence false`, "
          "`max_connections -1`, and `set_tcp_nodelay true` — Gridhub's sockets are TCP_NODELAY too; without it "
          "the broker's small packets wait on Nagle + delayed ACK and it looks far slower than it is). Relay mode "
          "(`--relay`): 1,000 publishers with 20 QoS 1 posts in flight each (PUBACK frees the slot; Mosquitto "
          "has no `_reply`), one QoS 1 subscriber on `/sys/+/+/thing/measurepoint/post` playing the back end. "
          "Per /work/shared/BENCHMARKS.md, PUBACKed is not delivered: Mosquitto acknowledges every publish and "
          "drops what it cannot queue for the subscriber, so the fair figure is the highest offered rate the "
          "subscriber receives without loss. Delivery latency has millisecond resolution (from the post's "
          "`time`). Mosquitto keeps nothing on disk, Gridhub fsyncs every acknowledged post.")
        w("")
        w("| run | offered /s | PUBACKed /s | delivered /s | lost (whole run) | delivery p50 / p99 ms | CPU broker / "
          "loadgen |")
        w("|---|---|---|---|---|---|---|")
        best_lossless = None
        for label, r in sorted(peer.items(), key=lambda kv: (kv[1].get("mode") != "idle", kv[1].get("rate_target", 0))):
            if r.get("mode") == "idle":
                continue
            rel = r.get("relay", {})
            dl = rel.get("delivery_latency_ms", {})
            lost = rel.get("lost_total")
            offered = r.get("rate_target") or 0
            if lost == 0 and offered and (best_lossless is None or offered > best_lossless[0]):
                best_lossless = (offered, rel.get("delivered_per_s"))
            w(f"| {label} | {'closed loop' if not offered else num(offered)} | "
              f"{num(r.get('posts', {}).get('acked_per_s'))} | {num(rel.get('delivered_per_s'))} | "
              f"{num(lost)} of {num(r.get('posts', {}).get('sent_total'))} | {whole_ms(dl.get('p50'))} / "
              f"{whole_ms(dl.get('p99'))} | {cpu(r)} |")
        w("")
        idle = next((r for k, r in peer.items() if r.get("mode") == "idle"), None)
        if idle:
            w(f"Idle: {idle['connections']:,} connections at {num(idle['connect']['per_s'])} connects/s, "
              f"{kib(idle.get('server_rss', {}).get('bytes_per_connection'))} of broker RSS each.")
            w("")
        peer_max = runs.get("mosquitto-max-1000", {}).get("posts", {}).get("acked_per_s")
        gh_max = runs.get("gridhub-max-1000", {}).get("posts", {}).get("acked_per_s")
        if best_lossless:
            w(f"Highest lossless offered rate tried: {num(best_lossless[0])}/s (steps of 10,000/s).")
        if best_lossless and gh_max:
            w(f"At N=1,000, Gridhub's acknowledged rate with 1 request in flight per connection (every post stored "
              f"and fsynced before its reply) is {gh_max / best_lossless[0]:.2f}× Mosquitto's lossless relay "
              f"rate; Mosquitto's PUBACK rate with 20 in flight ({num(peer_max)}/s, most of it dropped before "
              f"delivery) is {(peer_max or 0) / gh_max:.2f}× Gridhub's 1-in-flight rate"
              + (f" and {(peer_max or 0) / best_posts:.2f}× Gridhub's best rate ({num(best_posts)}/s)." if best_posts else "."))
        w("")
    w("## Reproducing")
    w("")
    w("`make bench` (builds, then runs `bench/run.sh`: ~4 minutes). Knobs: `SIZES`, `DURATION`, `IDLE_HOLD`, "
      "`LOADGEN_THREADS`, `SERVER_THREADS`, `DURABILITY`, `PEER=0`, `KEEP_WORK=1` (keeps the temp dir with the "
      "server logs and results.jsonl). Run it on an otherwise idle machine: the load generator shares the two "
      "cores with the server, and the \"other\" CPU figure says how much anything else took. A single run: "
      "`build/bench/gridhub_loadgen --devices-file F --port P --connections N [--inflight K] [--rate R] "
      "[--idle] [--relay] --server-pid PID` prints one JSON line.")
    w("")
    # The time-series section belongs to bench/tsdb/run.sh and the command section to bench/commands/run.sh:
    # carry them over from the file being replaced.
    for kept in (tsdb_section(args.out), marked_section(args.out, COMMANDS_BEGIN, COMMANDS_END)):
        if kept:
            w(kept)
            w("")
    w("## Raw results")
    w("")
    w("One `gridhub_loadgen` line per run (`bench/loadgen`, see `--help`):")
    w("")
    w("```")
    with open(args.results) as f:
        for line in f:
            if line.strip():
                w(line.strip())
    w("```")
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
