"""Machine to machine (issue 27, item 1): resource servers through boto3 (botocore's parameter
validation and paginator), the client_credentials grant through authlib's OAuth2 client, custom
scopes in a user's code-flow tokens, and where a client's own token may go: the proxy and
/auth/check pass it to the app's API, /userinfo answers that it carries no user."""

import secrets
import time

import botocore.exceptions
import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken

from conftest import LocalServe
from recording_upstream import RecordingUpstream
from test_oidc_flow import login_through_form

API = "https://api.example.com"
READ, WRITE = f"{API}/read", f"{API}/write"


@pytest.fixture(scope="module")
def upstream():
    server = RecordingUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory, upstream):
    server = LocalServe(tmp_path_factory.mktemp("m2m"), "--upstream", f"/orders/={upstream.url}/v1/")
    server.cognito.create_resource_server(
        UserPoolId=server.pool_id, Identifier=API, Name="Orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read orders"},
                {"ScopeName": "write", "ScopeDescription": "Change orders"}],
    )
    yield server
    server.close()


def discovery(serve):
    return requests.get(f"{serve.pool_url}/{serve.pool_id}/.well-known/openid-configuration", timeout=10).json()


def machine_client(serve, scopes=(READ, WRITE), validity=30):
    return serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName=f"worker-{secrets.token_hex(3)}", GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=list(scopes), AccessTokenValidity=validity, TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]


def client_token(serve, client, **extra):
    session = OAuth2Session(client["ClientId"], client["ClientSecret"], **extra)
    return session.fetch_token(discovery(serve)["token_endpoint"], grant_type="client_credentials")


def claims_of(serve, token):
    config = discovery(serve)
    keys = JsonWebKey.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    claims = JsonWebToken(["RS256"]).decode(token, keys, claims_options={"iss": {"essential": True, "value": config["issuer"]}})
    claims.validate(now=int(time.time()))
    return claims


def error_code(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_resource_servers_are_created_listed_updated_and_deleted(serve):
    cognito, pool = serve.cognito, serve.pool_id
    described = cognito.describe_resource_server(UserPoolId=pool, Identifier=API)["ResourceServer"]
    assert described == {"UserPoolId": pool, "Identifier": API, "Name": "Orders",
                         "Scopes": [{"ScopeName": "read", "ScopeDescription": "Read orders"},
                                    {"ScopeName": "write", "ScopeDescription": "Change orders"}]}
    assert error_code(lambda: cognito.create_resource_server(UserPoolId=pool, Identifier=API, Name="Again")) == (
        "InvalidParameterException", f"{API} already exists in user pool {pool}.")
    for name in ("billing", "inventory", "reports"):
        cognito.create_resource_server(UserPoolId=pool, Identifier=f"urn:{name}", Name=name.title())
    pages = list(cognito.get_paginator("list_resource_servers").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 2}))
    assert len(pages) == 2
    assert [s["Identifier"] for page in pages for s in page["ResourceServers"]] == [API, "urn:billing", "urn:inventory", "urn:reports"]
    updated = cognito.update_resource_server(UserPoolId=pool, Identifier="urn:billing", Name="Billing v2",
                                             Scopes=[{"ScopeName": "pay", "ScopeDescription": "Pay"}])["ResourceServer"]
    assert updated["Name"] == "Billing v2" and updated["Scopes"] == [{"ScopeName": "pay", "ScopeDescription": "Pay"}]
    for name in ("billing", "inventory", "reports"):
        cognito.delete_resource_server(UserPoolId=pool, Identifier=f"urn:{name}")
    assert error_code(lambda: cognito.describe_resource_server(UserPoolId=pool, Identifier="urn:billing")) == (
        "ResourceNotFoundException", "Resource server urn:billing does not exist.")
    assert [s["Identifier"] for s in cognito.list_resource_servers(UserPoolId=pool)["ResourceServers"]] == [API]
    # botocore checks the lower bounds of its model; the pool checks the rest.
    with pytest.raises(botocore.exceptions.ParamValidationError):
        cognito.list_resource_servers(UserPoolId=pool, MaxResults=0)
    assert error_code(lambda: cognito.list_resource_servers(UserPoolId=pool, MaxResults=51))[0] == "InvalidParameterException"
    assert error_code(lambda: cognito.create_resource_server(UserPoolId=pool, Identifier="has space", Name="n"))[0] == "InvalidParameterException"
    assert error_code(lambda: cognito.create_resource_server(
        UserPoolId=pool, Identifier="urn:x", Name="n", Scopes=[{"ScopeName": "a/b", "ScopeDescription": "d"}]))[0] == "InvalidParameterException"


def test_clients_are_held_to_cognitos_scope_and_flow_rules(serve):
    cognito, pool = serve.cognito, serve.pool_id
    assert error_code(lambda: machine_client(serve, scopes=(READ, f"{API}/delete"))) == (
        "ScopeDoesNotExistException", f"Invalid scope requested: {API}/delete")
    assert error_code(lambda: cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="mixed", GenerateSecret=True, AllowedOAuthFlows=["client_credentials", "code"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=[READ], CallbackURLs=["https://app.example.com/"],
    ))[0] == "InvalidOAuthFlowException"
    assert error_code(lambda: cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="public", GenerateSecret=False, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=[READ],
    )) == ("InvalidOAuthFlowException", "client_credentials flow can not be selected if client does not have a client secret.")


