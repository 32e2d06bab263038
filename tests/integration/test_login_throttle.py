"""Failed device logins are throttled per device and per source address: a client retrying a wrong secret in a
tight loop is refused before any signature check or log line, other devices and addresses are unaffected, and
the device logs in again once its block is over."""
import os
import socket
import struct
import time

from gridhub_harness import ServerTest, login_fields, main


def connect_once(port, pk, dk, secret, source="127.0.0.1"):
    """One hand-built CONNECT from `source`; returns the CONNACK return code (None if the socket closed first)."""
    cid, user, password = login_fields(pk, dk, secret)

    def s(b):
        b = b.encode() if isinstance(b, str) else b
        return struct.pack(">H", len(b)) + b
    body = s("MQTT") + bytes([4, 0xC2]) + struct.pack(">H", 60) + s(cid) + s(user) + s(password)
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as sock:
        sock.sendall(bytes([0x10, len(body)]) + body if len(body) < 128 else
                     bytes([0x10, (len(body) & 0x7F) | 0x80, len(body) >> 7]) + body)
        data = b""
        while len(data) < 4:
            chunk = sock.recv(4 - len(data))
            if not chunk:
                return None
            data += chunk
        return data[3]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LoginThrottle(ServerTest):
    server_args = ("--login-failures-per-device", "5", "--login-failures-per-address", "40")

    def stats(self):
        return self.server.ok("GET", "/system/v2.1/stats", "action=get")["hub"]

    def new_device(self):
        d = self.server.create_device(self.pk)
        return d["deviceKey"], d["deviceSecret"]

    def test_wrong_secret_in_a_tight_loop_costs_a_constant(self):
        dk, secret = self.new_device()
        port, source = self.server.mqtt_port, "127.0.0.3"
        log_before = self.server.read_log().count("login refused")
        throttled_before = self.stats()["loginRefusedThrottled"]
        codes = [connect_once(port, self.pk, dk, "wrong-secret", source) for _ in range(5)]
        self.assertEqual(codes, [4] * 5)      # five honest refusals: bad credentials
        self.assertEqual(connect_once(port, self.pk, dk, "wrong-secret", source), 4)   # the sixth starts a block
        cpu0 = cpu_seconds(self.server.proc.pid)
        attempts = 1000
        codes = [connect_once(port, self.pk, dk, "wrong-secret", source) for _ in range(attempts)]
        cpu = cpu_seconds(self.server.proc.pid) - cpu0
        # The block lasts 1 s, then 2 s: a tight loop sees almost only throttled refusals (CONNACK 5).
        self.assertGreater(codes.count(5), attempts * 0.9, codes[:50])
        self.assertLessEqual(codes.count(4), 3)
        self.assertGreaterEqual(self.stats()["loginRefusedThrottled"] - throttled_before, attempts * 0.9)
        # No log line per attempt: only the honest refusals and one line per block.
        self.assertLessEqual(self.server.read_log().count("login refused") - log_before, 12)
        print(f"\n  {attempts} throttled attempts cost the server {cpu * 1000:.0f} ms of CPU "
              f"({cpu / attempts * 1e6:.0f} us each, socket accept and close included)")
        self.assertLess(cpu, 2.0)   # generous: a bound on work per attempt, not a speed target
        # Even the right secret waits for the block to end...
        self.assertEqual(connect_once(port, self.pk, dk, secret, source), 5)
        # ...while another device from another address is unaffected.
        other_dk, other_secret = self.new_device()
        self.assertEqual(connect_once(port, self.pk, other_dk, other_secret, "127.0.0.4"), 0)
        # After the block (at most 4 s at this point) the device logs in again.
        deadline = time.time() + 10
        while connect_once(port, self.pk, dk, secret, source) != 0:
            self.assertLess(time.time(), deadline, "device still throttled after 10 s")
            time.sleep(0.5)
        self.assertNotIn(secret, self.server.read_log())

    def test_one_address_guessing_many_devices_is_throttled(self):
        port, source = self.server.mqtt_port, "127.0.0.5"
        dk, secret = self.new_device()
        # 40 failures from one address are free (each for a different unknown device, so no device limit).
        codes = [connect_once(port, self.pk, f"guess{i:04d}", "x", source) for i in range(41)]
        self.assertEqual(codes, [5] * 41)
        throttled_before = self.stats()["loginRefusedThrottled"]
        # Now the address is blocked: even a real device with its right secret is refused from there...
        self.assertEqual(connect_once(port, self.pk, dk, secret, source), 5)
        self.assertEqual(self.stats()["loginRefusedThrottled"] - throttled_before, 1)
        # ...but not from another address.
        self.assertEqual(connect_once(port, self.pk, dk, secret, "127.0.0.6"), 0)


if __name__ == "__main__":
    main()
