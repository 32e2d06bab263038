"""The web console served by the real gridhub (docs/console.md): the built-in files with their types, security
headers, gzip, ETag/304, HEAD and refusals; --console-dir read per request; the environment information; and
model drafts (update?draft=true, publish, discardDraft) as devices see them."""
import gzip
import http.client
import json
import os
import shutil
import tempfile
import unittest

from gridhub_harness import Server, ServerTest, main

MODELS = "/model-service/v2.1/thing-models"
ENVIRONMENT = "/system/v2.1/environment"

FILES = {
    "/": "text/html; charset=utf-8",
    "/index.html": "text/html; charset=utf-8",
    "/assets/app.js": "text/javascript",
    "/assets/app.css": "text/css",
    "/favicon.svg": "image/svg+xml",
}
SECURITY = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def fetch(server, method, path, headers=None, body=None):
    """(status, headers as a dict with lower-case names, body bytes), over one fresh connection, no credential."""
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


class ConsoleServingTest(ServerTest):
    def assert_security_headers(self, headers):
        for name, value in SECURITY.items():
            self.assertEqual(headers.get(name.lower()), value, name)

    def test_five_paths_answer_with_type_and_security_headers_without_credentials(self):
        for path, ctype in FILES.items():
            status, headers, body = fetch(self.server, "GET", path)
            self.assertEqual(status, 200, path)
            self.assertEqual(headers["content-type"], ctype, path)
            self.assertEqual(headers["cache-control"], "no-cache")
            self.assertEqual(headers["vary"], "Accept-Encoding")
            self.assertRegex(headers["etag"], r'^"[0-9a-f]{32}"$')
            self.assertNotIn("content-encoding", headers)
            self.assertEqual(int(headers["content-length"]), len(body))
            self.assertGreater(len(body), 0, path)
            self.assert_security_headers(headers)
        _, _, index = fetch(self.server, "GET", "/")
        self.assertIn(b'<div id="app">', index)
        self.assertEqual(fetch(self.server, "GET", "/index.html")[2], index)
        # Query strings do not change what is served.
        self.assertEqual(fetch(self.server, "GET", "/?lang=zh")[2], index)

    def test_gzip_when_asked_is_the_same_bytes(self):
        for path in FILES:
            _, plain_headers, plain = fetch(self.server, "GET", path)
            status, headers, body = fetch(self.server, "GET", path, {"Accept-Encoding": "gzip, deflate, br"})
            self.assertEqual(status, 200)
            self.assertEqual(headers["content-encoding"], "gzip", path)
            self.assertEqual(headers["vary"], "Accept-Encoding")
            self.assertEqual(headers["etag"], plain_headers["etag"])
            self.assertEqual(gzip.decompress(body), plain, path)
            self.assert_security_headers(headers)
        # q=0 refuses gzip.
        status, headers, body = fetch(self.server, "GET", "/assets/app.js", {"Accept-Encoding": "gzip;q=0, identity"})
        self.assertNotIn("content-encoding", headers)
        self.assertEqual(body, fetch(self.server, "GET", "/assets/app.js")[2])

    def test_if_none_match_gives_304(self):
        _, headers, _ = fetch(self.server, "GET", "/assets/app.js")
        tag = headers["etag"]
        status, h304, body = fetch(self.server, "GET", "/assets/app.js", {"If-None-Match": tag})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")
        self.assertEqual(h304["etag"], tag)
        self.assert_security_headers(h304)
        self.assertEqual(fetch(self.server, "GET", "/assets/app.js", {"If-None-Match": f'"x", W/{tag}'})[0], 304)
        self.assertEqual(fetch(self.server, "GET", "/assets/app.js", {"If-None-Match": '"x"'})[0], 200)
        # A tag of another file does not match.
        self.assertEqual(fetch(self.server, "GET", "/index.html", {"If-None-Match": tag})[0], 200)

    def test_head_has_headers_and_no_body(self):
        _, get_headers, get_body = fetch(self.server, "GET", "/assets/app.css")
        status, headers, body = fetch(self.server, "HEAD", "/assets/app.css")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(int(headers["content-length"]), len(get_body))
        self.assertEqual(headers["etag"], get_headers["etag"])
        self.assertEqual(headers["content-type"], "text/css")
        self.assert_security_headers(headers)

    def test_keep_alive_serves_several_files_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.http_port, timeout=10)
        try:
            for method, path in [("GET", "/"), ("HEAD", "/favicon.svg"), ("GET", "/assets/app.js"), ("GET", "/healthz")]:
                conn.request(method, path)
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 200, path)
        finally:
            conn.close()

    def test_other_methods_are_405_json_with_allow(self):
        for method in ("POST", "PUT", "DELETE"):
            status, headers, body = fetch(self.server, method, "/", body=b"")
            self.assertEqual(status, 405, method)
            self.assertEqual(headers["allow"], "GET, HEAD")
            self.assertEqual(headers["content-type"], "application/json")
            self.assertEqual(json.loads(body)["code"], 99405)
            self.assert_security_headers(headers)

    def test_unknown_asset_is_404_json(self):
        for path in ("/assets/nope.js", "/assets/app.js.gz", "/assets/app-style.css", "/assets/../index.html"):
            status, headers, body = fetch(self.server, "GET", path)
            self.assertEqual(status, 404, path)
            self.assertEqual(headers["content-type"], "application/json")
            self.assertEqual(json.loads(body)["code"], 99404)
            self.assert_security_headers(headers)

    def test_api_still_needs_credentials(self):
        status, _, _ = fetch(self.server, "GET", "/connect-service/v2.1/devices?action=get")
        self.assertEqual(status, 401)
        status, _, _ = fetch(self.server, "GET", ENVIRONMENT + "?action=get")
        self.assertEqual(status, 401)
        # The live stream's path stays the WebSocket's, not the console's.
        status, _, _ = fetch(self.server, "GET", "/console/v1/live")
        self.assertEqual(status, 400)

    # --- environment information ---------------------------------------------------------------------------
    def environment(self, host=None):
        headers = {"Authorization": "Bearer " + self.server.admin["token"]}
        conn = http.client.HTTPConnection("127.0.0.1", self.server.http_port, timeout=10)
        try:
            # skip_host: the Host header is ours to send (or to leave out).
            conn.putrequest("GET", ENVIRONMENT + "?action=get", skip_host=True)
            if host is not None:
                conn.putheader("Host", host)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            r = conn.getresponse()
            answer = json.loads(r.read())
            self.assertEqual(r.status, 200, answer)
            return answer["data"]
        finally:
            conn.close()

    def test_environment_uses_the_host_the_browser_asked_for(self):
        s = self.server
        env = self.environment(f"10.0.0.5:{s.http_port}")
        self.assertEqual(env["orgId"], s.admin["orgId"])
        self.assertEqual(env["mqtt"], {"host": "10.0.0.5", "port": s.mqtt_port, "url": f"tcp://10.0.0.5:{s.mqtt_port}"})
        self.assertEqual(env["mqttTls"], {"enabled": True, "host": "10.0.0.5", "port": s.tls_port,
                                          "url": f"ssl://10.0.0.5:{s.tls_port}"})
        self.assertEqual(env["api"], {"url": f"http://10.0.0.5:{s.http_port}"})
        self.assertEqual(env["live"], {"url": f"ws://10.0.0.5:{s.http_port}/console/v1/live"})
        self.assertEqual(self.environment("gridhub.example.com")["mqtt"]["url"],
                         f"tcp://gridhub.example.com:{s.mqtt_port}")
        self.assertEqual(self.environment("[::1]:80")["mqtt"]["url"], f"tcp://[::1]:{s.mqtt_port}")

    def test_environment_refuses_a_hostile_host_header(self):
        for hostile in ("evil.com/<script>", 'a"b', "evil.com@x", "a b:80", "[::1", ""):
            env = self.environment(hostile)
            self.assertEqual(env["mqtt"]["host"], "127.0.0.1", hostile)   # the listen address (--bind 127.0.0.1)
        self.assertEqual(self.environment(None)["mqtt"]["host"], "127.0.0.1")

    # --- model drafts ----------------------------------------------------------------------------------------
    def test_draft_publish_and_discard(self):
        s = self.server
        demo_model = s.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")["modelId"]
        s.ok("POST", MODELS, f"action=clone&sourceModelId={demo_model}&modelId=Draft_Model")
        pk = s.create_product("draft product", "Draft_Model")
        dev_info = s.create_device(pk, "draft-dev")
        dev = self.device(pk, dev_info["deviceKey"], dev_info["deviceSecret"])
        self.assertEqual(dev.connect(), 0)

        published = s.ok("GET", MODELS, "action=get&modelId=Draft_Model")
        self.assertFalse(published["hasDraft"])
        # Publishing with no draft is refused.
        status, answer = s.api("POST", MODELS, "action=publish&modelId=Draft_Model")
        self.assertEqual((status, answer["code"]), (400, 99400), answer)
        self.assertIn("model Draft_Model has no draft", answer["msg"])

        # A draft with a new measure point.
        draft = dict(published)
        point = dict(published["measurepoints"]["temp"])   # the API format: measure points by identifier
        point["identifier"] = "draft_point"
        point["name"] = {"defaultValue": "draft point", "i18nValue": {}}
        draft["measurepoints"] = dict(published["measurepoints"], draft_point=point)
        s.ok("POST", MODELS, "action=update&modelId=Draft_Model&draft=true", draft)
        got = s.ok("GET", MODELS, "action=get&modelId=Draft_Model")
        self.assertTrue(got["hasDraft"])
        self.assertNotIn("draft_point", got["measurepoints"])
        got_draft = s.ok("GET", MODELS, "action=get&modelId=Draft_Model&draft=true")
        self.assertTrue(got_draft["hasDraft"])
        self.assertIn("draft_point", got_draft["measurepoints"])
        rows = s.ok("POST", MODELS, "action=search", {"modelIdLike": "Draft_Model"})
        self.assertEqual([(r["modelId"], r["hasDraft"]) for r in rows], [("Draft_Model", True)])

        # Devices are still validated against the published model.
        _, reply = dev.post_measurepoints({"draft_point": 50.0})
        self.assertEqual(reply["code"], 1204, reply)
        self.assertIn("draft_point", reply["message"])

        s.ok("POST", MODELS, "action=publish&modelId=Draft_Model")
        got = s.ok("GET", MODELS, "action=get&modelId=Draft_Model")
        self.assertFalse(got["hasDraft"])
        self.assertIn("draft_point", got["measurepoints"])
        self.assertGreater(got["updateTime"], published["updateTime"])
        _, reply = dev.post_measurepoints({"draft_point": 50.0})
        self.assertEqual(reply["code"], 200, reply)
        status, answer = s.api("POST", MODELS, "action=publish&modelId=Draft_Model")
        self.assertEqual(status, 400, answer)   # the draft was consumed

        # discardDraft drops a draft; the published model stays.
        smaller = dict(got)
        smaller["measurepoints"] = {k: v for k, v in got["measurepoints"].items() if k != "draft_point"}
        s.ok("POST", MODELS, "action=update&modelId=Draft_Model&draft=true", smaller)
        self.assertTrue(s.ok("GET", MODELS, "action=get&modelId=Draft_Model")["hasDraft"])
        s.ok("POST", MODELS, "action=discardDraft&modelId=Draft_Model")
        got = s.ok("GET", MODELS, "action=get&modelId=Draft_Model&draft=true")
        self.assertFalse(got["hasDraft"])   # no draft: the published model, said so
        self.assertIn("draft_point", got["measurepoints"])
        _, reply = dev.post_measurepoints({"draft_point": 51.0})
        self.assertEqual(reply["code"], 200, reply)

    def test_import_into_a_models_draft(self):
        # The lab's step 1: create Smartbattery_Model by hand, import the file's features into it, publish.
        s = self.server
        path = os.path.join(os.path.dirname(__file__), "..", "..", "demo", "smart_battery_model.json")
        with open(path, encoding="utf-8-sig") as f:
            lab_file = json.load(f)
        lab_file["thingModelId"] = "SmartBattery0717"  # the file's own ID is ignored
        s.ok("POST", MODELS, "action=create", {"modelId": "Lab_Model", "name": {"defaultValue": "Lab model"},
                                               "desc": "Model for smart battery"})
        s.ok("POST", MODELS, "action=import&modelId=Lab_Model&draft=true", lab_file)
        published = s.ok("GET", MODELS, "action=get&modelId=Lab_Model")
        self.assertTrue(published["hasDraft"])
        self.assertEqual(published["measurepoints"], {})
        draft = s.ok("GET", MODELS, "action=get&modelId=Lab_Model&draft=true")
        self.assertEqual(set(draft["measurepoints"]), set(lab_file["thingMeasurepointMap"]))
        self.assertIn("high_frequency_report_service", draft["services"])
        self.assertEqual((draft["modelId"], draft["name"]["defaultValue"], draft["desc"]),
                         ("Lab_Model", "Lab model", "Model for smart battery"))
        status, answer = s.api("GET", MODELS, "action=get&modelId=SmartBattery0717")
        self.assertEqual(status, 404, answer)
        s.ok("POST", MODELS, "action=publish&modelId=Lab_Model")
        self.assertIn("voltage", s.ok("GET", MODELS, "action=get&modelId=Lab_Model")["measurepoints"])
        # Refusals leave the model as it was: no such model, no modelId, a broken file.
        status, answer = s.api("POST", MODELS, "action=import&modelId=No_Such_Model&draft=true", lab_file)
        self.assertEqual(status, 404, answer)
        status, answer = s.api("POST", MODELS, "action=import&draft=true", lab_file)
        self.assertEqual((status, answer["code"]), (400, 99400), answer)
        broken = dict(lab_file, thingMeasurepointMap={"bad": {"identifier": "bad", "dataType": "NOPE"}})
        status, answer = s.api("POST", MODELS, "action=import&modelId=Lab_Model&draft=true", broken)
        self.assertEqual(status, 400, answer)
        self.assertFalse(s.ok("GET", MODELS, "action=get&modelId=Lab_Model")["hasDraft"])

    def test_invalid_draft_is_refused_like_update(self):
        s = self.server
        demo_model = s.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")["modelId"]
        published = s.ok("GET", MODELS, f"action=get&modelId={demo_model}")
        bad = dict(published)
        bad["measurepoints"] = dict(published["measurepoints"], bad={"identifier": "bad", "dataType": "NOPE"})
        status, answer = s.api("POST", MODELS, f"action=update&modelId={demo_model}&draft=true", bad)
        self.assertEqual(status, 400, answer)
        self.assertFalse(s.ok("GET", MODELS, f"action=get&modelId={demo_model}")["hasDraft"])
        status, answer = s.api("POST", MODELS, f"action=update&modelId={demo_model}&draft=maybe", published)
        self.assertEqual((status, answer["code"]), (400, 99400), answer)
        toggled = dict(published)
        toggled["validationEnabled"] = not published["validationEnabled"]
        status, answer = s.api("POST", MODELS, f"action=update&modelId={demo_model}&draft=true", toggled)
        self.assertEqual(status, 400, answer)
        self.assertIn("validationEnabled", answer["msg"])
        status, answer = s.api("POST", MODELS, "action=publish&modelId=No_Such_Model")
        self.assertEqual(status, 404, answer)

    def test_viewer_cannot_publish_or_discard(self):
        s = self.server
        s.ok("POST", "/iam-service/v2.1/users", "action=create",
             {"username": "vic", "password": "viewer-pass-1", "role": "viewer"})
        status, answer = s.api("POST", "/iam-service/v2.1/sessions", "action=login",
                               {"username": "vic", "password": "viewer-pass-1"}, token="")
        self.assertEqual(status, 200, answer)
        session = answer["data"]["sessionToken"]
        demo_model = s.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")["modelId"]
        for action in ("publish", "discardDraft"):
            status, answer = s.api("POST", MODELS, f"action={action}&modelId={demo_model}", token=session)
            self.assertEqual((status, answer["code"]), (403, 99403), (action, answer))
        status, answer = s.api("POST", MODELS, f"action=update&modelId={demo_model}&draft=true",
                               {"validationEnabled": True}, token=session)
        self.assertEqual(status, 403, answer)
        # Reading (environment, the draft view) is allowed.
        status, answer = s.api("GET", ENVIRONMENT, "action=get", token=session)
        self.assertEqual(status, 200, answer)
        status, answer = s.api("GET", MODELS, f"action=get&modelId={demo_model}&draft=true", token=session)
        self.assertEqual(status, 200, answer)