def test_the_client_credentials_grant_through_authlib(serve):
    client = machine_client(serve)
    token = client_token(serve, client)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 1800 and "refresh_token" not in token and "id_token" not in token
    claims = claims_of(serve, token["access_token"])
    assert claims["sub"] == client["ClientId"] and claims["client_id"] == client["ClientId"]
    assert claims["token_use"] == "access" and "username" not in claims
    assert claims["scope"] == f"{READ} {WRITE}"
    assert claims["exp"] - claims["iat"] == 1800

    # A subset, through the body instead of the Basic header.
    post = client_token(serve, client, scope=WRITE, token_endpoint_auth_method="client_secret_post")
    assert claims_of(serve, post["access_token"])["scope"] == WRITE

    # A scope the client may not have is refused, not dropped.
    for asked in (f"{READ} {API}/admin", "openid", "urn:other/read"):
        with pytest.raises(OAuthError) as refused:
            client_token(serve, client, scope=asked)
        assert refused.value.error == "invalid_scope", asked
    with pytest.raises(OAuthError) as wrong:
        OAuth2Session(client["ClientId"], "not-the-secret").fetch_token(discovery(serve)["token_endpoint"], grant_type="client_credentials")
    assert wrong.value.error == "invalid_client"
    # The code-flow client of the quick start may not use the grant.
    with pytest.raises(OAuthError) as public:
        OAuth2Session(serve.spa).fetch_token(discovery(serve)["token_endpoint"], grant_type="client_credentials",
                                             token_endpoint_auth_method="none")
    assert public.value.error == "unauthorized_client"


def test_a_client_token_reaches_the_api_but_has_no_profile(serve, upstream):
    client = machine_client(serve, scopes=(READ,))
    token = client_token(serve, client)["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}

    userinfo = requests.get(serve.api + "/userinfo", headers=bearer, timeout=10)
    assert userinfo.status_code == 401 and userinfo.json()["error"] == "no_user"
    assert "client_credentials" in userinfo.json()["message"] and 'error="invalid_token"' in userinfo.headers["WWW-Authenticate"]
    pool_userinfo = requests.get(discovery(serve)["userinfo_endpoint"], headers=bearer, timeout=10)
    assert pool_userinfo.status_code == 401 and "client_credentials" in pool_userinfo.headers["WWW-Authenticate"]
    assert error_code(lambda: serve.cognito.get_user(AccessToken=token))[0] == "NotAuthorizedException"

    proxied = requests.get(serve.api + "/orders/m2m-7", headers=bearer, timeout=10)
    assert proxied.status_code == 200, proxied.text
    got = {name.lower(): value for name, value in upstream.recorded("/v1/m2m-7")[-1]["headers"]}
    assert got["authorization"] == f"Bearer {token}"
    assert got["x-gatehouse-sub"] == client["ClientId"] and "x-gatehouse-username" not in got and got["x-gatehouse-groups"] == ""
    # A spoofed username from the caller does not get through either.
    requests.get(serve.api + "/orders/m2m-8", headers={**bearer, "X-Gatehouse-Username": "admin"}, timeout=10)
    got = {name.lower(): value for name, value in upstream.recorded("/v1/m2m-8")[-1]["headers"]}
    assert "x-gatehouse-username" not in got

    check = requests.get(serve.api + "/auth/check", headers=bearer, timeout=10)
    assert check.status_code == 200 and check.headers["X-Gatehouse-Sub"] == client["ClientId"]
    assert "X-Gatehouse-Username" not in check.headers
    # No group can be had by a client.
    assert requests.get(serve.api + "/auth/check?group=admins", headers=bearer, timeout=10).status_code == 403


def test_custom_scopes_reach_a_users_tokens_when_the_client_allows_them(serve):
    callback = serve.app + "/"
    client = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="web-with-api", GenerateSecret=False, AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", READ], CallbackURLs=[callback],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    config, verifier = discovery(serve), secrets.token_urlsafe(48)
    session = OAuth2Session(client["ClientId"], redirect_uri=callback, scope=f"openid email {READ} {WRITE}", code_challenge_method="S256")
    url, _ = session.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    done = login_through_form(requests.Session(), url, serve.demo["username"], serve.demo["password"])
    assert done.status_code == 302, done.text
    token = session.fetch_token(config["token_endpoint"], authorization_response=done.headers["Location"], code_verifier=verifier)
    claims = claims_of(serve, token["access_token"])
    # Narrowed to what the client may have: WRITE is not among them.
    assert claims["scope"].split() == ["openid", "email", READ] and claims["username"] == serve.demo["username"]
    # The user's token still has a profile.
    assert requests.get(serve.api + "/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10).status_code == 200
