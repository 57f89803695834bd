"""Gatehouse as the reverse proxy to the app's own APIs (issue 23), against a recording upstream:
who may pass, what the upstream gets, what the browser gets back, errors, and paths."""

import hashlib
import http.client
import json
import socket
import time

import pytest
import requests

from conftest import LocalServe, free_port
from recording_upstream import RecordingUpstream
from test_cookie_sessions import CookieBrowser
from test_first_hour import sample


@pytest.fixture(scope="module")
def upstream():
    server = RecordingUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory, upstream):
    metrics = free_port()
    server = LocalServe(
        tmp_path_factory.mktemp("proxy"),
        "--upstream", f"/orders/={upstream.url}/v1/",
        "--upstream", f"/admin/={upstream.url}/v1/",
        "--upstream-require", "/admin/=group:admins",
        "--upstream", f"/down/=http://127.0.0.1:{free_port()}/",
        "--upstream-timeout", "3",
        "--metrics-port", str(metrics),
    )
    server.metrics = f"http://127.0.0.1:{metrics}/metrics"
    yield server
    server.close()


def bearer(serve, username=None, password=None):
    return serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": username or serve.demo["username"], "PASSWORD": password or serve.demo["password"]})["AuthenticationResult"]


def headers_of(record):
    return {name.lower(): value for name, value in record["headers"]}


