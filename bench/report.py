#!/usr/bin/env python3
# Turns bench/run.sh's results.jsonl (one gridhub_loadgen line per run) into its parts of docs/benchmarks.md (the
# top of the file down to the first section another script owns, and "## Raw results") and the PNG plot of
# throughput and latency against load. Every other section of the file stays as it is.
import argparse
import json
import os
import platform

TARGET_POSTS = 50_000       # acknowledged posts/s
TARGET_P99_MS = 20.0        # at half that load
TARGET_IDLE_BYTES = 8 * 1024
# Issue 8's targets.
TARGET_RATIO = 1.0               # Gridhub acknowledged ÷ Mosquitto lossless delivered
TARGET_CONNECTIONS = 100_000
TARGET_CONN_BYTES = 4 * 1024     # server memory per connection at 100,000
TARGET_STORM_S = 60.0            # all back online after a restart
FD_HARD_LIMIT_NOTE = "20,000"    # /work/shared/BENCHMARKS.md: per process, hard, not to be raised here


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


def rss_per_connection(r):
    return get(r, "server_rss", "bytes_per_connection")


def storm_figures(r):
    """(restart → all back s, logins/s while they came back, restart → first back s) of a storm run, or Nones."""
    st, rs = r.get("storm", {}), r.get("restart", {})
    started, first, last = rs.get("started_epoch_ms"), st.get("first_back_epoch_ms"), st.get("last_back_epoch_ms")
    if not st.get("all_back") or started is None or last is None:
        return None, None, None
    total = (last - started) / 1000
    span = (last - first) / 1000 if first is not None else None
    rate = st.get("back", 0) / span if span and span > 0 else None
    first_s = (first - started) / 1000 if first is not None else None
    return total, rate, first_s


def sweep_points(runs, prefix):
    """[(offered, run)] of one server's sweep, paced points by rate, then the closed-loop point (offered 0)."""
    pts = []
    for k, r in runs.items():
        if k.startswith(prefix):
            try:
                pts.append((int(k[len(prefix):]), r))
            except ValueError:
                pass
    return sorted(pts, key=lambda p: (p[0] == 0, p[0]))


def lossless(r):
    return get(r, "relay", "lost_total") == 0


