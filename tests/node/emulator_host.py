"""Shared by the Node tests: the installed TypeScript SDK's check, and durable-emulator started as
a child process hosting runtime functions (--function), stopped with SIGTERM when done.
"""
import os
import shutil
import signal
import subprocess
import time

SKIP = 77  # ctest SKIP_RETURN_CODE


def require_node_sdk(node_dir, tools=("node",)):
    """The path of node, or None (after printing why) when one of `tools` is missing from PATH.
    Raises SystemExit when the npm fixture did not install @aws/durable-execution-sdk-js."""
    found = {tool: shutil.which(tool) for tool in tools}
    missing = [tool for tool, path in found.items() if path is None]
    if missing:
        print(f"SKIP: {' and '.join(tools)} needed to run @aws/durable-execution-sdk-js; "
              f"not found on PATH: {', '.join(missing)}")
        return None
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "@aws",
                                      "durable-execution-sdk-js")):
        raise SystemExit(f"@aws/durable-execution-sdk-js is not installed in {node_dir}: "
                         "the node_sdk_install fixture (npm install) failed")
    return shutil.which("node")


class HostedEmulator:
    """`with HostedEmulator(binary, args) as emu:` starts `binary --port 0 <args>` and waits (at
    most 30 s) for its listening line. emu.base is its URL, emu.endpoints maps each runtime
    function to its Runtime API address. On exit it sends SIGTERM and waits 20 s (then SIGKILL,
    and an AssertionError)."""

    def __init__(self, binary, args):
        self.binary = binary
        self.args = list(args)
        self.base = None
        self.endpoints = {}
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen([self.binary, "--port", "0", *self.args],
                                     stdout=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while self.base is None and time.monotonic() < deadline:
                line = self.proc.stdout.readline().strip()
                if not line:
                    raise AssertionError("the emulator exited before listening")
                if line.startswith("runtime-api "):
                    _, name, address = line.split(" ")
                    self.endpoints[name] = address
                elif line.startswith("listening on "):
                    self.base = line[len("listening on "):]
            assert self.base is not None, "the emulator never printed its listening line"
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc):
        self._stop()
        return False

    def _stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the emulator did not stop within 20 s of SIGTERM")
