"""Device events against the real server: thing/event/{id}/post validated against the model's events (1204
otherwise), stored before the reply, then searched by type, key, device and time with paging, read back with
action=get, and invisible to another OU."""
import json
import os
import time

from gridhub_harness import SOURCE_DIR, ServerTest, main

EVENTS = "/connect-service/v2.1/events"
DOUBLE = "com.envisioniot.enos.model_service.share.data.tsl.datapoint.TSLDouble"
TEXT = "com.envisioniot.enos.model_service.share.data.tsl.datapoint.TSLText"


def model_with_events():
    """The lab's model plus two events: overheat (WARN, a required temp) and note (INFO, an optional text)."""
    with open(os.path.join(SOURCE_DIR, "demo", "smart_battery_model.json"), encoding="utf-8-sig") as f:
        model = json.load(f)
    model["thingModelId"] = "EventBattery"
    model["thingModelName"] = {"defaultValue": "EventBattery", "i18nValue": {}}
    model["thingEventMap"] = {
        "overheat": {"identifier": "overheat", "name": {"defaultValue": "overheat"}, "type": "WARN",
                     "outputData": [{"identifier": "temp", "$class": DOUBLE, "required": True,
                                     "name": {"defaultValue": "temp"}}]},
        "note": {"identifier": "note", "name": {"defaultValue": "note"}, "type": "INFO",
                 "outputData": [{"identifier": "text", "$class": TEXT, "name": {"defaultValue": "text"}}]},
    }
    return model


