"""History end to end (issue: time-series store and storage policies): the demo's storage policy, points posted by
a real MQTT device read back through /tsdb-service/v2.1, nothing kept without a policy, policy changes applying
to later data, resume back-fill, deletion, group deletion, and every acknowledged point surviving kill -9."""
import json
import os
import random
import threading
import time

from gridhub_harness import SOURCE_DIR, Device, ServerTest, main

GROUPS = "/tsdb-policy/v2.1/storage-groups"
POLICIES = "/tsdb-policy/v2.1/policies"
TSDB = "/tsdb-service/v2.1"
DAY = 86400000


def series(server, endpoint, asset, point, start, end, **extra):
    """Every (timestamp, value) of one series, following cursors; itemFormat 2."""
    body = {"assetIds": asset, "pointIds": point, "startTime": start, "endTime": end, "itemFormat": 2}
    body.update(extra)
    out = []
    for _ in range(1000):
        data = server.ok("POST", f"{TSDB}/{endpoint}", "", body)
        for item in data["items"]:
            if item["assetId"] == asset and item["pointId"] == point:
                out.extend(zip(item["timestamp"], item["value"]))
        if not data.get("cursor"):
            return out
        body["cursor"] = data["cursor"]
    raise AssertionError("cursor never ended")


class DemoHistory(ServerTest):
    def setUp(self):
        self.asset = self.server.demo_info["assetId"]

    def test_demo_has_the_labs_storage_policy(self):
        groups = self.server.ok("POST", GROUPS, "action=search", {})
        demo = [g for g in groups if g["groupName"] == "Developer_Bootcamp"]
        self.assertEqual(len(demo), 1, groups)
        self.assertEqual(demo[0]["modelIds"], ["Smartbattery_Model"])
        kept = {p["storageType"]: (p["retention"], p["models"][0]["pointIds"]) for p in demo[0]["policies"]}
        self.assertEqual(kept["AI_RAW"][0], "3M")
        self.assertIn("voltage", kept["AI_RAW"][1])
        self.assertEqual(kept["DI"], ("3M", ["health_level"]))
        self.assertEqual(kept["PI"], ("3M", ["accumulating_power"]))
        self.assertEqual(kept["GENERIC"], ("3M", ["cycle_number"]))

    def test_posted_points_read_back_by_storage_type(self):
        dev = self.connected()
        t0 = int(time.time() * 1000) // 60000 * 60000 - 10 * 60000
        sent = []
        for k in range(12):
            t = t0 + k * 1000
            v = 4.5 - k * 0.07
            _, reply = dev.post_measurepoints({"voltage": v, "health_level": k % 3, "cycle_number": k,
                                               "accumulating_power": 100.0 + k}, time_ms=t)
            self.assertEqual(reply["code"], 200)
            sent.append((t, v))
        self.assertEqual(series(self.server, "ai", self.asset, "voltage", t0, t0 + 11000), sent)
        self.assertEqual([v for _, v in series(self.server, "di", self.asset, "health_level", t0, t0 + 11000)],
                         [k % 3 for k in range(12)])
        self.assertEqual([v for _, v in series(self.server, "generic", self.asset, "cycle_number", t0, t0 + 11000)],
                         list(range(12)))
        # PI is minute-normalized: the last value of the minute, at the minute.
        self.assertEqual(series(self.server, "electric-power", self.asset, "accumulating_power", t0, t0 + 59999),
                         [(t0, 111.0)])
        # An inclusive end: the point at endTime is part of the answer; one before the first is empty.
        self.assertEqual(series(self.server, "ai", self.asset, "voltage", t0 + 11000, t0 + 11000), sent[-1:])
        self.assertEqual(series(self.server, "ai", self.asset, "voltage", t0 - 5000, t0 - 1), [])

    def test_resume_back_fill_is_stored_with_its_own_timestamps(self):
        dev = self.connected()
        old = int(time.time() * 1000) - 2 * DAY
        _, reply = dev.request("thing/measurepoint/resume", {"measurepoints": {"temp": 61.25}, "time": old})
        self.assertEqual(reply["code"], 200)
        self.assertEqual(series(self.server, "ai", self.asset, "temp", old - 1000, old + 1000), [(old, 61.25)])

    def test_delete_range_removes_only_that_range(self):
        dev = self.connected()
        base = int(time.time() * 1000) - 3 * DAY
        for k in range(10):
            dev.request("thing/measurepoint/resume", {"measurepoints": {"voltage_avg": float(k)}, "time": base + k})
        self.server.ok("POST", f"{TSDB}/data/tsdb-delete", "",
                       {"assetIds": self.asset, "pointIds": "voltage_avg", "startTime": base + 3, "endTime": base + 6})
        got = series(self.server, "ai", self.asset, "voltage_avg", base, base + 9)
        self.assertEqual([v for _, v in got], [0.0, 1.0, 2.0, 7.0, 8.0, 9.0])

    def test_another_ous_token_cannot_read_this_asset(self):
        status, answer = self.server.api("POST", f"{TSDB}/ai", "", {"assetIds": self.asset, "pointIds": "voltage",
                                                                      "startTime": 0, "endTime": 1},
                                         token="not-a-token")
        self.assertEqual(status, 401)


