"""Who may use the API, against the real server with urllib and hashlib only: the EnOS token flow and signed
calls (GET, POST with a body), the refusal codes (replay, stale, bad signature, missing header, revoked and
unknown tokens), read-only applications and viewers refused writes and secrets, OU isolation by guessed keys,
failed logins throttled while the server stays responsive, tokens surviving a restart, the admin CLI, and no
secret in the server's log."""
import hashlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from gridhub_harness import GRIDHUB_BIN, Server, ServerTest, main

TOKEN_GET = "/apim-token-service/v2.0/token/get"
TOKEN_REFRESH = "/apim-token-service/v2.0/token/refresh"
SESSIONS = "/iam-service/v2.1/sessions"
USERS = "/iam-service/v2.1/users"
APPS = "/iam-service/v2.1/apps"
ORGS = "/iam-service/v2.1/orgs"
PRODUCTS = "/connect-service/v2.1/products"
DEVICES = "/connect-service/v2.1/devices"


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def now_ms():
    return int(time.time() * 1000)


def http(server, method, path, pairs=(), body=None, headers=None):
    """(status, parsed JSON) of one request; `pairs` is the query as (name, value) in the order sent."""
    url = f"http://127.0.0.1:{server.http_port}{path}"
    if pairs:
        url += "?" + "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in pairs)
    data = body.encode() if isinstance(body, str) else body
    if method == "POST" and data is None:
        data = b""
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, json.loads(text) if text else None


class App:
    """An application as EnOS SDK users drive it: token from the token service, then signed calls."""

    def __init__(self, server, key, secret):
        self.server, self.key, self.secret = server, key, secret
        self.token = None
        self.last_ts = 0

    def token_request(self, path=TOKEN_GET, ts=None, encryption=None, **extra):
        # Two requests in one millisecond would carry the same encryption: a replay. Clients move on.
        if ts is None:
            ts = self.last_ts = max(now_ms(), self.last_ts + 1)
        body = {"appKey": self.key, "encryption": encryption or sha256(self.key + str(ts) + self.secret),
                "timestamp": ts}
        body.update(extra)
        return http(self.server, "POST", path, body=json.dumps(body))

    def get_token(self):
        status, answer = self.token_request()
        assert status == 200 and answer["status"] == 0, (status, answer)
        self.token = answer["data"]["accessToken"]
        return answer

    def signed_headers(self, pairs, body, token=None, ts=None):
        token = token or self.token
        ts = str(now_ms() if ts is None else ts)
        params = "".join(k + v for k, v in sorted(pairs, key=lambda kv: kv[0]))
        return {"apim-accesstoken": token, "apim-timestamp": ts,
                "apim-signature": sha256(token + params + body + ts + self.secret)}

    def call(self, method, path, pairs=(), body="", **kw):
        headers = self.signed_headers(pairs, body, **kw)
        return http(self.server, method, path, pairs, body if body or method == "POST" else None, headers), headers


