#!/usr/bin/env python3
"""Regenerates Tests/GatehouseAWSTests/Fixtures/sigv4-botocore.json.

Each case is signed by botocore's SigV4Auth (the reference signer AWS's Python SDK uses) with
the clock pinned, and the canonical request, string to sign and Authorization header it
produced are recorded. Gatehouse's signer must reproduce them byte for byte.

Usage: python3 scripts/generate-sigv4-fixtures.py > Tests/GatehouseAWSTests/Fixtures/sigv4-botocore.json
"""

import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

CASES = [
    {
        "name": "cognito-admin-get-user",
        "method": "POST", "scheme": "https", "host": "cognito-idp.us-east-1.amazonaws.com", "path": "/",
        "headers": [["Content-Type", "application/x-amz-json-1.1"],
                    ["X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser"]],
        "body": '{"UserPoolId":"us-east-1_AbCdEf123","Username":"alice"}',
        "region": "us-east-1", "service": "cognito-idp", "time": "2015-08-30T12:36:00",
    },
    {
        "name": "cognito-with-session-token",
        "method": "POST", "scheme": "https", "host": "cognito-idp.eu-west-1.amazonaws.com", "path": "/",
        "headers": [["Content-Type", "application/x-amz-json-1.1"],
                    ["X-Amz-Target", "AWSCognitoIdentityProviderService.AdminGetUser"]],
        "body": '{"UserPoolId":"eu-west-1_XyZ987654","Username":"bob@example.com"}',
        "token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+session/token==",
        "region": "eu-west-1", "service": "cognito-idp", "time": "2026-11-25T08:00:59",
    },
    {
        "name": "get-vanilla-empty-body",
        "method": "GET", "scheme": "https", "host": "example.amazonaws.com", "path": "/",
        "headers": [], "body": "",
        "region": "us-east-1", "service": "service", "time": "2015-08-30T12:36:00",
    },
    {
        "name": "get-query-reserved-characters",
        "method": "GET", "scheme": "https", "host": "example.amazonaws.com", "path": "/items",
        "query": [["b", "two words"], ["a", "x/y=z&w"], ["a", "+plus"], ["empty", ""],
                  ["tilde~", "caf\u00e9"], ["star", "*"]],
        "headers": [["My-Header", "  padded   value  with   runs "]], "body": "",
        "region": "us-east-1", "service": "service", "time": "2015-08-30T12:36:00",
    },
    {
        "name": "get-path-normalised-and-encoded",
        "method": "GET", "scheme": "https", "host": "example.amazonaws.com",
        "path": "/a/./b/../c//d%20e/f~g/", "headers": [], "body": "",
        "region": "us-east-1", "service": "service", "time": "2020-02-29T23:59:59",
    },
    {
        "name": "post-dynamodb-local-port-unsigned-user-agent",
        "method": "POST", "scheme": "http", "host": "127.0.0.1:5000", "path": "/",
        "headers": [["Content-Type", "application/x-amz-json-1.0"],
                    ["X-Amz-Target", "DynamoDB_20120810.GetItem"],
                    ["User-Agent", "gatehouse/1.0"],
                    ["X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"]],
        "body": '{"TableName":"sessions","Key":{"pk":{"S":"sess#abc"}}}',
        "token": "short-token",
        "region": "us-west-2", "service": "dynamodb", "time": "2031-01-01T00:00:00",
    },
    {
        "name": "put-binary-body",
        "method": "PUT", "scheme": "https", "host": "example.amazonaws.com", "path": "/blob",
        "headers": [["Content-Type", "application/octet-stream"]],
        "body_hex": "00ff10e2809c7f80",
        "region": "ap-southeast-2", "service": "service", "time": "1999-12-31T23:59:59",
    },
    {
        "name": "delete-unicode-path",
        "method": "DELETE", "scheme": "https", "host": "example.amazonaws.com",
        "path": "/users/%C3%A9l%C3%A8ve", "headers": [["X-Amz-Meta-Note", "a,b"]], "body": "",
        "region": "us-east-1", "service": "service", "time": "2015-08-30T12:36:00",
    },
]


class RecordingSigner(botocore.auth.SigV4Auth):
    def canonical_request(self, request):
        self.recorded_canonical = super().canonical_request(request)
        return self.recorded_canonical

    def string_to_sign(self, request, canonical_request):
        self.recorded_sts = super().string_to_sign(request, canonical_request)
        return self.recorded_sts


def sign(case):
    body = bytes.fromhex(case["body_hex"]) if "body_hex" in case else case["body"].encode()
    url = f"{case['scheme']}://{case['host']}{case['path']}"
    request = AWSRequest(method=case["method"], url=url, data=body, params=[tuple(pair) for pair in case.get("query", [])])
    for name, value in case["headers"]:
        request.headers[name] = value
    credentials = Credentials(AKID, SECRET, case.get("token"))
    signer = RecordingSigner(credentials, case["service"], case["region"])
    moment = datetime.datetime.fromisoformat(case["time"])
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
        signer.add_auth(request)
    epoch = int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())
    return {
        "name": case["name"],
        "method": case["method"],
        "host": case["host"],
        "path": case["path"],
        "query": case.get("query", []),
        "headers": case["headers"],
        "body_hex": body.hex(),
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "session_token": case.get("token"),
        "region": case["region"],
        "service": case["service"],
        "epoch_seconds": epoch,
        "expected": {
            "canonical_request": signer.recorded_canonical,
            "string_to_sign": signer.recorded_sts,
            "authorization": request.headers["Authorization"],
            "x_amz_date": request.headers["X-Amz-Date"],
        },
    }


def main():
    document = {
        "generator": f"scripts/generate-sigv4-fixtures.py with botocore {botocore.__version__}",
        "cases": [sign(case) for case in CASES],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
