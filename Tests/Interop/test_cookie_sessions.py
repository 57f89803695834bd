"""Cookie sessions (the token handler) against `gatehouse serve`'s local pool, driven the way a
browser behaves: cookies kept by hand with their attributes checked (requests' cookie jar would
not send `Secure` cookies over http, which Chromium and Firefox do on 127.0.0.1), the real hosted
login form, and the refresh token checked at the pool's token endpoint after logout."""

import hashlib
import sqlite3
import time
from http.cookies import SimpleCookie

import pytest
import requests
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import LocalServe
from jwt_helpers import b64url_decode
from test_oidc_flow import login_through_form


class CookieBrowser:
    """The cookie handling of a browser on one site: `Set-Cookie` stored by name (attributes
    kept for checks), `Max-Age=0` deletes, every request sends what is stored."""

    def __init__(self, serve):
        self.serve = serve
        self.jar = {}
        self.attributes = {}
        # What the page keeps in sessionStorage: the login id of its last start, sent with the
        # end as gatehouse-cookie.js does (unless the test sends its own).
        self.login_id = None

    def request(self, method, path, csrf=True, origin=True, **kwargs):
        headers = kwargs.pop("headers", {})
        body = kwargs.get("json")
        if path == "/auth/login/end" and self.login_id and isinstance(body, dict) and "pageUrl" in body:
            kwargs["json"] = {"loginId": self.login_id, **body}
        if csrf:
            headers["X-CSRF"] = "1"
        if origin:
            headers["Origin"] = self.serve.app
        if self.jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.jar.items())
        kwargs.setdefault("timeout", 10)
        response = requests.request(method, self.serve.api + path, headers=headers, **kwargs)
        for line in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(line)
            for name, morsel in cookie.items():
                self.attributes[name] = line
                if morsel["max-age"] == "0":
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value
        if path == "/auth/login/start" and response.status_code == 200:
            self.login_id = response.json()["loginId"]
        return response

    def login(self):
        start = self.request("POST", "/auth/login/start")
        assert start.status_code == 200, start.text
        done = login_through_form(requests.Session(), start.json()["authorizationUrl"],
                                  self.serve.demo["username"], self.serve.demo["password"])
        assert done.status_code == 302, done.text
        return self.request("POST", "/auth/login/end", json={"pageUrl": done.headers["Location"]})


def stored_tokens(serve, cookie_value):
    """The session's tokens as the SQLite store keeps them, opened with the data directory's key:
    the record is found by the cookie's SHA-256 (the cookie itself is not stored)."""
    key = b64url_decode((serve.data_dir / "state" / "session-key").read_text().strip())
    record_id = hashlib.sha256(cookie_value.encode()).hexdigest()
    with sqlite3.connect(serve.data_dir / "state" / "sessions.sqlite3") as db:
        rows = db.execute("SELECT tokens FROM session WHERE id = ?", (record_id,)).fetchall()
        assert db.execute("SELECT count(*) FROM session WHERE id = ?", (cookie_value,)).fetchone()[0] == 0
    if not rows:
        return None
    sealed = rows[0][0]
    import json
    return json.loads(AESGCM(key).decrypt(sealed[:12], sealed[12:], b"gatehouse-session-v1"))


def use_short_lived_session_client(serve, seconds):
    """Restarts `serve` with its sessions on a new confidential client whose access and ID tokens
    live `seconds`."""
    short = serve.short_lived_client("short-lived-confidential", seconds, secret=True)
    serve.environment.update({
        "GATEHOUSE_OAUTH_CLIENT_ID": short["ClientId"], "GATEHOUSE_OAUTH_CLIENT_SECRET": short["ClientSecret"]})
    serve.restart()


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    local = LocalServe(tmp_path_factory.mktemp("sessions"))
    yield local
    local.close()


