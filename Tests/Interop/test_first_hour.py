"""What a newcomer and an operator meet first: Prometheus metrics on their own loopback port,
a clear word when a port is taken, a pool domain that says what it is, a favicon."""

import re
import socket
import subprocess

import pytest
import requests

from conftest import LocalServe, free_port, gatehouse_binary


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    metrics_port = free_port()
    server = LocalServe(tmp_path_factory.mktemp("first-hour"), "--metrics-port", str(metrics_port))
    server.metrics = f"http://127.0.0.1:{metrics_port}/metrics"
    yield server
    server.close()


def sample(text, name, **labels):
    """The value of the sample `name{labels}` in Prometheus text, or None."""
    for line in text.splitlines():
        if line.startswith(name + " ") and not labels:
            return float(line.rsplit(" ", 1)[1])
        if line.startswith("#") or not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line[len(name):line.rindex("}") + 1]))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_caches_jwks_and_upstream_calls(serve):
    tokens = serve.cognito.initiate_auth(
        ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]},
    )["AuthenticationResult"]
    bearer = {"Authorization": "Bearer " + tokens["AccessToken"]}
    for _ in range(3):
        assert requests.get(serve.api + "/userinfo", headers=bearer, timeout=10).status_code == 200
    assert requests.get(serve.api + "/userinfo", timeout=10).status_code == 401
    assert requests.get(serve.api + "/no-such-secret-path", timeout=10).status_code == 404
    assert requests.get(f"{serve.pool_url}/{serve.pool_id}/.well-known/jwks.json", timeout=10).status_code == 200

    response = requests.get(serve.metrics, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    text = response.text
    assert sample(text, "gatehouse_http_requests_total", server="api", route="/userinfo", method="GET", status="200") == 3
    assert sample(text, "gatehouse_http_requests_total", server="api", route="/userinfo", status="401") == 1
    assert sample(text, "gatehouse_http_requests_total", server="api", route="unmatched", status="404") == 1
    assert sample(text, "gatehouse_http_requests_total", server="pool", route="/{pool}/.well-known/jwks.json", status="200") >= 1
    assert sample(text, "gatehouse_http_request_duration_seconds_count", server="api", route="/userinfo") == 4
    assert sample(text, "gatehouse_jwks_fetches_total", outcome="success") >= 1
    assert sample(text, "gatehouse_token_cache_lookups_total", result="hit") == 2
    assert sample(text, "gatehouse_token_cache_lookups_total", result="miss") == 1
    assert sample(text, "gatehouse_user_cache_lookups_total", result="miss") == 1
    assert sample(text, "gatehouse_user_cache_lookups_total", result="hit") == 2
    # The local pool is handed to the API in-process: no call goes over the network to it.
    assert "cognito-idp" not in text
    # Nothing secret and no raw path in labels.
    for secret in [tokens["AccessToken"][:40], serve.demo["username"] + '"', serve.demo["password"], "no-such-secret-path"]:
        assert secret not in text


def test_metrics_count_sessions_and_the_token_handlers_calls(serve):
    from test_cookie_sessions import CookieBrowser
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    assert browser.request("POST", "/auth/refresh").status_code == 200
    assert browser.request("POST", "/auth/logout").status_code == 200
    text = requests.get(serve.metrics, timeout=10).text
    assert sample(text, "gatehouse_sessions_created_total") == 1
    assert sample(text, "gatehouse_sessions_ended_total", reason="logout") == 1
    assert sample(text, "gatehouse_refresh_grants_total", outcome="success") == 1
    for operation in ("token", "refresh", "revoke"):
        assert sample(text, "gatehouse_upstream_calls_total", service="oauth", operation=operation, outcome="success") == 1
    assert sample(text, "gatehouse_http_requests_total", server="api", route="/auth/login/end", method="POST", status="200") == 1


def test_methods_outside_the_usual_share_one_label(serve):
    # The HTTP parser knows about 35 methods (WebDAV's among them) and refuses the rest with 400
    # before any route; the ones it lets through are labelled OTHER.
    for method in ("PROPFIND", "MKCOL", "PURGE"):
        assert requests.request(method, serve.api + "/userinfo", timeout=10).status_code in (401, 404, 405)
    assert requests.request("PROPFIND", serve.api + "/nowhere", timeout=10).status_code in (404, 405)
    assert requests.request("BREW", serve.api + "/userinfo", timeout=10).status_code == 400
    text = requests.get(serve.metrics, timeout=10).text
    other = [
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
        if line.startswith("gatehouse_http_requests_total{") and 'server="api"' in line and 'method="OTHER"' in line
    ]
    assert sum(other) == 4
    for method in ("PROPFIND", "MKCOL", "PURGE", "BREW"):
        assert f'method="{method}"' not in text


def test_metrics_are_not_on_the_public_ports(serve):
    assert requests.get(serve.api + "/metrics", timeout=10).status_code == 404
    assert requests.get(serve.pool_url + "/metrics", timeout=10).status_code == 404
    port = int(serve.metrics.split(":")[2].split("/")[0])
    foreign = requests.get(serve.metrics, headers={"Host": f"rebound.example:{port}"}, timeout=10)
    assert foreign.status_code == 421


def test_a_taken_port_is_named_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(gatehouse_binary()), "serve", "--port", str(free_port()), "--pool-port", str(free_port()),
             "--app-port", str(port), "--data-dir", str(tmp_path / "state")],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 2
    assert f"127.0.0.1:{port}" in result.stderr and "--app-port" in result.stderr and "already in use" in result.stderr
    output = result.stdout + result.stderr
    assert "listening" not in output.lower() and "jwks" not in output and "Gatehouse local pool" not in output


def test_the_pool_domain_and_issuer_say_what_they_are(serve):
    root = requests.get(serve.pool_url + "/", timeout=10)
    assert root.status_code == 200
    issuer = f"{serve.pool_url}/{serve.pool_id}"
    assert issuer in root.json()["userPools"]
    described = requests.get(issuer, timeout=10)
    assert described.status_code == 200
    assert described.json()["issuer"] == issuer
    assert described.json()["jwks_uri"] == issuer + "/.well-known/jwks.json"
    assert requests.get(serve.pool_url + "/us-east-1_NoSuchPool", timeout=10).status_code == 404
    assert requests.get(serve.pool_url + "/healthz", timeout=10).json() == {"status": "ok"}


def test_the_app_has_a_favicon(serve):
    page = requests.get(serve.app + "/", timeout=10).text
    assert 'rel="icon" href="favicon.svg"' in page
    icon = requests.get(serve.app + "/favicon.svg", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"] == "image/svg+xml"