class Events(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        status, answer = s.api("POST", "/model-service/v2.1/thing-models", "action=import", model_with_events())
        assert status == 200 and answer["code"] == 0, answer
        cls.epk = s.create_product("event battery", "EventBattery")
        d = s.create_device(cls.epk, name="ev-1")
        cls.edk, cls.esecret, cls.easset = d["deviceKey"], d["deviceSecret"], d["assetId"]
        d2 = s.create_device(cls.epk, name="ev-2")
        cls.edk2, cls.esecret2, cls.easset2 = d2["deviceKey"], d2["deviceSecret"], d2["assetId"]

    def post_event(self, dev, event_id, output, t=None, qos=0):
        params = {"events": output}
        if t is not None:
            params["time"] = t
        _, reply = dev.request(f"thing/event/{event_id}/post", params, qos=qos)
        return reply

    def search(self, body, query=""):
        status, answer = self.server.api("POST", EVENTS, "action=search" + query, body)
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        return answer

    def test_posted_events_are_validated_stored_and_found(self):
        dev = self.connected(pk=self.epk, dk=self.edk, secret=self.esecret)
        dev2 = self.connected(pk=self.epk, dk=self.edk2, secret=self.esecret2)
        t0 = int(time.time() * 1000) - 60_000
        # Stored before the reply: each is searchable as soon as its reply arrives.
        self.assertEqual(self.post_event(dev, "overheat", {"temp": 81.5}, t0)["code"], 200)
        self.assertEqual(self.search({"assetId": self.easset})["pagination"]["totalSize"], 1)
        for i in range(1, 12):
            self.assertEqual(self.post_event(dev, "note", {"text": f"n{i}"}, t0 + i * 1000, qos=1)["code"], 200)
        self.assertEqual(self.post_event(dev2, "overheat", {"temp": 90.0}, t0 + 500)["code"], 200)
        self.assertEqual(self.post_event(dev, "overheat", {"temp": 70.0})["code"], 200)   # no time: arrival

        # Bad events: 1204 naming the problem, nothing stored.
        reply = self.post_event(dev, "overheat", {"temp": "hot"})
        self.assertEqual(reply["code"], 1204)
        self.assertIn("temp", reply["message"])
        self.assertEqual(self.post_event(dev, "overheat", {})["code"], 1204)              # required output
        self.assertEqual(self.post_event(dev, "meltdown", {"temp": 1.0})["code"], 1204)   # unknown event
        _, reply = dev.request("thing/event/overheat/post", {"temp": 1.0})
        self.assertNotEqual(reply["code"], 200)                                           # no params.events

        answer = self.search({"productKey": self.epk})
        self.assertEqual(answer["pagination"]["totalSize"], 14)
        self.assertEqual(len(answer["data"]), 10)   # default page
        newest = answer["data"][0]
        self.assertEqual((newest["tslEventKey"], newest["tslEventType"]), ("overheat", "WARN"))
        self.assertEqual(newest["output"], {"temp": 70.0})
        self.assertGreater(newest["timestamp"], t0 + 11_000)

        by_type = self.search({"productKey": self.epk, "tslEventType": "WARN"})
        self.assertEqual(by_type["pagination"]["totalSize"], 3)
        by_device = self.search({"productKey": self.epk, "deviceKey": self.edk2})
        self.assertEqual([e["output"] for e in by_device["data"]], [{"temp": 90.0}])
        by_key = self.search({"assetId": self.easset, "tslEventKey": "note"})
        self.assertEqual(by_key["pagination"]["totalSize"], 11)
        window = self.search({"assetId": self.easset, "startTime": t0 + 2000, "endTime": t0 + 5000})
        self.assertEqual([e["output"]["text"] for e in window["data"]], ["n4", "n3", "n2"])
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((t0 + 10_000) / 1000)) + f".{(t0 + 10_000) % 1000:03d}Z"
        self.assertEqual(self.search({"assetId": self.easset, "tslEventKey": "note", "startTime": iso})
                         ["pagination"]["totalSize"], 2)
        paged = self.search({"assetId": self.easset, "tslEventKey": "note",
                             "pagination": {"pageNo": 3, "pageSize": 5}})
        self.assertEqual([e["output"]["text"] for e in paged["data"]], ["n1"])

        # get: one event, with its fields.
        eid = window["data"][0]["eventId"]
        status, answer = self.server.api("GET", EVENTS, f"action=get&eventId={eid}")
        self.assertEqual(status, 200, answer)
        e = answer["data"]
        self.assertEqual((e["eventId"], e["assetId"], e["productKey"], e["deviceKey"]),
                         (eid, self.easset, self.epk, self.edk))
        self.assertEqual((e["tslEventKey"], e["tslEventType"], e["output"], e["timestamp"]),
                         ("note", "INFO", {"text": "n4"}, t0 + 4000))

        # Another OU sees none of it, even with the right keys and ids.
        org, token = self.server.create_ou("events OU B")
        status, answer = self.server.api("POST", EVENTS, f"action=search&orgId={org}", {}, token=token)
        self.assertEqual((status, answer["data"]), (200, []))
        status, answer = self.server.api("POST", EVENTS, f"action=search&orgId={org}", {"assetId": self.easset},
                                         token=token)
        self.assertEqual(status, 404)
        status, answer = self.server.api("GET", EVENTS, f"action=get&orgId={org}&eventId={eid}", token=token)
        self.assertEqual(status, 404)

    def test_bad_search_parameters_get_400(self):
        for body in ({"tslEventType": "PANIC"}, {"startTime": "soon"}, {"startTime": -1},
                     {"startTime": 2000, "endTime": 1000}, {"pagination": {"pageSize": 201}}):
            status, answer = self.server.api("POST", EVENTS, "action=search", body)
            self.assertEqual((status, answer["code"]), (400, 99400), body)
        status, answer = self.server.api("GET", EVENTS, "action=get&eventId=abc")
        self.assertEqual(status, 400)
        status, answer = self.server.api("GET", EVENTS, "action=get&eventId=987654321")
        self.assertEqual(status, 404)

    def test_default_range_is_the_last_week(self):
        dev = self.connected(pk=self.epk, dk=self.edk2, secret=self.esecret2)
        week_ago = int(time.time() * 1000) - 8 * 24 * 3600 * 1000
        self.assertEqual(self.post_event(dev, "note", {"text": "old"}, week_ago)["code"], 200)
        found = self.search({"assetId": self.easset2, "tslEventKey": "note"})
        self.assertNotIn("old", [e["output"]["text"] for e in found["data"]])
        found = self.search({"assetId": self.easset2, "tslEventKey": "note", "startTime": week_ago - 1})
        self.assertIn("old", [e["output"]["text"] for e in found["data"]])


if __name__ == "__main__":
    main()
