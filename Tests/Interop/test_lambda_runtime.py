"""The built `gatehouse-lambda` bootstrap against a Runtime API emulator, fed API Gateway events
carrying real tokens from moto and from the local pool."""

import json
import os
import subprocess

import pytest

from conftest import ALLOWED_ORIGIN, LocalServe, gatehouse_binary, stop
from jwt_helpers import decode_part
from lambda_runtime import RuntimeEmulator, http_api_event, rest_event
from test_local_pool import sign_in

USER = "lambda-alice"
ATTRIBUTES = {"email": "lambda-alice@example.com", "nickname": "LA", "name": "Alice of Lambda"}


def lambda_binary():
    return gatehouse_binary().parent / "gatehouse-lambda"


class Bootstrap:
    """The bootstrap started the way Lambda starts it: environment in, stdout/stderr captured."""

    def __init__(self, tmp_path, environment):
        self.emulator = RuntimeEmulator()
        self.log_path = tmp_path / "lambda.log"
        self.log = open(self.log_path, "w")
        env = {"PATH": os.environ.get("PATH", ""), "AWS_LAMBDA_RUNTIME_API": self.emulator.address,
               "AWS_LAMBDA_FUNCTION_NAME": "gatehouse", "AWS_REGION": "us-east-1", **environment}
        self.process = subprocess.Popen([str(lambda_binary())], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def invoke(self, event):
        outcome = self.emulator.invoke(event)
        assert outcome.kind == "response", (outcome.kind, outcome.body)
        return json.loads(outcome.body), outcome.request_id

    def log_lines(self):
        self.log.flush()
        return self.log_path.read_text().splitlines()

    def close(self):
        stop(self.process)
        self.log.close()
        self.emulator.close()


@pytest.fixture(scope="module")
def moto_lambda(moto_endpoint, pool, tmp_path_factory):
    bootstrap = Bootstrap(tmp_path_factory.mktemp("lambda-moto"), {
        "GATEHOUSE_USER_POOL_ID": pool.id,
        "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
        "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
        "GATEHOUSE_CLIENT_IDS": pool.client_id,
        "GATEHOUSE_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "AWS_ACCESS_KEY_ID": "ASIATESTING",
        "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_SESSION_TOKEN": "session-token-for-lambda",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
    })
    yield bootstrap
    bootstrap.close()


def moto_tokens(pool):
    try:
        pool.create_user(USER, **ATTRIBUTES)
    except pool.cognito.exceptions.UsernameExistsException:
        pass
    return pool.tokens(USER)


def body_of(response):
    assert isinstance(response["body"], str) and response["isBase64Encoded"] is False
    return json.loads(response["body"])


def test_rest_event_with_moto_id_token_returns_the_profile(moto_lambda, pool):
    tokens = moto_tokens(pool)
    response, request_id = moto_lambda.invoke(rest_event(headers={
        "authorization": "Bearer " + tokens["IdToken"], "Origin": ALLOWED_ORIGIN}))
    assert response["statusCode"] == 200, response
    assert body_of(response) == {
        "sub": decode_part(tokens["IdToken"], 1)["sub"], "username": USER, "name": "Alice of Lambda",
        "email": "lambda-alice@example.com", "nickname": "LA",
    }
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["headers"]["X-Request-Id"] == request_id


def test_http_api_event_with_moto_access_token(moto_lambda, pool):
    tokens = moto_tokens(pool)
    response, _ = moto_lambda.invoke(http_api_event(headers={"Authorization": tokens["AccessToken"]}, cookies=["a=1"]))
    assert response["statusCode"] == 200, response
    assert body_of(response)["email"] == "lambda-alice@example.com"


def test_missing_or_forged_token_is_401_with_cors_and_the_lambda_request_id(moto_lambda, pool):
    response, request_id = moto_lambda.invoke(rest_event(headers={"Origin": ALLOWED_ORIGIN}))
    assert response["statusCode"] == 401
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert response["headers"]["WWW-Authenticate"].startswith("Bearer")
    body = body_of(response)
    assert body["error"] == "missing_token" and body["requestId"] == request_id

    token = moto_tokens(pool)["IdToken"]
    head, payload, signature = token.split(".")
    forged = ".".join([head, payload, signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")])
    response, _ = moto_lambda.invoke(rest_event(headers={"Authorization": "Bearer " + forged, "Origin": ALLOWED_ORIGIN}))
    assert response["statusCode"] == 401
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert 'error="invalid_token"' in response["headers"]["WWW-Authenticate"]
    assert body_of(response)["error"] == "invalid_token"


def test_preflight(moto_lambda):
    response, _ = moto_lambda.invoke(rest_event(method="OPTIONS", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}))
    assert response["statusCode"] == 204
    assert response["headers"]["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "GET" in response["headers"]["Access-Control-Allow-Methods"]
    response, _ = moto_lambda.invoke(rest_event(method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}))
    assert "Access-Control-Allow-Origin" not in response["headers"]


def test_not_an_api_gateway_event_is_an_invocation_error_and_the_loop_goes_on(moto_lambda, pool):
    outcome = moto_lambda.emulator.invoke({"hello": "world"})
    assert outcome.kind == "error"
    assert outcome.error_type == "InvalidEventDataException"
    report = json.loads(outcome.body)
    assert report["errorType"] == "InvalidEventDataException" and report["stackTrace"] == []
    response, _ = moto_lambda.invoke(rest_event(headers={"Authorization": moto_tokens(pool)["IdToken"]}))
    assert response["statusCode"] == 200


def three_sign_ins_and_a_preflight_with(moto_lambda, pool, switch):
    """Three signed-in requests with the emulator's `switch` on, then a preflight with it off:
    each answered, the bootstrap still running."""
    setattr(moto_lambda.emulator, switch, True)
    try:
        for _ in range(3):
            response, _ = moto_lambda.invoke(rest_event(headers={"Authorization": moto_tokens(pool)["IdToken"]}))
            assert response["statusCode"] == 200
    finally:
        setattr(moto_lambda.emulator, switch, False)
    response, _ = moto_lambda.invoke(rest_event(method="OPTIONS", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET"}))
    assert response["statusCode"] == 204
    assert moto_lambda.process.poll() is None
    assert not moto_lambda.emulator.protocol_errors


def test_a_runtime_api_that_closes_each_connection_is_reconnected_to(moto_lambda, pool):
    # Each event's answer and each 202 say `Connection: close` and close the connection: the
    # bootstrap connects again for its response, then for its next poll.
    three_sign_ins_and_a_preflight_with(moto_lambda, pool, "close_connections")


def test_a_poll_sent_as_the_runtime_api_resets_the_connection_goes_out_again(moto_lambda, pool):
    # After each 202 the emulator waits for the bootstrap's next poll to arrive on the kept-alive
    # connection, then resets it unread, without having said it would close: the poll, which
    # changes nothing, goes out again on a new connection instead of stopping the runtime.
    three_sign_ins_and_a_preflight_with(moto_lambda, pool, "reset_after_accepting")


def test_an_event_past_the_payload_limit_stops_the_runtime_with_a_clear_log(tmp_path, moto_endpoint, pool):
    bootstrap = Bootstrap(tmp_path, {
        "GATEHOUSE_USER_POOL_ID": pool.id,
        "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
        "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
        "GATEHOUSE_CLIENT_IDS": pool.client_id,
        "AWS_ACCESS_KEY_ID": "ASIATESTING", "AWS_SECRET_ACCESS_KEY": "testing-secret",
    })
    try:
        # Lambda's synchronous payload limit is 6 MB; 256 bytes past the runtime's own limit
        # (6 MB and 64 KiB) is refused, and Lambda would start a new environment.
        _, outcome = bootstrap.emulator.enqueue(b" " * (6 * 1024 * 1024 + 64 * 1024 + 256))
        assert bootstrap.process.wait(timeout=30) == 1
        assert not outcome.done.is_set()
        log = "\n".join(bootstrap.log_lines())
        assert "gatehouse.lambda.runtime_api_failed" in log and "over 6356992 bytes" in log
    finally:
        bootstrap.close()


def test_json_logs_carry_request_and_trace_ids_and_no_tokens(moto_lambda, pool):
    token = moto_tokens(pool)["IdToken"]
    outcome = moto_lambda.emulator.invoke(
        rest_event(headers={"Authorization": "Bearer " + token}), trace_id="Root=1-67891233-abcdef012345678912345678;Sampled=1")
    assert outcome.kind == "response"
    lines = [json.loads(line) for line in moto_lambda.log_lines() if line.startswith("{")]
    assert lines, "no JSON log lines"
    done = [line for line in lines if line.get("gatehouse.request_id") == outcome.request_id]
    assert done, "no log line carries the Lambda request id"
    assert all(line["gatehouse.trace_id"] == "Root=1-67891233-abcdef012345678912345678;Sampled=1" for line in done)
    text = moto_lambda.log_path.read_text()
    assert token not in text and token.split(".")[2] not in text
    assert "testing-secret" not in text and "session-token-for-lambda" not in text
    assert not moto_lambda.emulator.protocol_errors


def test_local_pool_tokens_through_the_bootstrap(tmp_path):
    local = LocalServe(tmp_path)
    bootstrap = None
    try:
        tokens = sign_in(local, local.demo["username"], local.demo["password"])
        bootstrap = Bootstrap(tmp_path, {
            "GATEHOUSE_USER_POOL_ID": local.pool_id,
            "GATEHOUSE_ISSUER": f"{local.pool_url}/{local.pool_id}",
            "GATEHOUSE_COGNITO_ENDPOINT": local.pool_url,
            "GATEHOUSE_CLIENT_IDS": local.spa,
            "GATEHOUSE_ALLOWED_ORIGINS": "http://127.0.0.1:3000",
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        })
        response, _ = bootstrap.invoke(rest_event(headers={"Authorization": "Bearer " + tokens["AccessToken"]}))
        assert response["statusCode"] == 200, response
        assert body_of(response)["nickname"] == "Demo"
        response, _ = bootstrap.invoke(http_api_event(headers={"Authorization": tokens["IdToken"]}))
        assert body_of(response)["email"] == "demo@example.com"
    finally:
        if bootstrap:
            bootstrap.close()
        local.close()


def test_missing_pool_id_is_an_init_error_naming_the_variable(tmp_path):
    bootstrap = Bootstrap(tmp_path, {"AWS_ACCESS_KEY_ID": "AKIDTESTING", "AWS_SECRET_ACCESS_KEY": "testing-secret"})
    try:
        assert bootstrap.emulator.init_error_posted.wait(30), "no init error posted"
        error = bootstrap.emulator.init_error
        assert error["type"] == "Runtime.ConfigurationError"
        assert "GATEHOUSE_USER_POOL_ID" in error["body"]["errorMessage"]
        assert "testing-secret" not in json.dumps(error)
        assert bootstrap.process.wait(timeout=10) != 0
        assert bootstrap.emulator.first_next_at is None, "the runtime asked for events after failing to start"
    finally:
        bootstrap.close()