def test_login_through_the_hosted_form_then_userinfo_by_cookie_then_logout_revokes(serve):
    browser = CookieBrowser(serve)
    start = browser.request("POST", "/auth/login/start")
    url = start.json()["authorizationUrl"]
    assert url.startswith(serve.pool_url + "/oauth2/authorize?")
    assert "code_challenge_method=S256" in url and "nonce=" in url and f"client_id={serve.confidential}" in url
    login_cookie = browser.attributes["__Host-gatehouse-login"]
    for attribute in ("Path=/", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=600"):
        assert attribute in login_cookie
    assert "Domain" not in login_cookie

    done = login_through_form(requests.Session(), url, serve.demo["username"], serve.demo["password"])
    ended = browser.request("POST", "/auth/login/end", json={"pageUrl": done.headers["Location"]})
    assert ended.status_code == 200, ended.text
    assert ended.json()["isLoggedIn"] is True
    assert "__Host-gatehouse-login" not in browser.jar
    session_cookie = browser.attributes["__Host-gatehouse"]
    for attribute in ("Path=/", "Secure", "HttpOnly", "SameSite=Strict"):
        assert attribute in session_cookie
    assert "Domain" not in session_cookie
    value = browser.jar["__Host-gatehouse"]
    assert len(value) == 43 and len(b64url_decode(value)) == 32
    assert len(session_cookie) < 200
    assert ended.headers["Access-Control-Allow-Origin"] == serve.app
    assert ended.headers["Access-Control-Allow-Credentials"] == "true"

    profile = browser.request("GET", "/userinfo")
    assert profile.status_code == 200, profile.text
    assert profile.json()["username"] == serve.demo["username"]
    assert profile.json()["nickname"] == "Demo"
    assert "token" not in profile.text.lower()

    session = browser.request("GET", "/auth/session", csrf=False)
    body = session.json()
    assert body["isLoggedIn"] is True and body["username"] == serve.demo["username"]
    assert body["expiresAt"] > time.time()
    assert set(body) == {"isLoggedIn", "sub", "username", "expiresAt"}

    tokens = stored_tokens(serve, value)
    refresh_token = tokens["refresh"]
    # The refresh token works at the pool before logout...
    secret = serve.cognito.describe_user_pool_client(
        UserPoolId=serve.pool_id, ClientId=serve.confidential)["UserPoolClient"]["ClientSecret"]
    grant = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    before = requests.post(serve.pool_url + "/oauth2/token", data=grant, auth=(serve.confidential, secret), timeout=10)
    assert before.status_code == 200, before.text

    out = browser.request("POST", "/auth/logout")
    assert out.status_code == 200, out.text
    assert out.json()["logoutUrl"] == (
        f"{serve.pool_url}/logout?client_id={serve.confidential}&logout_uri=" + requests.utils.quote(serve.app + "/", safe=""))
    assert "__Host-gatehouse" not in browser.jar
    assert stored_tokens(serve, value) is None
    # ...and is refused after.
    after = requests.post(serve.pool_url + "/oauth2/token", data=grant, auth=(serve.confidential, secret), timeout=10)
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    # The old cookie, sent again, is a dead session.
    browser.jar["__Host-gatehouse"] = value
    dead = browser.request("GET", "/userinfo")
    assert dead.status_code == 401 and dead.json()["error"] == "session_expired"
    assert "__Host-gatehouse" not in browser.jar
    assert browser.request("GET", "/auth/session", csrf=False).json() == {"isLoggedIn": False}


def test_csrf_header_and_origin_are_required_and_refusals_change_nothing(serve):
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    for method, path in (("GET", "/userinfo"), ("POST", "/auth/refresh"), ("POST", "/auth/logout"), ("POST", "/auth/login/start")):
        refused = browser.request(method, path, csrf=False)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"] == "csrf_check_failed"
        assert refused.headers["Access-Control-Allow-Origin"] == serve.app
        foreign = browser.request(method, path, headers={"Origin": "http://evil.example"}, origin=False)
        assert foreign.status_code == 403 and foreign.json()["error"] == "csrf_check_failed"
        assert "Access-Control-Allow-Origin" not in foreign.headers
    # Still signed in: the refused logout did nothing.
    assert browser.request("GET", "/userinfo").status_code == 200
    # The preflight a cross-origin X-CSRF request needs is granted to the app only.
    preflight = requests.options(serve.api + "/auth/logout", headers={
        "Origin": serve.app, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-csrf, content-type"}, timeout=10)
    assert preflight.status_code == 204
    assert "x-csrf" in preflight.headers["Access-Control-Allow-Headers"]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    evil = requests.options(serve.api + "/auth/logout", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-csrf"}, timeout=10)
    assert evil.status_code == 403


def test_login_end_refuses_wrong_state_replays_idp_errors_and_missing_login_cookie(serve):
    browser = CookieBrowser(serve)
    start = browser.request("POST", "/auth/login/start")
    done = login_through_form(requests.Session(), start.json()["authorizationUrl"],
                              serve.demo["username"], serve.demo["password"])
    page = done.headers["Location"]
    login_cookie = browser.jar["__Host-gatehouse-login"]

    tampered = page.replace("state=", "state=x")
    wrong = browser.request("POST", "/auth/login/end", json={"pageUrl": tampered})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_state"
    assert "__Host-gatehouse" not in browser.jar

    browser.jar["__Host-gatehouse-login"] = login_cookie
    ok = browser.request("POST", "/auth/login/end", json={"pageUrl": page})
    assert ok.status_code == 200, ok.text
    browser.jar.pop("__Host-gatehouse")
    browser.jar["__Host-gatehouse-login"] = login_cookie
    replayed = browser.request("POST", "/auth/login/end", json={"pageUrl": page})
    assert replayed.status_code == 401 and replayed.json()["error"] == "invalid_state"
    assert "__Host-gatehouse" not in browser.jar

    without = CookieBrowser(serve)
    missing = without.request("POST", "/auth/login/end", json={"pageUrl": page})
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_state"

    errored = CookieBrowser(serve)
    errored.request("POST", "/auth/login/start")
    denied = errored.request("POST", "/auth/login/end", json={"pageUrl": serve.app + "/?error=access_denied&state=x"})
    assert denied.status_code == 400 and denied.json()["error"] == "login_failed"
    for bad in ({"pageUrl": "http://elsewhere.example/?code=1&state=2"}, {"page": "x"}):
        malformed = errored.request("POST", "/auth/login/end", json=bad)
        assert malformed.status_code == 400 and malformed.json()["error"] == "invalid_request"


def test_short_lived_access_tokens_are_refreshed_behind_the_cookie(tmp_path):
    serve = LocalServe(tmp_path)
    try:
        use_short_lived_session_client(serve, seconds=4)
        browser = CookieBrowser(serve)
        ended = browser.login()
        assert ended.status_code == 200, ended.text
        first = ended.json()["expiresAt"]
        first_access = stored_tokens(serve, browser.jar["__Host-gatehouse"])["access"]
        # Keep using the page past the first access token's life: every answer is the profile.
        deadline = time.monotonic() + 30
        while browser.request("GET", "/auth/session", csrf=False).json()["expiresAt"] <= first:
            assert time.monotonic() < deadline, "the session was never refreshed"
            profile = browser.request("GET", "/userinfo")
            assert profile.status_code == 200, profile.text
            time.sleep(0.2)
        assert browser.request("GET", "/userinfo").status_code == 200
        assert stored_tokens(serve, browser.jar["__Host-gatehouse"])["access"] != first_access
        # The first access token itself has expired by now; the session has not.
        forced = browser.request("POST", "/auth/refresh")
        assert forced.status_code == 200 and forced.json()["expiresAt"] >= first
    finally:
        serve.close()


def test_clients_created_after_start_up_are_trusted_and_no_token_reaches_the_log(serve):
    client = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="made-later", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]
    tokens = serve.cognito.initiate_auth(ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]
    for token in (tokens["AccessToken"], tokens["IdToken"]):
        answer = requests.get(serve.api + "/userinfo", headers={"Authorization": "Bearer " + token}, timeout=10)
        assert answer.status_code == 200, answer.text
    # A client of no pool of ours is still refused.
    foreign = tokens["AccessToken"].split(".")
    assert requests.get(serve.api + "/userinfo", headers={"Authorization": "Bearer x." + foreign[1] + ".y"},
                        timeout=10).status_code == 401

    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    secrets_seen = [browser.jar["__Host-gatehouse"]]
    stored = stored_tokens(serve, browser.jar["__Host-gatehouse"])
    secrets_seen += [stored["access"], stored["refresh"], stored["id"]]
    assert browser.request("POST", "/auth/refresh").status_code == 200
    assert browser.request("POST", "/auth/logout").status_code == 200
    log = (serve.data_dir / "serve.log").read_text()
    assert "gatehouse.session.created" in log and "gatehouse.session.logged_out" in log
    for secret in secrets_seen:
        assert secret not in log
    assert "eyJ" not in log
