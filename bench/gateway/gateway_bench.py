#!/usr/bin/python3
"""One gateway with 200 sub-devices posting batches (issue 5's gateway benchmark).

Starts a release `gridhub serve --demo` in a temporary data dir, creates a gateway and 200 sub-devices through the
API, adds them to the gateway's topology, logs them in with one combine.login.batch, then posts
thing/measurepoint/post/batch messages (one entry per sub-device, the lab's points) with a window of QoS 1
requests in flight, for a fixed time. Prints JSON and rewrites the "Gateway" section of docs/benchmarks.md.
The client is python3-paho-mqtt on the same 2 cores: the figures are what one gateway connection achieves."""
import argparse
import json
import os
import resource
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import paho.mqtt.client as mqtt  # noqa: E402
from gridhub_harness import Server, login_fields, sign  # noqa: E402
from report import machine, splice  # noqa: E402

BEGIN = "<!-- bench/gateway/gateway_bench.py: begin"
END = "<!-- bench/gateway/gateway_bench.py: end -->"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    """A paho client that counts replies by topic and signals per id."""

    def __init__(self, port, pk, dk, secret):
        cid, user, password = login_fields(pk, dk, secret)
        self.c = mqtt.Client(client_id=cid, clean_session=True, protocol=mqtt.MQTTv311)
        self.c.username_pw_set(user, password)
        self.c.max_inflight_messages_set(1000)
        self.cond = threading.Condition()
        self.replies = {}
        self.codes = {}
        self.c.on_message = self.on_message
        self.connected = threading.Event()
        self.c.on_connect = lambda c, u, f, rc: self.connected.set()
        self.c.connect("127.0.0.1", port, 60)
        self.c.loop_start()
        assert self.connected.wait(10)

    def on_message(self, c, u, msg):
        reply = json.loads(msg.payload)
        with self.cond:
            self.replies[reply["id"]] = time.perf_counter()
            self.codes[reply["code"]] = self.codes.get(reply["code"], 0) + 1
            self.cond.notify_all()