def test_a_bearer_passes_with_its_identity_and_nothing_the_client_forged(serve, upstream):
    token = bearer(serve)["AccessToken"]
    response = requests.get(serve.api + "/orders/items/42?x=1&y=%20z", timeout=10, headers={
        "Authorization": f"Bearer {token}", "X-Gatehouse-Sub": "forged", "X-Gatehouse-Groups": "admins",
        "X-Gatehouse-Whatever": "forged", "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "6.6.6.6"})
    assert response.status_code == 200, response.text
    record = upstream.recorded("/v1/items/42")[-1]
    assert record["path"] == "/v1/items/42?x=1&y=%20z"
    got = headers_of(record)
    assert got["authorization"] == f"Bearer {token}"
    user = serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username=serve.demo["username"])
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert (got["x-gatehouse-sub"], got["x-gatehouse-username"], got["x-gatehouse-groups"]) == (sub, serve.demo["username"], "")
    assert "x-gatehouse-whatever" not in got
    assert got["host"] == f"127.0.0.1:{upstream.port}"
    assert got["x-forwarded-for"] == "6.6.6.6, 127.0.0.1" and got["x-forwarded-proto"] == "http"
    assert got["x-forwarded-host"] == serve.api.removeprefix("http://")
    assert [name for name, _ in record["headers"]].count("Authorization") == 1


def test_the_session_cookie_passes_under_the_csrf_rule_and_our_cookies_stay_home(serve, upstream):
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    browser.jar["app"] = "1"
    body = b"\x00\x01 body \xff" * 1000
    response = browser.request("POST", "/orders/echo", data=body, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200, response.text
    record = upstream.recorded("/v1/echo")[-1]
    got = headers_of(record)
    assert got["cookie"] == "app=1"
    assert got["authorization"].startswith("Bearer eyJ") and got["x-gatehouse-username"] == serve.demo["username"]
    assert record["method"] == "POST" and record["body_size"] == len(body)
    assert record["body_sha256"] == hashlib.sha256(body).hexdigest()
    for method in ("PUT", "PATCH", "DELETE"):
        assert browser.request(method, "/orders/echo").status_code == 200
        assert upstream.recorded("/v1/echo")[-1]["method"] == method
    # Without X-CSRF, or from a foreign Origin: 403, and the upstream hears nothing.
    before = len(upstream.requests)
    refused = browser.request("POST", "/orders/echo", csrf=False)
    assert refused.status_code == 403 and refused.json()["error"] == "csrf_check_failed"
    foreign = browser.request("GET", "/orders/echo", headers={"Origin": "http://evil.example"}, origin=False)
    assert foreign.status_code == 403
    anonymous = requests.get(serve.api + "/orders/echo", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "missing_token"
    assert len(upstream.requests) == before
    # Logout ends access at once, for the very cookie that worked a moment ago.
    cookie = browser.jar["__Host-gatehouse"]
    assert browser.request("POST", "/auth/logout").status_code == 200
    browser.jar["__Host-gatehouse"] = cookie
    assert browser.request("GET", "/orders/echo").status_code == 401
    assert len(upstream.requests) == before


def test_the_answer_comes_back_without_hops_our_cookies_or_the_upstreams_cors(serve, upstream):
    token = bearer(serve)["AccessToken"]
    response = requests.get(serve.api + "/orders/cookies", timeout=10, headers={
        "Authorization": f"Bearer {token}", "Origin": serve.app,
        "Connection": "X-Client-Hop", "X-Client-Hop": "secret", "Keep-Alive": "timeout=1"})
    assert response.status_code == 200
    assert response.raw.headers.getlist("Set-Cookie") == ["app=2; Path=/"]
    assert "X-Upstream-Hop" not in response.headers and "Keep-Alive" not in response.headers
    assert response.headers["X-Upstream-Kept"] == "yes"
    assert response.raw.headers.getlist("Access-Control-Allow-Origin") == [serve.app]
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Methods" not in response.headers
    got = headers_of(upstream.recorded("/v1/cookies")[-1])
    assert "x-client-hop" not in got and "keep-alive" not in got


@pytest.mark.parametrize("path", [
    "/orders/../userinfo", "/orders/%2e%2e/x", "/orders/%2E%2E/%2e%2e/x", "/orders/..%2fx", "/orders/a/../../x",
    "/orders/..%5cx", "/orders/.%2e/x",
])
def test_dot_segments_never_leave_the_base(serve, upstream, path):
    token = bearer(serve)["AccessToken"]
    before = len(upstream.requests)
    connection = http.client.HTTPConnection("127.0.0.1", serve.api_port, timeout=10)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = json.loads(response.read())
    assert response.status == 400 and body["error"] == "invalid_request", path
    assert len(upstream.requests) == before


def test_a_look_alike_prefix_is_not_proxied(serve, upstream):
    token = bearer(serve)["AccessToken"]
    before = len(upstream.requests)
    for path in ("/ordersX/1", "/orders", "/Orders/1"):
        response = requests.get(serve.api + path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 404 and response.json()["error"] == "not_found", path
    assert len(upstream.requests) == before


def test_an_unreachable_or_slow_upstream_is_502_or_504_with_cors(serve, upstream):
    token = bearer(serve)["AccessToken"]
    headers = {"Authorization": f"Bearer {token}", "Origin": serve.app}
    down = requests.get(serve.api + "/down/x", headers=headers, timeout=10)
    assert down.status_code == 502 and down.json()["error"] == "upstream_unavailable"
    assert down.headers["Access-Control-Allow-Origin"] == serve.app and down.json()["requestId"]
    upstream.release.clear()
    slow = requests.get(serve.api + "/orders/slow", headers=headers, timeout=30)
    upstream.release.set()
    assert slow.status_code == 504 and slow.json()["error"] == "upstream_timeout"
    assert slow.headers["Access-Control-Allow-Origin"] == serve.app
    assert "127.0.0.1" not in slow.text and "127.0.0.1" not in down.text


def test_the_group_rule_admits_members_only(serve, upstream):
    token = bearer(serve)["AccessToken"]
    refused = requests.get(serve.api + "/admin/x", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert not upstream.recorded("/v1/x")
    serve.cognito.create_group(UserPoolId=serve.pool_id, GroupName="admins")
    serve.cognito.admin_add_user_to_group(UserPoolId=serve.pool_id, Username=serve.demo["username"], GroupName="admins")
    try:
        member = bearer(serve)["AccessToken"]
        admitted = requests.get(serve.api + "/admin/x", headers={"Authorization": f"Bearer {member}"}, timeout=10)
        assert admitted.status_code == 200
        assert headers_of(upstream.recorded("/v1/x")[-1])["x-gatehouse-groups"] == "admins"
    finally:
        serve.cognito.admin_remove_user_from_group(UserPoolId=serve.pool_id, Username=serve.demo["username"], GroupName="admins")


def test_preflights_are_answered_here_and_never_sent_upstream(serve, upstream):
    before = len(upstream.requests)
    allowed = requests.options(serve.api + "/orders/items/1", timeout=10, headers={
        "Origin": serve.app, "Access-Control-Request-Method": "DELETE", "Access-Control-Request-Headers": "x-csrf, x-app-thing"})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == serve.app
    assert "DELETE" in allowed.headers["Access-Control-Allow-Methods"]
    assert "x-app-thing" in allowed.headers["Access-Control-Allow-Headers"]
    refused = requests.options(serve.api + "/orders/items/1", timeout=10, headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "DELETE"})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert len(upstream.requests) == before


def test_server_sent_events_arrive_as_the_upstream_writes_them(serve, upstream):
    token = bearer(serve)["AccessToken"]
    upstream.release.clear()
    try:
        with requests.get(serve.api + "/orders/sse", headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=10) as events:
            assert events.status_code == 200 and events.headers["Content-Type"] == "text/event-stream"
            lines = events.iter_lines()
            # The upstream holds its second event until this first one has been read here: a
            # proxy that buffered the body would never deliver it (the read times out at 10 s).
            assert next(lines) == b"data: first"
            upstream.release.set()
            rest = [line for line in lines if line]
            assert rest == [b"data: second"]
    finally:
        upstream.release.set()


def test_metrics_label_the_prefix_never_the_path(serve):
    token = bearer(serve)["AccessToken"]
    requests.get(serve.api + "/orders/unique-path-123", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    text = requests.get(serve.metrics, timeout=10).text
    assert sample(text, "gatehouse_proxy_requests_total", upstream="/orders/", status="200") >= 1
    assert "unique-path-123" not in text
    assert "gatehouse_proxy_request_duration_seconds" in text


def test_a_request_with_both_content_length_and_chunked_smuggles_nothing(serve, upstream):
    """Nothing hidden in such a request reaches the upstream. (The server's HTTP decoder gives no
    answer to a request that has both: the connection waits for the idle timeout. Should that
    change to an answer, Transfer-Encoding must win, as RFC 9112 §6.3 says: one request upstream,
    with the body the chunks carried.)"""
    token = bearer(serve)["AccessToken"]
    before = len(upstream.requests)
    smuggled = b"GET /v1/smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"5\r\nhello\r\n0\r\n\r\n" + smuggled
    raw = (f"POST /orders/echo HTTP/1.1\r\nHost: 127.0.0.1:{serve.api_port}\r\nAuthorization: Bearer {token}\r\n"
           f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode() + body
    answer = b""
    with socket.create_connection(("127.0.0.1", serve.api_port), timeout=5) as sock:
        sock.sendall(raw)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
    assert answer == b"" or answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.1 400"), answer[:100]
    assert not upstream.recorded("/v1/smuggled")
    echoed = upstream.requests[before:]
    assert len(echoed) <= 1 and all(r["body_size"] == 5 for r in echoed)
