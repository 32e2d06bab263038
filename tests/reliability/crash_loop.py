"""Crash safety (issue 8): kill -9 the real server at random moments under load, restart it on the same data dir,
and check that nothing it acknowledged is lost and that it starts cleanly every time.

Per cycle: N devices (paho-mqtt, QoS 1, EnOS login) post the lab's measure points as fast as the hub answers,
each with its own strictly increasing timestamps, and record every post whose `_reply` came back with code 200.
Beside them one API client creates products and devices and renames devices, recording each change the API
answered with success. At a random moment the server gets SIGKILL; it is restarted, its log checked (banner, no
error or corruption lines beyond a torn WAL tail), then every acknowledged post of the cycle is read back through
/tsdb-service/v2.1 and every acknowledged registry change through the connect-service API. After the last cycle
the server is stopped with SIGTERM, started once more, and everything acknowledged over the whole run is checked.

Run with Debian's python (it has paho-mqtt):
  GRIDHUB_BIN=build-x/gridhub /usr/bin/python3 tests/reliability/crash_loop.py --cycles 20 --seconds 60
Exit status: 0 when nothing was lost and every start was clean, 1 otherwise, 2 when the run itself broke."""
import argparse
import http.client
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("gridhub_harness",
                                               os.path.join(HERE, "..", "integration", "gridhub_harness.py"))
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

DEVICES = "/connect-service/v2.1/devices"
PRODUCTS = "/connect-service/v2.1/products"
TSDB = "/tsdb-service/v2.1"
POST_SUFFIX = "thing/measurepoint/post"
# What the API client's connection errors look like when the server dies under it.
DOWN = (OSError, http.client.HTTPException, ValueError)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- devices ------------------------------------------------------------------------------------------------
class PostingDevice:
    """One device. Its posts carry seq 1, 2, 3... over the whole run (never reused, also not across restarts):
    time = base + seq ms, voltage = seq / 4 (exact in binary), cycle_number = seq. `window` posts are kept in
    flight; each 200 reply sends the next one, so the device posts as fast as the hub acknowledges."""

    def __init__(self, pk, dk, secret, asset, base_ms, window):
        self.pk, self.dk, self.secret, self.asset = pk, dk, secret, asset
        self.base_ms = base_ms
        self.window = window
        self.topic = f"/sys/{pk}/{dk}/{POST_SUFFIX}"
        self.reply_topic = self.topic + "_reply"
        self.seq = 0                 # last seq sent
        self.acked = []              # seqs acknowledged with 200 in the current cycle
        self.all_acked_ranges = []   # (first, last, count) per cycle, for the final check
        self.refused = {}            # code -> count: replies other than 200 (none expected)
        self.lock = threading.Lock()
        self.client = None
        self.stopping = False
        self.connected = threading.Event()

    def value(self, seq):
        return seq / 4

    def time_ms(self, seq):
        return self.base_ms + seq

    def connect(self, port):
        client_id, user, password = harness.login_fields(self.pk, self.dk, self.secret)
        # A fresh client per connection: paho must not resend an old connection's unacknowledged posts.
        c = mqtt.Client(client_id=client_id, clean_session=True, protocol=mqtt.MQTTv311)
        c.username_pw_set(user, password)
        c.max_inflight_messages_set(self.window)
        c.max_queued_messages_set(0)
        c.on_connect = self._on_connect
        c.on_message = self._on_message
        self.stopping = False
        self.connected.clear()
        self.client = c
        c.connect("127.0.0.1", port, 60)
        c.loop_start()

    def _send(self, client):
        with self.lock:
            self.seq += 1
            seq = self.seq
        msg = {"id": str(seq), "version": "1.0", "method": "thing.measurepoint.post",
               "params": {"measurepoints": {"voltage": self.value(seq), "cycle_number": seq},
                          "time": self.time_ms(seq)}}
        client.publish(self.topic, json.dumps(msg, separators=(",", ":")), qos=1)

    def _on_connect(self, client, userdata, flags, rc):
        if rc != 0:
            return
        self.connected.set()
        for _ in range(self.window):
            self._send(client)

    def _on_message(self, client, userdata, msg):
        if msg.topic != self.reply_topic:
            return
        reply = json.loads(msg.payload)
        code = reply.get("code")
        if code == 200:
            with self.lock:
                self.acked.append(int(reply["id"]))
        else:
            with self.lock:
                self.refused[code] = self.refused.get(code, 0) + 1
        if not self.stopping:
            self._send(client)

    def halt(self):
        """After the kill: no more posts, and no reconnecting (paho would retry the dead port)."""
        self.stopping = True
        if self.client:
            try:
                self.client.disconnect()
            except Exception:
                pass

    def stop(self):
        """Then the network thread: it may sleep up to a second in its reconnect wait before it sees the stop."""
        self.halt()
        if self.client:
            self.client.loop_stop()
            self.client = None

    def take_cycle(self):
        with self.lock:
            acked, self.acked = sorted(self.acked), []
        if acked:
            self.all_acked_ranges.append(acked)
        return acked


