"""Forward auth (`/auth/check`, issue 23) directly and through real nginx and Caddy, each running
the README's configuration as written there: a session passes with its token and identity, an
anonymous request never reaches the upstream, and an unsafe method needs the CSRF rule."""

import pathlib
import re
import shutil
import subprocess
import time

import pytest
import requests

from conftest import LocalServe, free_port, stop
from recording_upstream import RecordingUpstream
from test_cookie_sessions import CookieBrowser

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def readme_block(language):
    """The README's one code block in `language` (```nginx, ```caddyfile)."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) == 1, f"expected one {language} block in the README"
    return blocks[0]


@pytest.fixture(scope="module")
def upstream():
    server = RecordingUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    server = LocalServe(tmp_path_factory.mktemp("forward-auth"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def session(serve):
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    return browser.jar["__Host-gatehouse"]


def bearer(serve):
    return serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]["AccessToken"]


def configured(text, serve, upstream, port):
    return (text.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace("127.0.0.1:8080", f"127.0.0.1:{serve.api_port}")
            .replace("127.0.0.1:7001", f"127.0.0.1:{upstream.port}"))


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}"
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on {port}")


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def front(request, tmp_path_factory, serve, upstream):
    folder = tmp_path_factory.mktemp(request.param)
    port = free_port()
    if request.param == "nginx":
        assert shutil.which("nginx"), "nginx is installed by scripts/setup-test-env.sh"
        config = folder / "nginx.conf"
        config.write_text(configured(readme_block("nginx"), serve, upstream, port))
        command = ["nginx", "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log"),
                   "-g", f"daemon off; master_process off; pid {folder}/nginx.pid;"]
    else:
        assert shutil.which("caddy"), "caddy is installed by scripts/setup-test-env.sh"
        config = folder / "Caddyfile"
        config.write_text(configured(readme_block("caddyfile"), serve, upstream, port))
        command = ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"]
    log = open(folder / "out.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                               env={"PATH": "/usr/bin:/bin:/usr/sbin", "HOME": str(folder), "XDG_DATA_HOME": str(folder),
                                    "XDG_CONFIG_HOME": str(folder)})
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


def test_anonymous_requests_never_reach_the_upstream(front, upstream):
    before = len(upstream.requests)
    response = requests.get(front + "/anything", timeout=10)
    assert response.status_code == 401
    assert len(upstream.requests) == before


def test_a_bearer_passes_with_its_token_and_identity(front, serve, upstream):
    token = bearer(serve)
    response = requests.get(front + "/orders/1", timeout=10, headers={
        "Authorization": f"Bearer {token}", "X-Gatehouse-Sub": "forged", "X-Gatehouse-Groups": "admins"})
    assert response.status_code == 200, response.text
    got = {name.lower(): value for name, value in upstream.recorded("/orders/1")[-1]["headers"]}
    assert got["authorization"] == f"Bearer {token}"
    assert got["x-gatehouse-username"] == serve.demo["username"] and got["x-gatehouse-sub"] != "forged"
    # Empty for a user in no group (nginx drops an empty header: none at all).
    assert got.get("x-gatehouse-groups", "") == ""


def test_a_session_passes_and_an_unsafe_method_needs_the_csrf_rule(front, serve, upstream, session):
    cookie = {"Cookie": f"__Host-gatehouse={session}"}
    page = requests.get(front + "/reports/2", headers=cookie, timeout=10)
    assert page.status_code == 200
    got = {name.lower(): value for name, value in upstream.recorded("/reports/2")[-1]["headers"]}
    assert got["authorization"].startswith("Bearer eyJ") and got["x-gatehouse-username"] == serve.demo["username"]
    before = len(upstream.requests)
    forged = requests.post(front + "/reports/2", headers={**cookie, "Origin": "http://evil.example"}, timeout=10)
    assert forged.status_code == 403
    bare = requests.post(front + "/reports/2", headers=cookie, timeout=10)
    assert bare.status_code == 403
    assert len(upstream.requests) == before
    allowed = requests.post(front + "/reports/2", headers={**cookie, "X-CSRF": "1", "Origin": serve.app}, data=b"x", timeout=10)
    assert allowed.status_code == 200
    assert upstream.recorded("/reports/2")[-1]["method"] == "POST"


def test_the_check_itself(serve, session):
    check = serve.api + "/auth/check"
    token = bearer(serve)
    answered = requests.get(check, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answered.status_code == 200 and answered.headers["Authorization"] == f"Bearer {token}"
    assert answered.headers["X-Gatehouse-Username"] == serve.demo["username"] and answered.headers["X-Gatehouse-Groups"] == ""
    assert answered.headers["Cache-Control"] == "no-store"
    assert requests.get(check, timeout=10).status_code == 401
    cookie = {"Cookie": f"__Host-gatehouse={session}"}
    for header in ("X-Forwarded-Method", "X-Original-Method"):
        assert requests.get(check, headers={**cookie, header: "GET"}, timeout=10).status_code == 200
        assert requests.get(check, headers={**cookie, header: "DELETE"}, timeout=10).status_code == 403
        assert requests.get(check, headers={**cookie, header: "DELETE", "X-CSRF": "1"}, timeout=10).status_code == 200
    assert requests.get(check + "?group=admins", headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 403
    serve.cognito.create_group(UserPoolId=serve.pool_id, GroupName="admins")
    serve.cognito.admin_add_user_to_group(UserPoolId=serve.pool_id, Username=serve.demo["username"], GroupName="admins")
    member = bearer(serve)
    ok = requests.get(check + "?group=staff&group=admins", headers={"Authorization": f"Bearer {member}"}, timeout=10)
    assert ok.status_code == 200 and ok.headers["X-Gatehouse-Groups"] == "admins"
    for method in ("POST", "PUT", "PATCH", "DELETE", "HEAD"):
        assert requests.request(method, check, headers={"Authorization": f"Bearer {member}"}, timeout=10).status_code == 200
