#!/usr/bin/env python3
"""Signs durable-execution API requests with botocore, for the SigV4 signer's tests.

botocore's own pipeline builds each request (the Lambda rest-json serializer percent-encodes
the ARN label, then SigV4Auth signs it) at a frozen time with fixed credentials; a before-send
hook captures the signed request and answers it without any network. Prints one JSON array:
per request the method, Host, wire path, decoded query pairs, the other headers present when
botocore signed,
the body, and the X-Amz-Date / X-Amz-Security-Token / Authorization botocore computed.

Exit status 77 when botocore is not installed (ctest treats that as skipped).
"""
import datetime
import json
import sys
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

try:
    import botocore.auth
    import botocore.awsrequest
    import botocore.session
except ImportError:
    sys.exit(77)

ARN = ("arn:aws:lambda:us-east-1:123456789012:function:order-processor:$LATEST/"
       "durable-execution/order-42/6f1c2a3b-1d2e-4f5a-8b9c-0d1e2f3a4b5c")
FROZEN = datetime.datetime(2026, 1, 27, 8, 15, 30, tzinfo=datetime.timezone.utc)
SIGNER_HEADERS = {"authorization", "x-amz-date", "x-amz-security-token", "host"}

CASES = [
    dict(name="checkpoint_https_session", endpoint="https://lambda.us-east-1.amazonaws.com",
         region="us-east-1", token="IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
         operation="checkpoint_durable_execution",
         params=dict(DurableExecutionArn=ARN, CheckpointToken="dG9rZW4tMQ==",
                     Updates=[dict(Id="c4ca4238a0b92382", Type="STEP", Action="START",
                                   Name="validate order", SubType="Step")])),
    dict(name="state_https_session", endpoint="https://lambda.us-east-1.amazonaws.com",
         region="us-east-1", token="IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==",
         operation="get_durable_execution_state",
         params=dict(DurableExecutionArn=ARN, CheckpointToken="dG9r+ZW4/tMg==",
                     Marker="next page=2&x", MaxItems=1000)),
    dict(name="checkpoint_loopback_no_token", endpoint="http://127.0.0.1:9001",
         region="eu-west-3", token=None, operation="checkpoint_durable_execution",
         params=dict(DurableExecutionArn=ARN.replace("us-east-1", "eu-west-3"),
                     CheckpointToken="abc", Updates=[], ClientToken="retry-1")),
    dict(name="list_by_function_query", endpoint="https://lambda.ap-southeast-2.amazonaws.com",
         region="ap-southeast-2", token=None, operation="list_durable_executions_by_function",
         params=dict(FunctionName="arn:aws:lambda:ap-southeast-2:123456789012:function:f:7",
                     DurableExecutionName="name with spaces~and*stars",
                     Statuses=["RUNNING", "FAILED"], MaxItems=5, ReverseOrder=True)),
]


def sign(case):
    session = botocore.session.get_session()
    client = session.create_client(
        "lambda", region_name=case["region"], endpoint_url=case["endpoint"],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        aws_session_token=case["token"])
    captured = {}

    def answer(request, **_):
        captured["request"] = request
        return botocore.awsrequest.AWSResponse(case["endpoint"], 200, {}, None)

    # The headers present when SigV4Auth runs: botocore adds some (amz-sdk-*, Content-Length)
    # only after signing, and those are outside the signature.
    original_add_auth = botocore.auth.SigV4Auth.add_auth

    def add_auth(auth, request):
        captured["signed_over"] = dict(request.headers.items())
        return original_add_auth(auth, request)

    client.meta.events.register("before-send", answer)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=FROZEN), \
            mock.patch.object(botocore.auth.SigV4Auth, "add_auth", add_auth):
        try:
            getattr(client, case["operation"])(**case["params"])
        except Exception:  # the empty fake response does not parse; the request is captured
            pass
    request = captured["request"]
    url = urlsplit(request.url)
    def text(value):
        return value.decode() if isinstance(value, bytes) else value

    headers = {k: text(v) for k, v in request.headers.items()}
    signed_over = {k: text(v) for k, v in captured["signed_over"].items()}
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    return dict(
        name=case["name"], region=case["region"], session_token=case["token"],
        method=request.method, host=url.netloc, path=url.path,
        query=[list(p) for p in parse_qsl(url.query, keep_blank_values=True)],
        headers=[[k, v] for k, v in signed_over.items() if k.lower() not in SIGNER_HEADERS],
        body=body.decode(),
        amz_date=headers.get("X-Amz-Date"), security_token=headers.get("X-Amz-Security-Token"),
        authorization=headers.get("Authorization"))


if __name__ == "__main__":
    print(json.dumps([sign(case) for case in CASES], indent=1))