# --- registry changes -----------------------------------------------------------------------------------------
class RegistryWriter:
    """One API client making registry changes one after another; remembers what the API acknowledged. A change
    whose answer never came (the server died) may or may not have happened: both outcomes are accepted."""

    def __init__(self, model_id, rng, pause):
        self.model_id = model_id
        self.rng = rng
        self.pause = pause
        self.products = {}        # pk -> name, acknowledged creations
        self.devices = {}         # (pk, dk) -> name acknowledged last
        self.maybe_names = {}     # (pk, dk) -> name of a rename that was in flight at the kill
        self.current_pk = None
        self.current_count = 0
        self.acked = 0            # acknowledged changes, over the run
        self.refused = []         # non-success answers while the server was up (none expected)
        self.counter = 0
        self.touched = set()      # products whose devices changed in this cycle
        self.server = None
        self.stop_event = threading.Event()
        self.thread = None

    def start(self, server):
        self.server = server
        self.stop_event.clear()
        self.touched = set()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        if self.thread:
            self.thread.join(60)

    def _call(self, method, path, query, body):
        """(acknowledged, data): acknowledged None when no answer came."""
        try:
            status, answer = self.server.api(method, path, query, body, timeout=10)
        except DOWN:
            return None, None
        if status == 200 and answer and answer.get("code") == 0:
            return True, answer.get("data")
        if not self.stop_event.is_set():
            self.refused.append((path, query, status, answer))
        return False, None

    def _create_product(self):
        self.counter += 1
        name = f"crash-product-{self.counter}-{self.rng.randrange(1 << 30)}"
        ok, data = self._call("POST", PRODUCTS, "action=create",
                              {"productName": name, "productType": "Device", "modelId": self.model_id,
                               "dataFormat": "Json"})
        if ok:
            self.products[data["productKey"]] = name
            self.current_pk, self.current_count = data["productKey"], 0
            self.touched.add(data["productKey"])
            self.acked += 1

    def _create_device(self):
        self.counter += 1
        name = f"crash-device-{self.counter}"
        ok, data = self._call("POST", DEVICES, "action=create",
                              {"productKey": self.current_pk, "deviceName": name, "timezone": "+08:00"})
        if ok:
            self.devices[(self.current_pk, data["deviceKey"])] = name
            self.current_count += 1
            self.touched.add(self.current_pk)
            self.acked += 1

    def _rename_device(self):
        self.counter += 1
        pk, dk = self.rng.choice(list(self.devices))
        name = f"renamed-{self.counter}"
        self.maybe_names[(pk, dk)] = name
        self.touched.add(pk)
        ok, _ = self._call("POST", DEVICES, f"action=update&productKey={pk}&deviceKey={dk}", {"deviceName": name})
        if ok is None:
            return  # the kill: either name may be stored
        del self.maybe_names[(pk, dk)]
        if ok:
            self.devices[(pk, dk)] = name
            self.acked += 1

    def _run(self):
        while not self.stop_event.is_set():
            r = self.rng.random()
            if self.current_pk is None or r < 0.05 or self.current_count >= 500:
                self._create_product()
            elif r < 0.35 and self.devices:
                self._rename_device()
            else:
                self._create_device()
            self.stop_event.wait(self.pause)

    def verify(self, server, products):
        """Lost acknowledged changes among `products` (all when None): a list of descriptions."""
        lost = []
        wanted = self.products if products is None else {pk: self.products[pk] for pk in products
                                                        if pk in self.products}
        for pk, name in wanted.items():
            status, answer = server.api("GET", PRODUCTS, f"action=get&productKey={pk}")
            got = answer.get("data") if status == 200 and answer else None
            got_name = got and got.get("productName")
            if isinstance(got_name, dict):
                got_name = got_name.get("defaultValue")
            if got_name != name:
                lost.append(f"product {pk} ({name}): {status} {str(answer)[:200]}")
        check_pks = set(pk for pk, _ in self.devices) if products is None else set(products)
        for pk in check_pks:
            stored = {}
            page = 1
            while True:
                status, answer = server.api("POST", DEVICES, "action=search",
                                            {"productKey": pk, "pagination": {"pageNo": page, "pageSize": 200}})
                if status != 200 or answer.get("code") != 0:
                    lost.append(f"device search of {pk}: {status} {str(answer)[:200]}")
                    break
                for d in answer["data"]:
                    n = d["deviceName"]
                    stored[d["deviceKey"]] = n.get("defaultValue") if isinstance(n, dict) else n
                if len(answer["data"]) < 200:
                    break
                page += 1
            for (dpk, dk), name in self.devices.items():
                if dpk != pk:
                    continue
                got = stored.get(dk)
                if got != name and got != self.maybe_names.get((dpk, dk)):
                    lost.append(f"device {pk}/{dk}: expected name {name!r}, stored {got!r}")
        return lost

    def settle(self, server):
        """After a verify: a rename that was in flight is now decided; take what is stored as the truth."""
        for (pk, dk), name in list(self.maybe_names.items()):
            status, answer = server.api("GET", DEVICES, f"action=get&productKey={pk}&deviceKey={dk}")
            if status == 200:
                n = answer["data"]["deviceName"]
                self.devices[(pk, dk)] = n.get("defaultValue") if isinstance(n, dict) else n
        self.maybe_names.clear()


