"""An OIDC client library (authlib) against the local pool's hosted login and OAuth2 endpoints."""

import html
import re
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from conftest import LocalServe

APP = "http://127.0.0.1:3000/"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    # The app's public origin is fixed (it is only a redirect target here); the app itself listens on a free port.
    serve = LocalServe(tmp_path_factory.mktemp("oidc"), "--app-origin", APP.rstrip("/"))
    yield serve
    serve.close()


def discover(local):
    return requests.get(f"{local.pool_url}/{local.pool_id}/.well-known/openid-configuration", timeout=10).json()


def login_through_form(browser, authorize_url, username, password):
    """What a person does: follow authorize to the login page, fill the form, submit it."""
    page = browser.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    return browser.post(
        urlparse(page.url)._replace(path="", query="").geturl() + action,
        data={"_csrf": csrf, "username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    )


def start(local, client, nonce, verifier, scope="openid email profile"):
    config = discover(local)
    session = OAuth2Session(local.spa, redirect_uri=APP, scope=scope, code_challenge_method="S256")
    url, state = session.create_authorization_url(config["authorization_endpoint"], nonce=nonce, code_verifier=verifier)
    return config, session, url, state


def test_code_pkce_login_id_token_userinfo_refresh_revoke(local):
    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    config, session, url, state = start(local, local.spa, nonce, verifier)
    browser = requests.Session()
    done = login_through_form(browser, url, local.demo["username"], local.demo["password"])
    assert done.status_code == 302, done.text
    callback = done.headers["Location"]
    assert callback.startswith(APP)
    assert parse_qs(urlparse(callback).query)["state"] == [state]

    token = session.fetch_token(config["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert {"id_token", "access_token", "refresh_token"} <= set(token)

    keys = JsonWebKey.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    claims = JsonWebToken(["RS256"]).decode(
        token["id_token"], keys,
        claims_options={"iss": {"essential": True, "value": config["issuer"]},
                        "aud": {"essential": True, "value": local.spa},
                        "nonce": {"essential": True, "value": nonce}},
    )
    claims.validate()
    assert claims["cognito:username"] == "demo"
    assert "at_hash" in claims

    info = session.get(config["userinfo_endpoint"], timeout=10).json()
    assert info["nickname"] == "Demo" and info["email"] == "demo@example.com"

    # /userinfo of the API accepts the OAuth access token too.
    api = requests.get(local.api + "/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    assert api.status_code == 200 and api.json()["nickname"] == "Demo"

    refreshed = session.refresh_token(config["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]

    revoked = requests.post(config["revocation_endpoint"], data={"token": token["refresh_token"], "client_id": local.spa}, timeout=10)
    assert revoked.status_code == 200
    again = requests.post(config["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"],
                                                          "client_id": local.spa}, timeout=10)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    gone = requests.get(config["userinfo_endpoint"], headers={"Authorization": f"Bearer {refreshed['access_token']}"}, timeout=10)
    assert gone.status_code == 401 and 'error="invalid_token"' in gone.headers["WWW-Authenticate"]

    # A second authorize in the same browser skips the form: the pool's session cookie.
    _, _, url2, _ = start(local, local.spa, secrets.token_urlsafe(8), verifier)
    quick = browser.get(url2, allow_redirects=False, timeout=10)
    assert quick.status_code == 302 and quick.headers["Location"].startswith(APP + "?code=")


def test_code_reuse_wrong_verifier_and_wrong_redirect(local):
    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    config, session, url, _ = start(local, local.spa, nonce, verifier)
    done = login_through_form(requests.Session(), url, local.demo["username"], local.demo["password"])
    code = parse_qs(urlparse(done.headers["Location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "client_id": local.spa, "redirect_uri": APP}
    wrong = requests.post(config["token_endpoint"], data={**form, "code_verifier": secrets.token_urlsafe(48)}, timeout=10)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["Cache-Control"] == "no-store"
    # The failed attempt used the code up: single use even when the exchange fails.
    reused = requests.post(config["token_endpoint"], data={**form, "code_verifier": verifier}, timeout=10)
    assert reused.json()["error"] == "invalid_grant"

    bad_redirect = requests.get(config["authorization_endpoint"], params={
        "response_type": "code", "client_id": local.spa, "redirect_uri": "https://evil.example/",
        "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"}, allow_redirects=False, timeout=10)
    assert bad_redirect.status_code == 400 and "redirect_mismatch" in bad_redirect.text
    plain = requests.get(config["authorization_endpoint"], params={
        "response_type": "code", "client_id": local.spa, "redirect_uri": APP, "state": "s1",
        "code_challenge": verifier, "code_challenge_method": "plain"}, allow_redirects=False, timeout=10)
    assert plain.status_code == 302
    assert parse_qs(urlparse(plain.headers["Location"]).query) == {
        "error": ["invalid_request"], "error_description": ["code_challenge_method must be S256"], "state": ["s1"]}


def test_wrong_password_and_missing_csrf_stay_on_the_form(local):
    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    _, _, url, _ = start(local, local.spa, nonce, verifier)
    browser = requests.Session()
    failed = login_through_form(browser, url, local.demo["username"], "Wrong-Passw0rd!")
    assert failed.status_code == 401
    assert "Incorrect username or password." in failed.text and 'role="alert"' in failed.text
    page = browser.get(url, timeout=10)
    action = html.unescape(re.search(r'action="([^"]+)"', page.text).group(1))
    forged = requests.post(f"{local.pool_url}{action}", data={"username": "demo", "password": local.demo["password"]},
                           allow_redirects=False, timeout=10)
    assert forged.status_code == 403


def test_userinfo_needs_openid_scope_and_logout_clears_the_session(local):
    from test_local_pool import sign_in
    api_token = sign_in(local, local.demo["username"], local.demo["password"])["AccessToken"]
    config = discover(local)
    refused = requests.get(config["userinfo_endpoint"], headers={"Authorization": f"Bearer {api_token}"}, timeout=10)
    assert refused.status_code == 403 and "insufficient_scope" in refused.headers["WWW-Authenticate"]

    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    _, _, url, _ = start(local, local.spa, nonce, verifier)
    browser = requests.Session()
    assert login_through_form(browser, url, local.demo["username"], local.demo["password"]).status_code == 302
    out = browser.get(f"{local.pool_url}/logout", params={"client_id": local.spa, "logout_uri": APP}, allow_redirects=False, timeout=10)
    assert out.status_code == 302 and out.headers["Location"] == APP
    _, _, url2, _ = start(local, local.spa, nonce, verifier)
    assert browser.get(url2, allow_redirects=False, timeout=10).headers["Location"].startswith("/login?")
    bad = requests.get(f"{local.pool_url}/logout", params={"client_id": local.spa, "logout_uri": "https://evil.example/"},
                       allow_redirects=False, timeout=10)
    assert bad.status_code == 400


def test_token_endpoint_cors_for_the_registered_app_origin(local):
    config = discover(local)
    ok = requests.options(config["token_endpoint"], headers={"Origin": "http://127.0.0.1:3000", "Access-Control-Request-Method": "POST"}, timeout=10)
    assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:3000"
    other = requests.post(config["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": local.spa},
                          headers={"Origin": "https://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
