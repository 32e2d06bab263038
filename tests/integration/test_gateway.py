#!/usr/bin/python3
"""Gateways and sub-devices (spec enos-device-protocol.md §1.7, §4.3 batch, §4.6), against the real server with a
python3-paho-mqtt gateway: register, topology, sub-device login (single and batch, Python's float timestamps),
posts and commands through the gateway, presence, lifecycle notices, refusals and the online limit."""
import json
import time

from gridhub_harness import Device, ServerTest, main, sign

DEVICES = "/connect-service/v2.1/devices"
TOPOS = "/connect-service/v2.1/device-topos"


class Gateway(Device):
    """A gateway on paho: session requests on /ext/session/{gpk}/{gdk}/..., sub-device traffic on their topics."""

    def session_request(self, suffix, params):
        topic = f"/ext/session/{self.pk}/{self.dk}/{suffix}"
        rid = str(self.next_id)
        self.next_id += 1
        self.client.publish(topic, json.dumps({"id": rid, "version": "1.0", "method": suffix.replace("/", "."),
                                               "params": params}), qos=1)
        reply = json.loads(self.wait_message(topic + "_reply").payload)
        self.assertion_id(reply, rid)
        return reply

    @staticmethod
    def assertion_id(reply, rid):
        assert reply["id"] == rid, (reply, rid)

    def login_sub(self, pk, dk, secret, method="hmacsha256", secure_mode="2", ms=None):
        """combine.login as the Python SDK builds it: clientId pk+dk+ms, timestamp the same ms text."""
        ms = ms or str(int(time.time() * 1000))
        client_id = f"{pk}{dk}{ms}"
        return self.session_request("combine/login", {
            "productKey": pk, "deviceKey": dk, "clientId": client_id, "timestamp": ms, "signMethod": method,
            "sign": sign(method, {"clientId": client_id, "deviceKey": dk, "productKey": pk, "timestamp": ms}, secret),
            "secureMode": secure_mode, "cleanSession": "False"})

    def login_batch(self, subs):
        """combine.login.batch with Python's default timestamp: seconds with a fraction."""
        ts = str(time.time())
        return self.session_request("combine/login/batch", {
            "clientId": "login.batch", "timestamp": ts, "signMethod": "hmacsha256",
            "subDevices": [{"productKey": pk, "deviceKey": dk, "secureMode": "2",
                            "sign": sign("hmacsha256", {"clientId": "login.batch", "deviceKey": dk,
                                                        "productKey": pk, "timestamp": ts}, secret)}
                           for pk, dk, secret in subs]})

    def topo_entry(self, pk, dk, secret):
        ms = str(int(time.time() * 1000))
        client_id = f"{pk}.{dk}.{ms}"
        return {"productKey": pk, "deviceKey": dk, "clientId": client_id, "timestamp": ms, "signMethod": "sha256",
                "sign": sign("sha256", {"clientId": client_id, "deviceKey": dk, "productKey": pk, "timestamp": ms},
                             secret)}


