"""TLS (spec enos-device-protocol.md §1.6, issue 5 "TLS"): the MQTT/TLS listener with the local CA `gridhub serve`
creates, TLS 1.2 and 1.3 (1.1 refused), client certificates for biDirectionalAuth products (issued via the API,
revoked, expired, another device's, another OU's, self-signed), HTTPS, and clients on the wrong port.
Python `ssl` + python3-paho-mqtt and mosquitto_pub are the clients; keys, CSRs and the certificates the API would
never issue (expired, foreign, self-signed) are made with python3-cryptography."""
import datetime
import json
import os
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest

import paho.mqtt.client as mqtt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gridhub_harness import Device, Server, login_fields, main

POINTS = {"temp": 51.5, "voltage": 3.9, "current": 40.0, "cycle_number": 7}


# --- keys and certificates ------------------------------------------------------------------------------------
def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def csr_pem(key, cn="device"):
    csr = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def make_cert(key, issuer_key, issuer_name, subject_cn, not_before, not_after, ca=False):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def utc(days_from_now):
    return datetime.datetime.utcnow() + datetime.timedelta(days=days_from_now)


class Files:
    """A temporary directory for the PEM files the clients read."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="gridhub-tls-")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o600)
        return path


# --- clients --------------------------------------------------------------------------------------------------
class TlsDevice(Device):
    """A paho device on the TLS port. `context`: an ssl.SSLContext (CA, client certificate, protocol range)."""

    def __init__(self, server, pk, dk, secret, context, port=None, **kw):
        super().__init__(server, pk, dk, secret, **kw)
        self.client.tls_set_context(context)
        self.client.tls_insecure_set(True)   # like the EnOS SDKs: the chain is checked, the host name is not
        self.port = port or server.tls_port

    def connect(self, timeout=10):
        self.client.connect("127.0.0.1", self.port, self.keepalive)
        self.client.loop_start()
        with self.cond:
            self.cond.wait_for(lambda: self.connack is not None or self.disconnected.is_set(), timeout)
        if self.connack != 0:
            self.client.loop_stop()
        return self.connack


def client_context(cafile, certfile=None, keyfile=None, min_version=None, max_version=None):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    ctx.check_hostname = False
    if certfile:
        ctx.load_cert_chain(certfile, keyfile)
    if min_version:
        ctx.minimum_version = min_version
    if max_version:
        ctx.maximum_version = max_version
    return ctx


def start_server(extra_config="", **kw):
    """A server whose MQTT/TLS listener takes a free port (config key mqtt.tls_port = 0)."""
    data_dir = tempfile.mkdtemp(prefix="gridhub-test-")
    config = os.path.join(data_dir, "gridhub.toml")
    with open(config, "w") as f:
        f.write("[mqtt]\ntls_port = 0\n" + extra_config)
    return Server(data_dir=data_dir, extra_args=["--config", config], **kw).start()


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Many refusals of the same device on purpose: the failed-login throttle must not answer them first.
        cls.server = start_server("login_failures_per_device = 1000\nlogin_failures_per_address = 1000\n")
        d = cls.server.demo_info
        cls.pk, cls.dk, cls.secret = d["productKey"], d["deviceKey"], d["deviceSecret"]
        cls.ca = cls.server.tls_ca_file()
        cls.files = Files()
        # A product whose devices must present a certificate, and two of its devices.
        product = cls.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={cls.pk}")
        cls.bidi_pk = cls.server.create_product("tls-only", product["modelId"], biDirectionalAuth=True)
        cls.dev_a = cls.server.create_device(cls.bidi_pk, "a", device_key="tls_dev_a")
        cls.dev_b = cls.server.create_device(cls.bidi_pk, "b", device_key="tls_dev_b")

    @classmethod
    def tearDownClass(cls):
        log = cls.server.read_log()
        rc = cls.server.stop()
        assert rc == 0, f"gridhub exit code {rc}\n{log}"

    # --- helpers ----------------------------------------------------------------------------------------------
    def tls_device(self, pk, dk, secret, context, **kw):
        dev = TlsDevice(self.server, pk, dk, secret, context, **kw)
        self.addCleanup(dev.close)
        return dev

    def stats(self):
        return self.server.ok("GET", "/system/v2.1/stats", "action=get")["hub"]

    def latest(self, pk, dk):
        data = self.server.ok("POST", "/connect-service/v2.1/measurepoints",
                              f"action=queryLatest&productKey={pk}&deviceKey={dk}",
                              {"measurepointIds": list(POINTS)})
        return {p["measurepointId"]: p["value"] for p in data}

    def issue(self, dk, key=None, days=None):
        """Applies for a certificate of bidi device `dk` through the API; returns (cert file, key file, certSN)."""
        key = key or new_key()
        body = {"csr": csr_pem(key)}
        if days:
            body["validDay"] = days
        data = self.server.ok("POST", "/connect-service/v2.1/certificates",
                              f"action=apply&productKey={self.bidi_pk}&deviceKey={dk}", body)
        n = len(os.listdir(self.files.dir))
        return (self.files.write(f"cert{n}.pem", data["cert"]), self.files.write(f"key{n}.pem", key_pem(key)),
                data["certSN"])

    def bidi_login(self, dev_info, certfile=None, keyfile=None):
        ctx = client_context(self.ca, certfile, keyfile)
        dev = self.tls_device(self.bidi_pk, dev_info["deviceKey"], dev_info["deviceSecret"], ctx)
        return dev, dev.connect()

    def refused_for_certificate(self, dev_info, certfile=None, keyfile=None, reason=None):
        before = self.stats()["loginRefusedCertificate"]
        _, rc = self.bidi_login(dev_info, certfile, keyfile)
        self.assertEqual(rc, 5)
        self.assertEqual(self.stats()["loginRefusedCertificate"], before + 1)
        if reason:
            deadline = time.time() + 5
            while reason not in self.server.read_log() and time.time() < deadline:
                time.sleep(0.05)
            self.assertIn(reason, self.server.read_log())

    # --- transport --------------------------------------------------------------------------------------------
    def test_tls13_paho_posts_and_value_is_readable(self):
        ctx = client_context(self.ca, min_version=ssl.TLSVersion.TLSv1_3)
        dev = self.tls_device(self.pk, self.dk, self.secret, ctx)
        self.assertEqual(dev.connect(), 0)
        self.assertEqual(dev.client.socket().version(), "TLSv1.3")
        _, reply = dev.post_measurepoints(POINTS)
        self.assertEqual(reply["code"], 200)
        self.assertEqual(self.latest(self.pk, self.dk)["temp"], 51.5)

    def test_tls12_with_ecdhe_aes_gcm(self):
        ctx = client_context(self.ca, max_version=ssl.TLSVersion.TLSv1_2)
        dev = self.tls_device(self.pk, self.dk, self.secret, ctx)
        self.assertEqual(dev.connect(), 0)
        self.assertEqual(dev.client.socket().version(), "TLSv1.2")
        cipher = dev.client.socket().cipher()[0]
        self.assertTrue(cipher.startswith("ECDHE-") and "GCM" in cipher, cipher)
        _, reply = dev.post_measurepoints({"temp": 47.25})
        self.assertEqual(reply["code"], 200)
        self.assertEqual(self.latest(self.pk, self.dk)["temp"], 47.25)

    def test_tls12_cbc_suite_is_refused(self):
        ctx = client_context(self.ca, max_version=ssl.TLSVersion.TLSv1_2)
        ctx.set_ciphers("ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256")
        with self.assertRaises(ssl.SSLError):
            with socket.create_connection(("127.0.0.1", self.server.tls_port), timeout=5) as s:
                ctx.wrap_socket(s).close()

    def test_tls11_is_refused_by_the_server(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")   # let this client offer 1.1 at all
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        before = self.stats()["tlsHandshakeFailures"]
        with self.assertRaises(ssl.SSLError) as cm:
            with socket.create_connection(("127.0.0.1", self.server.tls_port), timeout=5) as s:
                ctx.wrap_socket(s).close()
        self.assertIn("VERSION", str(cm.exception).upper())
        self.wait_stat("tlsHandshakeFailures", before + 1)

    def wait_stat(self, name, at_least):
        deadline = time.time() + 5
        while self.stats()[name] < at_least and time.time() < deadline:
            time.sleep(0.05)
        self.assertGreaterEqual(self.stats()[name], at_least)

    def test_client_trusting_another_ca_fails(self):
        other = new_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else's CA")])
        ca = make_cert(other, other, name, "someone else's CA", utc(-1), utc(30), ca=True)
        wrong = self.files.write("wrong-ca.pem", ca.public_bytes(serialization.Encoding.PEM).decode())
        ctx = client_context(wrong)
        with self.assertRaises(ssl.SSLCertVerificationError):
            with socket.create_connection(("127.0.0.1", self.server.tls_port), timeout=5) as s:
                ctx.wrap_socket(s).close()

    def test_mosquitto_pub_over_tls(self):
        client_id, user, password = login_fields(self.pk, self.dk, self.secret)
        msg = {"id": "77", "version": "1.0", "method": "thing.measurepoint.post",
               "params": {"measurepoints": {"voltage": 3.125}}}
        r = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.server.tls_port), "--cafile", self.ca,
                            "--insecure", "-i", client_id, "-u", user, "-P", password, "-q", "1",
                            "-t", f"/sys/{self.pk}/{self.dk}/thing/measurepoint/post", "-m", json.dumps(msg)],
                           capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.time() + 5
        while self.latest(self.pk, self.dk).get("voltage") != 3.125 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.latest(self.pk, self.dk)["voltage"], 3.125)

    def test_plain_mqtt_to_tls_port_and_tls_to_plain_port_fail_cleanly(self):
        dev = self.device_plain(port=self.server.tls_port)
        self.assertNotEqual(dev.connect(timeout=5), 0)
        ctx = client_context(self.ca)
        with self.assertRaises((ssl.SSLError, ConnectionError, socket.timeout)):
            with socket.create_connection(("127.0.0.1", self.server.mqtt_port), timeout=15) as s:
                ctx.wrap_socket(s).close()
        # The server is still fine on both ports.
        ok = self.tls_device(self.pk, self.dk, self.secret, client_context(self.ca))
        self.assertEqual(ok.connect(), 0)

    def test_stalled_handshake_is_closed_by_the_connect_timeout(self):
        before = self.stats()["connectTimeouts"]
        with socket.create_connection(("127.0.0.1", self.server.tls_port), timeout=15) as s:
            s.sendall(b"\x16\x03\x01")   # the first bytes of a ClientHello, then nothing
            start = time.time()
            self.assertEqual(s.recv(100), b"")   # closed by the server
            self.assertLess(time.time() - start, 12)
        self.assertEqual(self.stats()["connectTimeouts"], before + 1)

    def device_plain(self, port):
        class PlainOn(Device):
            def connect(self, timeout=10):
                self.client.connect("127.0.0.1", port, self.keepalive)
                self.client.loop_start()
                with self.cond:
                    self.cond.wait_for(lambda: self.connack is not None or self.disconnected.is_set(), timeout)
                self.client.loop_stop()
                return self.connack
        dev = PlainOn(self.server, self.pk, self.dk, self.secret)
        self.addCleanup(lambda: dev.client.disconnect())
        return dev

    # --- client certificates ------------------------------------------------------------------------------------
    def test_bidi_without_certificate_is_refused_over_tls_and_plain_tcp(self):
        self.refused_for_certificate(self.dev_a, reason="none was presented")
        dev = Device(self.server, self.bidi_pk, self.dev_a["deviceKey"], self.dev_a["deviceSecret"])
        self.addCleanup(dev.close)
        self.assertEqual(dev.connect(), 5)
        self.assertIn("connect over TLS", self.server.read_log())

    def test_bidi_with_issued_certificate_posts_then_revoked_is_refused(self):
        cert, key, sn = self.issue(self.dev_a["deviceKey"])
        dev, rc = self.bidi_login(self.dev_a, cert, key)
        self.assertEqual(rc, 0)
        _, reply = dev.post_measurepoints({"temp": 33.5})
        self.assertEqual(reply["code"], 200)
        self.assertEqual(self.latest(self.bidi_pk, self.dev_a["deviceKey"])["temp"], 33.5)
        dev.close()
        # mosquitto_pub with the same certificate and key.
        client_id, user, password = login_fields(self.bidi_pk, self.dev_a["deviceKey"], self.dev_a["deviceSecret"])
        msg = {"id": "1", "version": "1.0", "method": "thing.measurepoint.post",
               "params": {"measurepoints": {"temp": 34.5}}}
        r = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.server.tls_port), "--cafile", self.ca,
                            "--cert", cert, "--key", key, "--insecure", "-i", client_id, "-u", user, "-P", password,
                            "-q", "1", "-t", f"/sys/{self.bidi_pk}/{self.dev_a['deviceKey']}/thing/measurepoint/post",
                            "-m", json.dumps(msg)], capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        deadline = time.time() + 5
        while self.latest(self.bidi_pk, self.dev_a["deviceKey"])["temp"] != 34.5 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.latest(self.bidi_pk, self.dev_a["deviceKey"])["temp"], 34.5)
        # Revoked: refused at the next login.
        self.server.ok("POST", "/connect-service/v2.1/certificates",
                       f"action=revoke&productKey={self.bidi_pk}&deviceKey={self.dev_a['deviceKey']}&certSN={sn}")
        self.refused_for_certificate(self.dev_a, cert, key, reason=f"serial {sn}) is revoked")

    def test_certificate_of_another_device_is_refused(self):
        cert, key, _ = self.issue(self.dev_b["deviceKey"])
        self.refused_for_certificate(self.dev_a, cert, key, reason="belongs to device")

    def test_self_signed_certificate_is_refused(self):
        key = new_key()
        cert = make_cert(key, key, None, self.dev_a["deviceKey"], utc(-1), utc(30))
        self.refused_for_certificate(
            self.dev_a, self.files.write("self.pem", cert.public_bytes(serialization.Encoding.PEM).decode()),
            self.files.write("self.key", key_pem(key)), reason="was not issued by this platform")

    def test_certificate_from_another_ous_ca_is_refused(self):
        org2, token2 = self.server.create_ou("tls-other-ou")
        product = self.server.ok("GET", "/connect-service/v2.1/products", f"action=get&productKey={self.pk}")
        # The other OU's own device, with its own CA (made by the API on first use): its certificate is valid there.
        status, answer = self.server.api("POST", "/connect-service/v2.1/products", "action=create",
                                         {"productName": "p2", "productType": "Device", "modelId": "ou2_model",
                                          "dataFormat": "Json", "biDirectionalAuth": True}, token=token2)
        if answer.get("code") != 0:   # the model is per OU: use a minimal one
            model = {"modelId": "ou2_model", "name": {"defaultValue": "m"}, "measurepoints": []}
            self.server.api("POST", "/model-service/v2.1/thing-models", "action=create", model, token=token2)
            status, answer = self.server.api("POST", "/connect-service/v2.1/products", "action=create",
                                             {"productName": "p2", "productType": "Device", "modelId": "ou2_model",
                                              "dataFormat": "Json", "biDirectionalAuth": True}, token=token2)
        if answer.get("code") != 0:
            self.skipTest(f"cannot create a product in a second OU here: {answer}")
        pk2 = answer["data"]["productKey"]
        status, answer = self.server.api("POST", "/connect-service/v2.1/devices", "action=create",
                                         {"productKey": pk2, "deviceName": "x", "timezone": "+08:00"}, token=token2)
        self.assertEqual(answer["code"], 0, answer)
        key = new_key()
        status, answer = self.server.api("POST", "/connect-service/v2.1/certificates",
                                         f"action=apply&productKey={pk2}&deviceKey={answer['data']['deviceKey']}",
                                         {"csr": csr_pem(key)}, token=token2)
        self.assertEqual(answer["code"], 0, answer)
        cert = self.files.write("ou2.pem", answer["data"]["cert"])
        keyfile = self.files.write("ou2.key", key_pem(key))
        self.refused_for_certificate(self.dev_a, cert, keyfile, reason="belongs to device")
        # And one the other OU's CA signs offline for device A (never recorded): refused as not issued.
        db = sqlite3.connect(os.path.join(self.server.data_dir, "registry.db"), timeout=10)
        ca_pem, ca_key = db.execute("SELECT cert_pem, key_pem FROM org_cas WHERE org_id = ?", (org2,)).fetchone()
        db.close()
        ca_cert = x509.load_pem_x509_certificate(ca_pem.encode())
        forged = make_cert(key, serialization.load_pem_private_key(ca_key.encode(), None), ca_cert.subject,
                           self.dev_a["deviceKey"], utc(-1), utc(30))
        self.refused_for_certificate(
            self.dev_a, self.files.write("forged.pem", forged.public_bytes(serialization.Encoding.PEM).decode()),
            keyfile, reason="was not issued by this platform")

    def test_expired_certificate_is_refused(self):
        # The OU's CA exists once a certificate was applied for; sign one that ended yesterday with its key and
        # record it as if the API had issued it, so that only its dates are wrong.
        self.issue(self.dev_a["deviceKey"])
        db = sqlite3.connect(os.path.join(self.server.data_dir, "registry.db"), timeout=10)
        org = db.execute("SELECT org_id FROM devices WHERE asset_id = ?", (self.dev_a["assetId"],)).fetchone()[0]
        ca_pem, ca_key = db.execute("SELECT cert_pem, key_pem FROM org_cas WHERE org_id = ?", (org,)).fetchone()
        ca_cert = x509.load_pem_x509_certificate(ca_pem.encode())
        key = new_key()
        cert = make_cert(key, serialization.load_pem_private_key(ca_key.encode(), None), ca_cert.subject,
                         self.dev_a["deviceKey"], utc(-30), utc(-1))
        pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        fingerprint = cert.fingerprint(hashes.SHA256()).hex()
        ms = lambda d: int(d.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
        db.execute("INSERT INTO certificates (cert_sn, fingerprint, org_id, asset_id, cert_pem, issue_time, not_before,"
                   " not_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (format(cert.serial_number, "x"), fingerprint, org, self.dev_a["assetId"], pem,
                    ms(cert.not_valid_before), ms(cert.not_valid_before), ms(cert.not_valid_after)))
        db.commit()
        db.close()
        self.refused_for_certificate(self.dev_a, self.files.write("expired.pem", pem),
                                     self.files.write("expired.key", key_pem(key)), reason="has expired")

    def test_ordinary_product_accepts_no_certificate_but_refuses_an_unknown_one(self):
        key = new_key()
        cert = make_cert(key, key, None, "x", utc(-1), utc(30))
        ctx = client_context(self.ca, self.files.write("odd.pem", cert.public_bytes(serialization.Encoding.PEM).decode()),
                             self.files.write("odd.key", key_pem(key)))
        dev = self.tls_device(self.pk, self.dk, self.secret, ctx)
        self.assertEqual(dev.connect(), 5)

    def test_zz_server_never_logs_private_keys(self):
        log = self.server.read_log() + self.server.read_banner()
        self.assertNotIn("PRIVATE KEY", log)
        with open(os.path.join(self.server.data_dir, "tls", "server.key")) as f:
            body = "".join(l for l in f.read().splitlines() if "-----" not in l)
        self.assertNotIn(body[:40], log)


class HttpsTest(unittest.TestCase):
    def test_api_over_https_with_the_local_ca(self):
        server = start_server("[http]\ntls = true\n")
        try:
            self.assertEqual(server.scheme(), "https")
            r = subprocess.run(["curl", "-sS", "--cacert", server.tls_ca_file(),
                                f"https://localhost:{server.http_port}/healthz"], capture_output=True, timeout=20)
            self.assertEqual(r.returncode, 0, r.stderr)
            # Authenticated API call through the harness (urllib over TLS).
            self.assertTrue(server.ok("GET", "/system/v2.1/stats", "action=get"))
            # Plain HTTP on the HTTPS port gets nothing useful.
            r = subprocess.run(["curl", "-sS", "-m", "10", f"http://127.0.0.1:{server.http_port}/healthz"],
                               capture_output=True, timeout=20)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("https://", server.read_banner())
            self.assertIn("--cafile", server.read_banner())
        finally:
            self.assertEqual(server.stop(), 0)

    def test_configured_certificate_files_and_missing_key_fails_start(self):
        files = Files()
        key = new_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "my CA")])
        ca = make_cert(key, key, name, "my CA", utc(-1), utc(30), ca=True)
        cert = files.write("c.pem", ca.public_bytes(serialization.Encoding.PEM).decode())
        keyfile = files.write("k.pem", key_pem(key))
        server = start_server(f'[tls]\ncert = "{cert}"\nkey = "{keyfile}"\n')
        try:
            self.assertFalse(os.path.exists(server.tls_ca_file()))   # no local CA when one is configured
            ctx = client_context(cert)
            with socket.create_connection(("127.0.0.1", server.tls_port), timeout=5) as s:
                with ctx.wrap_socket(s) as t:
                    self.assertEqual(t.getpeercert()["subject"][0][0][1], "my CA")
        finally:
            self.assertEqual(server.stop(), 0)
        bad = Server(data_dir=tempfile.mkdtemp(prefix="gridhub-test-"))
        config = files.write("bad.toml", f'[mqtt]\ntls_port = 0\n[tls]\ncert = "{cert}"\n')
        bad.extra_args = ["--config", config]
        with self.assertRaises(RuntimeError) as cm:
            bad.start()
        self.assertIn("tls.cert and tls.key go together", str(cm.exception))


if __name__ == "__main__":
    main()
