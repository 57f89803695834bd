"""The local pool's admin API checks SigV4 signatures as Cognito does when it has credentials,
and `serve` refuses to expose it unsigned beyond loopback."""

import datetime
import json
import subprocess
from unittest import mock

import boto3
import botocore.auth
import pytest
import requests
from botocore import UNSIGNED
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from conftest import REGION, LocalServe, free_port, gatehouse_binary

KEY, SECRET = "AKIDPOOLADMIN", "pool-admin-secret"


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    server = LocalServe(tmp_path_factory.mktemp("admin-api"), "--aws-credentials", f"{KEY}:{SECRET}", credentials=(KEY, SECRET))
    yield server
    server.close()


def client(serve, key=KEY, secret=SECRET, **config):
    return boto3.client("cognito-idp", region_name=REGION, endpoint_url=serve.pool_url,
                        aws_access_key_id=key, aws_secret_access_key=secret, config=Config(**config))


def test_signed_admin_calls_work_and_the_api_still_verifies_users(serve):
    user = client(serve).admin_get_user(UserPoolId=serve.pool_id, Username=serve.demo["username"])
    assert user["Username"] == serve.demo["username"]
    # Sign-in needs no signature (as in Cognito); the API signs its own AdminGetUser with the key.
    unsigned = client(serve, signature_version=UNSIGNED)
    tokens = unsigned.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]
    profile = requests.get(serve.api + "/userinfo", headers={"Authorization": "Bearer " + tokens["AccessToken"]}, timeout=10)
    assert profile.status_code == 200 and profile.json()["username"] == serve.demo["username"]


@pytest.mark.parametrize("key,secret,error", [
    (KEY, "wrong-secret", "InvalidSignatureException"),
    ("AKIDSTRANGER", SECRET, "UnrecognizedClientException"),
])
def test_wrong_credentials_are_refused_in_cognitos_words(serve, key, secret, error):
    with pytest.raises(client(serve).exceptions.ClientError) as caught:
        client(serve, key, secret).admin_create_user(UserPoolId=serve.pool_id, Username="intruder")
    assert caught.value.response["Error"]["Code"] == error
    with pytest.raises(client(serve).exceptions.UserNotFoundException):
        client(serve).admin_get_user(UserPoolId=serve.pool_id, Username="intruder")


def test_unsigned_admin_calls_are_refused(serve):
    with pytest.raises(client(serve).exceptions.ClientError) as caught:
        client(serve, signature_version=UNSIGNED).list_users(UserPoolId=serve.pool_id)
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    # Unknown operations are admin calls too.
    raw = requests.post(serve.pool_url + "/", data="{}", timeout=10, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.DeleteEverything"})
    assert raw.status_code == 400 and raw.json()["__type"] == "UnrecognizedClientException"
    assert raw.headers["x-amzn-ErrorType"] == "UnrecognizedClientException:"


def test_a_stale_signature_is_refused(serve):
    body = json.dumps({"UserPoolId": serve.pool_id, "Username": serve.demo["username"]})
    request = AWSRequest(method="POST", url=serve.pool_url + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"})
    stale = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=stale):
        botocore.auth.SigV4Auth(Credentials(KEY, SECRET), "cognito-idp", REGION).add_auth(request)
    response = requests.post(serve.pool_url + "/", data=body, headers=dict(request.headers), timeout=10)
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidSignatureException" and "expired" in response.json()["message"]
    # The same request signed now passes: the refusal was the timestamp's.
    fresh = AWSRequest(method="POST", url=serve.pool_url + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"})
    botocore.auth.SigV4Auth(Credentials(KEY, SECRET), "cognito-idp", REGION).add_auth(fresh)
    assert requests.post(serve.pool_url + "/", data=body, headers=dict(fresh.headers), timeout=10).status_code == 200


def test_serve_will_not_expose_an_unsigned_admin_api_beyond_loopback(tmp_path):
    result = subprocess.run(
        [str(gatehouse_binary()), "serve", "--host", "0.0.0.0", "--port", str(free_port()), "--pool-port", str(free_port()),
         "--app-port", str(free_port()), "--data-dir", str(tmp_path / "state")],
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "--aws-credentials" in result.stderr and "--insecure-open-admin-api" in result.stderr
    assert not (tmp_path / "state").exists()
