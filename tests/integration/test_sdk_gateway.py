"""The C++ device SDK's gateway and dynamic-activation paths against the real server (issues 5 and 6): the
gateway example puts sub-devices in its topology, logs them in, posts for them and answers their service calls;
smart_battery with a product secret is activated, reconnects with its new secret and posts."""
import os
import re
import subprocess
import time

from gridhub_harness import GRIDHUB_BIN, ServerTest, main

BUILD_DIR = os.path.dirname(os.path.abspath(GRIDHUB_BIN))
DEVICES = "/connect-service/v2.1/devices"
PRODUCTS = "/connect-service/v2.1/products"


class SdkGateway(ServerTest):
    server_args = ("--command-delay-ms", "100")

    def test_gateway_example_drives_its_sub_devices(self):
        s = self.server
        model = s.demo_info["modelId"]
        gpk = s.create_product("sdk gateway", model, productType="Gateway")
        spk = s.create_product("sdk sub", model)
        g = s.create_device(gpk, "sdk-gw")
        subs = [s.create_device(spk, f"sdk-sub-{i}") for i in range(2)]
        args = [os.path.join(BUILD_DIR, "gateway_example"), "--url", f"tcp://127.0.0.1:{s.mqtt_port}",
                "--product-key", gpk, "--device-key", g["deviceKey"], "--device-secret", g["deviceSecret"],
                "--count", "3", "--interval", "0.3"]
        for d in subs:
            args += ["--sub", f"{spk}:{d['deviceKey']}:{d['deviceSecret']}"]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # While it posts, call a service of the second sub-device: the gateway answers for it.
        deadline = time.time() + 10
        while time.time() < deadline:
            if s.ok("GET", DEVICES, f"action=get&productKey={spk}&deviceKey={subs[1]['deviceKey']}")["status"] == "online":
                break
            time.sleep(0.1)
        time.sleep(0.2)
        status, answer = s.invoke(spk, subs[1]["deviceKey"], "high_frequency_report_service", {"interval": 5})
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(answer["data"]["outputData"], {"result": 0, "deviceKey": subs[1]["deviceKey"]})
        self.assertIn("topo add: 200", out)
        for d in subs:
            key = f"{spk}/{d['deviceKey']}"
            self.assertIn(f"sub-device login {key}: 200", out)
            self.assertEqual(out.count(f"post {key}: 200"), 3, out)
            self.assertIn(f"sub-device logout {key}: 200", out)
            latest = {p["measurepointId"]: p["value"] for p in s.ok(
                "POST", "/connect-service/v2.1/measurepoints",
                f"action=queryLatest&productKey={spk}&deviceKey={d['deviceKey']}", {"measurepointIds": []})}
            self.assertEqual((latest["temp"], latest["cycle_number"]), (42.0, 2))
        self.assertIn(f"service high_frequency_report_service for {spk}/{subs[1]['deviceKey']}", out)

    def test_dynamic_activation_then_posts_with_the_new_secret(self):
        s = self.server
        pk = s.create_product("sdk dyn", s.demo_info["modelId"], dynamicActivateEnabled=True)
        psecret = s.ok("GET", PRODUCTS, f"action=get&productKey={pk}")["productSecret"]
        dk = s.create_device(pk, name="sdk-dyn")["deviceKey"]
        r = subprocess.run([os.path.join(BUILD_DIR, "smart_battery"), "--url", f"tcp://127.0.0.1:{s.mqtt_port}",
                            "--product-key", pk, "--device-key", dk, "--product-secret", psecret, "--count", "12",
                            "--interval", "0.25"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"device activated, device secret: (\S+)", r.stdout)
        self.assertTrue(m, r.stdout)
        device = s.ok("GET", DEVICES, f"action=get&productKey={pk}&deviceKey={dk}")
        self.assertEqual(device["deviceSecret"], m.group(1))
        self.assertGreaterEqual(r.stdout.count("connect success"), 2, r.stdout)   # mode 3, then mode 2
        self.assertIn("response code: 200", r.stdout)
        self.assertIsNotNone(device["activeTime"])


if __name__ == "__main__":
    main()
