"""Cloud-to-device commands against the real server (spec enos-platform.md §4.3, enos-device-protocol.md §1.7,
§4.2, §4.4): the lab scenario, input checks, offline / no reply / device errors, pending commands delivered in
order after login and after the delivery delay, the 50-command bound, cancel, expiry, get and search, a server
restart, set-point commands, replies from the wrong device, a wait longer than the HTTP read timeout, and
attributes written from the cloud and read by the device."""
import json
import time

from gridhub_harness import Device, LabBattery, Server, ServerTest, main

COMMANDS = "/connect-service/v2.1/commands"
LAB_SERVICE = "high_frequency_report_service"


class Commands(ServerTest):
    def new_device(self, name="dev"):
        d = self.server.create_device(self.pk, name=name)
        return d["deviceKey"], d["deviceSecret"]

    def queue(self, dk, interval, ttl=600):
        status, answer = self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": interval}, pending_ttl=ttl)
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertIsInstance(answer["data"]["commandId"], str)
        return answer["data"]["commandId"]

    def test_lab_scenario_changes_the_posting_period(self):
        dev = self.lab_battery(interval=1.0)
        dev.start_posting()
        time.sleep(1.5)   # past the delivery delay (1 s)
        status, answer = self.server.invoke(self.pk, self.dk, LAB_SERVICE, {"interval": 2})
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["code"], 0, answer)
        self.assertEqual(answer["data"]["outputData"], {"result": 0})
        self.assertEqual(dev.unregistered_replies, 0)
        changed = time.time()
        time.sleep(6.5)
        gaps = [b - a for a, b in zip(dev.post_times, dev.post_times[1:]) if a > changed]
        self.assertGreaterEqual(len(gaps), 2, dev.post_times)
        for g in gaps:
            self.assertAlmostEqual(g, 2.0, delta=0.3)
        # The command the console shows: state 5, the device's output.
        c = self.server.command(answer["data"]["commandId"])
        self.assertEqual((c["state"], c["commandType"], c["tslIdentifier"]), (5, 2, LAB_SERVICE))
        self.assertEqual(c["inputData"], {"interval": 2})
        self.assertEqual(c["outputData"], {"result": 0})

    def test_input_is_checked_against_the_model(self):
        for body, word in (({"interval": "fast"}, "interval"), ({"bogus": 1}, "bogus"),
                           ({"interval": 2.5}, "interval")):
            status, answer = self.server.invoke(self.pk, self.dk, LAB_SERVICE, body)
            self.assertEqual((status, answer["code"]), (400, 99400), answer)
            self.assertIn(word, answer["msg"])
        status, answer = self.server.invoke(self.pk, self.dk, "no_such_service", {})
        self.assertEqual(status, 400)
        self.assertIn("no_such_service", answer["msg"])
        for query in ("pendingTtl=172801", "pendingTtl=-1", "timeout=0", "timeout=61"):
            status, answer = self.server.api("POST", COMMANDS, f"action=invokeService&productKey={self.pk}&deviceKey="
                                             f"{self.dk}&serviceId={LAB_SERVICE}&{query}", {"inputData": {}})
            self.assertEqual(status, 400, query)
        status, answer = self.server.invoke(self.pk, "nosuchdevice", LAB_SERVICE, {"interval": 2})
        self.assertEqual((status, answer["code"]), (404, 99404))

    def test_offline_device_gets_11900_at_once(self):
        dk, _ = self.new_device("offline")
        t = time.time()
        status, answer = self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 2})
        self.assertEqual((status, answer["code"]), (200, 11900), answer)
        self.assertLess(time.time() - t, 1)

    def test_device_error_code_and_message_are_passed_through(self):
        dk, secret = self.new_device("erroring")
        self.lab_battery(dk=dk, secret=secret)
        time.sleep(1.3)
        status, answer = self.server.invoke(self.pk, dk, "disconnect", {"delayMS": 10})
        self.assertEqual(status, 200)
        self.assertEqual(answer["code"], 220, answer)
        self.assertEqual(answer["msg"], "unknown service:")
        self.assertEqual(self.server.command(answer["data"]["commandId"])["state"], 6)

    def test_no_reply_is_11915_after_the_timeout(self):
        dk, secret = self.new_device("silent")
        dev = self.connected(dk=dk, secret=secret)   # never answers
        time.sleep(1.3)
        t = time.time()
        status, answer = self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 2}, timeout=1)
        self.assertEqual(answer["code"], 11915, answer)
        self.assertGreaterEqual(time.time() - t, 0.95)
        self.assertLess(time.time() - t, 3)
        self.assertEqual(self.server.command(answer["data"]["commandId"])["state"], 7)
        # It was delivered, without any SUBSCRIBE, as the spec's envelope with a string id.
        msg = dev.wait_message(f"/sys/{self.pk}/{dk}/thing/service/{LAB_SERVICE}")
        cmd = json.loads(msg.payload)
        self.assertEqual(cmd, {"id": answer["data"]["commandId"], "version": "1.0",
                               "method": f"thing.service.{LAB_SERVICE}", "params": {"interval": 2}})

    def test_pending_commands_arrive_in_order_after_login_and_after_the_delay(self):
        dk, secret = self.new_device("pending")
        ids = [self.queue(dk, i) for i in (3, 4, 5)]
        for cid in ids:
            self.assertEqual(self.server.command(cid)["state"], 1)
        # The lab registers its handler 200 ms after CONNACK: a command before that would be answered 1101.
        dev = self.lab_battery(dk=dk, secret=secret, handler_delay=0.2)
        got = dev.wait_commands(3)
        self.assertEqual([c[2]["id"] for c in got], ids)
        self.assertEqual([c[2]["params"]["interval"] for c in got], [3, 4, 5])
        self.assertGreaterEqual(got[0][0] - dev.connected_at, 0.9)   # the delivery delay (1 s)
        self.assertEqual(dev.unregistered_replies, 0)
        for cid in ids:
            c = self.server.wait_command_state(cid, 5)
            self.assertEqual(c["state"], 5, c)
            self.assertEqual(c["outputData"], {"result": 0})

    def test_fifty_pending_then_11902(self):
        dk, _ = self.new_device("full")
        for i in range(50):
            self.queue(dk, i)
        status, answer = self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 1}, pending_ttl=600)
        self.assertEqual((status, answer["code"]), (200, 11902), answer)
        # An immediate command is not cached: the device is offline.
        status, answer = self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 1})
        self.assertEqual(answer["code"], 11900)

    def test_cancel_one_then_all(self):
        dk, secret = self.new_device("cancel")
        ids = [self.queue(dk, i) for i in (1, 2, 3)]
        q = f"action=cancel&productKey={self.pk}&deviceKey={dk}"
        data = self.server.ok("POST", COMMANDS, q + f"&commandId={ids[0]}")
        self.assertEqual(data["commandIds"], [ids[0]])
        status, answer = self.server.api("POST", COMMANDS, q + f"&commandId={ids[0]}")
        self.assertEqual(status, 400, answer)
        self.assertEqual(self.server.ok("POST", COMMANDS, q)["commandIds"], ids[1:])
        for cid in ids:
            self.assertEqual(self.server.command(cid)["state"], 2)
        dev = self.lab_battery(dk=dk, secret=secret)
        time.sleep(1.5)
        self.assertEqual(dev.commands, [])

    def test_pending_command_expires_after_its_ttl(self):
        dk, secret = self.new_device("expiry")
        cid = self.queue(dk, 2, ttl=1)
        c = self.server.wait_command_state(cid, 3, timeout=5)
        self.assertEqual(c["state"], 3, c)
        dev = self.lab_battery(dk=dk, secret=secret)
        time.sleep(1.5)
        self.assertEqual(dev.commands, [])

    def test_get_and_search(self):
        dk, _ = self.new_device("search")
        ids = [self.queue(dk, i) for i in range(3)]
        self.server.ok("POST", COMMANDS, f"action=cancel&productKey={self.pk}&deviceKey={dk}&commandId={ids[1]}")
        c = self.server.command(ids[0])
        for key in ("commandId", "createTime", "createLocaltime", "commandType", "commandName", "timeout",
                    "pendingTtl", "state", "tslIdentifier", "inputData", "outputData"):
            self.assertIn(key, c)
        self.assertEqual((c["timeout"], c["pendingTtl"], c["state"]), (30, 600, 1))
        q = f"action=search&productKey={self.pk}&deviceKey={dk}"
        status, answer = self.server.api("POST", COMMANDS, q, {})
        self.assertEqual(answer["pagination"]["totalSize"], 3)
        self.assertEqual(answer["pagination"]["pageSize"], 100)
        self.assertEqual([x["commandId"] for x in answer["data"]], ids[::-1])
        self.assertEqual([x["commandId"] for x in self.server.ok("POST", COMMANDS, q, {"state": 2})], [ids[1]])
        page = self.server.ok("POST", COMMANDS, q, {"pagination": {"pageNo": 2, "pageSize": 2}})
        self.assertEqual([x["commandId"] for x in page], [ids[0]])
        status, answer = self.server.api("GET", COMMANDS, "action=get&commandId=99999999")
        self.assertEqual(status, 404)
        # Another OU sees none of them.
        org, token = self.server.create_ou("other OU")
        status, answer = self.server.api("GET", COMMANDS, f"action=get&orgId={org}&commandId={ids[0]}", token=token)
        self.assertEqual(status, 404)
        status, answer = self.server.api("POST", COMMANDS, f"action=search&orgId={org}", {}, token=token)
        self.assertEqual(answer["data"], [])
        status, answer = self.server.api("POST", COMMANDS, f"action=invokeService&orgId={org}&productKey={self.pk}"
                                         f"&deviceKey={dk}&serviceId={LAB_SERVICE}", {"inputData": {}}, token=token)
        self.assertEqual(status, 404)

    def test_set_measurepoint_reaches_the_set_topic(self):
        dk, secret = self.new_device("setpoint")
        dev = self.lab_battery(dk=dk, secret=secret)
        time.sleep(1.3)
        q = f"action=setMeasurepoint&productKey={self.pk}&deviceKey={dk}"
        status, answer = self.server.api("POST", COMMANDS, q + "&measurepointId=temp", {"value": "hot"})
        self.assertEqual(status, 400)
        data = self.server.ok("POST", COMMANDS, q + "&measurepointId=temp", {"value": 30.5})
        got = dev.wait_commands(1)
        self.assertEqual(got[0][1], f"/sys/{self.pk}/{dk}/thing/service/measurepoint/set")
        self.assertEqual(got[0][2]["method"], "thing.service.measurepoint.set")
        self.assertEqual(got[0][2]["params"], {"temp": 30.5})
        c = self.server.command(data["commandId"])
        self.assertEqual((c["state"], c["commandType"], c["tslIdentifier"]), (5, 1, "temp"))

    def test_a_device_cannot_answer_another_devices_command(self):
        dk, secret = self.new_device("victim")
        dk2, secret2 = self.new_device("intruder")
        victim = self.connected(dk=dk, secret=secret)
        intruder = self.connected(dk=dk2, secret=secret2)
        time.sleep(1.3)
        import threading
        result = {}
        t = threading.Thread(target=lambda: result.update(
            answer=self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 2}, timeout=5)[1]))
        t.start()
        topic = f"/sys/{self.pk}/{dk}/thing/service/{LAB_SERVICE}"
        cid = json.loads(victim.wait_message(topic).payload)["id"]
        forged = json.dumps({"id": cid, "code": 200, "data": {"result": 1}})
        intruder.client.publish(topic + "_reply", forged, qos=1)   # not its namespace: 1009, no effect
        intruder.wait_message(topic + "_reply_reply")
        intruder.client.publish(f"/sys/{self.pk}/{dk2}/thing/service/{LAB_SERVICE}_reply", forged, qos=1)
        time.sleep(0.3)
        self.assertEqual(self.server.command(cid)["state"], 4)   # still waiting
        victim.client.publish(topic + "_reply", json.dumps({"id": cid, "code": 200, "data": {"result": 0}}), qos=1)
        t.join()
        self.assertEqual(result["answer"]["code"], 0)
        self.assertEqual(result["answer"]["data"]["outputData"], {"result": 0})

    def test_attributes_written_from_the_cloud_are_read_by_the_device(self):
        dk, secret = self.new_device("attrs")
        self.server.ok("POST", "/connect-service/v2.1/devices", f"action=update&productKey={self.pk}&deviceKey={dk}",
                       {"deviceName": "attrs", "timezone": "+08:00",
                        "deviceAttributes": {"Capacity": 4200.0, "UpperLimitTemp": 55.5}})
        dev = self.connected(dk=dk, secret=secret)
        _, reply = dev.request("thing/attribute/query", {"attributes": []}, dk=dk)
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(reply["data"]["Capacity"], 4200.0)
        self.assertEqual(reply["data"]["UpperLimitTemp"], 55.5)
        _, reply = dev.request("thing/attribute/query", {"attributes": ["Capacity"]}, dk=dk)
        self.assertEqual(reply["data"], {"Capacity": 4200.0})

    def test_an_answer_slower_than_the_http_read_timeout_still_arrives(self):
        # The HTTP session's 30 s timeout must not close a connection whose request waits on a device (<= 60 s).
        dk, secret = self.new_device("slow")
        dev = self.connected(dk=dk, secret=secret)
        time.sleep(1.3)
        import threading
        result = {}
        t = threading.Thread(target=lambda: result.update(
            reply=self.server.invoke(self.pk, dk, LAB_SERVICE, {"interval": 2}, timeout=45, http_timeout=60)))
        t.start()
        topic = f"/sys/{self.pk}/{dk}/thing/service/{LAB_SERVICE}"
        cid = json.loads(dev.wait_message(topic).payload)["id"]
        time.sleep(32)
        dev.client.publish(topic + "_reply", json.dumps({"id": cid, "code": 200, "data": {"result": 0}}), qos=1)
        t.join()
        status, answer = result["reply"]
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(answer["data"]["outputData"], {"result": 0})


class CommandsAcrossRestart(ServerTest):
    """Pending commands queued before a restart are delivered after it (their own server: it restarts)."""

    def test_queued_before_delivered_after(self):
        s = self.server
        ids = []
        for i in (6, 7):
            status, answer = s.invoke(self.pk, self.dk, LAB_SERVICE, {"interval": i}, pending_ttl=600)
            self.assertEqual(answer["code"], 0, answer)
            ids.append(answer["data"]["commandId"])
        self.assertEqual(s.stop(), 0)
        s.start()
        self.assertEqual(s.command(ids[0])["state"], 1)
        dev = LabBattery(s, self.pk, self.dk, self.secret)
        self.addCleanup(dev.close)
        self.assertEqual(dev.connect(), 0)
        got = dev.wait_commands(2)
        self.assertEqual([c[2]["id"] for c in got], ids)
        self.assertEqual(s.wait_command_state(ids[1], 5)["state"], 5)
        # New ids continue above the old ones.
        status, answer = s.invoke(self.pk, self.dk, LAB_SERVICE, {"interval": 1}, pending_ttl=60)
        self.assertGreater(int(answer["data"]["commandId"]), int(ids[1]))


if __name__ == "__main__":
    main()
