#!/usr/bin/env python3
"""The official TypeScript SDK against durable-emulator: one execution of N steps, timed from the
Invoke request to its answer (the SDK's own checkpoint round trips over HTTP dominate).

usage: ts_steps_bench.py <durable-emulator> <node dir> [N]
Prints one JSON line: {"workload":"ts-steps","n":N,"seconds":S,"checkpoints_per_s":C,"ok":true}.
The node dir holds lambda-runtime.mjs, steps.mjs and node_modules (the node_sdk_install ctest
fixture). Exits 77 (ctest SKIP_RETURN_CODE) only when node is missing.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

SKIP = 77


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    emulator, node_dir = (os.path.abspath(p) for p in sys.argv[1:3])
    n = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    if not 1 <= n <= 100000:
        raise SystemExit("N must be 1..100000")
    node = shutil.which("node")
    if node is None:
        print("SKIP: node is needed to run @aws/durable-execution-sdk-js; not found on PATH")
        return SKIP
    if not os.path.isdir(os.path.join(node_dir, "node_modules", "@aws",
                                      "durable-execution-sdk-js")):
        raise SystemExit(f"@aws/durable-execution-sdk-js is not installed in {node_dir}: "
                         "the node_sdk_install fixture (npm install) failed")
    command = f"cd '{node_dir}' && exec '{node}' lambda-runtime.mjs steps.mjs"
    proc = subprocess.Popen(
        [emulator, "--port", "0", "--skip-time", "--log-level", "warn",
         "--runtime-timeout", "600", "--function", f"ts-steps={command}"],
        stdout=subprocess.PIPE, text=True)
    try:
        base = None
        deadline = time.monotonic() + 30
        while base is None and time.monotonic() < deadline:
            line = proc.stdout.readline().strip()
            if not line:
                raise AssertionError("the emulator exited before listening")
            if line.startswith("listening on "):
                base = line[len("listening on "):]
        assert base is not None, "the emulator never printed its listening line"
        # The first Invoke also pays for Node's start-up and the SDK's import: warm up once.
        for size, timed in ((1, False), (n, True)):
            req = urllib.request.Request(
                base + "/2015-03-31/functions/ts-steps/invocations",
                data=json.dumps({"n": size}).encode(), method="POST",
                headers={"X-Amz-Invocation-Type": "RequestResponse"})
            start = time.perf_counter()
            with urllib.request.urlopen(req, timeout=600) as res:
                body = json.loads(res.read().decode())
                error = res.headers.get("X-Amz-Function-Error")
            seconds = time.perf_counter() - start
            assert error is None and body == {"steps": size}, (error, body)
        print(json.dumps({"workload": "ts-steps", "n": n, "seconds": round(seconds, 3),
                          "checkpoints_per_s": round(n / seconds, 1), "ok": True}))
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("the emulator did not stop within 20 s of SIGTERM")


if __name__ == "__main__":
    sys.exit(main())
