"""Device traffic against the real server (spec §2–4): measure points, replies byte-for-byte, validation
errors, the ACL, attributes, tags, the TSL template, and latest values through the API and across a restart."""
import json
import time

from gridhub_harness import Device, Server, ServerTest, main

LAB_POINTS = {"cycle_number": 0, "temp": 45.33639481400027, "voltage": 4.476127173515886,
              "current": 40.57236573795417, "accumulating_power": 181.6070687734816}


class DeviceTraffic(ServerTest):
    def latest(self, ids=()):
        return self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                              f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}",
                              {"measurepointIds": list(ids)})

    def test_lab_post_gets_exact_reply_and_is_kept_as_latest(self):
        dev = self.connected()
        t = int(time.time() * 1000)
        raw, reply = dev.post_measurepoints(LAB_POINTS, time_ms=t)
        # id echoed as a string, code an integer, in the spec's key order
        self.assertEqual(raw, b'{"id":"1","code":200,"message":"","data":{}}')
        latest = {p["measurepointId"]: p for p in self.latest(LAB_POINTS)}
        for k, v in LAB_POINTS.items():
            self.assertEqual(latest[k]["value"], v, k)   # doubles come back bit-identical
            self.assertEqual(latest[k]["time"], t)
        self.assertIsInstance(latest["cycle_number"]["value"], int)

    def test_numeric_request_id_is_echoed_as_string(self):
        dev = self.connected()
        raw, reply = dev.request("thing/measurepoint/post", None,
                                 raw=json.dumps({"id": 77, "method": "thing.measurepoint.post",
                                                 "params": {"measurepoints": {"temp": 50.0}}}))
        self.assertEqual(reply["id"], "77")
        self.assertEqual(reply["code"], 200)

    def test_unknown_point_gets_1204_naming_it_and_connection_stays_up(self):
        dev = self.connected()
        _, reply = dev.post_measurepoints({"temp": 50.0, "no_such_point": 1})
        self.assertEqual(reply["code"], 1204)
        self.assertIsInstance(reply["code"], int)
        self.assertIn("no_such_point", reply["message"])
        _, reply = dev.post_measurepoints({"temp": 51.0})
        self.assertEqual(reply["code"], 200)

    def test_wrong_type_gets_1204_and_stores_nothing(self):
        dev = self.connected()
        dev.post_measurepoints({"health_level": 3}, time_ms=1000)
        _, reply = dev.post_measurepoints({"health_level": "high", "temp": 60.0}, time_ms=2000)
        self.assertEqual(reply["code"], 1204)
        self.assertIn("health_level", reply["message"])
        latest = {p["measurepointId"]: p for p in self.latest(["health_level"])}
        self.assertEqual(latest["health_level"]["value"], 3)

    def test_skip_invalid_measurepoints_keeps_the_valid_ones(self):
        dev = self.connected()
        _, reply = dev.request("thing/measurepoint/post/batch",
                               [{"measurepoints": {"voltage": 3.9, "bogus": 1}, "time": int(time.time() * 1000) + 60000}],
                               extra={"skipInvalidMeasurepoints": True, "allowOfflineSubDevice": ""})
        self.assertEqual(reply["code"], 200)
        latest = {p["measurepointId"]: p for p in self.latest(["voltage"])}
        self.assertEqual(latest["voltage"]["value"], 3.9)

    def test_bad_json_gets_1220_and_empty_payload_1251(self):
        dev = self.connected()
        _, reply = dev.request("thing/measurepoint/post", None, raw="{not json")
        self.assertEqual(reply["code"], 1220)
        _, reply = dev.request("thing/measurepoint/post", None, raw="")
        self.assertEqual(reply["code"], 1251)
        _, reply = dev.post_measurepoints({"temp": 47.0})
        self.assertEqual(reply["code"], 200)

    def test_publishing_for_another_device_gets_1009_and_has_no_effect(self):
        other = self.server.create_device(self.pk, name="victim")
        dev = self.connected()
        _, reply = dev.post_measurepoints({"temp": 99.0}, pk=self.pk, dk=other["deviceKey"])
        self.assertEqual(reply["code"], 1009)
        latest = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                                f"action=queryLatest&productKey={self.pk}&deviceKey={other['deviceKey']}", {})
        self.assertEqual(latest, [])

    def test_quality_form_and_resume(self):
        dev = self.connected()
        _, reply = dev.request("thing/measurepoint/resume",
                               {"measurepoints": {"voltage_avg": {"value": 4.1, "quality": 9}}, "time": 1234})
        self.assertEqual(reply["code"], 200)
        p = self.latest(["voltage_avg"])[0]
        self.assertEqual((p["value"], p["quality"], p["time"]), (4.1, 9, 1234))

    def test_attributes_update_and_query(self):
        dev = self.connected()
        _, reply = dev.request("thing/attribute/update", {"attributes": {"Capacity": 4200.5}})
        self.assertEqual(reply["code"], 200)
        _, reply = dev.request("thing/attribute/query", {"attributes": ["Capacity"]})
        self.assertEqual(reply["data"], {"Capacity": 4200.5})
        _, reply = dev.request("thing/attribute/update", {"attributes": {"NoSuchAttr": 1}})
        self.assertEqual(reply["code"], 1204)

    def test_tags_update_query_delete(self):
        dev = self.connected()
        _, reply = dev.request("thing/tag/update", [{"tagKey": "site", "tagValue": "lab"},
                                                    {"tagKey": "rack", "tagValue": 7}])
        self.assertEqual(reply["code"], 200)
        _, reply = dev.request("thing/tag/query", {"tags": []})
        self.assertEqual(reply["data"], {"site": "lab", "rack": "7"})
        dev.request("thing/tag/delete", {"tags": ["rack"]})
        _, reply = dev.request("thing/tag/query", {"tags": []})
        self.assertEqual(reply["data"], {"site": "lab"})

    def test_tsl_template_lists_the_model(self):
        dev = self.connected()
        _, reply = dev.request("thing/tsltemplate/get", {})
        self.assertEqual(reply["code"], 200)
        self.assertIn("voltage", reply["data"]["tslMeasurepointMap"])
        self.assertIn("high_frequency_report_service", reply["data"]["tslServiceMap"])

    def test_subscribe_granted_in_own_namespace_refused_elsewhere(self):
        dev = self.connected()
        granted = {}
        done = __import__("threading").Event()

        def on_subscribe(client, userdata, mid, qos):
            granted[mid] = qos
            done.set()

        dev.client.on_subscribe = on_subscribe
        _, mid = dev.client.subscribe([(f"/sys/{self.pk}/{self.dk}/thing/service/+", 1),
                                       (f"/sys/{self.pk}/+/thing/service/+", 1), ("#", 0)])
        self.assertTrue(done.wait(5))
        self.assertEqual(granted[mid], (1, 128, 128))

    def test_unsubscribe_is_acknowledged(self):
        dev = self.connected()
        done = __import__("threading").Event()
        dev.client.on_unsubscribe = lambda client, userdata, mid: done.set()
        dev.client.subscribe(f"/sys/{self.pk}/{self.dk}/thing/service/+", 1)
        dev.client.unsubscribe(f"/sys/{self.pk}/{self.dk}/thing/service/+")
        self.assertTrue(done.wait(5))

    def test_pings_keep_an_idle_device_connected(self):
        dev = self.device(keepalive=4)
        self.assertEqual(dev.connect(), 0)
        time.sleep(9)   # two keepalive periods: paho pings (up to 1 s late), the hub answers PINGRESP
        self.assertFalse(dev.disconnected.is_set())
        _, reply = dev.post_measurepoints({"temp": 48.0})
        self.assertEqual(reply["code"], 200)

    def test_event_post_is_checked_against_the_model(self):
        dev = self.connected()
        _, reply = dev.request("thing/event/no_such_event/post", {"events": {"x": 1}, "time": 1}, qos=0)
        self.assertEqual(reply["code"], 1204)


class LatestSurvivesRestart(ServerTest):
    def test_latest_values_survive_a_restart(self):
        dev = self.connected()
        _, reply = dev.post_measurepoints({"temp": 66.25, "cycle_number": 12}, time_ms=424242)
        self.assertEqual(reply["code"], 200)
        dev.close()
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        latest = {p["measurepointId"]: p for p in self.server.ok(
            "POST", "/connect-service/v2.1/measurepoints",
            f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}", {"measurepointIds": []})}
        self.assertEqual(latest["temp"]["value"], 66.25)
        self.assertEqual(latest["cycle_number"]["time"], 424242)

    def test_acknowledged_posts_survive_sigkill(self):
        dev = self.connected()
        for i in range(50):
            _, reply = dev.post_measurepoints({"voltage": 4.0 + i / 1000}, time_ms=10_000 + i)
            self.assertEqual(reply["code"], 200)
        self.server.proc.kill()
        self.server.proc.wait()
        self.server.log.close()
        self.server.out.close()
        self.server.start()
        p = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                           f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}",
                           {"measurepointIds": ["voltage"]})[0]
        self.assertEqual((p["value"], p["time"]), (4.049, 10_049))


if __name__ == "__main__":
    main()