def plot(path, gh, mq, inflight, n):
    """Throughput and p99 latency against offered load, both servers: one PNG. Returns an error text or None."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return f"matplotlib not available ({e}): `make bench` installs python3-matplotlib"
    rates = sorted({o for o, _ in gh + mq if o})
    if not rates:
        return "no paced sweep points"
    closed_x = rates[-1] * 1.2  # the closed-loop point, drawn right of the paced ones

    def xs(points):
        return [o if o else closed_x for o, _ in points]

    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.8))
    a.plot([0, rates[-1]], [0, rates[-1]], color="0.8", lw=1, label="offered")
    a.plot(xs(gh), [get(r, "posts", "acked_per_s") or 0 for _, r in gh], "o-", color="tab:blue",
           label="Gridhub: acknowledged (code 200, stored)")
    a.plot(xs(mq), [get(r, "relay", "delivered_per_s") or 0 for _, r in mq], "s-", color="tab:orange",
           label="Mosquitto: delivered to the subscriber")
    a.plot(xs(mq), [get(r, "posts", "acked_per_s") or 0 for _, r in mq], "s--", color="tab:orange", alpha=0.4,
           label="Mosquitto: PUBACKed (not all delivered)")
    lossy = [(x, get(r, "relay", "delivered_per_s") or 0) for x, (_, r) in zip(xs(mq), mq) if not lossless(r)]
    if lossy:
        a.plot([x for x, _ in lossy], [y for _, y in lossy], "x", color="red", ms=10, mew=2,
               label="Mosquitto lost messages")
    a.set_xlabel(f"offered posts/s (N={n:,} devices, {inflight} in flight each)")
    a.set_ylabel("messages/s")
    a.set_title("Throughput against load")
    ticks = rates + [closed_x]
    a.set_xticks(ticks, [f"{t // 1000}k" for t in rates] + ["closed\nloop"])
    a.grid(alpha=0.3)
    a.legend(fontsize=8)
    for name, pts, key, style, color in (("Gridhub p99 (post → reply)", gh, "latency_ms", "o-", "tab:blue"),
                                         ("Mosquitto p99 (publish → subscriber)", mq, None, "s-", "tab:orange")):
        ys50, ys99 = [], []
        for _, r in pts:
            l = r.get("latency_ms", {}) if key else get(r, "relay", "delivery_latency_ms") or {}
            # Mosquitto's figures have 1 ms resolution (0 = same millisecond): drawn at 0.5 ms on the log scale.
            ys50.append(max(l.get("p50") or 0, 0.5 if not key else 0.01))
            ys99.append(max(l.get("p99") or 0, 0.5 if not key else 0.01))
        b.plot(xs(pts), ys99, style, color=color, label=name)
        b.plot(xs(pts), ys50, style.replace("-", ":"), color=color, alpha=0.5, label=name.replace("p99", "p50"))
    b.set_yscale("log")
    b.set_xlabel("offered posts/s")
    b.set_ylabel("ms (log)")
    b.set_title("Latency against load")
    b.set_xticks(ticks, [f"{t // 1000}k" for t in rates] + ["closed\nloop"])
    b.grid(alpha=0.3, which="both")
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return None


def own_part(args, runs, plot_note):
    sizes = sorted({int(k.rsplit("-", 1)[1]) for k in runs if k.startswith("gridhub-idle-")})
    gh_sweep = sweep_points(runs, "gridhub-sweep-")
    mq_sweep = sweep_points(runs, "mosquitto-sweep-")
    gh_storm = next((r for k, r in runs.items() if k.startswith("gridhub-storm-")), None)
    mq_storm = next((r for k, r in runs.items() if k.startswith("mosquitto-storm-")), None)
    inflight = int(args.sweep_inflight or 20)
    sweep_n = int(args.sweep_n or 1000)

    out = []
    w = out.append
    w("# Benchmarks")
    w("")
    w(f"Measured {args.date} by `make bench` (`bench/run.sh`, rewrites this part of the file down to the next "
      f"section another benchmark owns, and \"Raw results\"). Machine: {machine()}; load average before the run: "
      f"{args.load_before}, after: {args.load_after or '?'}. Compiler: {args.compiler}.")
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
      f"connections, in products of the demo's thing model, at most 10,000 per product) in {args.create_seconds} s.")
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
      f"connections on a 1 ms schedule; a post whose slot finds its connection's window full is skipped and "
      f"counted, not sent late), which gives the latency at half load; and one paced at 25,000 posts/s, the "
      f"load the p99 target names.")
    w(f"- Against load, both servers: N={sweep_n:,} devices with {inflight} posts in flight each (what the Python SDK "
      f"allows, and the peer workload of /work/shared/BENCHMARKS.md), paced at each offered rate and then closed "
      f"loop, {args.sweep_duration} s measured after 2 s of warm-up, then up to 2 s of drain. Gridhub counts "
      f"replies with code 200 (stored); Mosquitto counts what its one QoS 1 subscriber received, and a fresh "
      f"broker serves each point.")
    w("- Connections held and connect storm, both servers: the load generator (one process: its sockets fit "
      "under its own 20,000-descriptor limit) logs in the devices and holds them idle (keepalive 60 s, pings every "
      f"30 s) for {args.idle_hold} s, reading the server's VmRSS before and after; then the script kills the "
      "server with SIGKILL and starts it again at once on the same port (Gridhub: same data dir, recovering its "
      "WAL). Each device sees its connection drop, waits a random 0–100 ms and reconnects; an attempt that fails "
      "(port not listening yet, reset, refused CONNACK) is retried after 50–100 ms, doubling up to 0.5–1 s, as "
      "device SDKs back off. Measured: server process start → last device logged in again.")
    w("- Latency: Gridhub, publish of the post → arrival of its `_reply`; Mosquitto, publish → arrival at the "
      "subscriber (from the post's epoch-ms `time`: 1 ms resolution). Log-bucketed histogram (~3% resolution, "
      "reported as the bucket's upper bound). Rates count only what arrives inside the measured window.")
    w("- CPU: utime+stime from `/proc/PID/stat` over the measured window, in cores, for the server / the load "
      "generator; \"other\" is what the rest of the machine used in that window (a high figure makes the run "
      "suspect).")
    w("")

    # --- Gridhub per N -----------------------------------------------------------------------------------------
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
        per = rss_per_connection(idle)
        sat = get(mx, "posts", "acked_per_s")
        if sat is not None:
            best_posts = sat if best_posts is None else max(best_posts, sat)
        ml = mx.get("latency_ms", {})
        hl = half.get("latency_ms", {})
        errs = "; ".join(f"{k}: {errors(r)}" for k, r in (("idle", idle), ("max", mx), ("half", half)) if r and
                         errors(r) != "none") or "none"
        w(f"| {n:,} | {num(rate)}/s | {kib(per)} | {num(sat)} | {ms(ml.get('p50'))} / {ms(ml.get('p99'))} | "
          f"{cpu(mx) if mx else '–'} | {num(get(half, 'posts', 'acked_per_s'))} "
          f"(offered {num(half.get('rate_target'))}) | {ms(hl.get('p50'))} / {ms(hl.get('p90'))} / "
          f"{ms(hl.get('p99'))} / {ms(hl.get('max'))} | {cpu(half) if half else '–'} | {errs} |")
    w("")
    extra = sorted((int(k.rsplit("-", 1)[1]), r) for k, r in runs.items() if k.startswith("gridhub-max4-"))
    for n, r in extra:
        l = r.get("latency_ms", {})
        sat = get(r, "posts", "acked_per_s")
        if sat is not None:
            best_posts = sat if best_posts is None else max(best_posts, sat)
        w(f"With 4 requests in flight per connection (N={n:,}, closed loop): {num(sat)} acknowledged posts/s, "
          f"p50 / p99 {ms(l.get('p50'))} / {ms(l.get('p99'))} ms, CPU server / loadgen {cpu(r)}, errors: "
          f"{errors(r)}.")
        w("")

    # --- Side by side ------------------------------------------------------------------------------------------
    w("## Peer: Mosquitto" + (f" {args.peer_version}" if args.peer_version else "") + ", side by side")
    w("")
    if not mq_sweep and not mq_storm:
        w("Not run (PEER=0 or mosquitto not installed).")
        w("")
    else:
        w("Same machine, same run, same load generator and message. Debian's broker with its own config file "
          "(`listener`, `allow_anonymous true`, `max_inflight_messages 20`, `max_queued_messages 10000`, "
          "`persistence false`, `max_connections -1`, and `set_tcp_nodelay true` — Gridhub's sockets are "
          "TCP_NODELAY too; without it the broker's small packets wait on Nagle + delayed ACK). Relay mode "
          "(`--relay`): PUBACK frees a publisher's slot (Mosquitto has no `_reply`), one QoS 1 subscriber on "
          "`/sys/+/+/thing/measurepoint/post` plays the back end. Per /work/shared/BENCHMARKS.md, PUBACKed is not "
          "delivered: Mosquitto acknowledges every publish and drops what it cannot queue for the subscriber, so "
          "the fair figure is what the subscriber receives without loss. Mosquitto keeps nothing on disk; Gridhub "
          "validates each post against the thing model, stores it, fsyncs and then replies.")
        w("")
    best_lossless = None
    for o, r in mq_sweep:
        if lossless(r):
            d = get(r, "relay", "delivered_per_s")
            if d is not None and (best_lossless is None or d > best_lossless[1]):
                best_lossless = (o, d)
    best_gh = None
    for o, r in gh_sweep:
        a = get(r, "posts", "acked_per_s")
        if a is not None and (best_gh is None or a > best_gh[1]):
            best_gh = (o, a)
    if gh_sweep or mq_sweep:
        w("### Throughput and latency against load")
        w("")
        w(f"N={sweep_n:,} devices, {inflight} QoS 1 posts in flight each. ![throughput and p99 latency against offered "
          f"load, Gridhub and Mosquitto]({os.path.relpath(args.plot, os.path.dirname(os.path.abspath(args.out)))})"
          if not plot_note else
          f"N={sweep_n:,} devices, {inflight} QoS 1 posts in flight each. (Plot not written: {plot_note}.)")
        w("")
        w("| offered /s | Gridhub acked /s | p50 / p99 ms | CPU server / loadgen | Gridhub errors | "
          "Mosquitto PUBACKed /s | delivered /s | lost (whole run) | delivery p50 / p99 ms | CPU broker / loadgen | "
          "acked ÷ delivered |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        gh_by, mq_by = dict(gh_sweep), dict(mq_sweep)
        for o in sorted(set(gh_by) | set(mq_by), key=lambda x: (x == 0, x)):
            g, m = gh_by.get(o, {}), mq_by.get(o, {})
            gl, rel = g.get("latency_ms", {}), m.get("relay", {})
            dl = rel.get("delivery_latency_ms", {})
            ga, md = get(g, "posts", "acked_per_s"), rel.get("delivered_per_s")
            rt = "–"
            if ga is not None and md:
                rt = f"{ga / md:.2f}" + ("" if lossless(m) else " (Mosquitto lossy)")
            lost = rel.get("lost_total")
            w(f"| {'closed loop' if not o else num(o)} | {num(ga)} | {ms(gl.get('p50'))} / {ms(gl.get('p99'))} | "
              f"{cpu(g) if g else '–'} | {errors(g) if g else '–'} | {num(get(m, 'posts', 'acked_per_s'))} | "
              f"{num(md)} | {num(lost)} of {num(get(m, 'posts', 'sent_total'))} | "
              f"{whole_ms(dl.get('p50'))} / {whole_ms(dl.get('p99'))} | {cpu(m) if m else '–'} | {rt} |")
        w("")
        if best_gh and best_lossless:
            w(f"At best: Gridhub {num(best_gh[1])} acknowledged posts/s "
              f"({'closed loop' if not best_gh[0] else 'offered ' + num(best_gh[0]) + '/s'}) ÷ Mosquitto "
              f"{num(best_lossless[1])} lossless deliveries/s "
              f"({'closed loop' if not best_lossless[0] else 'offered ' + num(best_lossless[0]) + '/s'}) = "
              f"**{best_gh[1] / best_lossless[1]:.2f}**. \"Lossless\" is a point where the subscriber received "
              f"every message published during the whole run; the sweep's steps bound the true lossless maximum "
              f"from below.")
            w("")
    if gh_storm or mq_storm:
        w("### Connections held")
        w("")
        w("| server | connections held | connect rate | server RSS before → after | RSS / connection | "
          "100,000 by extrapolation | CPU server / loadgen while idle |")
        w("|---|---|---|---|---|---|---|")
        for name, r in (("Gridhub", gh_storm), ("Mosquitto", mq_storm)):
            if not r:
                continue
            per = rss_per_connection(r)
            before = get(r, "server_rss", "before_bytes")
            after = get(r, "server_rss", "after_bytes")
            held = get(r, "storm", "held") or get(r, "connect", "ok")
            extrap = "–"
            if per is not None and before is not None:
                extrap = f"{(before + per * TARGET_CONNECTIONS) / 2**20:,.0f} MiB RSS, ≥ 100,000 descriptors"
            w(f"| {name} | {num(held)} of {num(r.get('connections'))} | {num(get(r, 'connect', 'per_s'))}/s | "
              f"{num((before or 0) / 2**20)} → {num((after or 0) / 2**20)} MiB | {kib(per)} | {extrap} | "
              f"{cpu(r)} |")
        w("")
        gper, mper = rss_per_connection(gh_storm or {}), rss_per_connection(mq_storm or {})
        if gper and mper:
            w(f"Memory per connection, Gridhub ÷ Mosquitto: **{gper / mper:.2f}**.")
            w("")
        w(f"**100,000 connections cannot be run on this machine:** a process may hold at most {FD_HARD_LIMIT_NOTE} "
          f"open files (hard limit, not to be raised here), so one server process tops out just under 20,000 "
          f"connections; {num(get(gh_storm or mq_storm, 'connections'))} is what is measured. 100,000 would need "
          f"`RLIMIT_NOFILE` ≥ ~100,100 for the "
          f"server (one descriptor per connection plus its files), the clients spread over ≥ 6 processes (or one "
          f"with the same raised limit) and 100,000 / 19 ≈ 5,300 source ports per loopback address (well inside "
          f"the ephemeral range), and the server memory in the column above (RSS grows linearly with idle "
          f"connections). The kernel's own socket memory (buffers, not in the process's RSS) comes on top for both "
          f"servers.")
        w("")
        w("### Connect storm")
        w("")
        w("| server | devices | restart → first back | restart → all back | logins/s while coming back | "
          "reconnect after the drop p50 / p99 ms | failed attempts (retried) | 100,000 by extrapolation |")
        w("|---|---|---|---|---|---|---|---|")
        for name, r in (("Gridhub", gh_storm), ("Mosquitto", mq_storm)):
            if not r:
                continue
            st = r.get("storm", {})
            total, rate, first = storm_figures(r)
            extrap = "–"
            if rate and first is not None:
                extrap = f"~{first + TARGET_CONNECTIONS / rate:.1f} s"
            rl = st.get("reconnect_ms", {})
            fails = (st.get("failed_attempts") or 0) + sum((st.get("refused") or {}).values())
            back = f"{st.get('back', 0):,} of {st.get('held', 0):,}" + ("" if st.get("all_back") else " (timeout)")
            w(f"| {name} | {back} | {'–' if first is None else f'{first:.2f} s'} | "
              f"{'–' if total is None else f'{total:.2f} s'} | {num(rate)} | {num(rl.get('p50'))} / "
              f"{num(rl.get('p99'))} | {num(fails)} | {extrap} |")
        w("")
        gt, mt = storm_figures(gh_storm or {})[0], storm_figures(mq_storm or {})[0]
        if gt and mt:
            w(f"Restart → all back, Gridhub ÷ Mosquitto: **{gt / mt:.2f}** (lower is better). \"Restart\" is the "
              f"start of the new server process; its start-up (Gridhub: opening the store and replaying the WAL) is "
              f"inside the figure. The retry backoff adds up to ~1 s to both. Mosquitto listens with a backlog of "
              f"100: a storm overflows it, the kernel drops the extra SYNs and the devices' own SYN retries (1 s, "
              f"then 3 s) pace the rest, which is most of its tail.")
            w("")

    # --- targets ---------------------------------------------------------------------------------------------
    w("## Against the targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    w(f"| ≥ {TARGET_POSTS:,} acknowledged posts/s | best of the saturation runs above {num(best_posts)}/s | "
      f"{ratio(best_posts, TARGET_POSTS)} |")
    for n in sizes:
        t = runs.get(f"gridhub-target-{n}", {})
        p99 = get(t, "latency_ms", "p99")
        acked = get(t, "posts", "acked_per_s")
        note = ""
        if acked is not None and t.get("rate_target") and acked < 0.98 * t["rate_target"]:
            note = f"; only {num(acked)}/s of the {num(t['rate_target'])}/s offered were acknowledged"
        w(f"| p99 < {TARGET_P99_MS:.0f} ms at {num(t.get('rate_target'))} posts/s (half the target), 1 in flight "
          f"per connection, N={n:,} | {ms(p99)} ms (p50 {ms(get(t, 'latency_ms', 'p50'))}) | "
          f"{ratio(p99, TARGET_P99_MS, lower_is_better=True)}{note} |")
    for n in sizes:
        per = rss_per_connection(runs.get(f"gridhub-idle-{n}", {}))
        w(f"| ≤ 8 KiB server memory per idle connection, N={n:,} | {kib(per)} | "
          f"{ratio(per, TARGET_IDLE_BYTES, lower_is_better=True)} |")
    if best_gh and best_lossless:
        r = best_gh[1] / best_lossless[1]
        w(f"| Gridhub acknowledged ÷ Mosquitto lossless relayed ≥ {TARGET_RATIO:.1f} (at best, N={sweep_n:,}, "
          f"{inflight} in flight) | {num(best_gh[1])} ÷ {num(best_lossless[1])} = {r:.2f} | "
          f"{'meets' if r >= TARGET_RATIO else 'misses'} |")
    if gh_storm:
        per = rss_per_connection(gh_storm)
        held = get(gh_storm, "storm", "held") or 0
        w(f"| 100,000 concurrent connections, ≤ 4 KiB server memory each | not runnable here (hard limit of "
          f"{FD_HARD_LIMIT_NOTE} files per process); {num(held)} held at {kib(per)} each | "
          f"{'on track' if per is not None and per <= TARGET_CONN_BYTES else 'misses'} by extrapolation "
          f"({ratio(per, TARGET_CONN_BYTES, lower_is_better=True)}) |")
        total, rate, first = storm_figures(gh_storm)
        ext = first + TARGET_CONNECTIONS / rate if rate and first is not None else None
        w(f"| all 100,000 back online within {TARGET_STORM_S:.0f} s of a restart | {num(held)} back in "
          f"{'–' if total is None else f'{total:.2f} s'}; 100,000 at the same login rate: "
          f"{'–' if ext is None else f'~{ext:.1f} s'} | "
          f"{ratio(total, TARGET_STORM_S, lower_is_better=True) if total is not None else 'misses (not all back)'}"
          + ("" if ext is None else
             f" at {held:,}; {'on track' if ext <= TARGET_STORM_S else 'misses'} by extrapolation") + " |")
    w("")
    w("## Reproducing")
    w("")
    w("`make bench` (installs python3-matplotlib if missing, builds, then runs `bench/run.sh`: ~8 minutes). "
      "Knobs: `SIZES`, `DURATION`, `IDLE_HOLD`, `SWEEP_RATES`, `SWEEP_DURATION`, `SWEEP_INFLIGHT`, `HOLD_N`, "
      "`LOADGEN_THREADS`, `SERVER_THREADS`, `DURABILITY`, `PEER=0`, `KEEP_WORK=1` (keeps the temp dir with the "
      "server logs and results.jsonl). Run it on an otherwise idle machine: the load generator shares the two "
      "cores with the server, and the \"other\" CPU figure says how much anything else took. A single run: "
      "`build/bench/gridhub_loadgen --devices-file F --port P --connections N [--inflight K] [--rate R] "
      "[--idle] [--relay] [--reconnect-storm] --server-pid PID` prints one JSON line.")
    w("")
    return "\n".join(out)


def raw_part(results_path):
    out = ["## Raw results", "", "One `gridhub_loadgen` line per run (`bench/loadgen`, see `--help`):", "", "```"]
    with open(results_path) as f:
        out.extend(line.strip() for line in f if line.strip())
    out.append("```")
    return "\n".join(out)


def rewrite(doc, own, raw):
    """Puts `own` in place of everything before the first section another script owns (its begin marker) and
    `raw` in place of the old "## Raw results" block (heading to its closing fence); everything else stays."""
    first_foreign = doc.find("<!-- bench/")
    rest = doc[first_foreign:] if first_foreign != -1 else ""
    start = rest.find("## Raw results\n")
    if start != -1 and (start == 0 or rest[start - 1] == "\n"):
        fence = rest.find("```", start)
        close = rest.find("\n```", fence + 3) if fence != -1 else -1
        if close != -1:
            end = close + len("\n```")
            return own + "\n" + rest[:start] + raw + rest[end:]
    if rest:
        return own + "\n" + rest.rstrip("\n") + "\n\n" + raw + "\n"
    return own + "\n" + raw + "\n"


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "out", "date", "load-before", "load-after", "create-seconds", "devices", "durability",
              "loadgen-threads", "server-threads", "compiler", "peer-version", "duration", "idle-hold",
              "sweep-duration", "sweep-inflight", "sweep-n", "plot"):
        ap.add_argument("--" + a, default="")
    args = ap.parse_args()

    runs = {}
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                runs[r["label"]] = r
    plot_note = "no --plot path given"
    if args.plot:
        plot_note = plot(args.plot, sweep_points(runs, "gridhub-sweep-"), sweep_points(runs, "mosquitto-sweep-"),
                         int(args.sweep_inflight or 20), int(args.sweep_n or 1000))
    try:
        with open(args.out) as f:
            doc = f.read()
    except OSError:
        doc = ""
    text = rewrite(doc, own_part(args, runs, plot_note), raw_part(args.results))
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
