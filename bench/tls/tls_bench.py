#!/usr/bin/env python3
"""1,000 devices connecting at once over MQTT/TLS and over plain TCP (issue 5 "Performance"): handshakes/s,
logins/s and the server's RSS per connection once they are logged in and idle. Run by bench/tls/run.sh,
which starts the servers; prints one JSON object per transport.

Each device opens its connection at the same moment (asyncio, one event loop), completes the TLS handshake
(TLS 1.3, the local CA of `gridhub serve`), sends its CONNECT and waits for CONNACK 0. Against Gridhub
(--target gridhub) the CONNECT is an EnOS login (securemode 2, sha256 sign, like the SDKs, devices created
through the API first); against Mosquitto (--target mosquitto, the side-by-side peer) a plain MQTT 3.1.1 CONNECT
without credentials. Rates are counted from the first connect() to the last handshake / CONNACK."""
import argparse
import asyncio
import hashlib
import http.client
import json
import os
import ssl
import struct
import sys
import time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def create_devices(http_port, token, product_key, n):
    conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
    devices = []
    for i in range(n):
        body = json.dumps({"productKey": product_key, "deviceName": f"tls-bench-{i}", "timezone": "+08:00",
                           "deviceKey": f"tlsbench{i:05d}"})
        conn.request("POST", "/connect-service/v2.1/devices?action=create", body,
                     {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        answer = json.loads(conn.getresponse().read())
        if answer.get("code") != 0:
            raise RuntimeError(f"devices?action=create: {answer}")
        devices.append((product_key, answer["data"]["deviceKey"], answer["data"]["deviceSecret"]))
    conn.close()
    return devices


def mqtt_string(s):
    b = s.encode()
    return struct.pack("!H", len(b)) + b


def connect_packet(pk, dk, secret):
    if pk is None:  # Mosquitto: client id only, clean session, no credentials
        body = mqtt_string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 300) + mqtt_string(dk)
    else:
        ts = str(int(time.time() * 1000))
        content = f"clientId{dk}deviceKey{dk}productKey{pk}timestamp{ts}{secret}"
        password = hashlib.sha256(content.encode()).hexdigest()
        client_id = f"{dk}|securemode=2,signmethod=sha256,timestamp={ts}|"
        body = (mqtt_string("MQTT") + bytes([4, 0xC2]) + struct.pack("!H", 300) + mqtt_string(client_id) +
                mqtt_string(f"{dk}&{pk}") + mqtt_string(password))
    n, length = len(body), b""
    while True:
        byte, n = n % 128, n // 128
        length += bytes([byte | (0x80 if n else 0)])
        if not n:
            break
    return b"\x10" + length + body


async def one_device(device, port, ctx, start, results, writers):
    pk, dk, secret = device
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx,
                                                       server_hostname="localhost" if ctx else None,
                                                       ssl_handshake_timeout=60 if ctx else None)
        handshake = time.perf_counter() - start
        writer.write(connect_packet(pk, dk, secret))
        connack = await asyncio.wait_for(reader.readexactly(4), 60)
        login = time.perf_counter() - start
        if connack[3] != 0:
            results.append(("refused", connack[3]))
            writer.close()
            return
        results.append(("ok", handshake, login))
        writers.append(writer)
    except Exception as e:  # noqa: BLE001 - counted and reported, the run goes on
        results.append(("error", repr(e)))


async def run(devices, port, ctx, pid, idle_s):
    rss_before = rss_kib(pid)
    cpu_before = cpu_seconds(pid)
    results, writers = [], []
    start = time.perf_counter()
    await asyncio.gather(*(one_device(d, port, ctx, start, results, writers) for d in devices))
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(pid) - cpu_before
    await asyncio.sleep(idle_s)   # logged in and idle: OpenSSL has released the record buffers
    rss_after = rss_kib(pid)
    ok = [r for r in results if r[0] == "ok"]
    for w in writers:
        w.close()
    await asyncio.sleep(1)
    n = len(ok)
    last_handshake = max((r[1] for r in ok), default=0)
    last_login = max((r[2] for r in ok), default=0)
    return {
        "connections": len(devices), "logged_in": n,
        "errors": [r for r in results if r[0] != "ok"][:5], "error_count": len(results) - n,
        "handshakes_per_s": n / last_handshake if last_handshake else 0,
        "logins_per_s": n / last_login if last_login else 0,
        "all_logged_in_s": last_login, "wall_s": elapsed, "server_cpu_s": cpu,
        "rss_before_kib": rss_before, "rss_after_kib": rss_after,
        "rss_per_connection_kib": (rss_after - rss_before) / n if n else 0,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", choices=("gridhub", "mosquitto"), default="gridhub")
    ap.add_argument("--label", default=None, help="the server's name in the results (default: --target)")
    ap.add_argument("--http-port", type=int, default=0)
    ap.add_argument("--mqtt-port", type=int, required=True)
    ap.add_argument("--tls-port", type=int, required=True)
    ap.add_argument("--token", default="")
    ap.add_argument("--product-key", default="")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--idle", type=float, default=5)
    ap.add_argument("--order", default="tcp,tls")
    a = ap.parse_args()
    t = time.perf_counter()
    if a.target == "gridhub":
        devices = create_devices(a.http_port, a.token, a.product_key, a.devices)
        print(json.dumps({"devices_created": len(devices), "seconds": time.perf_counter() - t,
                          "server": a.label or a.target}), flush=True)
    else:
        devices = [(None, f"tlsbench{i:05d}", None) for i in range(a.devices)]
    ctx = ssl.create_default_context(cafile=a.ca)
    ctx.check_hostname = False
    for transport in a.order.split(","):
        port, c = (a.tls_port, ctx) if transport == "tls" else (a.mqtt_port, None)
        r = asyncio.run(run(devices, port, c, a.server_pid, a.idle))
        r["transport"] = transport
        r["server"] = a.label or a.target
        print(json.dumps(r), flush=True)
        time.sleep(2)  # the server marks them offline before the next wave logs the same devices in


if __name__ == "__main__":
    sys.exit(main())
