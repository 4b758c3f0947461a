#!/usr/bin/env python3
"""One durable-emulator hosts two runtime functions in two languages, both started by the
emulator with --function: `process-order` (durable-order-handler, C++) and `order-front` (Node,
the official TypeScript SDK @aws/durable-execution-sdk-js on its production path:
AWS_LAMBDA_RUNTIME_API + AWS_ENDPOINT_URL_LAMBDA). order-front invokes process-order as a chained
invoke; both results and both histories are checked.

usage: two_languages_test.py <durable-emulator> <durable-order-handler> <node dir>
The node dir holds lambda-runtime.mjs, order-front.mjs and node_modules (installed by the
node_sdk_install ctest fixture with npm). Exits 77 (ctest SKIP_RETURN_CODE) only when node or
npm is missing.
"""
import json
import os
import sys
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from emulator_host import SKIP, HostedEmulator, require_node_sdk  # noqa: E402

ORDER = {"order_id": "order-123", "amount": 99.5,
         "items": [{"sku": "book", "quantity": 2}, {"sku": "lamp", "quantity": 1}]}


def request(base, method, path, body=None, headers=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as res:
        text = res.read().decode()
        return res.status, dict(res.headers), (json.loads(text) if text else None)


def history(base, arn):
    quoted = urllib.parse.quote(arn, safe="")
    _, _, body = request(base, "GET", f"/2025-12-01/durable-executions/{quoted}/history"
                                      "?IncludeExecutionData=true&MaxItems=1000")
    return body["Events"]


def event_types(events):
    return [e["EventType"] for e in events]


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    emulator, order_handler, node_dir = (os.path.abspath(p) for p in sys.argv[1:])
    node = require_node_sdk(node_dir, tools=("node", "npm"))
    if node is None:
        return SKIP
    print(f"Node handler: @aws/durable-execution-sdk-js from {node_dir}/node_modules (npm)")
    front = f"'{node}' '{node_dir}/lambda-runtime.mjs' '{node_dir}/order-front.mjs'"
    with HostedEmulator(emulator, [
            "--skip-time", "--log-level", "warn", "--runtime-timeout", "60", "--concurrency", "2",
            # the order workflow waits two days: the executions must outlive it
            "--execution-timeout", "604800",
            "--function", f"process-order='{order_handler}'",
            "--function", f"order-front=cd '{node_dir}' && exec {front}"]) as emu:
        base, endpoints = emu.base, emu.endpoints
        assert set(endpoints) == {"process-order", "order-front"}, endpoints
        assert endpoints["process-order"] != endpoints["order-front"], endpoints

        status, headers, body = request(
            base, "POST", "/2015-03-31/functions/order-front/invocations",
            {"customer": "ada", "order": ORDER}, {"X-Amz-Invocation-Type": "RequestResponse"})
        assert status == 200, (status, body)
        assert "X-Amz-Function-Error" not in headers, body
        assert body["customer"] == "hello ada", body
        assert body["order"]["tracking"] == "TRACK-order-123", body
        front_arn = headers["X-Amz-Durable-Execution-Arn"]

        front_events = history(base, front_arn)
        types = event_types(front_events)
        for wanted in ("ExecutionStarted", "StepSucceeded", "ChainedInvokeStarted",
                       "ChainedInvokeSucceeded", "ExecutionSucceeded"):
            assert wanted in types, (wanted, types)
        started = next(e for e in front_events if e["EventType"] == "ChainedInvokeStarted")
        order_arn = started["ChainedInvokeStartedDetails"]["DurableExecutionArn"]
        assert ":function:process-order:" in order_arn, order_arn

        quoted = urllib.parse.quote(order_arn, safe="")
        _, _, order = request(base, "GET", f"/2025-12-01/durable-executions/{quoted}")
        assert order["Status"] == "SUCCEEDED", order
        assert json.loads(order["Result"]) == body["order"], (order, body)
        order_types = event_types(history(base, order_arn))
        assert order_types[0] == "ExecutionStarted" and order_types[-1] == "ExecutionSucceeded", \
            order_types
        # The workflow's retry and its two-day wait each end an invocation.
        assert order_types.count("InvocationCompleted") >= 2, order_types
        assert "WaitSucceeded" in order_types, order_types
        print(f"ok: order-front (Node) -> process-order (C++): {body}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
