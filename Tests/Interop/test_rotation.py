"""Refresh-token rotation against `gatehouse serve`'s local pool: the client setting through boto3,
GetTokensFromRefreshToken, and the token endpoint's refresh_token grant."""

import base64
import hashlib
import hmac

import botocore.exceptions
import pytest
import requests

from conftest import LocalServe


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("rotation"))
    yield serve
    serve.close()


def refused(call, error_type):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == error_type, raised.value.response
    return raised.value.response["Error"]["Message"]


def rotating_client(local, name, grace, **extra):
    return local.cognito.create_user_pool_client(
        UserPoolId=local.pool_id, ClientName=name, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace}, **extra,
    )["UserPoolClient"]


def sign_in(local, client_id):
    return local.cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": local.demo["username"], "PASSWORD": local.demo["password"]})["AuthenticationResult"]


def test_get_tokens_from_refresh_token_rotates_and_the_setting_round_trips(local):
    client = rotating_client(local, "rotating", 0)
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}
    first = sign_in(local, client["ClientId"])["RefreshToken"]
    result = local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], RefreshToken=first)["AuthenticationResult"]
    second = result["RefreshToken"]
    assert second != first and result["IdToken"] and result["AccessToken"]
    # No grace: the rotated-out token is refused, and its reuse ends the family (the new one too).
    assert refused(lambda: local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], RefreshToken=first),
                   "NotAuthorizedException") == "Refresh Token has been revoked"
    refused(lambda: local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], RefreshToken=second), "NotAuthorizedException")
    # REFRESH_TOKEN_AUTH is refused for a rotating client, as Cognito documents.
    third = sign_in(local, client["ClientId"])["RefreshToken"]
    refused(lambda: local.cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                                AuthParameters={"REFRESH_TOKEN": third}), "InvalidParameterException")
    # UpdateUserPoolClient without the setting turns it off (Cognito's reset of omitted settings).
    local.cognito.update_user_pool_client(UserPoolId=local.pool_id, ClientId=client["ClientId"],
                                          ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    described = local.cognito.describe_user_pool_client(UserPoolId=local.pool_id, ClientId=client["ClientId"])["UserPoolClient"]
    assert "RefreshTokenRotation" not in described
    plain = local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], RefreshToken=third)["AuthenticationResult"]
    assert "RefreshToken" not in plain
    for bad in [{"Feature": "SOMETIMES"}, {"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}]:
        refused(lambda: local.cognito.create_user_pool_client(UserPoolId=local.pool_id, ClientName="bad", RefreshTokenRotation=bad),
                "InvalidParameterException")


def test_the_token_endpoint_rotates_within_the_grace_period(local):
    client = rotating_client(local, "rotating-secret", 60, GenerateSecret=True)
    username = local.demo["username"]
    secret_hash = base64.b64encode(hmac.new(client["ClientSecret"].encode(), (username + client["ClientId"]).encode(),
                                            hashlib.sha256).digest()).decode()
    first = local.cognito.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": local.demo["password"], "SECRET_HASH": secret_hash},
    )["AuthenticationResult"]["RefreshToken"]
    # GetTokensFromRefreshToken wants the client's secret from a client that has one.
    refused(lambda: local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], RefreshToken=first), "NotAuthorizedException")
    grant = lambda token: requests.post(local.pool_url + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                                        data={"grant_type": "refresh_token", "refresh_token": token}, timeout=10)
    second = grant(first).json()["refresh_token"]
    # A retry with the first token inside the 60 s grace still works, with yet another token.
    retried = grant(first)
    assert retried.status_code == 200 and retried.json()["refresh_token"] not in (first, second)
    third = local.cognito.get_tokens_from_refresh_token(ClientId=client["ClientId"], ClientSecret=client["ClientSecret"],
                                                        RefreshToken=second)["AuthenticationResult"]["RefreshToken"]
    assert third not in (first, second)
