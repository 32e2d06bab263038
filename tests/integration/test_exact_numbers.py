"""Acknowledged numbers are stored exactly as sent: doubles that Boost.JSON 1.81's parser misreads by one unit in the
last place (40.385231401401484 came back as 40.38523140140149) posted over MQTT and read back bit-exact through
the API (latest values, history, attributes), also after a restart (values read back from disk)."""
import json
import struct
import time

from gridhub_harness import ServerTest, main

TSDB = "/tsdb-service/v2.1"

# Each one was misread by boost::json::parse 1.81 (found by comparing with a correctly rounded reading), plus the
# double range's edges. Python's json reads and writes doubles exactly (shortest round-trip repr).
HARD = {
    "temp": 40.385231401401484,
    "voltage": 3.9999999999999996,
    "current": 115.34013023727803,
    "discharge_energy": 904.3811146874091,
    "voltage_dq": 399.45922871096684,
    "accumulating_power": 987.7051468980383,
    "voltage_avg": 967.9385393186267,
}
EDGES = [1.7976931348623157e308, -1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, -0.0]


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


class ExactNumbers(ServerTest):
    def latest(self):
        return {p["measurepointId"]: p for p in self.server.ok(
            "POST", "/connect-service/v2.1/measurepoints",
            f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}", {"measurepointIds": []})}

    def assert_bit_exact(self, got, sent, what):
        self.assertIsInstance(got, float, what)
        self.assertEqual(bits(got), bits(sent), f"{what}: sent {sent!r}, read back {got!r}")

    def test_hard_doubles_read_back_bit_exact_through_latest_and_after_a_restart(self):
        dev = self.connected()
        t = int(time.time() * 1000)
        raw = json.dumps({"id": "1", "version": "1.0", "method": "thing.measurepoint.post",
                          "params": {"measurepoints": HARD, "time": t}})
        self.assertIn("40.385231401401484", raw)  # the text on the wire is the shortest form
        _, reply = dev.request("thing/measurepoint/post", None, raw=raw)
        self.assertEqual(reply["code"], 200)
        latest = self.latest()
        for point, sent in HARD.items():
            self.assert_bit_exact(latest[point]["value"], sent, point)
            self.assertEqual(latest[point]["time"], t)
        dev.close()
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        latest = self.latest()
        for point, sent in HARD.items():
            self.assert_bit_exact(latest[point]["value"], sent, point + " after restart")

    def test_hard_doubles_read_back_bit_exact_through_history(self):
        dev = self.connected()
        asset = self.server.demo_info["assetId"]
        t0 = int(time.time() * 1000) // 60000 * 60000 - 20 * 60000
        sent = [(t0 + k * 1000, v) for k, v in enumerate(list(HARD.values()) + EDGES)]
        for t, v in sent:
            _, reply = dev.post_measurepoints({"voltage": v}, time_ms=t)
            self.assertEqual(reply["code"], 200, v)
        body = {"assetIds": asset, "pointIds": "voltage", "startTime": t0, "endTime": sent[-1][0], "itemFormat": 2}
        data = self.server.ok("POST", f"{TSDB}/ai", "", body)
        got = []
        for item in data["items"]:
            if item["pointId"] == "voltage":
                got.extend(zip(item["timestamp"], item["value"]))
        self.assertEqual([t for t, _ in got], [t for t, _ in sent])
        for (_, g), (_, s) in zip(got, sent):
            self.assert_bit_exact(g, s, f"history {s!r}")

    def test_model_bounds_are_read_exactly(self):
        # The demo model's maximum is 1.7976931348623157e+308 (DBL_MAX): a post at the bound is in range.
        dev = self.connected()
        _, reply = dev.post_measurepoints({"temp": 1.7976931348623157e308})
        self.assertEqual(reply["code"], 200, reply)
        self.assert_bit_exact(self.latest()["temp"]["value"], 1.7976931348623157e308, "temp at DBL_MAX")

    def test_attribute_double_is_kept_exactly(self):
        dev = self.connected()
        _, reply = dev.request("thing/attribute/update", {"attributes": {"Capacity": 40.385231401401484}})
        self.assertEqual(reply["code"], 200)
        _, reply = dev.request("thing/attribute/query", {"attributes": ["Capacity"]})
        self.assert_bit_exact(reply["data"]["Capacity"], 40.385231401401484, "Capacity")

    def test_int_point_bounds_stay_integers(self):
        # cycle_number is an INT point (-2^31..2^31-1): its bounds pass, one past each is refused.
        dev = self.connected()
        for v in (2147483647, -2147483648):
            _, reply = dev.post_measurepoints({"cycle_number": v})
            self.assertEqual(reply["code"], 200, v)
            got = self.latest()["cycle_number"]["value"]
            self.assertIsInstance(got, int)
            self.assertEqual(got, v)
        for v in (2147483648, -2147483649):
            _, reply = dev.post_measurepoints({"cycle_number": v})
            self.assertEqual(reply["code"], 1204, v)


if __name__ == "__main__":
    main()
