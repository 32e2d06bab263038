#!/usr/bin/python3
"""The message-integration channel (securemode 4, /sys/{pk}/integration/...), raw pass-through for Custom
products (up_raw stored, down_raw from the API), and dynamic activation end to end — including a sub-device
activated through its gateway — against the real server with python3-paho-mqtt clients."""
import base64
import json
import threading
import time

from gridhub_harness import ServerTest, main
from test_events import model_with_events
from test_gateway import Gateway

PRODUCTS = "/connect-service/v2.1/products"
COMMANDS = "/connect-service/v2.1/commands"
EVENTS = "/connect-service/v2.1/events"


class IntegrationChannel(ServerTest):
    server_args = ("--command-delay-ms", "100")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        status, answer = s.api("POST", "/model-service/v2.1/thing-models", "action=import", model_with_events())
        assert status == 200 and answer["code"] == 0, answer
        cls.ipk = s.create_product("integration product", "EventBattery")
        cls.isecret = s.ok("GET", PRODUCTS, f"action=get&productKey={cls.ipk}")["productSecret"]
        cls.devs = [s.create_device(cls.ipk, name=f"int-{i}") for i in range(3)]

    def channel(self):
        return self.connected(pk=self.ipk, dk="%channel%", secret=self.isecret, securemode=4)

    def integration(self, ch, op, params):
        _, reply = ch.request(op, params, dk="integration")
        return reply

    def latest(self, dk):
        data = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                              f"action=queryLatest&productKey={self.ipk}&deviceKey={dk}", {})
        return {p["measurepointId"]: p["value"] for p in data}

    def test_measure_points_events_and_attributes_of_many_devices(self):
        ch = self.channel()
        t0 = int(time.time() * 1000) - 5000
        reply = self.integration(ch, "measurepoint/post", [
            {"deviceKey": d["deviceKey"], "time": t0 + i, "measurepoints": {"temp": 30.0 + i}}
            for i, d in enumerate(self.devs)])
        self.assertEqual(reply["code"], 200, reply)
        for i, d in enumerate(self.devs):
            self.assertEqual(self.latest(d["deviceKey"])["temp"], 30.0 + i)

        reply = self.integration(ch, "event/post", [
            {"deviceKey": self.devs[0]["deviceKey"], "time": t0, "events": {"overheat": {"temp": 88.5}}},
            {"deviceKey": self.devs[1]["deviceKey"], "time": t0, "events": {"note": {"text": "hello"}}}])
        self.assertEqual(reply["code"], 200, reply)
        found = self.server.ok("POST", EVENTS, "action=search", {"assetId": self.devs[0]["assetId"]})
        self.assertEqual([(e["tslEventKey"], e["tslEventType"]) for e in found], [("overheat", "WARN")])

        reply = self.integration(ch, "attribute/post", [
            {"deviceKey": self.devs[2]["deviceKey"], "attributes": {"Capacity": 75.5}}])
        self.assertEqual(reply["code"], 200, reply)
        dev = self.server.ok("GET", "/connect-service/v2.1/devices",
                             f"action=get&productKey={self.ipk}&deviceKey={self.devs[2]['deviceKey']}")
        self.assertEqual(dev["deviceAttributes"]["Capacity"], 75.5)

    def test_bad_entries_refuse_the_whole_message(self):
        ch = self.channel()
        good = {"deviceKey": self.devs[0]["deviceKey"], "measurepoints": {"temp": 1.0}}
        reply = self.integration(ch, "measurepoint/post", [good, {"deviceKey": "nobody", "measurepoints": {}}])
        self.assertEqual(reply["code"], 402, reply)
        self.assertIn("nobody", reply["message"])
        reply = self.integration(ch, "measurepoint/post", [good, {"deviceKey": self.devs[1]["deviceKey"],
                                                                  "measurepoints": {"no_such_point": 1}}])
        self.assertEqual(reply["code"], 1204, reply)
        self.assertNotEqual(self.latest(self.devs[0]["deviceKey"]).get("temp"), 1.0)
        reply = self.integration(ch, "measurepoint/post", {"deviceKey": "x"})
        self.assertEqual(reply["code"], 460, reply)
        # The channel may not use another product's space, nor a device's own topics.
        _, reply = ch.request("thing/measurepoint/post", {"measurepoints": {"temp": 1.0}},
                              pk=self.ipk, dk=self.devs[0]["deviceKey"])
        self.assertEqual(reply["code"], 1009, reply)
        _, reply = ch.request("measurepoint/post", [good], pk=self.pk, dk="integration")
        self.assertEqual(reply["code"], 1009, reply)


