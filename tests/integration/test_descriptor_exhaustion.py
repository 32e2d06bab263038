"""A server that runs out of file descriptors keeps serving: accept errors (EMFILE) back off instead of
spinning, and devices connect again once descriptors are free."""
import os
import resource
import socket
import time
import unittest

from gridhub_harness import Device, Server, main

FD_LIMIT = 96


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DescriptorExhaustion(unittest.TestCase):
    def test_accept_errors_back_off_and_service_resumes(self):
        server = Server()
        # Both limits low, so the server cannot raise them: it will hit EMFILE with a handful of sockets.
        server.preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
        server.start()
        try:
            socks = []
            for _ in range(FD_LIMIT + 40):   # more than the server can hold; the rest wait in the backlog
                s = socket.create_connection(("127.0.0.1", server.mqtt_port))
                socks.append(s)
            time.sleep(0.5)
            before = cpu_seconds(server.proc.pid)
            time.sleep(2)
            used = cpu_seconds(server.proc.pid) - before
            self.assertLess(used, 0.5, "the server spins on accept errors")
            for s in socks:
                s.close()
            d = server.demo_info
            dev = Device(server, d["productKey"], d["deviceKey"], d["deviceSecret"])
            deadline = time.time() + 20
            while time.time() < deadline:
                try:
                    if dev.connect(timeout=5) == 0:
                        break
                except OSError:
                    pass
                dev.client.loop_stop()
                dev = Device(server, d["productKey"], d["deviceKey"], d["deviceSecret"])
                time.sleep(0.5)
            self.assertEqual(dev.connack, 0)
            _, reply = dev.post_measurepoints({"temp": 50.0})
            self.assertEqual(reply["code"], 200)
            dev.close()
            self.assertIn("accept:", server.read_log())
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    main()