class Access(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.model = s.demo_info["modelId"]
        cls.full = cls.make_app("collector", "full")
        cls.read = cls.make_app("dashboard", "read")
        cls.secrets = [cls.full.secret, cls.read.secret, cls.secret, s.admin["token"]]

    @classmethod
    def make_app(cls, name, access):
        data = cls.server.ok("POST", APPS, "action=create", {"name": name, "access": access})
        return App(cls.server, data["appKey"], data["appSecret"])

    def apim_code(self, answer):
        return answer.get("status") if isinstance(answer, dict) else None

    # --- the token flow and signed calls ---

    def test_token_flow_and_signed_get_and_post(self):
        answer = self.full.get_token()
        self.assertEqual(list(answer), ["status", "msg", "business", "data"])
        self.assertEqual((answer["status"], answer["msg"], answer["business"]), (0, "Success", "0"))
        self.assertEqual(set(answer["data"]), {"accessToken", "expire"})
        self.assertTrue(7190 <= answer["data"]["expire"] <= 7200)
        token = answer["data"]["accessToken"]
        self.secrets.append(token)
        # The same token while it is valid.
        time.sleep(0.01)
        self.assertEqual(self.full.get_token()["data"]["accessToken"], token)
        # A signed GET with several query parameters (sent unsorted, percent-encoded).
        (status, body), _ = self.full.call("GET", DEVICES, [("productKey", self.pk), ("action", "get"),
                                                            ("deviceKey", self.dk), ("orgId", self.server.admin["orgId"])])
        self.assertEqual((status, body["code"]), (200, 0), body)
        self.assertEqual(body["data"]["deviceSecret"], self.secret)  # full access
        # A signed POST with a body: create a device, search it back.
        create = json.dumps({"productKey": self.pk, "deviceName": "signed", "deviceKey": "signed:1"})
        (status, body), _ = self.full.call("POST", DEVICES, [("action", "create")], create)
        self.assertEqual((status, body["code"]), (200, 0), body)
        search = json.dumps({"expression": "deviceKey = 'signed:1'"})
        (status, body), _ = self.full.call("POST", DEVICES, [("action", "search")], search)
        self.assertEqual((status, body["pagination"]["totalSize"]), (200, 1), body)

    def test_signed_call_refusals(self):
        self.full.get_token()
        pairs, body = [("action", "search")], "{}"

        def refused(expected, headers, sent_body=body):
            status, answer = http(self.server, "POST", PRODUCTS, pairs, sent_body, headers)
            self.assertEqual((status, answer["code"], answer["status"]), (401, expected, expected), answer)
            for secret in (self.full.secret, self.full.token):
                self.assertNotIn(secret, json.dumps(answer))

        # replayed: the same signed call twice
        (status, _), headers = self.full.call("POST", PRODUCTS, pairs, body)
        self.assertEqual(status, 200)
        refused(1001, headers)
        # stale and future timestamps (more than 5 minutes away)
        refused(1004, self.full.signed_headers(pairs, body, ts=now_ms() - 5 * 60 * 1000 - 5000))
        refused(1004, self.full.signed_headers(pairs, body, ts=now_ms() + 5 * 60 * 1000 + 5000))
        # bad signature: another body than the one signed, or a wrong secret
        refused(1003, self.full.signed_headers(pairs, body), sent_body='{"x":1}')
        headers = self.full.signed_headers(pairs, body)
        headers["apim-signature"] = sha256(self.full.token + "actionsearch" + body + headers["apim-timestamp"] + "nope")
        refused(1003, headers)
        # missing header
        headers = self.full.signed_headers(pairs, body)
        del headers["apim-signature"]
        refused(1202, headers)
        # unknown token
        refused(1203, self.full.signed_headers(pairs, body, token="not-a-token"))

    def test_refresh_revokes_the_old_token_which_is_then_refused_as_expired(self):
        app = self.make_app("refresher", "full")
        old = app.get_token()["data"]["accessToken"]
        status, answer = app.token_request(TOKEN_REFRESH, accessToken=old)
        self.assertEqual((status, answer["status"]), (200, 0), answer)
        new = answer["data"]["accessToken"]
        self.assertNotEqual(new, old)
        (status, answer), _ = app.call("POST", PRODUCTS, [("action", "search")], "", token=old)
        self.assertEqual((status, answer["status"]), (401, 1203))
        (status, answer), _ = app.call("POST", PRODUCTS, [("action", "search")], "", token=new)
        self.assertEqual(status, 200)
        status, answer = app.token_request(TOKEN_REFRESH, accessToken=old)
        self.assertEqual(answer["status"], 1204)

    def test_token_service_refusals(self):
        app = self.read
        ts = now_ms()
        status, answer = app.token_request(ts=ts)
        self.assertEqual(answer["status"], 0)
        status, answer = app.token_request(ts=ts)  # the same encryption again
        self.assertEqual(answer["status"], 1001)
        status, answer = app.token_request(ts=now_ms() - 10 * 60 * 1000)
        self.assertEqual(answer["status"], 1004)
        status, answer = app.token_request(encryption=sha256("wrong"))
        self.assertEqual(answer["status"], 1003)
        status, answer = http(self.server, "POST", TOKEN_GET, body=json.dumps({"appKey": app.key}))
        self.assertEqual(answer["status"], 1202)
        status, answer = App(self.server, "nosuchappkey000000000000", "x").token_request()
        self.assertEqual(answer["status"], 1002)
        self.assertEqual(set(answer), {"status", "msg"})

    # --- roles and secrets ---

    def test_read_only_app_and_viewer_cannot_write_nor_see_secrets(self):
        self.read.get_token()
        (status, answer), _ = self.read.call("GET", DEVICES, [("action", "get"), ("productKey", self.pk),
                                                              ("deviceKey", self.dk)])
        self.assertEqual(status, 200, answer)
        self.assertNotIn("deviceSecret", answer["data"])
        (status, answer), _ = self.read.call("POST", DEVICES, [("action", "disable"), ("productKey", self.pk),
                                                               ("deviceKey", self.dk)], "")
        self.assertEqual((status, answer["code"]), (403, 99403))

        self.server.ok("POST", USERS, "action=create", {"username": "vera", "password": "viewer-pass-1", "role": "viewer"})
        self.secrets.append("viewer-pass-1")
        status, answer = http(self.server, "POST", SESSIONS, [("action", "login")],
                              json.dumps({"username": "vera", "password": "viewer-pass-1"}))
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        self.assertEqual(answer["data"]["user"]["role"], "viewer")
        session = answer["data"]["sessionToken"]
        self.secrets.append(session)
        status, answer = self.server.api("GET", PRODUCTS, f"action=get&productKey={self.pk}", token=session)
        self.assertEqual(status, 200)
        self.assertNotIn("productSecret", answer["data"])
        status, answer = self.server.api("POST", DEVICES, "action=create", {"productKey": self.pk, "deviceName": "x"},
                                         token=session)
        self.assertEqual((status, answer["code"]), (403, 99403))
        status, answer = self.server.api("POST", USERS, "action=create",
                                         {"username": "mallory", "password": "password-9"}, token=session)
        self.assertEqual(status, 403)
        status, _ = self.server.api("POST", SESSIONS, "action=logout", token=session)
        self.assertEqual(status, 200)
        status, _ = self.server.api("GET", SESSIONS, "action=get", token=session)
        self.assertEqual(status, 401)

    # --- OU isolation ---

    def test_another_ou_sees_nothing_of_this_one_even_by_guessing_keys(self):
        status, answer = self.server.api("POST", ORGS, "action=create", {"name": "OU B"})
        self.assertEqual((status, answer["code"]), (200, 0), answer)
        org_b, token_b = answer["data"]["orgId"], answer["data"]["adminToken"]
        self.secrets.append(token_b)
        org_a = self.server.admin["orgId"]
        asset = self.server.demo_info["assetId"]
        guesses = [("GET", PRODUCTS, f"action=get&productKey={self.pk}"),
                   ("GET", DEVICES, f"action=get&productKey={self.pk}&deviceKey={self.dk}"),
                   ("GET", DEVICES, f"action=get&assetId={asset}"),
                   ("GET", "/model-service/v2.1/thing-models", f"action=get&modelId={self.model}"),
                   ("POST", "/connect-service/v2.1/measurepoints", f"action=queryLatest&assetId={asset}"),
                   ("POST", DEVICES, f"action=disable&productKey={self.pk}&deviceKey={self.dk}")]
        for method, path, query in guesses:
            status, answer = self.server.api(method, path, query, token=token_b)
            self.assertEqual(status, 404, (path, query, answer))
            self.assertIsNone(answer.get("data"))
            status, _ = self.server.api(method, path, query + f"&orgId={org_a}", token=token_b)
            self.assertEqual(status, 403, (path, query))
        status, answer = self.server.api("POST", DEVICES, "action=search", {}, token=token_b)
        self.assertEqual(answer["pagination"]["totalSize"], 0)
        status, answer = self.server.api("POST", "/tsdb-service/v2.1/latest", "",
                                         {"assetIds": asset, "pointIds": "voltage"}, token=token_b)
        self.assertEqual(answer["code"], 80401, answer)
        # B's application is confined the same way.
        status, answer = self.server.api("POST", APPS, "action=create", {"name": "b-app", "access": "full"}, token=token_b)
        app_b = App(self.server, answer["data"]["appKey"], answer["data"]["appSecret"])
        self.secrets.append(app_b.secret)
        app_b.get_token()
        (status, answer), _ = app_b.call("GET", DEVICES, [("action", "get"), ("assetId", asset)])
        self.assertEqual(status, 404, answer)
        (status, answer), _ = app_b.call("GET", "/iam-service/v2.1/orgs", [("action", "get")])
        self.assertEqual(answer["data"]["orgId"], org_b)
        # ...and A's device is untouched.
        got = self.server.ok("GET", DEVICES, f"action=get&assetId={asset}")
        self.assertNotEqual(got["status"], "disable")

    # --- the admin CLI ---

    def test_cli_manages_users_apps_and_ous(self):
        url = f"http://127.0.0.1:{self.server.http_port}"
        admin = os.path.join(self.server.data_dir, "admin.json")

        def cli(*args, stdin=None):
            out = subprocess.run([GRIDHUB_BIN, *args, "--url", url, "--admin-file", admin], input=stdin,
                                 capture_output=True, text=True, timeout=30)
            return out.returncode, (json.loads(out.stdout) if out.stdout.strip() else None), out.stderr

        rc, answer, err = cli("user", "create", "--username", "cli-user", "--role", "admin", stdin="cli-pass-123\n")
        self.assertEqual(rc, 0, err)
        self.secrets.append("cli-pass-123")
        rc, answer, _ = cli("user", "list")
        self.assertIn("cli-user", [u["username"] for u in answer["data"]])
        self.assertNotIn("cli-pass-123", json.dumps(answer))
        status, login = http(self.server, "POST", SESSIONS, [("action", "login")],
                             json.dumps({"username": "cli-user", "password": "cli-pass-123"}))
        self.assertEqual(status, 200)
        self.secrets.append(login["data"]["sessionToken"])
        rc, _, _ = cli("user", "delete", "cli-user")
        self.assertEqual(rc, 0)
        rc, answer, _ = cli("app", "create", "--name", "cli-app", "--access", "read")
        self.assertEqual(rc, 0)
        key, secret = answer["data"]["appKey"], answer["data"]["appSecret"]
        self.secrets.append(secret)
        rc, answer, _ = cli("app", "list")
        self.assertIn(key, [a["appKey"] for a in answer["data"]])
        self.assertNotIn(secret, json.dumps(answer))
        rc, _, _ = cli("app", "delete", key)
        self.assertEqual(rc, 0)
        status, answer = App(self.server, key, secret).token_request()
        self.assertEqual(answer["status"], 1002)
        rc, answer, _ = cli("org", "create", "--name", "CLI OU")
        self.assertEqual(rc, 0, answer)
        self.assertTrue(answer["data"]["orgId"].startswith("o"))
        self.secrets.append(answer["data"]["adminToken"])

    # --- last (alphabetically): nothing secret was ever logged ---

    def test_zz_no_secret_in_the_log(self):
        log = self.server.read_log()
        self.assertIn("HTTP listening", log)
        for secret in self.secrets:
            self.assertNotIn(secret, log)


class BruteForce(ServerTest):
    """Its own server: the throttle it triggers must not spill into the other tests."""

    def test_twenty_wrong_passwords_get_429_and_the_server_stays_responsive(self):
        self.server.ok("POST", USERS, "action=create", {"username": "target", "password": "right-pass-1"})
        statuses, slowest = [], 0.0
        for i in range(20):
            t = time.time()
            status, answer = http(self.server, "POST", SESSIONS, [("action", "login")],
                                  json.dumps({"username": "target", "password": f"wrong-pass-{i}"}))
            slowest = max(slowest, time.time() - t)
            statuses.append(status)
            if status == 429:
                self.assertEqual(answer["code"], 99429)
            # Meanwhile everything else answers at once.
            t = time.time()
            self.assertEqual(self.server.api("POST", PRODUCTS, "action=search")[0], 200)
            self.assertLess(time.time() - t, 1.0)
        self.assertEqual(statuses[:5], [401] * 5)
        self.assertGreaterEqual(statuses.count(429), 10, statuses)
        self.assertLess(slowest, 5.0)
        # Even the right password is refused while a block lasts (the last attempt met one: it is still running).
        if statuses[-1] == 429:
            status, _ = http(self.server, "POST", SESSIONS, [("action", "login")],
                             json.dumps({"username": "target", "password": "right-pass-1"}))
            self.assertEqual(status, 429)
        log = self.server.read_log()
        self.assertIn("blocked", log)
        for i in range(20):
            self.assertNotIn(f"wrong-pass-{i}", log)
        self.assertNotIn("right-pass-1", log)


class Restart(ServerTest):
    def test_an_access_token_survives_a_restart(self):
        data = self.server.ok("POST", APPS, "action=create", {"name": "survivor", "access": "read"})
        app = App(self.server, data["appKey"], data["appSecret"])
        app.get_token()
        data_dir = self.server.data_dir
        self.assertEqual(self.server.stop(), 0)
        restarted = Server(data_dir=data_dir).start()
        try:
            app.server = restarted
            (status, answer), _ = app.call("POST", PRODUCTS, [("action", "search")], "")
            self.assertEqual((status, answer["code"]), (200, 0), answer)
        finally:
            type(self).server = restarted  # tearDownClass stops this one


if __name__ == "__main__":
    main()
