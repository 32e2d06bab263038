"""Operability against the real server (issue 8): GET /metrics in Prometheus text format, with and without a
credential (--metrics-public, http.metrics_public), counters moving by exactly what a device and an API caller did,
/healthz (200, and 503 naming the store once it refuses writes), and --log-format json: every log line a JSON
object, device-chosen text escaped, no secret in any line even at debug level."""
import json
import os
import re
import resource
import signal
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from gridhub_harness import Device, LabBattery, Server, ServerTest, main

LAB_SERVICE = "high_frequency_report_service"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


class JsonLogServer(Server):
    """The harness finds the ports by matching "HTTP listening on HOST:PORT" in the log with [^ ]+, which in a JSON
    line runs on past the closing quote into the next line; it is shown the messages alone, one per line."""

    def raw_log_bytes(self):
        return Server.read_log_bytes(self)

    def read_log_bytes(self):
        out = []
        for line in self.raw_log_bytes().splitlines():
            try:
                out.append(json.loads(line)["msg"].encode())
            except (ValueError, KeyError, TypeError):
                out.append(line)
        return b"\n".join(out) + b"\n"


def get(server, path, token=None, method="GET"):
    """(status, content type, body text)."""
    req = urllib.request.Request(f"http://127.0.0.1:{server.http_port}{path}", method=method,
                                 data=b"" if method == "POST" else None)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def parse(text):
    """{'name{labels}': value} for every sample; checks every line's form and that each family has HELP and TYPE."""
    samples, typed = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if parts[1] == "TYPE":
                typed[parts[2]] = parts[3]
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name = m.group(1)
        family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in typed else name
        assert family in typed, f"{name} has no # TYPE"
        samples[name + (m.group(2) or "")] = float(m.group(3))
    return samples


