#!/usr/bin/env python3
"""Rewrites the "TLS connections" section of docs/benchmarks.md (between its markers) from tls_bench.py's JSON
lines; appends the section when the file has no markers yet."""
import argparse
import datetime
import json
import os
import subprocess

BEGIN = "<!-- bench/tls/run.sh: begin (this section is rewritten by `make bench-tls`) -->"
END = "<!-- bench/tls/run.sh: end -->"


def machine():
    cores = os.cpu_count()
    try:
        cc = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc = "unknown compiler"
    return f"{cores} cores, {os.uname().sysname} {os.uname().release}, {cc}"


NAMES = {"gridhub": "Gridhub", "gridhub-before": "Gridhub before (Asio ssl::stream)", "mosquitto": "Mosquitto 2"}
TRANSPORTS = {"tcp": "plain TCP", "tls": "MQTT/TLS"}


def section(rows, created, load_before, threads):
    now = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ")
    by = {(r.get("server", "gridhub"), r["transport"]): r for r in rows}
    servers = [s for s in NAMES if any(k[0] == s for k in by)]
    first = by.get(("gridhub", "tls"), rows[0])
    lines = [BEGIN, "## TLS connections", "",
             f"Measured {now} by `make bench-tls` (`bench/tls/run.sh`). Machine: {machine()}; load average before "
             f"the run: {load_before}.", "",
             "- Gridhub: `gridhub serve --demo` (threads: " + (str(threads) if threads not in ("0", 0) else
                                                                "one per core") +
             "), the local CA and server certificate it creates (EC P-256), `mqtt.connack_delay_ms = 0`. TLS: 1.2 and "
             "1.3, OpenSSL 3 reading and writing the socket itself (`net::TlsSocket`, docs/tls.md), "
             "`SSL_MODE_RELEASE_BUFFERS`, read-ahead, a client certificate requested (none sent)."]
    if "gridhub-before" in servers:
        lines.append("- Gridhub before: the same server with the earlier session over Asio's `ssl::stream`.")
    if "mosquitto" in servers:
        lines.append("- Mosquitto 2 (the side-by-side peer, default build of the distribution): a plain and a TLS "
                     "listener, the same certificate files, `allow_anonymous true`, no persistence; the clients send "
                     "a plain MQTT 3.1.1 CONNECT (no EnOS sign, no credentials).")
    lines += [
        f"- Clients: `bench/tls/tls_bench.py`, {first['connections']:,} devices (for Gridhub created through "
        f"the API first, in {created['seconds']:.1f} s) opening their connections at the same moment from one Python "
        "asyncio loop on the same 2 cores (TLS 1.3, verifying the server against the local CA), each sending "
        "its CONNECT (to Gridhub the EnOS login: securemode 2, sha256) and waiting for CONNACK 0. Plain TCP first, "
        "then TLS, the same devices.",
        "- Rates: connections that logged in / time from the first connect() to the last handshake (to the last "
        "CONNACK). RSS: server VmRSS after all logged in and held idle, minus before, per connection. "
        "The Python client is the slower side here: the rates are a floor for the server.", "",
        "| server | transport | logged in | handshakes/s | logins/s | all logged in after | server CPU | "
        "RSS / idle connection | errors |",
        "|---|---|---|---|---|---|---|---|---|"]
    for server in servers:
        for t in ("tcp", "tls"):
            r = by.get((server, t))
            if not r:
                continue
            hs = f"{r['handshakes_per_s']:,.0f}" if t == "tls" else "(no TLS)"
            lines.append(f"| {NAMES[server]} | {TRANSPORTS[t]} | {r['logged_in']:,} of {r['connections']:,} | "
                         f"{hs} | {r['logins_per_s']:,.0f} | {r['all_logged_in_s']:.2f} s | "
                         f"{r['server_cpu_s']:.2f} s | {r['rss_per_connection_kib']:.1f} KiB | "
                         f"{r['error_count'] or 'none'} |")

    def rss(server, t):
        r = by.get((server, t))
        return r["rss_per_connection_kib"] if r and r["logged_in"] else None

    g_tls, g_tcp = rss("gridhub", "tls"), rss("gridhub", "tcp")
    if g_tls is not None and g_tcp is not None:
        text = (f"A TLS connection costs Gridhub {g_tls:.1f} KiB of memory against {g_tcp:.1f} KiB for plain TCP: "
                "the OpenSSL `SSL` object and session, and heap the allocator keeps after the burst of handshakes; no "
                "record or read buffer is held while idle")
        before = rss("gridhub-before", "tls")
        if before is not None:
            text += f" (over Asio's `ssl::stream`: {before:.1f} KiB, its engine's record buffers and BIO pair)"
        m_tls, m_tcp = rss("mosquitto", "tls"), rss("mosquitto", "tcp")
        if m_tls is not None:
            text += f"; Mosquitto: {m_tls:.1f} KiB over TLS" + (f", {m_tcp:.1f} KiB plain" if m_tcp is not None
                                                                  else "")
        lines += ["", text + "."]
    tls = by.get(("gridhub", "tls"))
    if tls and tls["logged_in"] and tls["server_cpu_s"] > 0:
        per_login_ms = tls["server_cpu_s"] * 1000 / tls["logged_in"]
        lines += ["", f"Gridhub server CPU per TLS connection (handshake + login): {per_login_ms:.2f} ms, i.e. about "
                      f"{1000 / per_login_ms:,.0f} TLS logins per core-second: the single-threaded Python client, not "
                      "the server, sets the rates above."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--load-before", default="?")
    ap.add_argument("--server-threads", default="0")
    a = ap.parse_args()
    rows, created = [], {"seconds": 0}
    with open(a.results) as f:
        for line in f:
            o = json.loads(line)
            if "transport" in o:
                rows.append(o)
            elif "devices_created" in o and o.get("server", "gridhub") == "gridhub":
                created = o
    if not rows:
        raise SystemExit(f"report.py: no results in {a.results}: {a.out} left as it was")
    text = open(a.out).read() if os.path.exists(a.out) else "# Benchmarks\n"
    new = section(rows, created, a.load_before, a.server_threads)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + new.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + new
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
