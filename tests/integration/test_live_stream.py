"""The console's live stream (docs/api_live.md) against the real server: a WebSocket client
(python3-websocket) authenticates, subscribes to devices, and gets snapshots, measure points and presence
as paho-mqtt devices post and come and go; refusals; a client that never reads; shutdown with a client on."""
import json
import socket
import ssl
import time

import websocket

from gridhub_harness import ServerTest, main


def connect(server, timeout=10, sockopt=()):
    """ws:// on the plain API port, wss:// (trusting the server's local CA) when it serves HTTPS."""
    if server.ssl_context:
        return websocket.create_connection(f"wss://127.0.0.1:{server.http_port}/console/v1/live", timeout=timeout,
                                           sslopt={"ca_certs": server.tls_ca_file(), "check_hostname": False,
                                                   "cert_reqs": ssl.CERT_REQUIRED}, sockopt=sockopt)
    return websocket.create_connection(f"ws://127.0.0.1:{server.http_port}/console/v1/live", timeout=timeout,
                                       sockopt=sockopt)


class LiveStream(ServerTest):
    def ws(self, token=None, auth=True, sockopt=()):
        ws = connect(self.server, sockopt=sockopt)
        self.addCleanup(ws.close)
        if auth:
            ws.send(json.dumps({"type": "auth", "token": token or self.server.admin["token"]}))
            self.assertEqual(self.recv(ws)["type"], "authenticated")
        return ws

    def recv(self, ws, timeout=10):
        ws.settimeout(timeout)
        return json.loads(ws.recv())

    def recv_type(self, ws, type_, timeout=10):
        deadline = time.time() + timeout
        while True:
            m = self.recv(ws, max(0.1, deadline - time.time()))
            if m["type"] == type_:
                return m

    def wait_presence(self, ws, online, timeout=10):
        """The next presence frame saying `online` (an earlier test's device may still be going offline)."""
        deadline = time.time() + timeout
        while True:
            m = self.recv_type(ws, "presence", max(0.1, deadline - time.time()))
            if m["online"] == online:
                return m

    def subscribe(self, ws, pk=None, dk=None):
        ws.send(json.dumps({"type": "subscribe", "productKey": pk or self.pk, "deviceKey": dk or self.dk}))
        return self.recv(ws)

    def test_bad_token_gets_401_and_close(self):
        ws = self.ws(auth=False)
        ws.send(json.dumps({"type": "auth", "token": "nope"}))
        m = self.recv(ws)
        self.assertEqual((m["type"], m["code"]), ("error", 401))
        with self.assertRaises(websocket.WebSocketConnectionClosedException):
            while True:
                ws.recv()

    def test_subscribe_before_auth_is_refused(self):
        ws = self.ws(auth=False)
        ws.send(json.dumps({"type": "subscribe", "productKey": self.pk, "deviceKey": self.dk}))
        self.assertEqual(self.recv(ws)["code"], 401)

    def test_bad_json_and_unknown_type_get_error_frames(self):
        ws = self.ws()
        ws.send("{not json")
        self.assertEqual(self.recv(ws)["code"], 400)
        ws.send(json.dumps({"type": "dance"}))
        self.assertEqual(self.recv(ws)["code"], 400)
        ws.send(json.dumps({"type": "subscribe", "productKey": 5}))
        self.assertEqual(self.recv(ws)["code"], 400)
        self.assertEqual(self.subscribe(ws)["type"], "snapshot")  # still usable

    def test_message_over_4_kib_closes(self):
        ws = self.ws()
        exact = json.dumps({"type": "dance", "pad": "x" * (4096 - 28)})
        self.assertEqual(len(exact), 4096)
        ws.send(exact)  # exactly 4 KiB: read, and answered
        self.assertEqual(self.recv(ws)["code"], 400)
        ws.send("x" * 4097)
        with self.assertRaises((websocket.WebSocketConnectionClosedException, ConnectionError)):
            while True:
                ws.recv()

    def test_measurepoints_arrive_exactly_after_snapshot(self):
        ws = self.ws()
        snap = self.subscribe(ws)
        self.assertEqual(snap["type"], "snapshot")
        self.assertEqual((snap["productKey"], snap["deviceKey"]), (self.pk, self.dk))
        dev = self.connected()
        self.wait_presence(ws, True)
        t = int(time.time() * 1000)
        points = {"temp": 45.33639481400027, "voltage": 4.476127173515886, "cycle_number": 7}
        _, reply = dev.post_measurepoints(points, time_ms=t)
        self.assertEqual(reply["code"], 200)
        m = self.recv_type(ws, "measurepoints")
        self.assertEqual((m["productKey"], m["deviceKey"], m["time"]), (self.pk, self.dk, t))
        self.assertEqual(m["points"], points)  # doubles bit-identical, the integer an integer
        self.assertIsInstance(m["points"]["cycle_number"], int)
        # a new subscriber's snapshot has them as latest values, and the device online
        ws2 = self.ws()
        snap = self.subscribe(ws2)
        self.assertTrue(snap["online"])
        self.assertEqual(snap["points"]["temp"], {"value": points["temp"], "time": t})
        # unsubscribed: nothing more
        ws.send(json.dumps({"type": "unsubscribe", "productKey": self.pk, "deviceKey": self.dk}))
        self.assertEqual(self.recv_type(ws, "unsubscribed")["deviceKey"], self.dk)
        dev.post_measurepoints({"temp": 1.5})
        self.assertEqual(self.recv_type(ws2, "measurepoints")["points"], {"temp": 1.5})
        with self.assertRaises(websocket.WebSocketTimeoutException):
            self.recv(ws, timeout=0.5)

    def test_presence_offline_when_device_disconnects(self):
        ws = self.ws()
        self.subscribe(ws)
        dev = self.connected()
        self.wait_presence(ws, True)
        dev.close()
        m = self.wait_presence(ws, False)
        self.assertIsInstance(m["time"], int)

    def test_device_of_another_ou_is_404(self):
        org, token = self.server.create_ou("live-other-ou")
        ws = self.ws(token=token)
        m = self.subscribe(ws)  # the demo device is in the default OU
        self.assertEqual((m["type"], m["code"]), ("error", 404))
        m = self.subscribe(self.ws(), dk="no-such-device")
        self.assertEqual(m["code"], 404)

    def test_twenty_devices_per_connection_the_21st_refused(self):
        ws = self.ws()
        keys = [self.server.create_device(self.pk, name=f"live{i}")["deviceKey"] for i in range(21)]
        for dk in keys[:20]:
            self.assertEqual(self.subscribe(ws, dk=dk)["type"], "snapshot", dk)
        m = self.subscribe(ws, dk=keys[20])
        self.assertEqual((m["type"], m["code"]), ("error", 429))
        self.assertEqual(self.subscribe(ws, dk=keys[0])["type"], "snapshot")  # again: no new slot needed
        ws.send(json.dumps({"type": "unsubscribe", "productKey": self.pk, "deviceKey": keys[0]}))
        self.recv_type(ws, "unsubscribed")
        self.assertEqual(self.subscribe(ws, dk=keys[20])["type"], "snapshot")

    def test_client_that_never_reads_keeps_server_memory_bounded(self):
        # A small receive window from the start: the kernel holds little, the server's queue fills.
        ws = self.ws(sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        self.subscribe(ws)
        dev = self.connected()
        def post_many(n):
            for i in range(n):
                dev.client.publish(f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", json.dumps(
                    {"id": str(i), "method": "thing.measurepoint.post", "version": "1.0",
                     "params": {"measurepoints": {"temp": float(i), "health_level": i}}}), qos=0)
            _, reply = dev.post_measurepoints({"temp": 0.5})
            self.assertEqual(reply["code"], 200)
        post_many(3000)
        rss1 = rss_kib(self.server.proc.pid)
        post_many(6000)
        rss2 = rss_kib(self.server.proc.pid)
        self.assertLess(rss2 - rss1, 20 * 1024, (rss1, rss2))
        # now read: at most 256 frames were queued, then an overflow notice says how many were dropped
        ws.settimeout(10)
        frames = []
        while True:
            try:
                m = json.loads(ws.recv())
            except websocket.WebSocketTimeoutException:
                self.fail(f"no overflow notice after {len(frames)} frames")
            frames.append(m)
            if m["type"] == "overflow":
                break
        self.assertGreater(frames[-1]["dropped"], 0)


    def test_plain_get_without_upgrade_is_400(self):
        status = self.server.api("GET", "/console/v1/live")[0]
        self.assertEqual(status, 400)


