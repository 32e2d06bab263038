"""The C++ device SDK against the real server (issue 6), through the smart-battery program built on it:
login with each sign method, posts read back through the API, the service handler answering a real
invokeService, bad credentials reported at once, reconnect after the server restarts and the offline buffer
delivered with measurepoint/resume and the posts' own timestamps."""
import json
import math
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from gridhub_harness import GRIDHUB_BIN, Server, ServerTest, main

SMART_BATTERY = os.path.join(os.path.dirname(os.path.abspath(GRIDHUB_BIN)), "smart_battery")
POST_LINE = re.compile(r"measurepoint post(?: response code: (\d+)|: (.+?)), (\{.*\}) at (\d+)$")


class Program:
    """A C++ program run in the background; its output lines are collected as they come."""

    def __init__(self, args):
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines, self.cond = [], threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout=15, what="output"):
        """Waits until predicate(lines) is true; returns the lines."""
        with self.cond:
            if not self.cond.wait_for(lambda: predicate(self.lines), timeout):
                raise AssertionError(f"no {what} within {timeout}s; got {self.lines[-20:]}")
            return list(self.lines)

    def posts(self):
        """(code or None, error or None, points, time) of every post line so far."""
        with self.cond:
            out = []
            for line in self.lines:
                m = POST_LINE.search(line)
                if m:
                    out.append((int(m.group(1)) if m.group(1) else None, m.group(2), json.loads(m.group(3)),
                                int(m.group(4))))
            return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("program did not stop on SIGTERM")
        self.reader.join(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            pipe.close()
        return self.proc.returncode


def battery_args(server, pk, dk, secret, *extra):
    return [SMART_BATTERY, "--url", f"tcp://127.0.0.1:{server.mqtt_port}", "--product-key", pk,
            "--device-key", dk, "--device-secret", secret, *extra]


class SdkAgainstHub(ServerTest):
    def latest(self):
        return {p["measurepointId"]: p for p in self.server.ok(
            "POST", "/connect-service/v2.1/measurepoints",
            f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}", {"measurepointIds": []})}

    def run_battery(self, *extra):
        prog = Program(battery_args(self.server, self.pk, self.dk, self.secret, *extra))
        self.addCleanup(prog.stop)
        return prog

    def test_each_sign_method_logs_in_and_posts_read_back(self):
        for method in ("sha256", "sha1", "md5"):
            with self.subTest(method=method):
                prog = self.run_battery("--sign-method", method, "--count", "3", "--interval", "0.05")
                self.assertEqual(prog.proc.wait(20), 0)
                prog.reader.join(5)
                self.assertIn("connect success", prog.lines)
                posts = prog.posts()
                self.assertEqual([p[0] for p in posts], [200, 200, 200], prog.lines)
                _, _, points, t = posts[-1]
                latest = self.latest()
                for k, v in points.items():
                    # The SDK writes the shortest round-trip digits and the hub reads them exactly: bit for bit.
                    self.assertEqual(latest[k]["value"], v, k)
                    self.assertEqual(latest[k]["time"], t)
                self.assertIsInstance(latest["cycle_number"]["value"], int)
                self.assertEqual(points["cycle_number"], 0)
                self.assertTrue(45 <= points["temp"] <= 75 and 3.8 <= points["voltage"] <= 4.5, points)

    def test_service_handler_answers_a_real_invocation(self):
        prog = self.run_battery("--interval", "0.2")
        prog.wait_for(lambda ls: "waiting commands from cloud" in ls)
        time.sleep(1.2)   # the hub holds commands for --command-delay-ms after login
        status, answer = self.server.invoke(self.pk, self.dk, "high_frequency_report_service", {"interval": 1})
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(answer["data"]["outputData"], {"result": 0})
        # The new interval takes effect: posts slow from 5/s to 1/s.
        time.sleep(0.5)
        n0 = len(prog.posts())
        time.sleep(3.2)
        self.assertLessEqual(len(prog.posts()) - n0, 4)
        # Any other service: code 220 "unknown service:", as in the lab.
        status, answer = self.server.invoke(self.pk, self.dk, "disconnect", {"delayMS": 10})
        self.assertEqual((status, answer["code"], answer["msg"]), (200, 220, "unknown service:"), answer)

    def test_ssl_url_with_the_hubs_ca(self):
        tls_port = getattr(self.server, "tls_port", None)
        if not tls_port:
            self.skipTest("this gridhub has no MQTT/TLS listener")
        ca = os.path.join(self.server.data_dir, "tls", "ca.pem")
        url = ["--url", f"ssl://127.0.0.1:{tls_port}"]
        args = [SMART_BATTERY, "--product-key", self.pk, "--device-key", self.dk, "--device-secret", self.secret,
                "--count", "2", "--interval", "0.05"]
        r = subprocess.run(args + url + ["--ca-file", ca], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("response code: 200"), 2, r.stdout)
        # Without the hub's CA the handshake fails at once, with the reason.
        t = time.time()
        r = subprocess.run(args + url, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("certificate verify failed", r.stderr)
        self.assertLess(time.time() - t, 5)

    def test_ssl_url_with_a_device_certificate(self):
        """A biDirectionalAuth product: the SDK presents the certificate the API issued from its CSR."""
        tls_port = getattr(self.server, "tls_port", None)
        if not tls_port:
            self.skipTest("this gridhub has no MQTT/TLS listener")
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
        model = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")["modelId"]
        pk = self.server.create_product("sdk-mutual-tls", model, biDirectionalAuth=True)
        dev = self.server.create_device(pk, "sdk-tls", device_key="sdk_tls_dev")
        key = ec.generate_private_key(ec.SECP256R1())
        csr = x509.CertificateSigningRequestBuilder().subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sdk_tls_dev")])).sign(key, hashes.SHA256())
        data = self.server.ok("POST", "/connect-service/v2.1/certificates",
                              f"action=apply&productKey={pk}&deviceKey=sdk_tls_dev",
                              {"csr": csr.public_bytes(serialization.Encoding.PEM).decode()})
        files = tempfile.mkdtemp(prefix="gridhub-sdk-tls-")
        cert_file, key_file = os.path.join(files, "cert.pem"), os.path.join(files, "key.pem")
        with open(cert_file, "w") as f:
            f.write(data["cert"])
        with open(key_file, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        args = [SMART_BATTERY, "--url", f"ssl://127.0.0.1:{tls_port}", "--product-key", pk, "--device-key",
                "sdk_tls_dev", "--device-secret", dev["deviceSecret"], "--ca-file",
                os.path.join(self.server.data_dir, "tls", "ca.pem"), "--count", "2", "--interval", "0.05"]
        r = subprocess.run(args + ["--cert-file", cert_file, "--key-file", key_file], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.count("response code: 200"), 2, r.stdout)
        # Without its certificate the login is refused, at once and with the CONNACK's reason.
        t = time.time()
        r = subprocess.run(args, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("CONNACK 5", r.stderr)
        self.assertLess(time.time() - t, 5)

    def test_bad_credentials_are_reported_at_once(self):
        t = time.time()
        prog = Program(battery_args(self.server, self.pk, self.dk, "wrong-secret", "--count", "1"))
        self.assertEqual(prog.proc.wait(10), 1)
        self.assertLess(time.time() - t, 3)   # the Python SDK waits 10 s and says nothing
        self.assertIn("bad username or password", prog.proc.stderr.read())
        prog.stop()
        prog = Program(battery_args(self.server, self.pk, "no-such-device", self.secret, "--count", "1"))
        self.assertEqual(prog.proc.wait(10), 1)
        self.assertIn("CONNACK 5", prog.proc.stderr.read())
        prog.stop()


class FixedPortServer(Server):
    """A server on given ports, so that it can be restarted where its devices expect it (the harness's Server
    binds port 0)."""

    def __init__(self, mqtt_port, http_port, **kw):
        super().__init__(**kw)
        self.fixed = (mqtt_port, http_port)

    def start(self):
        args = [GRIDHUB_BIN, "serve", "--data-dir", self.data_dir, "--bind", "127.0.0.1", "--mqtt-port",
                str(self.fixed[0]), "--http-port", str(self.fixed[1]), "--demo"]
        self.log, self.out = open(self.log_path, "ab"), open(self.banner_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=self.log)
        self.mqtt_port, self.http_port = self.fixed
        self.tls_port, self.ssl_context = None, None   # plain HTTP and MQTT are all this test needs
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("gridhub exited early:\n" + self.read_log())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("gridhub did not start:\n" + self.read_log())
                time.sleep(0.05)
        with open(os.path.join(self.data_dir, "admin.json")) as f:
            self.admin = json.load(f)
        with open(os.path.join(self.data_dir, "demo.json")) as f:
            self.demo_info = json.load(f)
        return self


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SdkReconnect(unittest.TestCase):
    def test_reconnects_after_restart_and_resumes_the_offline_buffer_in_order(self):
        server = FixedPortServer(free_port(), free_port()).start()
        d = server.demo_info
        buffer_dir = tempfile.mkdtemp(prefix="gridhub-sdk-buf-")
        prog = Program(battery_args(server, d["productKey"], d["deviceKey"], d["deviceSecret"], "--interval", "0.2",
                                    "--offline-dir", buffer_dir))
        try:
            prog.wait_for(lambda ls: sum(1 for l in ls if "response code: 200" in l) >= 3, what="3 posts")
            self.assertEqual(server.stop(), 0)
            prog.wait_for(lambda ls: sum(1 for l in ls if "offline" in l) >= 8, what="8 buffered posts")
            buffered = [(t, p) for code, err, p, t in prog.posts() if err and "offline" in err]
            restarted = FixedPortServer(*server.fixed, data_dir=server.data_dir).start()
            try:
                prog.wait_for(lambda ls: ls.count("connect success") >= 2, timeout=40, what="reconnect")
                # Every buffered post reaches the history with its own timestamp (resume, not post).
                t0, t1 = buffered[0][0], buffered[-1][0]
                body = {"assetIds": d["assetId"], "pointIds": "voltage", "startTime": t0, "endTime": t1,
                        "itemFormat": 2}
                want = [(t, p["voltage"]) for t, p in buffered]
                deadline = time.time() + 20
                while True:
                    data = restarted.ok("POST", "/tsdb-service/v2.1/ai", "", body)
                    got = [(ts, v) for item in data["items"] for ts, v in zip(item["timestamp"], item["value"])]
                    def found(w):
                        return any(ts == w[0] and math.isclose(v, w[1], rel_tol=1e-15) for ts, v in got)
                    if all(found(w) for w in want) or time.time() > deadline:
                        break
                    time.sleep(0.3)
                for w in want:
                    self.assertTrue(found(w), (w, got))
                # After the replay the program goes on posting live.
                n = len(prog.posts())
                prog.wait_for(lambda ls: len(prog.posts()) >= n + 3, what="live posts after the replay")
                self.assertEqual(prog.posts()[-1][0], 200)
                # The buffer file is empty once everything is delivered.
                files = [os.path.join(buffer_dir, f) for f in os.listdir(buffer_dir) if f.endswith(".log")]
                self.assertEqual([os.path.getsize(f) for f in files], [0])
            finally:
                self.assertEqual(prog.stop(), 0)
                self.assertEqual(restarted.stop(), 0)
        finally:
            prog.stop()
            server.stop()


if __name__ == "__main__":
    main()