def run(seconds, subs_n, window, points_per_sub):
    server = Server(extra_args=("--max-sub-devices", str(subs_n))).start()
    try:
        s = server
        model = s.demo_info["modelId"]
        gpk = s.create_product("bench gateway", model, productType="Gateway")
        spk = s.create_product("bench sub", model)
        g = s.create_device(gpk, "gw")
        subs = [s.create_device(spk, f"sub-{i}") for i in range(subs_n)]
        s.ok("POST", "/connect-service/v2.1/device-topos", "action=addSubDevice",
             {"gateway": {"assetId": g["assetId"]}, "subDevices": [{"assetId": d["assetId"]} for d in subs]})
        # The lab's points land in history: a storage policy keeps them (same work as a real deployment).
        client = Client(s.mqtt_port, gpk, g["deviceKey"], g["deviceSecret"])
        topic_base = f"/ext/session/{gpk}/{g['deviceKey']}/combine/login/batch"
        client.c.subscribe(topic_base + "_reply", 1)
        client.c.subscribe(f"/sys/{gpk}/{g['deviceKey']}/thing/measurepoint/post/batch_reply", 1)
        ts = str(time.time())
        login = {"id": "login", "version": "1.0", "method": "combine.login.batch", "params": {
            "clientId": "login.batch", "timestamp": ts, "signMethod": "sha256",
            "subDevices": [{"productKey": spk, "deviceKey": d["deviceKey"], "secureMode": "2",
                            "sign": sign("sha256", {"clientId": "login.batch", "deviceKey": d["deviceKey"],
                                                    "productKey": spk, "timestamp": ts}, d["deviceSecret"])}
                           for d in subs]}}
        t0 = time.perf_counter()
        client.c.publish(topic_base, json.dumps(login), qos=1)
        with client.cond:
            assert client.cond.wait_for(lambda: "login" in client.replies, 30)
        login_ms = (client.replies["login"] - t0) * 1000
        assert client.codes.get(200) == 1, client.codes

        topic = f"/sys/{gpk}/{g['deviceKey']}/thing/measurepoint/post/batch"
        names = ["temp", "voltage", "current", "accumulating_power", "cycle_number"][:points_per_sub]
        pid = server.proc.pid
        cpu0, start = cpu_seconds(pid), time.perf_counter()
        sent, latencies, sent_at = 0, [], {}
        deadline = start + seconds
        next_id = 1
        while time.perf_counter() < deadline:
            with client.cond:
                client.cond.wait_for(lambda: sent - len_done(client) < window, 5)
            now_ms = int(time.time() * 1000)
            entries = [{"productKey": spk, "deviceKey": d["deviceKey"], "time": now_ms,
                        "measurepoints": {n: (i % 7) + 0.5 if n != "cycle_number" else i for n in names}}
                       for i, d in enumerate(subs)]
            rid = str(next_id)
            next_id += 1
            sent_at[rid] = time.perf_counter()
            client.c.publish(topic, json.dumps({"id": rid, "version": "1.0", "method": "thing.measurepoint.post.batch",
                                                "params": entries, "allowOfflineSubDevice": False}), qos=1)
            sent += 1
        with client.cond:
            client.cond.wait_for(lambda: len_done(client) >= sent, 30)
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds(pid) - cpu0
        for rid, t in sent_at.items():
            if rid in client.replies:
                latencies.append((client.replies[rid] - t) * 1000)
        latencies.sort()
        acked = len(latencies)
        result = {
            "sub_devices": subs_n, "points_per_entry": len(names), "window": window,
            "batch_login_ms": round(login_ms, 1),
            "batches_acked": acked, "codes": {str(k): v for k, v in client.codes.items()},
            "batches_per_s": round(acked / elapsed, 1),
            "entries_per_s": round(acked * subs_n / elapsed),
            "points_per_s": round(acked * subs_n * len(names) / elapsed),
            "p50_ms": round(latencies[len(latencies) // 2], 2) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99)], 2) if latencies else None,
            "server_cpu_cores": round(cpu / elapsed, 2),
            "server_rss_mib": round(rss_kib(pid) / 1024, 1),
            "client_cpu_s": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime, 1),
        }
        client.c.disconnect()
        client.c.loop_stop()
        return result
    finally:
        server.stop()


def len_done(client):
    return len(client.replies) - 1  # minus the login reply


def section(r):
    return f"""{BEGIN} (generated; do not edit by hand) -->
## Gateway: one connection speaking for {r['sub_devices']} sub-devices

`make bench-gateway` (bench/gateway/gateway_bench.py): one gateway logs {r['sub_devices']} sub-devices in with one
`combine.login.batch`, then posts `thing/measurepoint/post/batch` messages, each with one entry per sub-device
({r['points_per_entry']} of the lab's points each), QoS 1, {r['window']} in flight. Every batch is validated
against the model, checked against the gateway's logged-in sub-devices, made durable (group-committed fsync) and
only then acknowledged. The client is python3-paho-mqtt on the same 2 cores. Machine: {machine()}.

| | |
|---|---|
| batch login of {r['sub_devices']} sub-devices (signs checked, presence written) | {r['batch_login_ms']} ms |
| acknowledged batches/s | {r['batches_per_s']} |
| sub-device entries/s | {r['entries_per_s']:,} |
| measure points/s | {r['points_per_s']:,} |
| batch round trip p50 / p99 | {r['p50_ms']} / {r['p99_ms']} ms |
| server CPU | {r['server_cpu_cores']} cores |
| server RSS after the run | {r['server_rss_mib']} MiB |
| reply codes | {r['codes']} |

{END}"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--sub-devices", type=int, default=200)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--points", type=int, default=5)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    r = run(args.seconds, args.sub_devices, args.window, args.points)
    print(json.dumps(r, indent=2))
    if args.write_docs:
        path = os.path.join(ROOT, "docs", "benchmarks.md")
        with open(path) as f:
            doc = f.read()
        with open(path, "w") as f:
            f.write(splice(doc, BEGIN, END, section(r)))


if __name__ == "__main__":
    main()