class PublicHostTest(unittest.TestCase):
    """http.public_host (here --public-host) wins over the Host header."""

    def test_public_host_wins(self):
        server = Server(extra_args=["--public-host", "iot.example.org"]).start()
        try:
            status, answer = server.api("GET", ENVIRONMENT, "action=get", headers={"Host": "10.0.0.5"})
            self.assertEqual(status, 200, answer)
            env = answer["data"]
            self.assertEqual(env["mqtt"]["url"], f"tcp://iot.example.org:{server.mqtt_port}")
            self.assertEqual(env["api"]["url"], f"http://iot.example.org:{server.http_port}")
            self.assertEqual(env["live"]["url"], f"ws://iot.example.org:{server.http_port}/console/v1/live")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_https_gives_https_and_wss_urls_and_serves_the_console(self):
        server = Server(extra_args=["--https"]).start()
        try:
            status, answer = server.api("GET", ENVIRONMENT, "action=get")
            self.assertEqual(status, 200, answer)
            env = answer["data"]
            self.assertEqual(env["api"]["url"], f"https://127.0.0.1:{server.http_port}")
            self.assertEqual(env["live"]["url"], f"wss://127.0.0.1:{server.http_port}/console/v1/live")
            conn = http.client.HTTPSConnection("127.0.0.1", server.http_port, timeout=10, context=server.ssl_context)
            try:
                conn.request("GET", "/")
                r = conn.getresponse()
                self.assertEqual(r.status, 200)
                self.assertIn(b'<div id="app">', r.read())
                self.assertEqual(r.getheader("X-Frame-Options"), "DENY")
            finally:
                conn.close()
        finally:
            self.assertEqual(server.stop(), 0)

    def test_bad_public_host_is_refused_at_start(self):
        server = Server(extra_args=["--public-host", "http://x/"])
        with self.assertRaises(RuntimeError) as caught:
            server.start()
        server.log.close()
        server.out.close()
        self.assertIn("public_host", str(caught.exception))


