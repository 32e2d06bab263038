"""The provisioning API, the CLI and the demo against the real server: auth, model import/get, products and
devices, latest values, the `gridhub` admin commands, and `serve --demo` being idempotent."""
import json
import os
import stat
import subprocess
import time

from gridhub_harness import GRIDHUB_BIN, SHARED_DIR, Server, ServerTest, login_fields, main

SEED_MODEL = os.path.join(SHARED_DIR, "seed-data", "enos_model_SmartBattery.json")


class Api(ServerTest):
    def test_requests_without_a_valid_token_get_401_with_the_envelope(self):
        for token in ("", "not-a-token"):
            status, body = self.server.api("GET", "/connect-service/v2.1/products",
                                           f"action=get&productKey={self.pk}", token=token)
            self.assertEqual(status, 401)
            self.assertNotEqual(body["code"], 0)
            self.assertIn("requestId", body)

    def test_import_the_console_export_and_get_it_back(self):
        with open(SEED_MODEL, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        status, body = self.server.api("POST", "/model-service/v2.1/thing-models", "action=import", raw_body=raw)
        self.assertEqual((status, body["code"]), (200, 0), body)
        self.assertEqual(body["data"]["modelId"], "SmartBattery0717")
        model = self.server.ok("GET", "/model-service/v2.1/thing-models", "action=get&modelId=SmartBattery0717")
        self.assertEqual(model["measurepoints"]["cycle_number"]["signalType"], "Generic")
        self.assertEqual(model["measurepoints"]["accumulating_power"]["signalType"], "PI")
        self.assertEqual(model["services"]["high_frequency_report_service"]["callType"], "ASYNC")
        # a second import of the same model is refused, not silently merged
        status, body = self.server.api("POST", "/model-service/v2.1/thing-models", "action=import", raw_body=raw)
        self.assertEqual(status, 409)

    def test_product_and_device_lifecycle(self):
        model_id = self.server.demo_info["modelId"]
        pk = self.server.create_product("lifecycle-product", model_id)
        product = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={pk}")
        self.assertEqual(len(product["productSecret"]), 16)
        dev = self.server.create_device(pk, name="lifecycle-device", device_key="lifecycle-1")
        self.assertEqual(dev["deviceKey"], "lifecycle-1")
        self.assertTrue(dev["deviceSecret"] and dev["assetId"])
        status, body = self.server.api("POST", "/connect-service/v2.1/devices", "action=create",
                                       {"productKey": pk, "deviceName": "dup", "deviceKey": "lifecycle-1"})
        self.assertEqual((status, body["code"]), (409, 11702))
        got = self.server.ok("GET", "/connect-service/v2.1/devices", f"action=get&assetId={dev['assetId']}")
        self.assertEqual((got["deviceKey"], got["status"]), ("lifecycle-1", "inactive"))
        status, body = self.server.api("POST", "/connect-service/v2.1/products", f"action=delete&productKey={pk}")
        self.assertEqual(status, 409)   # still has a device
        self.server.ok("POST", "/connect-service/v2.1/devices", f"action=delete&productKey={pk}&deviceKey=lifecycle-1")
        status, _ = self.server.api("GET", "/connect-service/v2.1/devices", f"action=get&productKey={pk}&deviceKey=lifecycle-1")
        self.assertEqual(status, 404)
        self.server.ok("POST", "/connect-service/v2.1/products", f"action=delete&productKey={pk}")

    def test_bad_bodies_get_400_with_a_message(self):
        status, body = self.server.api("POST", "/connect-service/v2.1/devices", "action=create", raw_body=b"{nope")
        self.assertEqual(status, 400)
        self.assertTrue(body["msg"])
        status, body = self.server.api("POST", "/connect-service/v2.1/products", "action=create",
                                       {"productName": "x", "modelId": "no-such-model", "productType": "Device"})
        self.assertEqual(body["code"], 11699)

    def test_cli_commands_call_the_api(self):
        admin = os.path.join(self.server.data_dir, "admin.json")
        url = f"http://127.0.0.1:{self.server.http_port}"

        def cli(*args):
            out = subprocess.run([GRIDHUB_BIN, *args, "--url", url, "--admin-file", admin],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            return json.loads(out.stdout)

        demo_model = os.path.join(os.environ.get("GRIDHUB_SOURCE_DIR", "../.."), "demo", "smart_battery_model.json")
        with open(demo_model, encoding="utf-8-sig") as f:
            model = json.load(f)
        model["thingModelId"] = "CliModel"
        path = os.path.join(self.server.data_dir, "cli_model.json")
        with open(path, "w") as f:
            json.dump(model, f)
        self.assertEqual(cli("model", "import", path)["data"]["modelId"], "CliModel")
        pk = cli("product", "create", "--name", "cli-product", "--model", "CliModel")["data"]["productKey"]
        dev = cli("device", "create", "--product-key", pk, "--name", "cli-device")["data"]
        got = cli("device", "get", "--product-key", pk, "--device-key", dev["deviceKey"])["data"]
        self.assertEqual(got["assetId"], dev["assetId"])


class Demo(ServerTest):
    def test_demo_files_are_private_and_complete(self):
        for name in ("admin.json", "demo.json"):
            mode = stat.S_IMODE(os.stat(os.path.join(self.server.data_dir, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        d = self.server.demo_info
        for key in ("orgId", "modelId", "productKey", "productSecret", "deviceKey", "deviceSecret", "assetId"):
            self.assertTrue(d[key], key)
        self.assertNotIn(self.server.admin["token"], self.server.read_log())
        self.assertNotIn(self.server.admin["token"], self.server.read_banner())
        banner = self.server.read_banner()   # what `make run` shows a newcomer
        for key in ("productKey", "deviceKey", "deviceSecret", "orgId"):
            self.assertIn(d[key], banner)
        self.assertIn(f"tcp://127.0.0.1:{self.server.mqtt_port}", banner)

    def test_demo_is_idempotent_across_restarts(self):
        before = dict(self.server.demo_info)
        token = self.server.admin["token"]
        self.assertEqual(self.server.stop(), 0)
        self.server.start()
        self.assertEqual(self.server.demo_info, before)
        self.assertEqual(self.server.admin["token"], token)
        devices = self.server.ok("POST", "/connect-service/v2.1/devices", "action=search",
                                 {"productKey": before["productKey"], "pagination": {"pageNo": 1, "pageSize": 50}})
        names = [d["deviceName"]["defaultValue"] if isinstance(d["deviceName"], dict) else d["deviceName"]
                 for d in devices]
        self.assertEqual(names.count("Smartbattery_Device"), 1)

    def test_demo_console_user_logs_in_with_the_shown_password(self):
        s = self.server
        user, password = s.demo_info["consoleUser"], s.demo_info["consolePassword"]
        self.assertEqual(user, "admin")
        self.assertGreaterEqual(len(password), 16)
        self.assertIn(f"user admin, password {password}", s.read_banner())
        self.assertNotIn(password, s.read_log())
        login = {"username": user, "password": password}
        status, answer = s.api("POST", "/iam-service/v2.1/sessions", "action=login", login, token="")
        self.assertEqual(status, 200, answer)
        status, answer = s.api("POST", "/iam-service/v2.1/sessions", "action=login",
                               {"username": user, "password": password + "x"}, token="")
        self.assertEqual(status, 401, answer)
        # A restart keeps the same user and password (no second user, nothing new to learn).
        self.assertEqual(s.stop(), 0)
        s.start()
        self.assertEqual(s.demo_info["consolePassword"], password)
        status, answer = s.api("POST", "/iam-service/v2.1/sessions", "action=login", login, token="")
        self.assertEqual(status, 200, answer)

    def test_demo_restarts_with_more_products_and_devices_than_one_page(self):
        # The demo finds its product and device by name, not in the first page of 200 (a crash-loop finding).
        s, before = self.server, dict(self.server.demo_info)
        for i in range(201):
            s.ok("POST", "/connect-service/v2.1/products", "action=create",
                 {"productName": {"defaultValue": f"other {i}"}, "modelId": before["modelId"],
                  "nodeType": "Device", "dataFormat": "Json"})
            s.ok("POST", "/connect-service/v2.1/devices", "action=create",
                 {"productKey": before["productKey"], "deviceName": {"defaultValue": f"d {i}"}})
        self.assertEqual(s.stop(), 0)
        s.start()
        self.assertEqual(s.demo_info, before)

    def test_mosquitto_pub_posts_a_measure_point(self):
        cid, user, pw = login_fields(self.pk, self.dk, self.secret)
        msg = json.dumps({"id": "1", "version": "1.0", "method": "thing.measurepoint.post",
                          "params": {"measurepoints": {"temp": 71.5}, "time": 777}})
        out = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.server.mqtt_port), "-V", "mqttv311",
                              "-i", cid, "-u", user, "-P", pw, "-q", "1",
                              "-t", f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", "-m", msg],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        deadline = time.time() + 5
        while time.time() < deadline:
            latest = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                                    f"action=queryLatest&productKey={self.pk}&deviceKey={self.dk}",
                                    {"measurepointIds": ["temp"]})
            if latest and latest[0]["time"] == 777:
                break
            time.sleep(0.05)
        self.assertEqual((latest[0]["value"], latest[0]["time"]), (71.5, 777))


if __name__ == "__main__":
    main()
