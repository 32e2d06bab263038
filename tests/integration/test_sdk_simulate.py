"""`gridhub simulate` (issue 6): the seed CSV day replayed through the C++ device SDK against the real server, for
the demo device (credentials from demo.json) and for devices of a product registered through the API."""
import json
import os
import subprocess
import tempfile

from gridhub_harness import GRIDHUB_BIN, SHARED_DIR, ServerTest, main

CSV = os.path.join(SHARED_DIR, "seed-data", "enos_simulator_sample_AESC_DEMO_Easy.csv")


def csv_rows():
    with open(CSV) as f:
        lines = [l.strip().split(",") for l in f if l.strip()]
    return lines[0], lines[1:]


class Simulate(ServerTest):
    def simulate(self, *args, timeout=60):
        r = subprocess.run([GRIDHUB_BIN, "simulate", "--csv", CSV, "--url", f"tcp://127.0.0.1:{self.server.mqtt_port}",
                            "--report", "1", *args], capture_output=True, text=True, timeout=timeout)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr

    def test_replays_the_csv_for_the_demo_device(self):
        # x600: the CSV's one-minute rows come ten a second, from midnight.
        summary, log = self.simulate("--devices-file", os.path.join(self.server.data_dir, "demo.json"),
                                     "--speed", "600", "--duration", "3", "--start", "0:00:00")
        self.assertEqual((summary["devices"], summary["connected"], summary["failed"]), (1, 1, 0), summary)
        self.assertGreaterEqual(summary["ok"], 15, summary)
        self.assertEqual(summary["ok"], summary["sent"], summary)
        self.assertIn("t=", log)
        # The latest values are a row of the CSV, in order from midnight: row ok-1 (rows skipped before login
        # shift it by at most a few).
        header, rows = csv_rows()
        latest = {p["measurepointId"]: p["value"] for p in self.server.ok(
            "POST", "/connect-service/v2.1/measurepoints",
            f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}", {"measurepointIds": header[1:]})}
        candidates = [r for r in rows[:summary["ok"] + summary["skipped"] + 2]]
        self.assertTrue(any(all(float(r[i]) == latest[h] for i, h in enumerate(header) if i > 0)
                            for r in candidates), latest)
        self.assertIsInstance(latest["cycle_number"], int)

    def test_devices_of_a_product_from_the_api(self):
        admin = os.path.join(self.server.data_dir, "admin.json")
        summary, _ = self.simulate("--product-key", self.pk, "--count", "25", "--create", "--api",
                                   f"http://127.0.0.1:{self.server.http_port}", "--admin-file", admin,
                                   "--speed", "600", "--duration", "3", "--threads", "1")
        self.assertEqual((summary["devices"], summary["connected"], summary["failed"]), (25, 25, 0), summary)
        self.assertGreaterEqual(summary["ok"], 25 * 10, summary)
        devices = self.server.ok("POST", "/connect-service/v2.1/devices", "action=search",
                                 {"productKey": self.pk, "pagination": {"pageNo": 1, "pageSize": 100}})
        self.assertGreaterEqual(len(devices), 25)
        # Not enough devices without --create: a clear error, exit code 2.
        r = subprocess.run([GRIDHUB_BIN, "simulate", "--csv", CSV, "--product-key", self.pk, "--count", "500",
                            "--api", f"http://127.0.0.1:{self.server.http_port}", "--admin-file", admin],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--create", r.stderr)

    def test_bad_csv_is_reported(self):
        bad = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        bad.write("timeOfDay,temp\n25:00:00,1\n")
        bad.close()
        r = subprocess.run([GRIDHUB_BIN, "simulate", "--csv", bad.name, "--devices-file",
                            os.path.join(self.server.data_dir, "demo.json")], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2", r.stderr)


if __name__ == "__main__":
    main()
