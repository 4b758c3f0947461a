#!/usr/bin/env python3
"""Drives durable-emulator with real AWS clients (the aws CLI or boto3) over HTTP.

usage: real_clients_test.py <durable-emulator binary> aws|boto3
Exit 77 (ctest SKIP_RETURN_CODE) when the client is not installed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77


def start_emulator(binary):
    # Real clock: with --skip-time the execution timeout would overtake the external callbacks.
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "warn"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"emulator did not start: {line!r}")
    return proc, line[len("listening on "):]


def env():
    e = dict(os.environ)
    e.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1",
             AWS_PAGER="")
    return e


def aws(endpoint, *args):
    out = subprocess.run(["aws", "--endpoint-url", endpoint, "--output", "json", "lambda", *args],
                         env=env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else {}


def wait_status(get, status):
    for _ in range(500):
        execution = get()
        if execution["Status"] == status:
            return execution
        time.sleep(0.02)
    raise AssertionError(f"never reached {status}: {execution}")


def callback_id_of(events):
    for event in events:
        if event["EventType"] == "CallbackStarted":
            return event["CallbackStartedDetails"]["CallbackId"]
    return None


def run_aws(endpoint):
    with tempfile.TemporaryDirectory() as tmp:
        outfile = os.path.join(tmp, "out.json")
        meta = aws(endpoint, "invoke", "--function-name", "1-1", "--payload", '"World"', outfile)
        assert meta["StatusCode"] == 200, meta
        with open(outfile) as f:
            assert json.load(f) == "Hello, World!"
        arn = meta["DurableExecutionArn"]
        execution = aws(endpoint, "get-durable-execution", "--durable-execution-arn", arn)
        assert execution["Status"] == "SUCCEEDED", execution
        history = aws(endpoint, "get-durable-execution-history", "--durable-execution-arn", arn)
        types = [e["EventType"] for e in history["Events"]]
        assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionSucceeded", types
        listed = aws(endpoint, "list-durable-executions-by-function", "--function-name", "1-1")
        assert [x["DurableExecutionArn"] for x in listed["DurableExecutions"]] == [arn], listed

        meta = aws(endpoint, "invoke", "--function-name", "4-1", "--invocation-type", "Event",
                   "--payload", '"cbname"', outfile)
        assert meta["StatusCode"] == 202, meta
        arn = meta["DurableExecutionArn"]
        cb = None
        for _ in range(500):
            cb = callback_id_of(aws(endpoint, "get-durable-execution-history",
                                    "--durable-execution-arn", arn)["Events"])
            if cb:
                break
            time.sleep(0.02)
        assert cb, "no CallbackStarted event"
        aws(endpoint, "send-durable-execution-callback-heartbeat", "--callback-id", cb)
        aws(endpoint, "send-durable-execution-callback-success", "--callback-id", cb,
            "--result", '"payload"')
        wait_status(lambda: aws(endpoint, "get-durable-execution", "--durable-execution-arn", arn),
                    "SUCCEEDED")

        meta = aws(endpoint, "invoke", "--function-name", "4-1", "--invocation-type", "Event",
                   "--payload", '"cb2"', outfile)
        arn = meta["DurableExecutionArn"]
        stopped = aws(endpoint, "stop-durable-execution", "--durable-execution-arn", arn)
        assert "StopTimestamp" in stopped, stopped
        out = subprocess.run(["aws", "--endpoint-url", endpoint, "lambda", "get-durable-execution",
                              "--durable-execution-arn", arn + "-missing"],
                             env=env(), capture_output=True, text=True)
        assert out.returncode != 0 and "ResourceNotFoundException" in out.stderr, out.stderr


def run_boto3(endpoint):
    import boto3
    from botocore.exceptions import ClientError
    client = boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    res = client.invoke(FunctionName="1-1", Payload=b'"World"')
    assert res["StatusCode"] == 200, res
    assert json.loads(res["Payload"].read()) == "Hello, World!"
    arn = res["DurableExecutionArn"]
    assert client.get_durable_execution(DurableExecutionArn=arn)["Status"] == "SUCCEEDED"
    events = client.get_durable_execution_history(DurableExecutionArn=arn,
                                                  IncludeExecutionData=True)["Events"]
    assert events[0]["EventType"] == "ExecutionStarted"
    listed = client.list_durable_executions_by_function(FunctionName="1-1",
                                                        Statuses=["SUCCEEDED"])
    assert len(listed["DurableExecutions"]) == 1, listed

    res = client.invoke(FunctionName="4-1", InvocationType="Event", Payload=b'"cb"')
    arn = res["DurableExecutionArn"]
    cb = None
    for _ in range(500):
        cb = callback_id_of(client.get_durable_execution_history(
            DurableExecutionArn=arn)["Events"])
        if cb:
            break
        time.sleep(0.02)
    assert cb
    client.send_durable_execution_callback_success(CallbackId=cb, Result=b'"ok"')
    wait_status(lambda: client.get_durable_execution(DurableExecutionArn=arn), "SUCCEEDED")
    try:
        client.send_durable_execution_callback_success(CallbackId=cb, Result=b'"again"')
        raise AssertionError("second completion accepted")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "CallbackTimeoutException", e.response
    try:
        client.get_durable_execution(DurableExecutionArn=arn + "x")
        raise AssertionError("unknown execution found")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response


def main():
    binary, mode = sys.argv[1], sys.argv[2]
    if mode == "aws" and shutil.which("aws") is None:
        print("SKIP: the aws CLI is not installed")
        return SKIP
    if mode == "boto3":
        try:
            import boto3  # noqa: F401
        except ImportError:
            print("SKIP: boto3 is not installed")
            return SKIP
    proc, endpoint = start_emulator(binary)
    try:
        (run_aws if mode == "aws" else run_boto3)(endpoint)
    finally:
        proc.terminate()
        code = proc.wait(timeout=10)
    assert code == 0, f"emulator exited with {code} on SIGTERM"
    print(f"{mode}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
