"""`gridhub serve --config FILE`: the TOML file is read, flags override it, and a bad file is refused clearly."""
import os
import subprocess
import tempfile
import unittest

from gridhub_harness import GRIDHUB_BIN, Server, free_port, main


class Config(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".toml")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.remove, path)
        return path

    def test_unknown_key_is_refused_naming_the_line(self):
        path = self.write('data_dir = "x"\n[mqtt]\nprot = 1\n')
        out = subprocess.run([GRIDHUB_BIN, "serve", "--config", path], capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn(":3:", out.stderr)
        self.assertIn("mqtt.prot", out.stderr)

    def test_file_values_apply_and_flags_win(self):
        data_dir = tempfile.mkdtemp(prefix="gridhub-config-")
        file_http = free_port()
        path = self.write(f'data_dir = "{data_dir}"\nbind = "127.0.0.1"\n[http]\nport = {file_http}\n'
                          '[mqtt]\nport = 1  # overridden by the flag below\n[log]\nlevel = "debug"\n')
        server = Server(data_dir=data_dir, demo=False)
        # The harness passes --mqtt-port/--http-port flags; the flags must override the file's ports.
        server.extra_args = ["--config", path]
        server.start()
        try:
            self.assertNotEqual(server.mqtt_port, 1)
            self.assertTrue(os.path.exists(os.path.join(data_dir, "admin.json")))
            self.assertIn("[debug]", server.read_log())   # the file's log level applied
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    main()