def model_with_device(server, model_id):
    """Imports the lab's model under another id and registers a product and a device on it."""
    with open(os.path.join(SOURCE_DIR, "demo/smart_battery_model.json"), encoding="utf-8-sig") as f:
        model = json.load(f)
    model["thingModelId"] = model_id
    status, answer = server.api("POST", "/model-service/v2.1/thing-models", "action=import",
                                raw_body=json.dumps(model).encode())
    assert status == 200 and answer["code"] == 0, answer
    pk = server.create_product(model_id + " product", model_id)
    d = server.create_device(pk, model_id + "-dev")
    return pk, d["deviceKey"], d["deviceSecret"], d["assetId"]


class PolicyLifecycle(ServerTest):
    """Models of their own (not in the demo group): nothing kept until a policy selects their points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ppk, cls.pdk, cls.psecret, cls.passet = model_with_device(cls.server, "Policy_Model")

    def post(self, dev, t, v):
        _, reply = dev.post_measurepoints({"voltage": v}, time_ms=t)
        self.assertEqual(reply["code"], 200)

    def test_policy_lifecycle(self):
        s = self.server
        dev = self.connected(pk=self.ppk, dk=self.pdk, secret=self.psecret)
        t = int(time.time() * 1000) - 60000
        self.post(dev, t, 1.0)  # no group: latest only
        self.assertEqual(series(s, "ai", self.passet, "voltage", t - 1, t + 1), [])
        latest = s.ok("POST", f"{TSDB}/latest", "", {"assetIds": self.passet, "pointIds": "voltage"})
        self.assertEqual([i["value"] for i in latest["items"]], [1.0])

        group = s.ok("POST", GROUPS, "action=create", {"groupName": "policy-test", "modelIds": ["Policy_Model"]})
        gid = group["groupId"]
        self.post(dev, t + 1, 2.0)  # in a group, but no point selected
        self.assertEqual(series(s, "ai", self.passet, "voltage", t - 1, t + 10), [])

        s.ok("POST", POLICIES, f"action=update&groupId={gid}&storageType=AI_RAW",
             {"retention": "1M", "models": [{"modelId": "Policy_Model", "pointIds": ["voltage"]}]})
        self.post(dev, t + 2, 3.0)  # applies to data arriving afterwards only
        self.assertEqual(series(s, "ai", self.passet, "voltage", t - 1, t + 10), [(t + 2, 3.0)])

        # A point of the wrong type for the storage type is refused, naming it.
        status, answer = s.api("POST", POLICIES, f"action=update&groupId={gid}&storageType=DI",
                               {"retention": "1M", "models": [{"modelId": "Policy_Model", "pointIds": ["voltage"]}]})
        self.assertEqual(status, 400, answer)
        self.assertIn("voltage", answer["msg"])

        # The model can't leave its group while a policy selects its points.
        status, answer = s.api("POST", GROUPS, f"action=update&groupId={gid}", {"modelIds": []})
        self.assertEqual(status, 400, answer)

        # Deleting the group drops its history.
        s.ok("POST", GROUPS, f"action=delete&groupId={gid}")
        self.assertEqual(series(s, "ai", self.passet, "voltage", t - 1, t + 10), [])
        self.post(dev, t + 3, 4.0)
        self.assertEqual(series(s, "ai", self.passet, "voltage", t - 1, t + 10), [])


    def test_minute_normalized_aggregates(self):
        s = self.server
        pk, dk, secret, asset = model_with_device(s, "Norm_Model")
        group = s.ok("POST", GROUPS, "action=create", {"groupName": "normalized", "modelIds": ["Norm_Model"]})
        s.ok("POST", POLICIES, f"action=update&groupId={group['groupId']}&storageType=AI_NORMALIZED",
             {"retention": "6M", "models": [{"modelId": "Norm_Model", "pointIds": ["current"]}]})
        dev = self.connected(pk=pk, dk=dk, secret=secret)
        base = (int(time.time() * 1000) // 3600000 - 5) * 3600000  # five hours ago, on the hour
        # Two values in each of minutes 0..9: the minute keeps its last one, 10 * minute + 1.
        for minute in range(10):
            for second, v in ((10, 10 * minute), (40, 10 * minute + 1)):
                _, reply = dev.request("thing/measurepoint/resume",
                                       {"measurepoints": {"current": float(v)}, "time": base + minute * 60000 + second * 1000})
                self.assertEqual(reply["code"], 200)
        self.assertEqual(series(s, "ai-normalized", asset, "current", base, base + 600000),
                         [(base + m * 60000, 10.0 * m + 1) for m in range(10)])
        data = s.ok("POST", f"{TSDB}/ai-normalized", "",
                    {"assetIds": asset, "pointIdsWithLogic": "avg(current),max(current),count(current)",
                     "interval": 5, "startTime": base, "endTime": base + 600000})
        rows = {(i["timestamp"], k): v for i in data["items"] for k, v in i.items()
                if k not in ("assetId", "timestamp", "localtime")}
        self.assertEqual(rows[(base, "avg(current)")], 21.0)       # minutes 0..4: 1, 11, 21, 31, 41
        self.assertEqual(rows[(base, "max(current)")], 41.0)
        self.assertEqual(rows[(base, "count(current)")], 5)
        self.assertEqual(rows[(base + 300000, "avg(current)")], 71.0)
        # Nothing of this lands in AI_RAW: the policy keeps only the normalized type.
        self.assertEqual(series(s, "ai", asset, "current", base, base + 600000), [])


class CrashSafety(ServerTest):
    """kill -9 during ingestion: every post acknowledged with code 200 is readable after the restart."""

    def test_acknowledged_posts_survive_kill_9(self):
        s = self.server
        asset = s.demo_info["assetId"]
        acked = {}
        start = int(time.time() * 1000) - DAY
        clock = [start]
        for cycle in range(3):
            stop = threading.Event()
            lock = threading.Lock()

            def run():
                dev = Device(s, self.pk, self.dk, self.secret)
                if dev.connect() != 0:
                    return
                try:
                    while not stop.is_set():
                        with lock:
                            clock[0] += 1
                            t = clock[0]
                        v = t * 0.25
                        try:
                            _, reply = dev.post_measurepoints({"voltage": v}, time_ms=t, timeout=3)
                        except AssertionError:
                            return  # no reply: the server died before acknowledging
                        if reply["code"] == 200:
                            with lock:
                                acked[t] = v
                finally:
                    dev.client.loop_stop()

            workers = [threading.Thread(target=run) for _ in range(4)]
            for w in workers:
                w.start()
            time.sleep(1.5 + random.random())
            s.proc.kill()
            s.proc.wait()
            stop.set()
            for w in workers:
                w.join(10)
            s.log.close()
            s.out.close()
            s.start()
        self.assertGreater(len(acked), 30)
        got = dict(series(s, "ai", asset, "voltage", start, clock[0], pageSize=5000))
        missing = [t for t in acked if got.get(t) != acked[t]]
        self.assertEqual(missing[:10], [], f"{len(missing)} of {len(acked)} acknowledged points lost")
        print(f"\n{len(acked)} acknowledged posts over 3 kill -9 cycles, {len(got)} points read back, "
              f"{len(missing)} lost", flush=True)


if __name__ == "__main__":
    main()