# --- reading posts back ---------------------------------------------------------------------------------------
def read_series(server, endpoint, assets, point, start, end):
    """{asset: {time: value}} for every asset, following cursors (itemFormat 2)."""
    out = {a: {} for a in assets}
    page_size = max(1, min(32000, 640000 // max(1, len(assets))))
    body = {"assetIds": assets, "pointIds": point, "startTime": start, "endTime": end, "itemFormat": 2,
            "pageSize": page_size}
    for _ in range(100000):
        status, answer = server.api("POST", f"{TSDB}/{endpoint}", "", body, timeout=120)
        if status != 200 or answer.get("code") != 0:
            raise RuntimeError(f"{endpoint} read failed: {status} {str(answer)[:300]}")
        data = answer["data"]
        for item in data["items"]:
            if item["pointId"] == point:
                out[item["assetId"]].update(zip(item["timestamp"], item["value"]))
        if not data.get("cursor"):
            return out
        body["cursor"] = data["cursor"]
    raise RuntimeError("cursor never ended")


def verify_posts(server, devices, acked_by_device):
    """Lost acknowledged posts: a list of (device key, seq, what). `acked_by_device` maps a device to seqs."""
    seqs = [s for d in devices for s in acked_by_device[d.dk]]
    if not seqs:
        return []
    start, end = devices[0].time_ms(min(seqs)), devices[0].time_ms(max(seqs))
    assets = [d.asset for d in devices]
    voltage = read_series(server, "ai", assets, "voltage", start, end)
    cycle_number = read_series(server, "generic", assets, "cycle_number", start, end)
    lost = []
    for d in devices:
        v, c = voltage[d.asset], cycle_number[d.asset]
        for s in acked_by_device[d.dk]:
            t = d.time_ms(s)
            if v.get(t) != d.value(s):
                lost.append((d.dk, s, f"voltage at {t}: {v.get(t)!r}, posted {d.value(s)!r}"))
            if c.get(t) != s:
                lost.append((d.dk, s, f"cycle_number at {t}: {c.get(t)!r}, posted {s}"))
    return lost


# --- the server's log -----------------------------------------------------------------------------------------
LINE = re.compile(r"^\[[^\]]+\] \[[^\]]+\] \[(\w+)\] (.*)$")
# Expected after SIGKILL: a write() cut by the kill leaves a torn WAL tail, which recovery truncates.
EXPECTED_WARNINGS = [re.compile(r"tsdb: .*: torn tail at offset \d+ of \d+ \(.*\); truncated")]
OPENED = re.compile(r"tsdb: opened .*?, (\d+) damaged segments")
HISTORY = re.compile(r"tsdb: history in .*?\((\d+) set aside as corrupt")


def unexpected_log_lines(text):
    """Lines of one server run that a clean (re)start must not have."""
    bad = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue  # a continuation line; its first line is judged
        level, message = m.group(1), m.group(2)
        if level in ("error", "critical") or (level in ("warn", "warning") and
                                               not any(p.search(message) for p in EXPECTED_WARNINGS)):
            bad.append(line)
            continue
        opened, history = OPENED.search(message), HISTORY.search(message)
        if (opened and opened.group(1) != "0") or (history and history.group(1) != "0"):
            bad.append(line)
        elif "corrupt" in message.lower() and not history:
            bad.append(line)
    return bad


def torn_tails(text):
    return sum(1 for line in text.splitlines() if "torn tail" in line)


# --- the loop ---------------------------------------------------------------------------------------------------
class Run:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.server = harness.Server(data_dir=args.data_dir, demo=True, extra_args=args.server_arg)
        self.devices = []
        self.registry = None
        self.restart_s = []        # SIGKILL -> API answering on the new process
        self.replayed_records = [] # WAL records the new process replayed
        self.recovery_s = []       # the new process's first log line -> its API listening (from its log)
        self.verify_s = []
        self.posts_acked = 0
        self.posts_lost = []
        self.registry_lost = []
        self.unclean = []
        self.torn = 0
        self.cycles = 0
        self.modes = {}            # how each cycle's server ended: kill, term+kill, term
        self.posts_per_s = []

    def log_since(self, offset):
        return self.server.read_log_bytes()[offset:].decode("utf-8", "replace")

    def setup(self):
        s = self.server
        s.start()
        self.unclean += [f"first start: {p}" for p in self.check_start(0)]
        demo = s.demo_info
        self.model_id = demo["modelId"]
        self.pk = demo["productKey"]
        base = int(time.time() * 1000) - 6 * 3600 * 1000   # history lands in one or two day partitions
        for i in range(self.args.devices):
            d = s.create_device(self.pk, name=f"crash-poster-{i}", device_key=f"crash-poster-{i}")
            self.devices.append(PostingDevice(self.pk, d["deviceKey"], d["deviceSecret"], d["assetId"], base,
                                              self.args.window))
        # The registry changes go on a model of their own: `serve --demo` looks for its product among the first
        # 200 products of the demo model only, and fails to start ("demo product: already exists") past that.
        with open(os.path.join(harness.SOURCE_DIR, "demo", "smart_battery_model.json"), encoding="utf-8-sig") as f:
            model = json.load(f)
        model["thingModelId"] = "Crash_Registry_Model"
        status, answer = s.api("POST", "/model-service/v2.1/thing-models", "action=import",
                               raw_body=json.dumps(model).encode())
        if status != 200 or answer.get("code") != 0:
            raise RuntimeError(f"model import failed: {status} {answer}")
        self.registry = RegistryWriter(model["thingModelId"], self.rng, self.args.registry_pause)
        self.run_log_offset = 0

    def check_start(self, log_offset):
        """The start that began at `log_offset`: its banner and its log lines so far. The rest of the run's lines
        are judged when it ends (`check_run_end`)."""
        raw = self.server.read_log_bytes()
        self.checked_upto = len(raw)
        text = raw[log_offset:].decode("utf-8", "replace")
        problems = [f"log: {line}" for line in unexpected_log_lines(text)]
        banner = self.server.read_banner()
        if banner.count("Gridhub is running") < self.starts:
            problems.append("no banner on stdout for this start")
        self.torn += torn_tails(text)
        return problems

    def check_run_end(self):
        return unexpected_log_lines(self.log_since(self.checked_upto))

    def cycle(self, n):
        s = self.server
        for d in self.devices:
            d.connect(s.mqtt_port)
        deadline = time.time() + 10
        for d in self.devices:
            if not d.connected.wait(max(0.0, deadline - time.time())):
                raise RuntimeError(f"device {d.dk} did not connect in cycle {n}:\n" + self.log_since(self.run_log_offset)[-3000:])
        self.registry.start(s)
        load_started = time.time()
        time.sleep(self.rng.uniform(self.args.kill_min, self.args.kill_max))
        # Mostly a plain SIGKILL under load. Some cycles start a graceful stop first (SIGTERM: the store seals
        # its head into blocks and checkpoints) and kill it part-way through that, so recovery also meets
        # half-written blocks and checkpoints, and, when the stop finishes first, a store with blocks.
        mode = "kill"
        if self.rng.random() < self.args.term_share:
            mode = "term+kill"
            s.proc.send_signal(signal.SIGTERM)
            try:
                s.proc.wait(self.rng.uniform(0, 1.0))
                mode = "term"
            except subprocess.TimeoutExpired:
                pass
        if mode != "term":
            s.proc.kill()
        killed_at = time.time()
        rc = s.proc.wait()
        self.modes[mode] = self.modes.get(mode, 0) + 1
        s.log.close()
        s.out.close()
        for d in self.devices:
            d.halt()
        self.registry.stop_event.set()
        # Everything the run logged up to the kill, then the new run: both must be clean.
        problems = [f"cycle {n} before the kill: {p}" for p in self.check_run_end()]
        if mode == "term" and rc != 0:
            problems.append(f"cycle {n}: SIGTERM exit code {rc}")
        offset = len(s.read_log_bytes())
        self.run_log_offset = offset
        s.start()
        self.starts += 1
        self.restart_s.append(time.time() - killed_at)
        self.recovery_s.append(self.recovery_time(offset))
        self.replayed_records.append(self.replayed(offset))
        problems += [f"cycle {n} restart: {p}" for p in self.check_start(offset)]
        # The clients of the killed server stop in parallel (each may be in a reconnect wait of up to 1 s).
        stoppers = [threading.Thread(target=d.stop) for d in self.devices]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        self.registry.stop()   # a change it made on the new server is acknowledged and checked like any other
        self.unclean += problems

        t0 = time.time()
        acked = {d.dk: d.take_cycle() for d in self.devices}
        count = sum(len(v) for v in acked.values())
        self.posts_acked += count
        self.posts_per_s.append(count / max(1e-6, killed_at - load_started))
        lost = verify_posts(s, self.devices, acked)
        self.posts_lost += lost
        reg_lost = self.registry.verify(s, self.registry.touched | ({self.registry.current_pk} - {None}))
        self.registry_lost += reg_lost
        self.registry.settle(s)
        self.verify_s.append(time.time() - t0)
        refused = {code: c for d in self.devices for code, c in d.refused.items()}
        log(f"cycle {n}: {mode} after {killed_at - load_started:.2f}s, {count} posts acked "
            f"({self.posts_per_s[-1]:.0f}/s), {len(lost)} lost; registry {self.registry.acked} acked so far, "
            f"{len(reg_lost)} lost; restart {self.restart_s[-1]:.2f}s (replayed {self.replayed_records[-1]} WAL records, "
            f"{self.recovery_s[-1]:.2f}s by its log); verify {self.verify_s[-1]:.2f}s"
            + (f"; non-200 replies {refused}" if refused else "") + (f"; {len(problems)} log problems" if problems else ""))
        for p in problems[:5]:
            log("  " + p)
        for item in (lost[:5] + reg_lost[:5]):
            log(f"  LOST {item}")

    def replayed(self, offset):
        """What the new process's tsdb replayed from the WAL (records), from its log."""
        m = re.search(r"tsdb: opened .*?replayed (\d+) records", self.log_since(offset))
        return int(m.group(1)) if m else -1

    def recovery_time(self, offset):
        """From the new process's first log line to its HTTP listener, by the log's own clock."""
        stamps = []
        for line in self.log_since(offset).splitlines():
            m = re.match(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\]", line)
            if m:
                stamps.append((time.mktime(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S")) +
                               float("0" + m.group(1)[19:]), line))
        first = stamps[0][0] if stamps else None
        for t, line in stamps:
            if "HTTP listening" in line and first is not None:
                return t - first
        return float("nan")

    def final_check(self):
        """A clean stop, a clean start, and everything acknowledged over the run read back."""
        s = self.server
        rc = s.stop()
        if rc != 0:
            self.unclean.append(f"final SIGTERM: exit code {rc}")
        self.unclean += [f"final run: {p}" for p in self.check_run_end()]
        offset = len(s.read_log_bytes())
        self.run_log_offset = offset
        s.start()
        self.starts += 1
        self.unclean += [f"final start: {p}" for p in self.check_start(offset)]
        t0 = time.time()
        acked = {d.dk: [x for r in d.all_acked_ranges for x in r] for d in self.devices}
        lost = verify_posts(s, self.devices, acked)
        reg_lost = self.registry.verify(s, None)
        log(f"final check after a clean restart: {sum(len(v) for v in acked.values())} posts, "
            f"{len(lost)} lost; {len(self.registry.products)} products and {len(self.registry.devices)} devices, "
            f"{len(reg_lost)} lost ({time.time() - t0:.1f}s)")
        self.posts_lost += [("final",) + x for x in lost]
        self.registry_lost += ["final: " + x for x in reg_lost]
        self.check_the_checker()
        rc = s.stop()
        if rc != 0:
            self.unclean.append(f"last SIGTERM: exit code {rc}")
        self.unclean += [f"last run: {p}" for p in self.check_run_end()]

    def check_the_checker(self):
        """The checks must be able to fail: delete one acknowledged post and rename one acknowledged device
        behind the run's back, and expect exactly those to be reported (a failure here is a broken run)."""
        s = self.server
        d = next((d for d in self.devices if d.all_acked_ranges), None)
        if d is None or not self.registry.devices:
            raise RuntimeError("nothing was acknowledged: the run proved nothing")
        seq = d.all_acked_ranges[-1][-1]
        s.ok("POST", f"{TSDB}/data/tsdb-delete", "", {"assetIds": d.asset, "pointIds": "voltage,cycle_number",
                                                      "startTime": d.time_ms(seq), "endTime": d.time_ms(seq)})
        lost = verify_posts(s, self.devices, {x.dk: ([seq] if x is d else []) for x in self.devices})
        if [(dk, q) for dk, q, _ in lost] != [(d.dk, seq), (d.dk, seq)]:
            raise RuntimeError(f"a deleted post was not reported lost: {lost}")
        pk, dk = next(iter(self.registry.devices))
        s.ok("POST", DEVICES, f"action=update&productKey={pk}&deviceKey={dk}", {"deviceName": "not-what-was-acked"})
        lost = self.registry.verify(s, [pk])
        if len(lost) != 1 or dk not in lost[0]:
            raise RuntimeError(f"a changed device name was not reported lost: {lost}")
        log("checker check: a post deleted and a device renamed behind the run's back were both reported")

    def run(self):
        a = self.args
        started = time.time()
        self.starts = 1
        self.setup()
        log(f"gridhub {harness.GRIDHUB_BIN}, data dir {self.server.data_dir}, {a.devices} devices, seed {a.seed}")
        per_cycle = None
        while self.cycles < a.cycles:
            elapsed = time.time() - started
            # Leave room for this cycle (the longest kill delay plus what cycles took so far) and the final check.
            if a.seconds and self.cycles and elapsed + per_cycle * 1.5 + 5 > a.seconds:
                break
            t = time.time()
            self.cycle(self.cycles + 1)
            self.cycles += 1
            took = time.time() - t
            per_cycle = took if per_cycle is None else max(per_cycle, took)
        self.final_check()
        return time.time() - started


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cycles", type=int, default=20, help="kill/restart cycles (default 20)")
    p.add_argument("--seconds", type=float, default=0, help="total time budget; stops starting cycles before it")
    p.add_argument("--devices", type=int, default=20, help="posting devices (default 20)")
    p.add_argument("--window", type=int, default=16, help="posts each device keeps in flight (default 16)")
    p.add_argument("--kill-min", type=float, default=0.5, help="earliest kill, seconds into the load")
    p.add_argument("--kill-max", type=float, default=4.0, help="latest kill, seconds into the load")
    p.add_argument("--term-share", type=float, default=0.2,
                   help="share of cycles that send SIGTERM first and SIGKILL 0-1 s later if still running")
    p.add_argument("--registry-pause", type=float, default=0.005, help="seconds between registry changes")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock, printed)")
    p.add_argument("--data-dir", default=None, help="data dir (default: a fresh temporary one)")
    p.add_argument("--server-arg", action="append", default=[],
                   help="an extra `gridhub serve` argument (repeatable), e.g. --server-arg=--durability=none to "
                        "see the checks fail")
    p.add_argument("--keep", action="store_true", help="keep the data dir even when the run passes")
    args = p.parse_args()
    if args.cycles < 1 or args.devices < 1 or args.window < 1 or args.seconds < 0 or args.registry_pause < 0:
        p.error("--cycles, --devices and --window must be at least 1; --seconds and --registry-pause not negative")
    if not 0 <= args.kill_min <= args.kill_max:
        p.error("need 0 <= --kill-min <= --kill-max")
    if not 0 <= args.term_share <= 1:
        p.error("--term-share is a share: 0..1")
    if args.seed is None:
        args.seed = int(time.time() * 1000) % 1000000007
    if args.data_dir:
        os.makedirs(args.data_dir, exist_ok=True)
    if not os.path.exists(harness.GRIDHUB_BIN):
        print(f"no gridhub binary at {harness.GRIDHUB_BIN}: set GRIDHUB_BIN", file=sys.stderr)
        return 2
    run = Run(args)
    try:
        took = run.run()
    except Exception as e:
        import traceback
        traceback.print_exc()
        log(f"the run broke: {e}; data dir kept: {run.server.data_dir}")
        if run.server.proc and run.server.proc.poll() is None:
            run.server.proc.kill()
        return 2
    finally:
        for d in run.devices:
            d.stop()
        if run.registry:
            run.registry.stop()

    rs = run.restart_s or [float("nan")]
    rec = [x for x in run.recovery_s if x == x] or [float("nan")]
    refused_posts = {}
    for d in run.devices:
        for code, c in d.refused.items():
            refused_posts[code] = refused_posts.get(code, 0) + c
    refused_api = run.registry.refused if run.registry else []
    failed = bool(run.posts_lost or run.registry_lost or run.unclean or refused_posts or refused_api)
    if refused_posts:
        log(f"REFUSED posts (reply codes other than 200, while the server was up): {refused_posts}")
    for item in refused_api[:20]:
        log(f"REFUSED registry change {str(item)[:300]}")
    for item in run.unclean[:20]:
        log(f"UNCLEAN {item}")
    for item in run.posts_lost[:20]:
        log(f"LOST POST {item}")
    for item in run.registry_lost[:20]:
        log(f"LOST REGISTRY CHANGE {item}")
    lost_posts = len({x[-3:-1] for x in run.posts_lost})   # (device, seq): a post counts once, whatever it lost
    print(f"crash-safety: cycles {run.cycles}, posts acknowledged {run.posts_acked}, posts lost "
          f"{lost_posts}, registry changes acknowledged {run.registry.acked}, lost {len(run.registry_lost)}, "
          f"log/start problems {len(run.unclean)}, torn WAL tails {run.torn}, restart s (kill to API) median "
          f"{statistics.median(rs):.2f} max {max(rs):.2f}, recovery s (log) median {statistics.median(rec):.3f} "
          f"max {max(rec):.3f}, posts/s median {statistics.median(run.posts_per_s or [0]):.0f}, "
          f"ends {run.modes}, {took:.0f}s, seed {args.seed}: {'FAIL' if failed else 'PASS'}", flush=True)
    if failed or args.keep:
        log(f"data dir kept: {run.server.data_dir}")
    else:
        shutil.rmtree(run.server.data_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
