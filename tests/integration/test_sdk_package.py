"""The SDK installed with `cmake --install` builds a device project outside the tree, through the CMake package
(find_package(gridhub-device)) and through pkg-config, and that program posts to the real server."""
import os
import shutil
import subprocess
import tempfile

from gridhub_harness import GRIDHUB_BIN, SOURCE_DIR, ServerTest, main

BUILD_DIR = os.path.dirname(os.path.abspath(GRIDHUB_BIN))


class InstalledSdk(ServerTest):
    def test_out_of_tree_example_builds_and_posts(self):
        prefix = tempfile.mkdtemp(prefix="gridhub-sdk-prefix-")
        work = tempfile.mkdtemp(prefix="gridhub-sdk-example-")
        try:
            subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix], check=True, capture_output=True)
            self.assertTrue(os.path.exists(os.path.join(prefix, "include", "gridhub", "device.hpp")))
            example = os.path.join(SOURCE_DIR, "examples", "out_of_tree")
            subprocess.run(["cmake", "-S", example, "-B", work, f"-DCMAKE_PREFIX_PATH={prefix}"], check=True,
                           capture_output=True)
            subprocess.run(["cmake", "--build", work], check=True, capture_output=True)
            args = [f"tcp://127.0.0.1:{self.server.mqtt_port}", self.pk, self.dk, self.secret]
            r = subprocess.run([os.path.join(work, "hello_device"), *args], capture_output=True, text=True, timeout=30)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "code 200"), r.stderr)
            # The same program through pkg-config.
            pc_out = os.path.join(work, "hello_pc")
            subprocess.run([os.path.join(example, "hello_pkgconfig.sh"), prefix, pc_out], check=True,
                           capture_output=True)
            r = subprocess.run([pc_out, *args], capture_output=True, text=True, timeout=30)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "code 200"), r.stderr)
            # Wrong secret: a clear error, not a hang.
            r = subprocess.run([pc_out, *args[:3], "wrong"], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad username or password", r.stderr)
        finally:
            shutil.rmtree(prefix, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