class RawPassThrough(ServerTest):
    server_args = ("--command-delay-ms", "100")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.rpk = s.create_product("custom product", s.demo_info["modelId"], dataFormat="Custom")
        d = s.create_device(cls.rpk, name="raw-1")
        cls.rdk, cls.rsecret, cls.rasset = d["deviceKey"], d["deviceSecret"], d["assetId"]

    def test_up_raw_is_stored_as_bytes(self):
        dev = self.connected(pk=self.rpk, dk=self.rdk, secret=self.rsecret)
        payload = bytes([0x00, 0xFF, 0x10, 0x80]) + b"\x01binary"
        topic = f"/sys/{self.rpk}/{self.rdk}/thing/model/up_raw"
        dev.client.publish(topic, payload, qos=1)
        reply = json.loads(dev.wait_message(topic + "_reply").payload)
        self.assertEqual(reply["code"], 200, reply)
        found = self.server.ok("POST", EVENTS, "action=search", {"assetId": self.rasset, "tslEventKey": "$up_raw"})
        self.assertEqual(len(found), 1)
        self.assertEqual(base64.b64decode(found[0]["output"]["payload"]), payload)
        self.assertEqual(found[0]["output"]["size"], len(payload))

    def test_up_raw_refused_for_json_products(self):
        dev = self.connected()
        topic = f"/sys/{self.pk}/{self.dk}/thing/model/up_raw"
        dev.client.publish(topic, b"\x01\x02", qos=1)
        reply = json.loads(dev.wait_message(topic + "_reply").payload)
        self.assertEqual(reply["code"], 460, reply)

    def send_raw(self, payload_b64, timeout=None, dk=None):
        query = f"action=sendRaw&productKey={self.rpk}&deviceKey={dk or self.rdk}"
        if timeout:
            query += f"&timeout={timeout}"
        return self.server.api("POST", COMMANDS, query, {"payload": payload_b64})

    def test_down_raw_from_the_api(self):
        status, answer = self.send_raw(base64.b64encode(b"\x05\x06").decode())
        self.assertEqual((status, answer["code"]), (200, 11900), answer)  # offline
        dev = self.connected(pk=self.rpk, dk=self.rdk, secret=self.rsecret)
        down = f"/sys/{self.rpk}/{self.rdk}/thing/model/down_raw"

        def answer_raw():
            msg = dev.wait_message(down, timeout=10)
            dev.client.publish(down + "_reply", b"\xAAreply:" + msg.payload, qos=1)

        t = threading.Thread(target=answer_raw)
        t.start()
        status, answer = self.send_raw(base64.b64encode(b"\x00\x01\x02\xFE").decode())
        t.join(10)
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(base64.b64decode(answer["data"]["replyPayload"]), b"\xAAreply:\x00\x01\x02\xFE")
        # No answer within the timeout: 11915.
        status, answer = self.send_raw(base64.b64encode(b"x").decode(), timeout=1)
        self.assertEqual((status, answer["code"]), (200, 11915), answer)
        # Not base64, and a Json product: 400.
        status, answer = self.send_raw("%%%")
        self.assertEqual(status, 400, answer)
        status, answer = self.server.api("POST", COMMANDS, f"action=sendRaw&productKey={self.pk}&deviceKey={self.dk}",
                                         {"payload": "AA=="})
        self.assertEqual(status, 400, answer)


class DynamicActivationEndToEnd(ServerTest):
    def test_device_activates_then_posts_with_its_secret(self):
        s = self.server
        pk = s.create_product("dyn e2e", s.demo_info["modelId"], dynamicActivateEnabled=True)
        psecret = s.ok("GET", PRODUCTS, f"action=get&productKey={pk}")["productSecret"]
        dk = s.create_device(pk, name="dyn-e2e")["deviceKey"]
        self.assertEqual(s.ok("GET", "/connect-service/v2.1/devices",
                              f"action=get&productKey={pk}&deviceKey={dk}")["status"], "inactive")
        dev = self.device(pk=pk, dk=dk, secret=psecret, securemode=3)
        self.assertEqual(dev.connect(), 0)
        msg = json.loads(dev.wait_message(f"/ext/session/{pk}/{dk}/thing/activate/info").payload)
        secret = msg["params"]["deviceSecret"]
        dev.client.publish(f"/ext/session/{pk}/{dk}/thing/activate/info_reply",
                           json.dumps({"id": msg["id"], "code": 200, "message": "device activate success",
                                       "data": None}), qos=1)
        self.assertTrue(dev.disconnected.wait(5))
        normal = self.connected(pk=pk, dk=dk, secret=secret)
        _, reply = normal.post_measurepoints({"temp": 42.0})
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(s.ok("GET", "/connect-service/v2.1/devices",
                              f"action=get&productKey={pk}&deviceKey={dk}")["status"], "online")

    def test_sub_device_activated_through_its_gateway(self):
        s = self.server
        model = s.demo_info["modelId"]
        gpk = s.create_product("dyn gateway", model, productType="Gateway")
        spk = s.create_product("dyn sub", model, dynamicActivateEnabled=True)
        spsecret = s.ok("GET", PRODUCTS, f"action=get&productKey={spk}")["productSecret"]
        g = s.create_device(gpk, name="dyn-gw")
        sub = s.create_device(spk, name="dyn-sub")
        s.ok("POST", "/connect-service/v2.1/device-topos", "action=addSubDevice",
             {"gateway": {"assetId": g["assetId"]}, "subDevices": [{"assetId": sub["assetId"]}]})
        gw = Gateway(s, gpk, g["deviceKey"], g["deviceSecret"])
        self.addCleanup(gw.close)
        self.assertEqual(gw.connect(), 0)
        reply = gw.login_sub(spk, sub["deviceKey"], spsecret, secure_mode="3")
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(reply["data"]["deviceSecret"], sub["deviceSecret"])
        # The product secret does not pass as the device secret in mode 2.
        self.assertEqual(gw.login_sub(spk, sub["deviceKey"], spsecret)["code"], 401)


if __name__ == "__main__":
    main()
