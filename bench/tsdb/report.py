#!/usr/bin/env python3
# Turns bench/tsdb/run.sh's results.jsonl (one gridhub_tsdb_bench line per engine run) into the "Time-series
# store" section of docs/benchmarks.md, replacing only what lies between its two markers.
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

BEGIN = "<!-- bench/tsdb/run.sh: begin (this section is rewritten by `make bench-tsdb`) -->"
END = "<!-- bench/tsdb/run.sh: end -->"

TARGET_RATE = 2_000_000     # points/s, one core
TARGET_BYTES = 2.0          # bytes/point on the sample data, and no more than VictoriaMetrics
TARGET_RAW_MS = 5.0         # one-day raw read of one series
TARGET_AGG_MS = 50.0        # 90-day hourly average of one series
SHARED_CORES = 0.25         # other processes' CPU during ingest above which a run is flagged as disturbed

ENGINE_NAMES = {"gridhub": "Gridhub (embedded)", "sqlite": "SQLite", "vm": "VictoriaMetrics"}


def num(v):
    return "–" if v is None else f"{v:,.0f}"


def rate(v):
    if v is None:
        return "–"
    return f"{v / 1e6:.2f}M" if v >= 1e6 else f"{v / 1e3:.0f}k"


def mib(v):
    return "–" if v is None else f"{v / 2**20:,.0f} MiB"


def ms(v):
    return "–" if v is None else f"{v:.2f} ms"


def bpp(v):
    return "–" if v is None else f"{v:.3f}"




def median(r, query):
    """The query's median, or None when the engine did not return the full answer (then it is not a figure)."""
    q = get(r, "queries", query)
    if not q or "timing" not in q:
        return None
    if query == "raw_day" and q.get("points") != 8640:
        return None
    if query == "avg_hourly" and q.get("buckets") != q.get("expected_buckets"):
        return None
    return q["timing"]["median_ms"]


def cores(cpu_s, wall_s):
    return None if cpu_s is None or not wall_s else cpu_s / wall_s


def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}×"


def verdict(ok, measured):
    return "–" if measured is None else ("meets" if ok else "misses")


def ingest_cell(r):
    i = r.get("ingest", {})
    if r["engine"] == "vm":
        return f"{rate(i.get('points_per_s'))} (wall clock, client beside it)"
    return f"{rate(i.get('points_per_s'))} ({rate(i.get('points_per_s_gross'))} with input building)"


def cpu_cell(r):
    i = r.get("ingest", {})
    wall = i.get("wall_s")
    own = cores(i.get("process_cpu_s"), wall)
    if r["engine"] == "vm":
        server = cores(i.get("server_cpu_s"), wall)
        s = f"{server:.2f} server + {own:.2f} client" if server is not None and own is not None else "–"
    else:
        s = "–" if own is None else f"{own:.2f}"
    other = cores(i.get("other_cpu_s"), wall)
    if other is not None and other >= 0.1:
        s += f" (others {other:.2f})"
    return s


def per_cpu_s(r):
    """Points per CPU-second of everything the engine ran (Gridhub, SQLite: the bench process; VictoriaMetrics:
    server + client), input building included: the figure other work on the machine disturbs least."""
    i = r.get("ingest", {})
    cpu = (i.get("process_cpu_s") or 0) + (i.get("server_cpu_s") or 0)
    return None if not cpu or not i.get("points") else i["points"] / cpu


def other_cores(r):
    i = r.get("ingest", {})
    return cores(i.get("other_cpu_s"), i.get("wall_s"))


def rss_cell(r):
    m = r.get("memory", {})
    if r["engine"] == "vm":
        return f"{mib(m.get('peak_rss_ingest'))} (+ client {mib(m.get('client_peak_rss'))})"
    return mib(m.get("peak_rss_ingest"))


def differing_cell(r):
    v = r.get("verify")
    if not v:
        return "–"
    s = f"{num(v['differing'])} of {num(v['expected'])}"
    if v["differing"]:
        s += f" (rel. ≤ {v['max_rel_err']:.1e})"
    if v["missing"]:
        s += f"; {num(v['missing'])} missing"
    return s