class Metrics(ServerTest):
    server_args = ("--log-format", "json", "--log-level", "debug", "--command-delay-ms", "300")

    @classmethod
    def setUpClass(cls):
        cls.server = JsonLogServer(extra_args=cls.server_args).start()
        d = cls.server.demo_info
        cls.pk, cls.dk, cls.secret = d["productKey"], d["deviceKey"], d["deviceSecret"]

    def scrape(self):
        status, ctype, body = get(self.server, "/metrics", self.server.admin["token"])
        self.assertEqual(status, 200, body)
        self.assertEqual(ctype, "text/plain; version=0.0.4; charset=utf-8")
        return parse(body)

    def test_counters_move_by_exactly_what_happened(self):
        before = self.scrape()
        # One login with a wrong secret, one good one; three posts of two points, one post that is not JSON.
        wrong = Device(self.server, self.pk, self.dk, "wrong-secret")
        self.assertEqual(wrong.connect(), 4)
        dev = self.lab_battery()
        for i in range(3):
            _, reply = dev.post_measurepoints({"temp": 40.0 + i, "voltage": 4.0})
            self.assertEqual(reply["code"], 200, reply)
        dev.client.publish(f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", b"{not json", qos=1)
        self.assertEqual(json.loads(dev.wait_message(
            f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post_reply").payload)["code"], 1220)
        time.sleep(0.5)  # past the command delay and the lab program's handler delay
        status, answer = self.server.invoke(self.pk, self.dk, LAB_SERVICE, {"interval": 2})
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        anonymous = get(self.server, "/metrics")
        self.assertEqual(anonymous[0], 401)
        after = self.scrape()

        def delta(key):
            return after.get(key, 0) - before.get(key, 0)

        self.assertEqual(delta("gridhub_mqtt_connections_accepted_total"), 2)
        self.assertEqual(delta("gridhub_device_logins_total"), 1)
        self.assertEqual(delta('gridhub_device_login_failures_total{reason="bad_credentials"}'), 1)
        for reason in ("not_authorized", "certificate", "throttled", "protocol", "other"):
            self.assertEqual(delta(f'gridhub_device_login_failures_total{{reason="{reason}"}}'), 0, reason)
        self.assertEqual(after["gridhub_mqtt_connections_open"], before["gridhub_mqtt_connections_open"] + 1)
        self.assertEqual(delta("gridhub_measurepoint_posts_total"), 4)
        self.assertEqual(delta('gridhub_device_replies_total{code="200"}'), 3)
        self.assertEqual(delta('gridhub_device_replies_total{code="1220"}'), 1)
        self.assertEqual(delta("gridhub_store_samples_written_total"), 6)
        self.assertGreaterEqual(delta("gridhub_store_wal_fsync_seconds_count"), 1)  # durability fsync
        self.assertEqual(after['gridhub_store_wal_fsync_seconds_bucket{le="+Inf"}'],
                         after["gridhub_store_wal_fsync_seconds_count"])
        self.assertEqual(delta("gridhub_command_latency_seconds_count"), 1)
        self.assertGreaterEqual(delta("gridhub_command_latency_seconds_sum"), 0)  # ms resolution: 0 on loopback
        self.assertEqual(delta('gridhub_command_latency_seconds_bucket{le="5"}'), 1)
        self.assertLess(delta("gridhub_command_latency_seconds_sum"), 5)
        # The first scrape's own response and invokeService; the anonymous scrape's 401.
        self.assertEqual(delta('gridhub_http_requests_total{class="2xx"}'), 2)
        self.assertEqual(delta('gridhub_http_requests_total{class="4xx"}'), 1)
        self.assertEqual(delta('gridhub_http_requests_total{class="5xx"}'), 0)
        self.assertGreater(after["gridhub_process_resident_memory_bytes"], 1 << 20)
        self.assertGreater(after["gridhub_process_open_fds"], 5)
        self.assertGreater(after["gridhub_uptime_seconds"], before["gridhub_uptime_seconds"])
        dev.close()
        deadline = time.time() + 5
        while self.scrape()["gridhub_mqtt_connections_open"] != before["gridhub_mqtt_connections_open"]:
            self.assertLess(time.time(), deadline, "the closed connection is still counted")
            time.sleep(0.05)

    def test_metrics_needs_a_credential(self):
        for token in (None, "nope", self.server.admin["token"] + "x"):
            status, ctype, body = get(self.server, "/metrics", token)
            self.assertEqual(status, 401, token)
            self.assertEqual(ctype, "application/json")
            self.assertEqual(json.loads(body)["code"], 401)
        status, _, body = get(self.server, "/metrics", self.server.admin["token"], method="POST")
        self.assertEqual(status, 405, body)

    def test_healthz(self):
        status, ctype, body = get(self.server, "/healthz")
        self.assertEqual((status, ctype, json.loads(body)), (200, "application/json", {"status": "ok"}))
        self.assertEqual(get(self.server, "/healthz", method="POST")[0], 405)

    def test_logs_are_json_lines_without_secrets(self):
        # A username with quotes, a backslash and non-ASCII text ends up in the "login refused" line.
        odd = Device(self.server, 'p"k\\', 'd"k', "s")
        odd.client.username_pw_set('we"ird\\名&x', "not-the-signature")
        self.assertNotEqual(odd.connect(), 0)
        time.sleep(0.2)
        raw = self.server.raw_log_bytes()
        lines = [l for l in raw.split(b"\n") if l]
        self.assertGreater(len(lines), 5)
        levels = set()
        for line in lines:
            entry = json.loads(line.decode("utf-8"))
            self.assertEqual(sorted(entry), ["level", "logger", "msg", "ts"], entry)
            self.assertRegex(entry["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertEqual(entry["logger"], "gridhub")
            levels.add(entry["level"])
        self.assertIn("debug", levels)  # --log-level debug
        self.assertIn("info", levels)
        msgs = [json.loads(l)["msg"] for l in lines]
        self.assertTrue(any(m.startswith("MQTT listening on") for m in msgs))
        self.assertTrue(any("we\"ird\\名&x" in m for m in msgs), msgs[-5:])
        # No secret, in any form, at debug level.
        text = raw.decode("utf-8", "replace")
        for secret in (self.secret, self.server.admin["token"], "not-the-signature",
                       self.server.demo_info.get("consolePassword") or "\0"):
            self.assertNotIn(secret, text)


class PublicMetricsFromConfig(unittest.TestCase):
    """http.metrics_public and log.format in the configuration file."""

    def test_config_keys(self):
        data_dir = tempfile.mkdtemp(prefix="gridhub-test-")
        config = os.path.join(data_dir, "gridhub.toml")
        with open(config, "w") as f:
            f.write('[http]\nmetrics_public = true\n[log]\nformat = "json"\n')
        server = JsonLogServer(data_dir=data_dir, extra_args=["--config", config]).start()
        try:
            status, ctype, body = get(server, "/metrics")
            self.assertEqual(status, 200, body)
            self.assertIn("# TYPE gridhub_mqtt_connections_open gauge", body)
            parse(body)
            self.assertEqual(get(server, "/metrics", "nope")[0], 200)  # a credential is not even looked at
            for line in server.raw_log_bytes().splitlines():
                json.loads(line)
        finally:
            self.assertEqual(server.stop(), 0)

    def test_bad_log_format_is_refused(self):
        data_dir = tempfile.mkdtemp(prefix="gridhub-test-")
        config = os.path.join(data_dir, "gridhub.toml")
        with open(config, "w") as f:
            f.write('[log]\nformat = "xml"\n')
        for server, expected in ((Server(data_dir=data_dir, extra_args=["--config", config]), "bad value for 'log.format'"),
                                 (Server(extra_args=["--log-format", "xml"]), "--log-format")):
            with self.assertRaises(RuntimeError) as e:
                server.start()
            server.log.close()
            server.out.close()
            self.assertIn(expected, str(e.exception))


class HealthWhenTheStoreFails(unittest.TestCase):
    """A file-size limit makes the WAL write fail (EFBIG, as on a full disk): the store refuses writes from then
    on, and /healthz says so."""

    def test_healthz_names_the_store(self):
        server = Server()

        def limit_file_size():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of killing us
            resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

        LIMIT = 1 << 20  # above what start-up writes (registry.db, the demo), far below what the posts write
        server.preexec = limit_file_size
        server.start()
        try:
            d = server.demo_info
            dev = Device(server, d["productKey"], d["deviceKey"], d["deviceSecret"])
            self.assertEqual(dev.connect(), 0)
            topic = f"/sys/{d['productKey']}/{d['deviceKey']}/thing/measurepoint/post"
            payload = json.dumps({"id": "1", "version": "1.0", "method": "thing.measurepoint.post", "params": {
                "measurepoints": {"temp": 1.0, "voltage": 2.0, "current": 3.0, "cycle_number": 4}}})
            code = 200
            for _ in range(40):  # 40 rounds of 1000 pipelined posts: 40,000 WAL records, several MiB
                for _ in range(1000):
                    dev.client.publish(topic, payload, qos=0)
                for _ in range(1000):
                    code = json.loads(dev.wait_message(topic + "_reply").payload)["code"]
                    if code != 200:
                        break
                if code != 200:
                    break
            self.assertEqual(code, 400)  # "data not stored"
            status, _, body = get(server, "/healthz")
            self.assertEqual(status, 503, body)
            answer = json.loads(body)
            self.assertEqual(answer["status"], "unavailable")
            self.assertEqual(sorted(answer["failing"]), ["store"])
            self.assertIn("store refuses writes", answer["failing"]["store"])
            dev.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
