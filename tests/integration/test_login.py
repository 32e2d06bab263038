"""EnOS login against the real server (spec §1): every sign method and SDK style, refusals with CONNACK 4/5,
takeover, disabled devices kicked, dynamic activation, the integration channel, and MQTT-level refusals."""
import json
import socket
import struct
import time

import paho.mqtt.client as mqtt

from gridhub_harness import Device, ServerTest, login_fields, main


def raw_connect(port, client_id, username, password, level=4, keepalive=60):
    """A hand-built CONNECT on a plain socket; returns the socket."""
    def s(b):
        b = b.encode() if isinstance(b, str) else b
        return struct.pack(">H", len(b)) + b
    var = s("MQTT") + bytes([level, 0xC2]) + struct.pack(">H", keepalive)
    payload = s(client_id) + s(username) + s(password)
    body = var + payload
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(bytes([0x10, len(body)]) + body if len(body) < 128 else
                 bytes([0x10, (len(body) & 0x7F) | 0x80, len(body) >> 7]) + body)
    return sock


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


class Login(ServerTest):
    def raw(self, *args, **kw):
        sock = raw_connect(self.server.mqtt_port, *args, **kw)
        self.addCleanup(sock.close)
        return sock

    def test_every_sign_method_and_spelling(self):
        for method in ["sha256", "hmacsha256", "sha1", "hmacsha1", "md5", "hmacmd5", "HmacSHA256"]:
            for upper in (False, True):
                with self.subTest(method=method, upper=upper):
                    dev = self.device(signmethod=method, upper=upper)
                    self.assertEqual(dev.connect(), 0)
                    dev.close()

    def test_sdk_styles_of_client_id(self):
        styles = [
            dict(timestamp="1795462851055.6995"),                                   # Python: float text
            dict(prefix=self.dk + "{ip=10.0.0.5,version=enos-mqtt-2.3.0,compress=DEFAULT}",
                 signmethod="sha256", timestamp="1795462851055"),                    # Java
            dict(prefix=f"{self.pk}.{self.dk}", signmethod="sha256", timestamp="2524608000000", upper=True),  # C
        ]
        for style in styles:
            with self.subTest(style=style):
                dev = self.device(**style)
                self.assertEqual(dev.connect(), 0)
                _, reply = dev.post_measurepoints({"temp": 50.5})
                self.assertEqual(reply["code"], 200)
                dev.close()

    def test_wrong_secret_gets_connack_4_and_is_closed(self):
        cid, user, _ = login_fields(self.pk, self.dk, self.secret)
        _, _, bad = login_fields(self.pk, self.dk, "wrong-secret")
        sock = self.raw(cid, user, bad)
        self.assertEqual(read_exactly(sock, 4), bytes([0x20, 2, 0, 4]))
        self.assertEqual(sock.recv(10), b"")   # closed
        self.assertNotIn(self.secret, self.server.read_log())
        stats = self.server.ok("GET", "/system/v2.1/stats", "action=get")["hub"]
        self.assertGreaterEqual(stats["loginRefusedBadCredentials"], 1)   # counted

    def test_unknown_device_gets_connack_5(self):
        dev = self.device(dk="no-such-device")
        self.assertEqual(dev.connect(), 5)
        stats = self.server.ok("GET", "/system/v2.1/stats", "action=get")["hub"]
        self.assertGreaterEqual(stats["loginRefusedNotAuthorized"], 1)

    def test_protocol_level_3_gets_connack_1(self):
        cid, user, pw = login_fields(self.pk, self.dk, self.secret)
        sock = self.raw(cid, user, pw, level=3)
        self.assertEqual(read_exactly(sock, 4), bytes([0x20, 2, 0, 1]))

    def test_second_login_takes_over_the_first(self):
        first = self.connected()
        second = self.connected()
        self.assertTrue(first.disconnected.wait(5))
        _, reply = second.post_measurepoints({"temp": 52.0})
        self.assertEqual(reply["code"], 200)

    def test_disabled_device_is_kicked_and_refused(self):
        created = self.server.create_device(self.pk, name="to-disable")
        dk, secret = created["deviceKey"], created["deviceSecret"]
        dev = self.connected(dk=dk, secret=secret)
        status = self.server.ok("GET", "/connect-service/v2.1/devices", f"action=get&productKey={self.pk}&deviceKey={dk}")
        self.assertEqual(status["status"], "online")
        self.server.ok("POST", "/connect-service/v2.1/devices", f"action=disable&productKey={self.pk}&deviceKey={dk}")
        self.assertTrue(dev.disconnected.wait(5))
        again = self.device(dk=dk, secret=secret)
        self.assertEqual(again.connect(), 5)
        got = self.server.ok("GET", "/connect-service/v2.1/devices", f"action=get&productKey={self.pk}&deviceKey={dk}")
        self.assertEqual(got["status"], "disable")
        self.server.ok("POST", "/connect-service/v2.1/devices", f"action=enable&productKey={self.pk}&deviceKey={dk}")
        third = self.device(dk=dk, secret=secret)
        self.assertEqual(third.connect(), 0)

    def test_presence_online_then_offline(self):
        created = self.server.create_device(self.pk, name="presence")
        dk = created["deviceKey"]
        q = f"action=get&productKey={self.pk}&deviceKey={dk}"
        self.assertEqual(self.server.ok("GET", "/connect-service/v2.1/devices", q)["status"], "inactive")
        dev = self.connected(dk=dk, secret=created["deviceSecret"])
        got = self.server.ok("GET", "/connect-service/v2.1/devices", q)
        self.assertEqual(got["status"], "online")
        self.assertGreater(got["activeTime"], 0)
        dev.close()
        deadline = time.time() + 5
        while time.time() < deadline:
            got = self.server.ok("GET", "/connect-service/v2.1/devices", q)
            if got["status"] == "offline":
                break
            time.sleep(0.05)
        self.assertEqual(got["status"], "offline")
        self.assertGreaterEqual(got["lastOfflineTime"], got["lastOnlineTime"])

    def test_keepalive_loss_closes_the_connection(self):
        cid, user, pw = login_fields(self.pk, self.dk, self.secret)
        sock = self.raw(cid, user, pw, keepalive=1)
        self.assertEqual(read_exactly(sock, 4), bytes([0x20, 2, 0, 0]))
        start = time.time()
        sock.settimeout(10)
        self.assertEqual(sock.recv(10), b"")
        self.assertLess(time.time() - start, 4)   # 1.5 x 1 s, plus scheduling

    def test_qos2_publish_closes_the_connection(self):
        dev = self.connected()
        dev.client.publish(f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", "{}", qos=2)
        self.assertTrue(dev.disconnected.wait(5))

    def test_oversized_packet_closes_the_connection(self):
        dev = self.connected()
        dev.client.publish(f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", b"x" * (1024 * 1024 + 1), qos=1)
        self.assertTrue(dev.disconnected.wait(10))

    def test_silent_socket_is_closed_after_10_seconds(self):
        sock = socket.create_connection(("127.0.0.1", self.server.mqtt_port))
        self.addCleanup(sock.close)
        sock.settimeout(20)
        start = time.time()
        self.assertEqual(sock.recv(10), b"")
        self.assertTrue(9 <= time.time() - start < 15)


class DynamicActivation(ServerTest):
    def test_securemode_3_hands_out_the_secret(self):
        pk = self.server.create_product("dyn-product", self.server.demo_info["modelId"], dynamicActivateEnabled=True)
        product = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={pk}")
        created = self.server.create_device(pk, name="dyn")
        dk = created["deviceKey"]
        dev = self.device(pk=pk, dk=dk, secret=product["productSecret"], securemode=3)
        self.assertEqual(dev.connect(), 0)
        msg = dev.wait_message(f"/ext/session/{pk}/{dk}/thing/activate/info")
        params = json.loads(msg.payload)["params"]
        self.assertEqual(params["deviceSecret"], created["deviceSecret"])
        self.assertIsInstance(json.loads(msg.payload)["id"], str)
        dev.client.publish(f"/ext/session/{pk}/{dk}/thing/activate/info_reply",
                           json.dumps({"id": json.loads(msg.payload)["id"], "code": 200,
                                       "message": "device activate success", "data": None}), qos=1)
        self.assertTrue(dev.disconnected.wait(5))
        normal = self.device(pk=pk, dk=dk, secret=params["deviceSecret"])
        self.assertEqual(normal.connect(), 0)

    def test_securemode_3_refused_when_product_does_not_allow_it(self):
        product = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")
        dev = self.device(secret=product["productSecret"], securemode=3)
        self.assertEqual(dev.connect(), 5)

    def test_securemode_4_integration_channel_logs_in_with_product_secret(self):
        product = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")
        dev = self.device(dk="%channel%", secret=product["productSecret"], securemode=4)
        self.assertEqual(dev.connect(), 0)
        bad = self.device(dk="%channel%", secret="nope", securemode=4)
        self.assertEqual(bad.connect(), 4)


if __name__ == "__main__":
    main()