def section(args, results):
    by = {r["label"]: r for r in results}
    any_r = results[0] if results else {}
    w = []
    w.append(BEGIN)
    w.append("## Time-series store")
    w.append("")
    w.append(f"Measured {args.date} by `make bench-tsdb` (`bench/tsdb/run.sh`, rewrites this section only). "
             f"Machine: {machine()}; load average before the run: {args.load_before}. Compiler: {args.compiler}. "
             f"Peers run beside Gridhub in the same run, one engine at a time: VictoriaMetrics {args.vm_version} "
             f"(Debian) and SQLite {get(by.get('sqlite-sample') or by.get('sqlite-random') or {}, 'sqlite_version') or '?'} "
             "(libsqlite3, in process).")
    w.append("")
    devices, days, extra_days = any_r.get("devices"), any_r.get("days"), any_r.get("extra_days")
    sq = by.get("sqlite-sample") or by.get("sqlite-random")
    main_points = devices * 4 * days * 8640 if devices else None
    extra_points = extra_days * 8640 if extra_days else None
    w.append("### Data set and method")
    w.append("")
    w.append(f"- Data (/work/shared/BENCHMARKS.md): {num(devices)} devices × 4 points (cycle_number, current, "
             f"voltage, temp) × one sample per 10 s × {days} days = {num(main_points)} points, plus one extra "
             f"series of {extra_days} days at 10 s ({num(extra_points)} points) for the aggregate query; arrival "
             "order (each 10 s step, every device's 4 points). Two flavours: *sample*, the simulator CSV's day "
             "(minute rows, 2 decimals) linearly interpolated to 10 s and rounded to 2 decimals, repeating daily, "
             "each device at its own phase of the day; *random*, the smart-battery lab's signal (temp 45→75 and "
             "voltage 4.5→3.8 over each 10-step cycle plus a random fraction, current 40–42 random, cycle_number "
             "the step / 10), full doubles. Every value is a function of (device, point, step), so every engine "
             "gets the same values and each read-back is checked against the formula.")
    if sq and devices and sq.get("devices") != devices:
        w.append(f"- **SQLite ran on {num(sq['devices'])} of the {num(devices)} devices** "
                 f"({num(sq['points_expected'])} points with the extra series): at its rate the full set would take "
                 "about half an hour per flavour. Its figures are per point (rate, bytes per point) or per series "
                 "(queries), which a smaller table changes little; its page cache is sized for the full set anyway.")
    w.append("- Gridhub: `tsdb::open_store` in a fresh temp dir with `Durability::None` (a bulk import), samples with "
             "`history = AI_RAW`, group 1, appended from one thread in batches of "
             f"{num(get(by.get('gridhub-sample') or by.get('gridhub-random') or {}, 'batch'))} samples, then "
             "`compact()` and `flush()`. Ingest rate = points ÷ the appending thread's wall time less the time it "
             "spent building the `Sample`s (shown beside it: the rate with that included). CPU = the whole "
             "process (the store's writer thread included) ÷ wall time.")
    w.append("- SQLite: `CREATE TABLE p(series INTEGER, t INTEGER, v REAL, PRIMARY KEY(series, t)) WITHOUT ROWID`, "
             f"one prepared INSERT, {num(get(sq or {}, 'txn_rows'))} rows per transaction, journal_mode=WAL, "
             f"synchronous=OFF, cache_size {get(sq or {}, 'cache_mib')} MiB; bytes = the database file after "
             "`wal_checkpoint(TRUNCATE)`.")
    w.append(f"- VictoriaMetrics: `/usr/bin/victoria-metrics` started by the script on 127.0.0.1 and a free port, "
             "its own `-storageDataPath` in the temp dir, `-retentionPeriod 100y -search.disableCache` (Gridhub has "
             f"no result cache either). Import through `/api/v1/import` (JSON lines, one body = one day of 10 "
             f"devices' 40 series) over {args.vm_connections} kept-alive connections from the bench's C++ client "
             "(Boost.Beast), which builds the bodies on the same 2 cores; rate = points ÷ wall time until the last "
             "import is acknowledged; then `/internal/force_flush`, `/internal/force_merge`, and a wait until no "
             "merge runs, no row is pending and the data dir stops changing. Bytes = du of the whole data dir.")
    runs = next((get(r, "queries", "raw_day", "timing", "runs") for r in results
                 if get(r, "queries", "raw_day", "timing", "runs")), "?")
    w.append(f"- Queries, each the median of {runs} runs after one warm-up, in the bench process, until the points are "
             "in a vector (VictoriaMetrics: HTTP round trip plus parsing the reply): a one-day raw read of one "
             "device's voltage (8,640 points; `range()`, `SELECT … ORDER BY t`, `/api/v1/export`), and the 90-day "
             "1-hour average of the extra series (2,160 windows over 777,600 points; `aggregate(Avg)`, "
             "`GROUP BY (t - start) / 3600000`, `/api/v1/query_range` of `avg_over_time(…[1h])` with step 1h).")
    w.append("- Bytes per point: allocated bytes (du) ÷ points. Gridhub: everything in the store dir except "
             "`wal/` (the WAL is reported apart). Memory: peak RSS (VmHWM) of the process holding the data, "
             "through ingest.")
    w.append("")

    shares = [o for o in (other_cores(r) for r in results) if o is not None]
    shared = bool(shares) and max(shares) >= SHARED_CORES
    if shared:
        w.append(f"**This run shared the machine with other work.** During the ingest phases other processes took "
                 f"{min(shares):.2f}–{max(shares):.2f} of the 2 cores (the \"others\" figure in the CPU column), so "
                 "each engine's wall-clock rate below reflects the fraction of a core it got (the CPU column), not "
                 "what it does alone, and query times are disturbed too. The points per CPU-second column is the comparison that contention "
                 "disturbs least. Re-run `make bench-tsdb` on an idle machine for figures to quote.")
        w.append("")

    for flavour in ("sample", "random"):
        rows = [by[l] for l in (f"gridhub-{flavour}", f"sqlite-{flavour}", f"vm-{flavour}") if l in by]
        if not rows:
            continue
        w.append(f"### Results: {flavour} data")
        w.append("")
        w.append("| engine | points | ingest points/s | CPU cores | points per CPU-second | peak RSS | bytes/point | "
                 "1-day raw read | 90-day hourly avg | values read back that differ |")
        w.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            w.append(f"| {ENGINE_NAMES[r['engine']]} | {num(get(r, 'ingest', 'points'))} | {ingest_cell(r)} | "
                     f"{cpu_cell(r)} | {rate(per_cpu_s(r))} | {rss_cell(r)} | {bpp(get(r, 'size', 'bytes_per_point'))} | "
                     f"{ms(median(r, 'raw_day'))} | {ms(median(r, 'avg_hourly'))} | {differing_cell(r)} |")
        g, v = by.get(f"gridhub-{flavour}"), by.get(f"vm-{flavour}")
        if g and v:
            w.append("")
            w.append(f"Gridhub ÷ VictoriaMetrics: ingest "
                     f"{ratio(get(g, 'ingest', 'points_per_s'), get(v, 'ingest', 'points_per_s'))} (per CPU-second "
                     f"{ratio(per_cpu_s(g), per_cpu_s(v))}), bytes per point "
                     f"{ratio(get(g, 'size', 'bytes_per_point'), get(v, 'size', 'bytes_per_point'))}, peak RSS "
                     f"{ratio(get(g, 'memory', 'peak_rss_ingest'), get(v, 'memory', 'peak_rss_ingest'))}, 1-day read "
                     f"{ratio(median(g, 'raw_day'), median(v, 'raw_day'))}, 90-day average "
                     f"{ratio(median(g, 'avg_hourly'), median(v, 'avg_hourly'))} (below 1× is smaller or faster, "
                     "except ingest).")
        extras = []
        for r in rows:
            s = r.get("size", {})
            if r["engine"] == "gridhub" and s:
                e = s.get("extra", {})
                extras.append(f"Gridhub settle: compact {e.get('compact_s', 0):.1f} s + flush {e.get('flush_s', 0):.1f} s; "
                              f"WAL written {num(get(r, 'ingest', 'extra', 'wal_bytes'))} bytes, "
                              f"{num(e.get('wal_left_bytes'))} left after the checkpoint (not counted)")
            if r["engine"] == "vm" and s:
                extras.append(f"VictoriaMetrics: force_flush {get(r, 'ingest', 'finish_s'):.1f} s, merges settled in "
                              f"{s.get('settle_s', 0):.1f} s")
            if r["engine"] == "sqlite" and s:
                extras.append(f"SQLite: checkpoint {s.get('settle_s', 0):.1f} s")
        if extras:
            w.append("")
            w.append("; ".join(extras) + ".")
        w.append("")

    flush = by.get("gridhub-flush-sample")
    if flush:
        i = flush.get("ingest", {})
        w.append(f"Gridhub with `Durability::Flush` (write() before each acknowledgement), sample data, ingest only: "
                 f"{rate(i.get('points_per_s'))} points/s ({rate(i.get('points_per_s_gross'))} with input building), "
                 f"CPU {cpu_cell(flush)} cores.")
        w.append("")

    # Targets.
    w.append("### Against the targets")
    w.append("")
    w.append("| target | measured | verdict |")
    w.append("|---|---|---|")
    for flavour in ("sample", "random"):
        g = by.get(f"gridhub-{flavour}")
        if not g:
            continue
        r = get(g, "ingest", "points_per_s")
        v = verdict(r is not None and r >= TARGET_RATE, r)
        if v == "misses" and (other_cores(g) or 0) >= SHARED_CORES:
            v = "not shown: the machine was shared (re-run idle)"
        w.append(f"| ≥ 2,000,000 points/s ingest, one appending thread ({flavour}) | {rate(r)} "
                 f"(process CPU {cpu_cell(g)} cores; {rate(per_cpu_s(g))} per CPU-second) | {v} |")
    g, v = by.get("gridhub-sample"), by.get("vm-sample")
    if g:
        b = get(g, "size", "bytes_per_point")
        vb = get(v, "size", "bytes_per_point") if v else None
        w.append(f"| ≤ 2 bytes/point on the sample data | {bpp(b)} | {verdict(b is not None and b <= TARGET_BYTES, b)} |")
        w.append(f"| no more than VictoriaMetrics on the same data | {bpp(b)} vs {bpp(vb)} ({ratio(b, vb)}) | "
                 f"{verdict(b is not None and vb is not None and b <= vb, None if vb is None else b)} |")
    for flavour in ("sample", "random"):
        g = by.get(f"gridhub-{flavour}")
        if not g:
            continue
        raw, agg = median(g, "raw_day"), median(g, "avg_hourly")
        w.append(f"| one-day raw read < 5 ms ({flavour}) | {ms(raw) if raw is not None else 'not measured: incomplete answer'} | "
                 f"{verdict(raw is not None and raw < TARGET_RAW_MS, raw)} |")
        w.append(f"| 90-day hourly average < 50 ms ({flavour}) | {ms(agg) if agg is not None else 'not measured: incomplete answer'} | "
                 f"{verdict(agg is not None and agg < TARGET_AGG_MS, agg)} |")
    w.append("")

    # Losslessness.
    w.append("### Losslessness")
    w.append("")
    parts = []
    for r in results:
        vf = r.get("verify")
        if not vf or r["label"].startswith("gridhub-flush"):
            continue
        parts.append(f"{ENGINE_NAMES[r['engine']]} ({r['flavour']}): {differing_cell(r)}")
    days_read = next((get(r, "verify", "series_days") for r in results if get(r, "verify", "series_days")), 0)
    w.append(f"Each run reads back {days_read} one-day series ({max(0, days_read - 1)} picked at random with a "
             "fixed seed, the same for every engine, plus the extra series' first day) and compares every value bit for bit with what was written: "
             + "; ".join(parts) + ". Gridhub's store and SQLite keep doubles as written; VictoriaMetrics keeps "
             "about 12 significant digits, so full-precision values come back changed (its 2-decimal sample "
             "values survive). The hourly averages are checked against the formulas too (largest relative "
             "difference: "
             + ", ".join(f"{ENGINE_NAMES[r['engine']]} {r['flavour']} {get(r, 'queries', 'avg_hourly', 'max_rel_err'):.1e}"
                         for r in results if get(r, 'queries', 'avg_hourly', 'max_rel_err') is not None)
             + "; VictoriaMetrics' windows are (t − 1h, t] where the others' are [t, t + 1h), one sample apart).")
    w.append("")

    errors = [(r["label"], e) for r in results for e in r.get("errors", [])]
    if errors:
        w.append("### Problems in this run")
        w.append("")
        for label, e in errors:
            w.append(f"- {label}: {e}")
        w.append("")

    w.append("### Reproducing")
    w.append("")
    w.append(f"`make bench-tsdb` (Release build in `build-bench/`, then `{args.command}`). Knobs: `DEVICES`, `DAYS`, "
             "`EXTRA_DAYS`, `SQLITE_DEVICES`, `FLAVOURS`, `ENGINES`, `FLUSH_RUN`, `QUERY_RUNS`, `KEEP_WORK=1` (keeps "
             "the temp dir with results.jsonl and each run's stderr); `DEVICES=20 DAYS=1 WRITE_REPORT=0` is a "
             "check in under a minute. One run by hand: `build-bench/bench/gridhub_tsdb_bench --engine gridhub "
             "--flavour random --devices 20 --days 1 --dir /tmp/x` prints one JSON line (`--help`). Run it on an "
             "otherwise idle machine: the CPU figures say how much anything else took.")
    w.append("")
    w.append("Result lines:")
    w.append("")
    w.append("```")
    for r in results:
        w.append(json.dumps(r, separators=(",", ":")))
    w.append("```")
    w.append(END)
    return "\n".join(w)




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--date", default="?")
    ap.add_argument("--load-before", default="?")
    ap.add_argument("--compiler", default="?")
    ap.add_argument("--vm-version", default="?")
    ap.add_argument("--vm-connections", default="4")
    ap.add_argument("--command", default="bench/tsdb/run.sh")
    args = ap.parse_args()
    results = []
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                results.append(json.loads(line))
    if not results:
        raise SystemExit("report: no results")
    doc = ""
    if os.path.exists(args.out):
        with open(args.out) as f:
            doc = f.read()
    out = _mqtt_report.splice(doc, BEGIN.split(" (")[0], END, section(args, results))
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(out if out.endswith("\n") else out + "\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
