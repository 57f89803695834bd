"""The `gatehouse-lambda` bootstrap as API Gateway's Lambda authorizer
(GATEHOUSE_LAMBDA_HANDLER=authorizer) under the Runtime API emulator: REST API (v1) REQUEST and
TOKEN events and HTTP API (v2) simple responses, with bearer tokens from moto, and cookie
sessions on a moto DynamoDB table made by the local pool's token handler (the scale-out cluster)."""

import json
import time
import uuid

import pytest

from conftest import ALLOWED_ORIGIN
from jwt_helpers import decode_part, private_key_from_jwk, sign_rs256
from test_lambda_runtime import Bootstrap, moto_tokens
from test_scale_out import cluster, wait_until_expired  # noqa: F401 (a fixture)

METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/orders/42"
API_RESOURCE = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*/*"
ROUTE_ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/api/orders/42"
GROUP_USER = "authorizer-grouped"


def rest_request(headers=None, method="GET"):
    headers = dict(headers or {})
    return {
        "type": "REQUEST", "methodArn": METHOD_ARN, "resource": "/api/orders/{id}", "path": "/api/orders/42",
        "httpMethod": method, "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {}, "pathParameters": {"id": "42"}, "stageVariables": {},
        "requestContext": {"httpMethod": method, "requestId": str(uuid.uuid4()), "stage": "prod",
                           "resourcePath": "/api/orders/{id}", "apiId": "abcdef1234", "accountId": "123456789012"},
    }


def http_request(headers=None, cookies=None, method="GET"):
    event = {
        "version": "2.0", "type": "REQUEST", "routeArn": ROUTE_ARN, "identitySource": [],
        "routeKey": "GET /api/orders/{id}", "rawPath": "/api/orders/42", "rawQueryString": "",
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {"http": {"method": method, "path": "/api/orders/42", "sourceIp": "198.51.100.7"},
                           "requestId": str(uuid.uuid4()), "routeKey": "GET /api/orders/{id}", "stage": "$default"},
    }
    if cookies:
        event["cookies"] = cookies
    return event


class Authorizer(Bootstrap):
    def call(self, event):
        """(kind, parsed body): "response" with the answer, or "error" with the error body."""
        outcome = self.emulator.invoke(event)
        return outcome.kind, json.loads(outcome.body)


def moto_environment(moto_endpoint, pool, **extra):
    return {
        "GATEHOUSE_LAMBDA_HANDLER": "authorizer",
        "GATEHOUSE_USER_POOL_ID": pool.id,
        "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
        "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
        "GATEHOUSE_CLIENT_IDS": pool.client_id,
        "GATEHOUSE_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "AWS_ACCESS_KEY_ID": "ASIATESTING", "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        **extra,
    }


@pytest.fixture(scope="module")
def authorizer(moto_endpoint, pool, tmp_path_factory):
    made = Authorizer(tmp_path_factory.mktemp("authorizer"), moto_environment(
        moto_endpoint, pool, GATEHOUSE_AUTHORIZER_PASS_TOKEN="on"))
    yield made
    made.close()


def assert_unauthorized(result):
    kind, body = result
    assert kind == "error", body
    assert body["errorMessage"] == "Unauthorized", body
    assert set(body) == {"errorMessage", "errorType", "stackTrace"}


def test_rest_api_allows_access_and_id_tokens_with_a_policy_on_the_api_and_stage(authorizer, pool):
    tokens = moto_tokens(pool)
    claims = decode_part(tokens["AccessToken"], 1)
    kind, answer = authorizer.call(rest_request({"authorization": "Bearer " + tokens["AccessToken"]}))
    assert kind == "response", answer
    assert answer["principalId"] == claims["sub"]
    assert answer["policyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [API_RESOURCE]}]}
    context = answer["context"]
    assert all(isinstance(value, str) for value in context.values()), context
    assert context["sub"] == claims["sub"] and context["username"] == claims["username"]
    assert context["tokenUse"] == "access" and context["groups"] == ""
    assert context["scope"] == claims["scope"]
    assert context["accessToken"] == tokens["AccessToken"]

    # An ID token, the header name in another case: no access token to pass on.
    kind, answer = authorizer.call(rest_request({"AUTHORIZATION": "Bearer " + tokens["IdToken"]}))
    assert kind == "response" and answer["context"]["tokenUse"] == "id", answer
    assert "accessToken" not in answer["context"]
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"

    # A TOKEN authorizer's event carries the header's value alone.
    kind, answer = authorizer.call({"type": "TOKEN", "methodArn": METHOD_ARN, "authorizationToken": "Bearer " + tokens["AccessToken"]})
    assert kind == "response" and answer["principalId"] == claims["sub"]


def test_rest_api_refusals_are_unauthorized_without_a_reason(authorizer, pool, moto_private_jwk):
    tokens = moto_tokens(pool)
    header, claims = decode_part(tokens["IdToken"], 0), decode_part(tokens["IdToken"], 1)
    key = private_key_from_jwk(moto_private_jwk)
    expired = sign_rs256(header, {**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, key)
    forged = tokens["AccessToken"][:-4] + ("AAAA" if not tokens["AccessToken"].endswith("AAAA") else "BBBB")
    other_client = pool.tokens("lambda-alice", client_id=pool.other_client_id)["AccessToken"]
    for headers in ({}, {"Authorization": "Bearer " + forged}, {"Authorization": "Bearer " + expired},
                    {"Authorization": "Bearer " + other_client}, {"Authorization": "Basic dXNlcjpwYXNz"},
                    {"Cookie": "__Host-gatehouse=not-a-session"}):
        assert_unauthorized(authorizer.call(rest_request(headers)))
    # The same claims with a fresh expiry pass: the refusal above was about time alone.
    fresh = sign_rs256(header, {**claims, "exp": int(time.time()) + 600}, key)
    assert authorizer.call(rest_request({"Authorization": "Bearer " + fresh}))[0] == "response"
    text = "\n".join(authorizer.log_lines())
    assert "gatehouse.authorizer.refused" in text
    # A refusal is the authorizer's answer, not a fault: nothing at error level.
    levels = {json.loads(line).get("level") for line in authorizer.log_lines() if line.startswith("{")}
    assert levels and "ERROR" not in levels and "error" not in levels, levels
    for secret in (tokens["AccessToken"], forged, expired, other_client, "not-a-session", "testing-secret"):
        assert secret not in text


def test_http_api_simple_responses(authorizer, pool, moto_private_jwk):
    tokens = moto_tokens(pool)
    kind, answer = authorizer.call(http_request({"Authorization": "Bearer " + tokens["AccessToken"]}))
    assert kind == "response" and answer["isAuthorized"] is True, answer
    assert answer["context"]["sub"] == decode_part(tokens["AccessToken"], 1)["sub"]
    assert set(answer["context"]) == {"sub", "username", "groups", "scope", "tokenUse", "accessToken"}
    kind, answer = authorizer.call(http_request({"authorization": "Bearer " + tokens["IdToken"]}))
    assert answer["isAuthorized"] is True and answer["context"]["tokenUse"] == "id"
    header, claims = decode_part(tokens["AccessToken"], 0), decode_part(tokens["AccessToken"], 1)
    expired = sign_rs256(header, {**claims, "exp": int(time.time()) - 60}, private_key_from_jwk(moto_private_jwk))
    other_client = pool.tokens("lambda-alice", client_id=pool.other_client_id)["AccessToken"]
    for headers in ({}, {"Authorization": "Bearer x.y.z"}, {"Authorization": "Bearer " + expired},
                    {"Authorization": "Bearer " + other_client}, {"Authorization": "Bearer " + tokens["AccessToken"][:-3] + "AAA"}):
        kind, answer = authorizer.call(http_request(headers))
        assert kind == "response" and answer == {"isAuthorized": False}, (headers, answer)


def test_not_an_authorizer_event_is_an_invocation_error_and_the_loop_goes_on(authorizer, pool):
    kind, body = authorizer.call({"hello": "world"})
    assert kind == "error" and body["errorType"] == "InvalidEventDataException"
    kind, _ = authorizer.call(rest_request({"Authorization": "Bearer " + moto_tokens(pool)["AccessToken"]}))
    assert kind == "response"


def test_the_group_rule_denies_with_a_policy_and_admits_members(moto_endpoint, pool, tmp_path):
    try:
        pool.cognito.create_group(GroupName="orders-admins", UserPoolId=pool.id)
    except pool.cognito.exceptions.GroupExistsException:
        pass
    try:
        pool.create_user(GROUP_USER, email="grouped@example.com")
    except pool.cognito.exceptions.UsernameExistsException:
        pass
    pool.cognito.admin_add_user_to_group(UserPoolId=pool.id, Username=GROUP_USER, GroupName="orders-admins")
    grouped = Authorizer(tmp_path, moto_environment(moto_endpoint, pool, GATEHOUSE_AUTHORIZER_REQUIRE_GROUPS="billing, orders-admins"))
    try:
        outsider = moto_tokens(pool)["AccessToken"]
        kind, answer = grouped.call(rest_request({"Authorization": "Bearer " + outsider}))
        assert kind == "response" and answer["policyDocument"]["Statement"][0]["Effect"] == "Deny", answer
        assert answer["policyDocument"]["Statement"][0]["Resource"] == [API_RESOURCE]
        assert grouped.call(http_request({"Authorization": "Bearer " + outsider})) == ("response", {"isAuthorized": False})
        member = pool.tokens(GROUP_USER)["AccessToken"]
        kind, answer = grouped.call(rest_request({"Authorization": "Bearer " + member}))
        assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow" and answer["context"]["groups"] == "orders-admins"
        assert "accessToken" not in answer["context"]  # GATEHOUSE_AUTHORIZER_PASS_TOKEN is off
    finally:
        grouped.close()


@pytest.mark.parametrize("variable, value", [("GATEHOUSE_LAMBDA_HANDLER", "authoriser"), ("GATEHOUSE_AUTHORIZER_PASS_TOKEN", "yes")])
def test_a_bad_handler_setting_is_an_init_error_naming_the_variable(moto_endpoint, pool, tmp_path, variable, value):
    broken = Authorizer(tmp_path, moto_environment(moto_endpoint, pool, **{variable: value}))
    try:
        assert broken.emulator.init_error_posted.wait(30), "no init error posted"
        assert variable in broken.emulator.init_error["body"]["errorMessage"]
        assert broken.process.wait(timeout=10) != 0
    finally:
        broken.close()


def test_cookie_sessions_on_dynamodb_with_csrf_refresh_revocation_and_logout(cluster, tmp_path):  # noqa: F811
    browser = cluster.browser()
    assert browser.login().status_code == 200
    cookie = browser.jar["__Host-gatehouse"]
    authorizer = Authorizer(tmp_path, {**cluster.remote, "GATEHOUSE_LAMBDA_HANDLER": "authorizer", "LOG_LEVEL": "info"})
    try:
        jar = [f"__Host-gatehouse={cookie}"]
        kind, answer = authorizer.call(http_request(cookies=jar))
        assert kind == "response" and answer["isAuthorized"] is True, answer
        assert answer["context"]["username"] == cluster.a.demo["username"]
        # REST API: the cookie in the Cookie header, any case.
        kind, answer = authorizer.call(rest_request({"cookie": f"__Host-gatehouse={cookie}"}))
        assert kind == "response" and answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
        # Unsafe methods need the CSRF proof of every cookie request.
        assert authorizer.call(http_request(cookies=jar, method="POST")) == ("response", {"isAuthorized": False})
        assert_unauthorized(authorizer.call(rest_request({"Cookie": f"__Host-gatehouse={cookie}"}, method="DELETE")))
        evil = {"X-CSRF": "1", "Origin": "https://evil.example"}
        assert authorizer.call(http_request(evil, cookies=jar, method="POST")) == ("response", {"isAuthorized": False})
        kind, answer = authorizer.call(http_request({"X-CSRF": "1", "Origin": cluster.a.app}, cookies=jar, method="POST"))
        assert answer["isAuthorized"] is True, answer

        # The access token expires: the authorizer refreshes it once, in the shared store.
        wait_until_expired(browser)
        before = cluster.refresh_grants()
        for _ in range(3):
            assert authorizer.call(http_request(cookies=jar))[1]["isAuthorized"] is True
        assert cluster.refresh_grants() == before + 1
        # The browser's next call (through instance A) uses the refreshed tokens: no second grant.
        browser.jar["__Host-gatehouse"] = cookie
        assert browser.request("GET", "/userinfo").status_code == 200
        assert cluster.refresh_grants() == before + 1

        # Logout through the server: the next authorizer call is refused.
        assert browser.request("POST", "/auth/logout").status_code == 200
        assert authorizer.call(http_request(cookies=jar)) == ("response", {"isAuthorized": False})
        assert_unauthorized(authorizer.call(rest_request({"Cookie": f"__Host-gatehouse={cookie}"})))
        text = "\n".join(authorizer.log_lines())
        assert cookie not in text and cluster.keys not in text
    finally:
        authorizer.close()


def test_a_token_revoked_at_the_pool_is_refused_with_the_revocation_check_on(cluster, tmp_path):  # noqa: F811
    from test_local_pool import sign_in
    tokens = sign_in(cluster.a, cluster.a.demo["username"], cluster.a.demo["password"])
    authorizer = Authorizer(tmp_path, {**cluster.remote, "GATEHOUSE_LAMBDA_HANDLER": "authorizer"})
    try:
        event = rest_request({"Authorization": "Bearer " + tokens["AccessToken"]})
        assert authorizer.call(event)[0] == "response"
        cluster.a.cognito.global_sign_out(AccessToken=tokens["AccessToken"])
        assert_unauthorized(authorizer.call(event))
    finally:
        authorizer.close()