class GatewayTest(ServerTest):
    server_args = ("--command-delay-ms", "100", "--max-sub-devices", "4")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        model = s.demo_info["modelId"]
        cls.gpk = s.create_product("gateway product", model, productType="Gateway")
        cls.spk = s.create_product("sub product", model)
        g = s.create_device(cls.gpk, "gateway 1")
        cls.gdk, cls.gsecret = g["deviceKey"], g["deviceSecret"]
        g2 = s.create_device(cls.gpk, "gateway 2")
        cls.g2dk, cls.g2secret = g2["deviceKey"], g2["deviceSecret"]

    def gateway(self, dk=None, secret=None):
        gw = Gateway(self.server, self.gpk, dk or self.gdk, secret or self.gsecret)
        self.addCleanup(gw.close)
        self.assertEqual(gw.connect(), 0)
        return gw

    def status(self, pk, dk):
        return self.server.ok("GET", DEVICES, f"action=get&productKey={pk}&deviceKey={dk}")["status"]

    def wait_status(self, pk, dk, want, timeout=5):
        deadline = time.time() + timeout
        while self.status(pk, dk) != want:
            if time.time() > deadline:
                self.fail(f"{pk}/{dk} is {self.status(pk, dk)}, not {want}")
            time.sleep(0.05)

    def register_subs(self, gw, names):
        """thing/device/register through the gateway: returns [(pk, dk, secret, assetId)]."""
        _, reply = gw.request("thing/device/register", [
            {"productKey": self.spk, "deviceName": {"defaultValue": n, "i18nValue": {"en_US": n}},
             "timezone": "+08:00"} for n in names])
        self.assertEqual(reply["code"], 200, reply)
        return [(d["productKey"], d["deviceKey"], d["deviceSecret"], d["assetId"]) for d in reply["data"]]

    def latest(self, pk, dk):
        data = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                              f"action=queryLatest&productKey={pk}&deviceKey={dk}", {})
        return {p["id"] if "id" in p else p["measurepointId"]: p["value"] for p in data}

    # --- the whole story --------------------------------------------------------------------------------------
    def test_gateway_with_three_sub_devices(self):
        gw = self.gateway()
        subs = self.register_subs(gw, ["cell A", "cell B", "cell C"])
        self.assertEqual(len(subs), 3)
        self.assertTrue(all(len(s[2]) >= 16 for s in subs))  # secrets handed back once

        # Topology: signed entries; get lists them.
        _, reply = gw.request("thing/topo/add", [gw.topo_entry(pk, dk, secret) for pk, dk, secret, _ in subs])
        self.assertEqual(reply["code"], 200, reply)
        _, reply = gw.request("thing/topo/get", {})
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(sorted((d["productKey"], d["deviceKey"]) for d in reply["data"]),
                         sorted((pk, dk) for pk, dk, _, _ in subs))
        links = self.server.ok("POST", TOPOS, "action=searchSubDevice",
                               {"gateway": {"productKey": self.gpk, "deviceKey": self.gdk}})
        self.assertEqual(len(links), 3)
        got = self.server.ok("GET", TOPOS, f"action=getGateway&productKey={subs[0][0]}&deviceKey={subs[0][1]}")
        self.assertEqual((got["productKey"], got["deviceKey"], got["online"]), (self.gpk, self.gdk, True))

        # Login each sub-device; presence follows.
        for pk, dk, secret, asset in subs:
            self.assertEqual(self.status(pk, dk), "inactive")
            reply = gw.login_sub(pk, dk, secret)
            self.assertEqual(reply["code"], 200, reply)
            self.assertEqual(reply["data"], {"productKey": pk, "deviceKey": dk, "assetId": asset})
            self.assertEqual(self.status(pk, dk), "online")

        # Each posts on its own topic through the gateway; the reply comes on the sub-device's reply topic.
        for i, (pk, dk, _, _) in enumerate(subs):
            _, reply = gw.post_measurepoints({"temp": 40.0 + i, "cycle_number": i}, pk=pk, dk=dk)
            self.assertEqual(reply["code"], 200, reply)
        for i, (pk, dk, _, _) in enumerate(subs):
            self.assertEqual(self.latest(pk, dk)["temp"], 40.0 + i)

        # A service call for one sub-device reaches the gateway on that sub-device's topic, without SUBSCRIBE.
        pk, dk, _, _ = subs[1]
        result = {}

        def call():
            result["answer"] = self.server.invoke(pk, dk, "high_frequency_report_service", {"interval": 2})

        import threading
        t = threading.Thread(target=call)
        t.start()
        topic = f"/sys/{pk}/{dk}/thing/service/high_frequency_report_service"
        msg = gw.wait_message(topic, timeout=10)
        command = json.loads(msg.payload)
        self.assertIsInstance(command["id"], str)
        self.assertEqual(command["params"], {"interval": 2})
        gw.client.publish(topic + "_reply", json.dumps({"id": command["id"], "code": 200, "data": {"result": 0},
                                                        "message": ""}), qos=1)
        t.join(15)
        status, answer = result["answer"]
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(answer["data"]["outputData"], {"result": 0})

        # Logout: offline, and its topics are closed to the gateway.
        reply = gw.session_request("combine/logout", {"productKey": pk, "deviceKey": dk})
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(reply["data"], {"productKey": pk, "deviceKey": dk})
        self.assertEqual(self.status(pk, dk), "offline")
        _, reply = gw.post_measurepoints({"temp": 1.0}, pk=pk, dk=dk)
        self.assertEqual(reply["code"], 1009, reply)

        # Batch post: the logged-out sub-device is refused unless allowOfflineSubDevice.
        batch = [{"measurepoints": {"temp": 50.0}},
                 {"productKey": subs[0][0], "deviceKey": subs[0][1], "measurepoints": {"temp": 51.0}},
                 {"productKey": pk, "deviceKey": dk, "measurepoints": {"temp": 52.0}}]
        _, reply = gw.request("thing/measurepoint/post/batch", batch, extra={"allowOfflineSubDevice": False})
        self.assertEqual(reply["code"], 1009, reply)
        self.assertNotEqual(self.latest(subs[0][0], subs[0][1])["temp"], 51.0)  # all or nothing
        _, reply = gw.request("thing/measurepoint/post/batch", batch,
                              extra={"allowOfflineSubDevice": True, "skipInvalidMeasurepoints": ""})
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(self.latest(self.gpk, self.gdk)["temp"], 50.0)
        self.assertEqual(self.latest(subs[0][0], subs[0][1])["temp"], 51.0)
        self.assertEqual(self.latest(pk, dk)["temp"], 52.0)

        # The gateway goes away: every sub-device goes offline with it.
        gw.close()
        for spk, sdk, _, _ in subs:
            self.wait_status(spk, sdk, "offline")

        # It reconnects and logs its sub-devices in again, as the SDKs do (batch, float-seconds timestamp).
        gw2 = self.gateway()
        reply = gw2.login_batch([(p, d, s) for p, d, s, _ in subs])
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(len(reply["data"]["loginedSubDevices"]), 3)
        self.assertEqual(reply["data"]["failedSubDevices"], [])
        for spk, sdk, _, _ in subs:
            self.assertEqual(self.status(spk, sdk), "online")
        _, reply = gw2.post_measurepoints({"temp": 60.0}, pk=subs[2][0], dk=subs[2][1])
        self.assertEqual(reply["code"], 200, reply)

        # Lifecycle notices on the gateway's session topics: disable logs the sub-device out.
        spk, sdk = subs[0][0], subs[0][1]
        self.server.ok("POST", DEVICES, f"action=disable&productKey={spk}&deviceKey={sdk}")
        notice = json.loads(gw2.wait_message(f"/ext/session/{self.gpk}/{self.gdk}/combine/disable").payload)
        self.assertEqual(notice["method"], "combine.disable")
        self.assertIsInstance(notice["id"], str)
        self.assertEqual(notice["params"], [{"productKey": spk, "deviceKey": sdk}])
        self.wait_status(spk, sdk, "disable")
        _, reply = gw2.post_measurepoints({"temp": 1.0}, pk=spk, dk=sdk)
        self.assertEqual(reply["code"], 1009, reply)
        reply = gw2.login_sub(spk, sdk, subs[0][2])
        self.assertEqual(reply["code"], 401, reply)
        self.server.ok("POST", DEVICES, f"action=enable&productKey={spk}&deviceKey={sdk}")
        notice = json.loads(gw2.wait_message(f"/ext/session/{self.gpk}/{self.gdk}/combine/enable").payload)
        self.assertEqual(notice["params"], [{"productKey": spk, "deviceKey": sdk}])
        self.assertEqual(gw2.login_sub(spk, sdk, subs[0][2])["code"], 200)
        self.server.ok("POST", DEVICES, f"action=delete&productKey={spk}&deviceKey={sdk}")
        notice = json.loads(gw2.wait_message(f"/ext/session/{self.gpk}/{self.gdk}/combine/delete").payload)
        self.assertEqual(notice["params"], [{"productKey": spk, "deviceKey": sdk}])
        _, reply = gw2.request("thing/topo/get", {})
        self.assertEqual(len(reply["data"]), 2)
        # The gateway itself never lost its connection.
        _, reply = gw2.post_measurepoints({"temp": 70.0})
        self.assertEqual(reply["code"], 200, reply)

    # --- refusals ---------------------------------------------------------------------------------------------
    def test_refusals_with_the_spec_codes(self):
        gw = self.gateway()
        (apk, adk, asecret, _), (bpk, bdk, bsecret, _) = self.register_subs(gw, ["in topo", "not in topo"])
        self.assertEqual(gw.request("thing/topo/add", [gw.topo_entry(apk, adk, asecret)])[1]["code"], 200)

        # Not in the topology, a wrong sign, an unknown device.
        self.assertEqual(gw.login_sub(bpk, bdk, bsecret)["code"], 401)
        self.assertEqual(gw.login_sub(apk, adk, "wrong-secret")["code"], 401)
        self.assertEqual(gw.login_sub(apk, "no-such-device", asecret)["code"], 402)
        # A topology entry with a wrong sign adds nothing.
        _, reply = gw.request("thing/topo/add", [gw.topo_entry(bpk, bdk, "wrong-secret")])
        self.assertEqual(reply["code"], 401, reply)
        # Every sign method, any hex case.
        for method in ("sha1", "md5", "sha256", "hmacsha1"):
            self.assertEqual(gw.login_sub(apk, adk, asecret, method=method)["code"], 200, method)
        # Publishing for a sub-device that is not logged in here: 1009, and nothing stored.
        _, reply = gw.post_measurepoints({"temp": 99.0}, pk=bpk, dk=bdk)
        self.assertEqual(reply["code"], 1009, reply)
        # Gateway-only requests are refused on a sub-device's topics.
        _, reply = gw.request("thing/topo/get", {}, pk=apk, dk=adk)
        self.assertEqual(reply["code"], 1009, reply)

        # Another gateway cannot act for this gateway's sub-device: not its topology, not its topic space.
        other = self.gateway(self.g2dk, self.g2secret)
        self.assertEqual(other.login_sub(apk, adk, asecret)["code"], 401)
        _, reply = other.post_measurepoints({"temp": 98.0}, pk=apk, dk=adk)
        self.assertEqual(reply["code"], 1009, reply)
        _, reply = other.request("thing/topo/add", [other.topo_entry(apk, adk, asecret)])
        self.assertEqual(reply["code"], 460, reply)  # belongs to another gateway
        self.assertEqual(self.latest(bpk, bdk), {})

        # A plain device is no gateway: 1200.
        plain = self.connected()
        _, reply = plain.request("thing/topo/get", {})
        self.assertEqual(reply["code"], 1200, reply)

    def test_online_limit_and_takeover(self):
        gw = self.gateway()
        subs = self.register_subs(gw, [f"limit {i}" for i in range(5)])
        self.assertEqual(gw.request("thing/topo/add", [gw.topo_entry(p, d, s) for p, d, s, _ in subs])[1]["code"], 200)
        for p, d, s, _ in subs[:4]:
            self.assertEqual(gw.login_sub(p, d, s)["code"], 200)
        p, d, s, _ = subs[4]
        reply = gw.login_sub(p, d, s)
        self.assertEqual(reply["code"], 429, reply)  # --max-sub-devices 4
        self.assertEqual(gw.login_sub(*subs[0][:3])["code"], 200)  # logging in again is not a new one
        reply = gw.login_batch([(p, d, s)])
        self.assertEqual(reply["code"], 429, reply)
        self.assertEqual(reply["data"]["failedSubDevices"], [{"productKey": p, "deviceKey": d}])

        # The sub-device connects on its own: it takes over from the gateway, which stays connected.
        p0, d0, s0, _ = subs[0]
        direct = self.device(pk=p0, dk=d0, secret=s0)
        self.assertEqual(direct.connect(), 0)
        time.sleep(0.3)
        _, reply = gw.post_measurepoints({"temp": 1.0}, pk=p0, dk=d0)
        self.assertEqual(reply["code"], 1009, reply)
        _, reply = direct.post_measurepoints({"temp": 2.0})
        self.assertEqual(reply["code"], 200, reply)
        _, reply = gw.post_measurepoints({"temp": 3.0})
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(self.status(p0, d0), "online")

    def test_topology_api(self):
        gw_dk = self.server.create_device(self.gpk, "api gateway")["deviceKey"]
        sub = self.server.create_device(self.spk, "api sub")
        body = {"gateway": {"productKey": self.gpk, "deviceKey": gw_dk},
                "subDevices": [{"assetId": sub["assetId"]}]}
        self.server.ok("POST", TOPOS, "action=addSubDevice", body)
        got = self.server.ok("GET", TOPOS, f"action=getGateway&assetId={sub['assetId']}")
        self.assertEqual(got["deviceKey"], gw_dk)
        # A plain device as gateway: 11738.
        status, answer = self.server.api("POST", TOPOS, "action=addSubDevice",
                                         {"gateway": {"productKey": self.pk, "deviceKey": self.dk},
                                          "subDevices": [{"assetId": sub["assetId"]}]})
        self.assertEqual(answer["code"], 11738, answer)
        status, answer = self.server.api("POST", TOPOS, "action=addSubDevice",
                                         {"gateway": {"productKey": self.gpk, "deviceKey": gw_dk},
                                          "subDevices": [{"productKey": self.spk, "deviceKey": "nope"}]})
        self.assertEqual(status, 404, answer)
        self.server.ok("POST", TOPOS, "action=removeSubDevice", body)
        self.assertIsNone(self.server.ok("GET", TOPOS, f"action=getGateway&assetId={sub['assetId']}"))


if __name__ == "__main__":
    main()
