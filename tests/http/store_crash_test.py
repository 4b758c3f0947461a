#!/usr/bin/env python3
"""Kills durable-emulator --store with SIGKILL again and again during a workload, restarting it
on the same store each time, then checks that nothing acknowledged was lost.

usage: store_crash_test.py <durable-emulator binary> [cycles] [seed]

Workload (all on 127.0.0.1): the emulator's in-process fixture functions — 1-3 (steps), 2-3
(two 2 s waits), 4-1 (a callback this script answers through the API), 5-1 (a chained invoke of a
durable echo target that waits 1 s) — and a runtime function "fake" whose handler is this script
itself: threads poll the function's Runtime API, checkpoint one STEP per request and record every
200. A request cut off by a kill is sent again, with its old token, to the restarted emulator,
which must refuse it with the service's exact "Invalid checkpoint token".

Checks once everything has ended: every acknowledged checkpoint is in the history; every
execution has its expected result; every history holds the service's invariants (EventIds 1..n,
one ExecutionStarted first, exactly one terminal execution event, each operation's events in
order and none after its end). Also: a second emulator on a store in use and an emulator on a
garbage file both exit with status 1 and a message naming the file.

Bounded: `cycles` kills (default 6), each after 0.3-1.5 s; at most 180 s for the executions to
end. Every process started is killed at the end.
"""
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

DEADLINE_S = 180
TERMINAL = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionStopped"}
OP_END = ("Succeeded", "Failed", "TimedOut", "Stopped", "Cancelled")