class ConsoleDirTest(unittest.TestCase):
    """--console-dir serves the files of a directory, read per request: a rebuilt file shows without restart."""

    def test_changed_file_is_served_without_restart(self):
        d = tempfile.mkdtemp(prefix="gridhub-console-dir-")
        self.addCleanup(shutil.rmtree, d, True)
        os.makedirs(os.path.join(d, "assets"))
        files = {"index.html": b'<div id="app">one</div>', "assets/app.js": b"console.log(1)",
                 "assets/app.css": b"body{}", "favicon.svg": b"<svg/>"}
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        server = Server(extra_args=["--console-dir", d + "/"]).start()
        try:
            for path, ctype in FILES.items():
                status, headers, body = fetch(server, "GET", path, {"Accept-Encoding": "gzip"})
                self.assertEqual(status, 200, path)
                self.assertEqual(headers["content-type"], ctype)
                self.assertNotIn("content-encoding", headers)   # dev files are served as they are
                self.assertEqual(body, files["index.html" if path == "/" else path[1:]])
                self.assertEqual(headers["x-frame-options"], "DENY")
            _, headers, _ = fetch(server, "GET", "/")
            with open(os.path.join(d, "index.html"), "wb") as f:
                f.write(b'<div id="app">two</div>')
            status, headers2, body = fetch(server, "GET", "/", {"If-None-Match": headers["etag"]})
            self.assertEqual((status, body), (200, b'<div id="app">two</div>'))
            self.assertNotEqual(headers2["etag"], headers["etag"])
            os.remove(os.path.join(d, "favicon.svg"))
            status, _, body = fetch(server, "GET", "/favicon.svg")
            self.assertEqual(status, 404)
            self.assertIn("does not exist", json.loads(body)["msg"])
        finally:
            self.assertEqual(server.stop(), 0)

    def test_config_file_keys(self):
        d = tempfile.mkdtemp(prefix="gridhub-console-cfg-")
        self.addCleanup(shutil.rmtree, d, True)
        with open(os.path.join(d, "index.html"), "wb") as f:
            f.write(b'<div id="app">from config</div>')
        config = os.path.join(d, "gridhub.toml")
        with open(config, "w") as f:
            f.write(f'[http]\nconsole_dir = "{d}"\npublic_host = "cfg.example.net"\n')
        server = Server(extra_args=["--config", config]).start()
        try:
            self.assertEqual(fetch(server, "GET", "/")[2], b'<div id="app">from config</div>')
            env = server.ok("GET", ENVIRONMENT, "action=get")
            self.assertEqual(env["mqtt"]["host"], "cfg.example.net")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_directory_without_index_is_refused_at_start(self):
        d = tempfile.mkdtemp(prefix="gridhub-console-empty-")
        self.addCleanup(shutil.rmtree, d, True)
        server = Server(extra_args=["--console-dir", d])
        with self.assertRaises(RuntimeError) as caught:
            server.start()
        server.log.close()
        server.out.close()
        self.assertIn("no index.html", str(caught.exception))


if __name__ == "__main__":
    main()
