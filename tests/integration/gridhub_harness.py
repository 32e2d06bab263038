"""Test harness: starts the real `gridhub serve` in a fresh data dir and gives independent clients for it
(python3-paho-mqtt for devices, urllib for the REST API). Used by every integration test."""
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt

GRIDHUB_BIN = os.environ.get("GRIDHUB_BIN", os.path.join(os.path.dirname(__file__), "../../build/gridhub"))
SOURCE_DIR = os.environ.get("GRIDHUB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
SHARED_DIR = os.path.join(SOURCE_DIR, "..", "shared")


_supports_tls_port = None


def supports_tls_port():
    """Whether this gridhub has --tls-port (then every test server gets its own free TLS port, never 18883)."""
    global _supports_tls_port
    if _supports_tls_port is None:
        try:
            out = subprocess.run([GRIDHUB_BIN, "serve", "--help"], capture_output=True, timeout=10).stdout
            _supports_tls_port = b"--tls-port" in out
        except (OSError, subprocess.TimeoutExpired):
            _supports_tls_port = False
    return _supports_tls_port


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gridhub process. `start()` waits until the API answers."""

    def __init__(self, data_dir=None, demo=True, extra_args=()):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="gridhub-test-")
        self.demo = demo
        self.extra_args = list(extra_args)
        self.proc = None
        self.preexec = None   # runs in the child before exec (e.g. to set resource limits)
        self.log_path = os.path.join(self.data_dir, "server.log")      # stderr: the logs
        self.banner_path = os.path.join(self.data_dir, "server.out")   # stdout: the demo banner

    def start(self):
        # Port 0: the server binds free ports itself and logs them, so parallel tests never race for a port.
        args = [GRIDHUB_BIN, "serve", "--data-dir", self.data_dir, "--bind", "127.0.0.1",
                "--mqtt-port", "0", "--http-port", "0"] + self.extra_args
        if supports_tls_port() and "--tls-port" not in self.extra_args:
            args[args.index("--http-port"):args.index("--http-port")] = ["--tls-port", "0"]
        if self.demo:
            args.append("--demo")
        self.log = open(self.log_path, "ab")
        self.out = open(self.banner_path, "ab")
        log_start = os.path.getsize(self.log_path)
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=self.log, preexec_fn=self.preexec)
        deadline = time.time() + 30
        self.mqtt_port = self.http_port = None
        self.tls_port = None        # the MQTT/TLS listener's port, when it has one
        self.ssl_context = None     # set when the API serves HTTPS: trusts <data_dir>/tls/ca.pem
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gridhub exited early:\n" + self.read_log())
            log = self.read_log_bytes()[log_start:].decode("utf-8", "replace")
            mqtt_m = re.search(r"MQTT listening on \S+?:(\d+)", log)
            http_m = re.search(r"HTTP listening on \S+?:(\d+)", log)
            if mqtt_m and http_m:
                self.mqtt_port, self.http_port = int(mqtt_m.group(1)), int(http_m.group(1))
                tls_m = re.search(r"MQTT/TLS listening on \S+?:(\d+)", log)
                self.tls_port = int(tls_m.group(1)) if tls_m else None
                if re.search(r"HTTP listening on \S+?:\d+ \(HTTPS\)", log) and self.ssl_context is None:
                    import ssl
                    self.ssl_context = ssl.create_default_context(cafile=self.tls_ca_file())
                    self.ssl_context.check_hostname = False
                try:
                    urllib.request.urlopen(f"{self.scheme()}://127.0.0.1:{self.http_port}/healthz", timeout=1,
                                           context=self.ssl_context).read()
                    break
                except OSError:
                    pass
            time.sleep(0.05)
        else:
            raise RuntimeError("gridhub did not start:\n" + self.read_log())
        with open(os.path.join(self.data_dir, "admin.json")) as f:
            self.admin = json.load(f)
        self.demo_info = None
        if self.demo:
            with open(os.path.join(self.data_dir, "demo.json")) as f:
                self.demo_info = json.load(f)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("gridhub did not stop within %ss" % timeout)
        self.log.close()
        self.out.close()
        return self.proc.returncode

    def scheme(self):
        return "https" if self.ssl_context else "http"

    def tls_ca_file(self):
        """The local CA `gridhub serve` creates when no certificate is configured."""
        return os.path.join(self.data_dir, "tls", "ca.pem")

    def read_banner(self):
        with open(self.banner_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def read_log_bytes(self):
        with open(self.log_path, "rb") as f:
            return f.read()

    def read_log(self):
        return self.read_log_bytes().decode("utf-8", "replace")

    # --- REST API -------------------------------------------------------------------------------------------
    def api(self, method, path, query="", body=None, token=None, raw_body=None, headers=None, timeout=30):
        """Returns (http_status, parsed JSON body)."""
        token = self.admin["token"] if token is None else token
        url = f"{self.scheme()}://127.0.0.1:{self.http_port}{path}"
        if query:
            url += "?" + query
        data = raw_body if raw_body is not None else (json.dumps(body).encode() if body is not None else None)
        if method == "POST" and data is None:
            data = b""
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ssl_context) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None

    def ok(self, method, path, query="", body=None):
        status, answer = self.api(method, path, query, body)
        assert status == 200 and answer["code"] == 0, (status, answer)
        return answer["data"]

    def create_device(self, product_key, name="dev", device_key=None):
        body = {"productKey": product_key, "deviceName": name, "timezone": "+08:00"}
        if device_key:
            body["deviceKey"] = device_key
        return self.ok("POST", "/connect-service/v2.1/devices", "action=create", body)

    def create_product(self, name, model_id, **extra):
        body = {"productName": name, "productType": "Device", "modelId": model_id, "dataFormat": "Json"}
        body.update(extra)
        return self.ok("POST", "/connect-service/v2.1/products", "action=create", body)["productKey"]

    def create_ou(self, name):
        """A new OU (system credential of admin.json): returns (orgId, its admin token)."""
        data = self.ok("POST", "/iam-service/v2.1/orgs", "action=create", {"name": name})
        return data["orgId"], data["adminToken"]

    # --- commands (docs/api_commands.md) ----------------------------------------------------------------------
    def invoke(self, pk, dk, service, input_data, pending_ttl=None, timeout=None, token=None, http_timeout=70):
        """invokeService; returns (http_status, answer)."""
        query = f"action=invokeService&productKey={pk}&deviceKey={dk}&serviceId={service}"
        if pending_ttl is not None:
            query += f"&pendingTtl={pending_ttl}"
        if timeout is not None:
            query += f"&timeout={timeout}"
        return self.api("POST", "/connect-service/v2.1/commands", query, {"inputData": input_data}, token=token,
                        timeout=http_timeout)

    def command(self, command_id):
        return self.ok("GET", "/connect-service/v2.1/commands", f"action=get&commandId={command_id}")

    def wait_command_state(self, command_id, state, timeout=10):
        deadline = time.time() + timeout
        while True:
            c = self.command(command_id)
            if c["state"] == state or time.time() > deadline:
                return c
            time.sleep(0.05)


# --- EnOS login -----------------------------------------------------------------------------------------------
_ALGOS = {"sha256": hashlib.sha256, "hmacsha256": hashlib.sha256, "sha1": hashlib.sha1,
          "hmacsha1": hashlib.sha1, "md5": hashlib.md5, "hmacmd5": hashlib.md5}


def sign(method, fields, secret):
    """Spec §1.3: sorted key+value concatenation + secret, plain hash, hex."""
    content = "".join(k + fields[k] for k in sorted(fields)) + secret
    return _ALGOS[method.lower()](content.encode()).hexdigest()


def login_fields(pk, dk, secret, securemode=2, signmethod="hmacsha256", timestamp=None, prefix=None,
                 upper=False):
    """(client_id, username, password) exactly as the SDKs build them."""
    timestamp = timestamp if timestamp is not None else str(time.time() * 1000)   # Python SDK: a float
    prefix = prefix if prefix is not None else (pk if securemode == 4 else dk)
    password = sign(signmethod, {"clientId": prefix, "deviceKey": dk, "productKey": pk, "timestamp": timestamp},
                    secret)
    if upper:
        password = password.upper()
    client_id = f"{prefix}|securemode={securemode},signmethod={signmethod},timestamp={timestamp}|"
    return client_id, f"{dk}&{pk}", password


class Device:
    """A device on python3-paho-mqtt: connects with the EnOS login and records every message it receives."""

    def __init__(self, server, pk, dk, secret, keepalive=60, **login):
        self.server = server
        self.pk, self.dk = pk, dk
        client_id, user, password = login_fields(pk, dk, secret, **login)
        self.client = mqtt.Client(client_id=client_id, clean_session=True, protocol=mqtt.MQTTv311)
        self.client.username_pw_set(user, password)
        self.keepalive = keepalive
        self.messages = []
        self.cond = threading.Condition()
        self.connack = None
        self.disconnected = threading.Event()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = lambda c, u, rc: self.disconnected.set()
        self.next_id = 1

    def _on_connect(self, client, userdata, flags, rc):
        with self.cond:
            self.connack = rc
            self.cond.notify_all()

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.messages.append(msg)
            self.cond.notify_all()

    def connect(self, timeout=10):
        """Returns the CONNACK return code."""
        self.client.connect("127.0.0.1", self.server.mqtt_port, self.keepalive)
        self.client.loop_start()
        with self.cond:
            self.cond.wait_for(lambda: self.connack is not None, timeout)
        if self.connack != 0:
            self.client.loop_stop()
        return self.connack

    def close(self):
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()

    def wait_message(self, topic, timeout=10, predicate=None):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for m in self.messages:
                    if m.topic == topic and (predicate is None or predicate(m)):
                        self.messages.remove(m)
                        return m
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"no message on {topic} within {timeout}s; got "
                                         f"{[(m.topic, m.payload[:200]) for m in self.messages]}")
                self.cond.wait(left)

    def request(self, suffix, params, qos=1, pk=None, dk=None, raw=None, extra=None, timeout=10):
        """Publishes an EnOS request on /sys/{pk}/{dk}/{suffix} and returns (raw reply bytes, parsed reply)."""
        pk, dk = pk or self.pk, dk or self.dk
        topic = f"/sys/{pk}/{dk}/{suffix}"
        rid = str(self.next_id)
        self.next_id += 1
        if raw is None:
            msg = {"id": rid, "version": "1.0", "method": suffix.replace("/", "."), "params": params}
            msg.update(extra or {})
            raw = json.dumps(msg)
        self.client.publish(topic, raw, qos=qos)
        reply = self.wait_message(topic + "_reply", timeout)
        return reply.payload, json.loads(reply.payload)

    def post_measurepoints(self, points, time_ms=None, **kw):
        params = {"measurepoints": points}
        if time_ms is not None:
            params["time"] = time_ms
        return self.request("thing/measurepoint/post", params, **kw)


class LabBattery(Device):
    """The lab's smart-battery program (shared/seed/smart-battery-lab): posts its measure points every `interval`
    seconds and answers high_frequency_report_service by taking the new interval ({"result": 0}); any other
    service gets code 220 "unknown service:". Like the Python SDK, it registers its service handler only
    `handler_delay` seconds after CONNACK (inside on_connect), and a command arriving before that is answered
    "1101" (spec §4.4)."""

    def __init__(self, server, pk, dk, secret, interval=1.0, handler_delay=0.2, **kw):
        super().__init__(server, pk, dk, secret, **kw)
        self.interval = interval
        self.handler_delay = handler_delay
        self.connected_at = None
        self.commands = []     # (arrival time, topic, parsed payload)
        self.post_times = []   # when each measure-point post left
        self.unregistered_replies = 0
        self._stop = threading.Event()
        self._poster = None

    def _on_connect(self, client, userdata, flags, rc):
        self.connected_at = time.time()
        super()._on_connect(client, userdata, flags, rc)

    def _on_message(self, client, userdata, msg):
        prefix = f"/sys/{self.pk}/{self.dk}/thing/service/"
        if msg.topic.startswith(prefix) and not msg.topic.endswith("_reply"):
            cmd = json.loads(msg.payload)
            with self.cond:
                self.commands.append((time.time(), msg.topic, cmd))
                self.cond.notify_all()
            service = msg.topic[len(prefix):]
            if time.time() - self.connected_at < self.handler_delay:
                self.unregistered_replies += 1
                reply = {"id": cmd["id"], "code": "1101", "message": "downstream command handler not registered"}
            elif service == "high_frequency_report_service":
                self.interval = int(cmd["params"]["interval"])
                reply = {"id": cmd["id"], "code": 200, "data": {"result": 0}, "message": ""}
            elif service == "measurepoint/set":
                reply = {"id": cmd["id"], "code": 200, "data": None, "message": ""}
            else:
                reply = {"id": cmd["id"], "code": 220, "data": None, "message": "unknown service:"}
            client.publish(msg.topic + "_reply", json.dumps(reply), qos=1)
            return
        super()._on_message(client, userdata, msg)

    def start_posting(self):
        def loop():
            n = 0
            while not self._stop.is_set():
                i = n % 10
                points = {"cycle_number": n // 10, "temp": 45 + 30 * (i + 0.5) / 10,
                          "voltage": 4.5 - 0.7 * (i + 0.5) / 10, "current": 41.0}
                self.post_times.append(time.time())
                msg = {"id": str(100000 + n), "version": "1.0", "method": "thing.measurepoint.post",
                       "params": {"measurepoints": points, "time": int(time.time() * 1000)}}
                self.client.publish(f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", json.dumps(msg), qos=1)
                n += 1
                self._stop.wait(self.interval)
        self._poster = threading.Thread(target=loop, daemon=True)
        self._poster.start()

    def wait_commands(self, n, timeout=10):
        with self.cond:
            self.cond.wait_for(lambda: len(self.commands) >= n, timeout)
            return list(self.commands)

    def close(self):
        self._stop.set()
        if self._poster:
            self._poster.join()
        super().close()


class ServerTest(unittest.TestCase):
    """A test case with one server (demo provisioned) shared by its tests."""
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=cls.server_args).start()
        d = cls.server.demo_info
        cls.pk, cls.dk, cls.secret = d["productKey"], d["deviceKey"], d["deviceSecret"]

    @classmethod
    def tearDownClass(cls):
        rc = cls.server.stop()
        if rc != 0:
            print(cls.server.read_log(), file=sys.stderr)
        assert rc == 0, f"gridhub exit code {rc}"

    def device(self, pk=None, dk=None, secret=None, **kw):
        dev = Device(self.server, pk or self.pk, dk or self.dk, secret or self.secret, **kw)
        self.addCleanup(dev.close)
        return dev

    def connected(self, **kw):
        dev = self.device(**kw)
        self.assertEqual(dev.connect(), 0)
        return dev

    def lab_battery(self, pk=None, dk=None, secret=None, **kw):
        """The lab's device program, connected (not yet posting)."""
        dev = LabBattery(self.server, pk or self.pk, dk or self.dk, secret or self.secret, **kw)
        self.addCleanup(dev.close)
        self.assertEqual(dev.connect(), 0)
        return dev


def main():
    unittest.main(verbosity=2)