class Emulator:
    """The emulator process of the moment and its endpoints; restarted after each kill."""

    def __init__(self, binary, store, log_path):
        self.binary = binary
        self.store = store
        self.log = open(log_path, "a")
        self.lock = threading.Lock()
        self.proc = None
        self.main = None      # "127.0.0.1:PORT"
        self.runtime = None   # the fake function's Runtime API "127.0.0.1:PORT"
        self.generation = 0
        self.up = threading.Event()

    def start(self):
        proc = subprocess.Popen(
            [self.binary, "--port", "0", "--store", self.store, "--log-level", "warn",
             "--runtime-function", "fake", "--runtime-timeout", "20"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        runtime = None
        while True:
            line = proc.stdout.readline()
            if not line:
                proc.wait()
                raise AssertionError(f"emulator exited at start with {proc.returncode}; "
                                     f"see {self.log.name}")
            line = line.strip()
            if line.startswith("runtime-api fake "):
                runtime = line.split()[2]
            if line.startswith("listening on http://"):
                break
        with self.lock:
            self.proc = proc
            self.main = line[len("listening on http://"):]
            self.runtime = runtime
            self.generation += 1
        self.up.set()

    def kill(self):
        self.up.clear()
        with self.lock:
            proc = self.proc
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def stop(self):
        with self.lock:
            proc = self.proc
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()

    def endpoint(self, which):
        self.up.wait(timeout=30)
        with self.lock:
            return (self.main if which == "main" else self.runtime), self.generation


def request(host, method, path, body=None, headers=None, timeout=10):
    """(status, headers, body) of one HTTP request; raises OSError when the server is gone."""
    h, p = host.split(":")
    conn = http.client.HTTPConnection(h, int(p), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read().decode()
    finally:
        conn.close()


def quote(s):
    return urllib.parse.quote(s, safe="")


def call(emu, method, path, body=None, headers=None):
    """Retries across kills until the emulator answers."""
    for _ in range(600):
        host, _gen = emu.endpoint("main")
        try:
            return request(host, method, path, body, headers)
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise AssertionError(f"no answer to {method} {path}")


class Fake:
    """The handler of runtime function "fake": checkpoints STEP f-0..f-(n-1) one per request."""

    def __init__(self, emu, stop):
        self.emu = emu
        self.stop = stop
        self.lock = threading.Lock()
        self.acked = {}        # arn -> {step id: payload} answered 200
        self.stale_refused = 0
        self.errors = []

    def run(self):
        while not self.stop.is_set():
            host, gen = self.emu.endpoint("runtime")
            try:
                status, headers, body = request(host, "GET", "/2018-06-01/runtime/invocation/next",
                                                timeout=60)
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
                continue
            if status != 200:
                time.sleep(0.05)
                continue
            try:
                self.handle(headers["Lambda-Runtime-Aws-Request-Id"], json.loads(body), host, gen)
            except Exception as e:  # a failed check: reported at the end
                with self.lock:
                    self.errors.append(repr(e))

    def handle(self, request_id, envelope, runtime_host, gen):
        arn = envelope["DurableExecutionArn"]
        token = envelope["CheckpointToken"]
        state = envelope["InitialExecutionState"]
        assert not state.get("NextMarker"), "state larger than one page"
        ops = {op["Id"]: op for op in state["Operations"]}
        steps = json.loads(ops[arn.rsplit("/", 1)[1]]["ExecutionDetails"]["InputPayload"])["steps"]
        with self.lock:
            acked = dict(self.acked.get(arn, {}))
        for op_id, payload in acked.items():
            assert op_id in ops and ops[op_id]["StepDetails"]["Result"] == payload, \
                f"acknowledged {op_id} of {arn} missing from the state after a restart"
        path = f"/2025-12-01/durable-executions/{quote(arn)}/checkpoint"
        for i in range(steps):
            op_id = f"f-{i}"
            if op_id in ops and ops[op_id]["Status"] == "SUCCEEDED":
                continue
            payload = json.dumps(i * i)
            body = json.dumps({"CheckpointToken": token, "Updates": [
                {"Id": op_id, "Type": "STEP", "SubType": "Step", "Action": "SUCCEED",
                 "Payload": payload}]})
            host, g = self.emu.endpoint("main")
            if g != gen:
                return self.expect_stale(path, body)
            try:
                status, _h, text = request(host, "POST", path, body,
                                           {"Content-Type": "application/json"})
            except (OSError, http.client.HTTPException):
                return self.expect_stale(path, body)
            if status != 200:
                raise AssertionError(f"checkpoint of {op_id} answered {status}: {text}")
            with self.lock:
                self.acked.setdefault(arn, {})[op_id] = payload
            token = json.loads(text)["CheckpointToken"]
            time.sleep(random.uniform(0.005, 0.04))
        out = json.dumps({"Status": "SUCCEEDED", "Result": json.dumps(steps * 1000)})
        try:
            request(runtime_host, "POST", f"/2018-06-01/runtime/invocation/{request_id}/response",
                    out, {"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException):
            pass  # lost with the emulator; the re-invocation finishes the job

    def expect_stale(self, path, body):
        """The emulator was killed under this invocation: its token must now be refused."""
        status, _h, text = call(self.emu, "POST", path, body, {"Content-Type": "application/json"})
        message = json.loads(text).get("message") or json.loads(text).get("Message")
        assert status == 400 and message == "Invalid checkpoint token", \
            f"old token after a restart: {status} {text}"
        with self.lock:
            self.stale_refused += 1


def answer_callbacks(emu, callbacks, stop):
    """Answers each 4-1 execution's callback once it exists (retrying across kills)."""
    pending = dict(callbacks)  # arn -> payload
    while pending and not stop.is_set():
        for arn, payload in list(pending.items()):
            status, _h, text = call(emu, "GET", f"/2025-12-01/durable-executions/{quote(arn)}/history")
            if status != 200:
                continue
            ids = [e["CallbackStartedDetails"]["CallbackId"] for e in json.loads(text)["Events"]
                   if e["EventType"] == "CallbackStarted"]
            if not ids:
                continue
            status, _h, text = call(emu, "POST",
                                    f"/2025-12-01/durable-execution-callbacks/{quote(ids[0])}/succeed",
                                    json.dumps(payload))
            # 400 CallbackTimeoutException: an earlier answer was committed, its reply lost.
            if status == 200 or (status == 400 and "CallbackTimeoutException" in text):
                del pending[arn]
        time.sleep(0.1)


def check_history(arn, events):
    ids = [e["EventId"] for e in events]
    assert ids == list(range(1, len(events) + 1)), f"{arn}: EventIds not contiguous: {ids}"
    assert events[0]["EventType"] == "ExecutionStarted", f"{arn}: does not start with ExecutionStarted"
    terminal = [e for e in events if e["EventType"] in TERMINAL]
    assert len(terminal) == 1, f"{arn}: {len(terminal)} terminal execution events"
    by_op = {}
    for e in events:
        if "Id" in e and e["EventType"] not in TERMINAL and e["EventType"] != "ExecutionStarted":
            by_op.setdefault(e["Id"], []).append(e)
    for op_id, evs in by_op.items():
        times = [e["EventTimestamp"] for e in evs]
        assert times == sorted(times), f"{arn}: events of {op_id} out of order"
        kinds = [e["EventType"] for e in evs]
        if not kinds[0].startswith("Step"):
            assert kinds[0].endswith("Started"), f"{arn}: {op_id} does not begin with Started: {kinds}"
            ends = [k for k in kinds if k.endswith(OP_END)]
            assert len(ends) <= 1 and (not ends or kinds[-1] == ends[0]), \
                f"{arn}: {op_id} has events after its end: {kinds}"


def expect_refused(binary, store, what, log_dir):
    """An emulator on `store` must exit with status 1 and name the file and `what`."""
    with open(os.path.join(log_dir, "refused.log"), "w+") as err:
        proc = subprocess.Popen([binary, "--port", "0", "--store", store], stdout=subprocess.PIPE,
                                stderr=err, text=True)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"emulator on {store} did not refuse it")
        err.seek(0)
        text = err.read()
    assert rc == 1, f"exit status {rc} for {what}: {text}"
    assert store in text and what in text, f"message for {what}: {text}"


def main():
    binary = sys.argv[1]
    cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else random.randrange(1 << 30)
    print(f"store_crash_test: {cycles} kills, seed {seed}")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="durable-store-crash-") as tmp:
        garbage = os.path.join(tmp, "garbage.db")
        with open(garbage, "w") as f:
            f.write("not a database\n" * 500)
        expect_refused(binary, garbage, "not a durable-emulator store", tmp)

        store = os.path.join(tmp, "store.db")
        emu = Emulator(binary, store, os.path.join(tmp, "emulator.log"))
        stop = threading.Event()
        threads = []
        try:
            emu.start()
            expect_refused(binary, store, "locked by another process", tmp)

            expected = {}   # arn -> expected Result (JSON value)
            callbacks = {}  # arn -> payload to answer with

            def invoke(fn, payload, result):
                status, headers, text = call(emu, "POST", f"/2015-03-31/functions/{fn}/invocations",
                                             json.dumps(payload), {"X-Amz-Invocation-Type": "Event"})
                assert status == 202, f"Invoke {fn}: {status} {text}"
                arn = headers["X-Amz-Durable-Execution-Arn"]
                expected[arn] = result
                return arn

            for i in range(2):
                invoke("1-3", None, "first_second")
                invoke("5-1", f"echo-{i}", f"echo-{i}")
                callbacks[invoke("4-1", f"cb{i}", f"answer-{i}")] = f"answer-{i}"
            invoke("2-3", None, {"completedWaits": 2})
            for i in range(4):
                steps = 40 + 20 * i
                invoke("fake", {"steps": steps}, steps * 1000)

            def second_wave():
                # Started while the kills go on (an Invoke cut off by a kill may leave an extra
                # execution behind; only those whose 202 came back are checked).
                invoke("1-3", None, "first_second")
                invoke("5-1", "echo-late", "echo-late")
                arn = invoke("4-1", "cb-late", "answer-late")
                threading.Thread(target=answer_callbacks, args=(emu, {arn: "answer-late"}, stop),
                                 daemon=True).start()
                invoke("fake", {"steps": 50}, 50 * 1000)

            fake = Fake(emu, stop)
            for _ in range(3):
                threads.append(threading.Thread(target=fake.run, daemon=True))
            threads.append(threading.Thread(target=answer_callbacks, args=(emu, callbacks, stop),
                                            daemon=True))
            for t in threads:
                t.start()

            for cycle in range(cycles):
                time.sleep(rng.uniform(0.3, 1.5))
                emu.kill()
                emu.start()
                if cycle == cycles // 2:
                    second_wave()
            print(f"killed and restarted {cycles} times")

            deadline = time.monotonic() + DEADLINE_S
            results = {}
            while len(results) < len(expected):
                assert time.monotonic() < deadline, \
                    f"executions still running after {DEADLINE_S} s: " \
                    f"{sorted(set(expected) - set(results))}"
                for arn in expected:
                    if arn in results:
                        continue
                    status, _h, text = call(emu, "GET", f"/2025-12-01/durable-executions/{quote(arn)}")
                    assert status == 200, f"{arn}: {status} {text}"
                    execution = json.loads(text)
                    if execution["Status"] != "RUNNING":
                        results[arn] = execution
                time.sleep(0.2)
            stop.set()

            assert not fake.errors, fake.errors
            for arn, execution in results.items():
                assert execution["Status"] == "SUCCEEDED", f"{arn}: {execution}"
                assert json.loads(execution["Result"]) == expected[arn], \
                    f"{arn}: result {execution['Result']}, expected {expected[arn]!r}"
                status, _h, text = call(
                    emu, "GET",
                    f"/2025-12-01/durable-executions/{quote(arn)}/history?IncludeExecutionData=true&MaxItems=1000")
                events = json.loads(text)["Events"]
                check_history(arn, events)
                results_by_id = {e["Id"]: e["StepSucceededDetails"]["Result"]["Payload"]
                                 for e in events if e["EventType"] == "StepSucceeded"}
                for op_id, payload in fake.acked.get(arn, {}).items():
                    assert results_by_id.get(op_id) == payload, \
                        f"{arn}: acknowledged checkpoint {op_id} lost"
            acked = sum(len(v) for v in fake.acked.values())
            print(f"ok: {len(results)} executions, {acked} acknowledged checkpoints kept, "
                  f"{fake.stale_refused} pre-restart tokens refused")
        except Exception:
            with open(os.path.join(tmp, "emulator.log")) as f:
                sys.stderr.write(f.read()[-4000:])
            raise
        finally:
            stop.set()
            emu.stop()


if __name__ == "__main__":
    main()