class LiveStreamOverHttps(ServerTest):
    """wss:// on an HTTPS API: the same stream over TLS, and a clean stop with a TLS client connected."""
    server_args = ("--https",)

    def test_measurepoints_over_wss_and_clean_stop(self):
        self.assertIsNotNone(self.server.ssl_context)
        ws = connect(self.server)
        ws.send(json.dumps({"type": "auth", "token": self.server.admin["token"]}))
        self.assertEqual(json.loads(ws.recv())["type"], "authenticated")
        ws.send(json.dumps({"type": "subscribe", "productKey": self.pk, "deviceKey": self.dk}))
        self.assertEqual(json.loads(ws.recv())["type"], "snapshot")
        dev = self.connected()
        _, reply = dev.post_measurepoints({"temp": 0.1}, time_ms=1234)
        self.assertEqual(reply["code"], 200)
        while True:
            m = json.loads(ws.recv())
            if m["type"] == "measurepoints":
                break
        self.assertEqual((m["time"], m["points"]), (1234, {"temp": 0.1}))
        dev.close()
        self.assertEqual(self.server.stop(), 0)
        ws.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class LiveStreamShutdown(ServerTest):
    def test_server_stops_cleanly_with_a_client_connected(self):
        ws = connect(self.server)
        ws.send(json.dumps({"type": "auth", "token": self.server.admin["token"]}))
        self.assertEqual(json.loads(ws.recv())["type"], "authenticated")
        ws.send(json.dumps({"type": "subscribe", "productKey": self.pk, "deviceKey": self.dk}))
        self.assertEqual(json.loads(ws.recv())["type"], "snapshot")
        idle = connect(self.server)
        self.assertEqual(self.server.stop(), 0)
        ws.close()
        idle.close()


if __name__ == "__main__":
    main()
