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
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from emulator_host import SKIP, HostedEmulator, require_node_sdk  # noqa: E402


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    emulator, node_dir = (os.path.abspath(p) for p in sys.argv[1:3])
    n = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    if not 1 <= n <= 100000:
        raise SystemExit("N must be 1..100000")
    node = require_node_sdk(node_dir)
    if node is None:
        return SKIP
    command = f"cd '{node_dir}' && exec '{node}' lambda-runtime.mjs steps.mjs"
    with HostedEmulator(emulator, ["--skip-time", "--log-level", "warn",
                                   "--runtime-timeout", "600",
                                   "--function", f"ts-steps={command}"]) as emu:
        # The first Invoke also pays for Node's start-up and the SDK's import: warm up once.
        for size, timed in ((1, False), (n, True)):
            req = urllib.request.Request(
                emu.base + "/2015-03-31/functions/ts-steps/invocations",
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


if __name__ == "__main__":
    sys.exit(main())
