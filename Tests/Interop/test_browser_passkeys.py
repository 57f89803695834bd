"""The hosted login's passkeys in headless Chromium with its virtual authenticator (issue 28): the
DevTools `WebAuthn` domain, through selenium's CDP calls, gives the browser an authenticator; the
pages run `navigator.credentials.create` and `.get` against it. A user signs in with their
password, adds a passkey on the hosted page, signs out, signs in with the passkey alone, then
removes it; with a user-verifying and a non-verifying authenticator, with user verification
required and preferred, and with a relying party id the page's origin does not cover.

The pages are opened at http://localhost (WebAuthn needs a secure context, and an IP address is
no relying party id); the app is a small callback server that records the code, which the test
exchanges for tokens with PKCE and checks."""

import base64
import hashlib
import html
import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from selenium.webdriver.common.by import By

from conftest import LocalServe
from test_browser import chromium, element, text_of, wait

PASSWORD = "Sup3r-secret!"


class Callback(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>app</title><p id='app'>back in the app</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    app = ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    web = LocalServe(tmp_path_factory.mktemp("browser-passkeys"))
    web.callback = f"http://localhost:{app.server_address[1]}/callback"
    web.pages = f"http://localhost:{web.pool_port}"
    web.cognito.update_user_pool(UserPoolId=web.pool_id,
                                 Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})
    web.client = web.cognito.create_user_pool_client(
        UserPoolId=web.pool_id, ClientName="passkey-app", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "aws.cognito.signin.user.admin"], SupportedIdentityProviders=["COGNITO"],
        CallbackURLs=[web.callback], ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    yield web
    web.close()
    app.shutdown()


def relying_party(stack, rp_id="localhost", verification="preferred"):
    stack.cognito.set_user_pool_mfa_config(UserPoolId=stack.pool_id, MfaConfiguration="OFF",
                                           WebAuthnConfiguration={"RelyingPartyId": rp_id, "UserVerification": verification})


def user(stack, name):
    stack.cognito.admin_create_user(UserPoolId=stack.pool_id, Username=name, MessageAction="SUPPRESS")
    stack.cognito.admin_set_user_password(UserPoolId=stack.pool_id, Username=name, Password=PASSWORD, Permanent=True)


@pytest.fixture
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def authenticator(driver, verifying):
    """A virtual platform authenticator (CTAP2, resident keys), user-verifying or not, that
    answers without a person: its id."""
    driver.execute_cdp_cmd("WebAuthn.enable", {"enableUI": False})
    return driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": verifying, "isUserVerified": verifying, "automaticPresenceSimulation": True,
    }})["authenticatorId"]


def held(driver, authenticator_id):
    return driver.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


class Flow:
    """One authorization-code flow with PKCE: its query, and its code exchanged for tokens."""

    def __init__(self, stack):
        self.stack = stack
        self.verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).decode().rstrip("=")
        self.state = secrets.token_urlsafe(12)
        self.query = urlencode({"client_id": stack.client, "response_type": "code", "redirect_uri": stack.callback,
                                "scope": "openid aws.cognito.signin.user.admin", "state": self.state,
                                "code_challenge": challenge, "code_challenge_method": "S256"})

    def tokens(self, driver):
        wait(driver).until(lambda d: d.current_url.startswith(self.stack.callback))
        returned = parse_qs(urlparse(driver.current_url).query)
        assert returned["state"] == [self.state]
        answer = requests.post(self.stack.pool_url + "/oauth2/token", data={
            "grant_type": "authorization_code", "client_id": self.stack.client, "code": returned["code"][0],
            "redirect_uri": self.stack.callback, "code_verifier": self.verifier}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def password_sign_in(driver, stack, name):
    flow = Flow(stack)
    driver.get(f"{stack.pages}/oauth2/authorize?{flow.query}")
    element(driver, By.ID, "username").send_keys(name)
    element(driver, By.ID, "password").send_keys(PASSWORD)
    element(driver, By.CSS_SELECTOR, "button[type=submit]").click()
    return flow, flow.tokens(driver)


def passkey_sign_in(driver, stack, name):
    """Starts "Sign in with a passkey" for `name`, the password left empty: the flow."""
    flow = Flow(stack)
    driver.get(f"{stack.pages}/oauth2/authorize?{flow.query}")
    element(driver, By.ID, "username").send_keys(name)
    element(driver, By.ID, "passkey-sign-in").click()
    return flow


def add_passkey(driver, stack, flow):
    """Opens the passkeys page and presses "Add a passkey"; the page's notice or error."""
    driver.get(f"{stack.pages}/login/passkeys?{flow.query}")
    element(driver, By.ID, "add-passkey").click()
    wait(driver).until(lambda d: text_of(d, "page-notice") or text_of(d, "page-error") or text_of(d, "ceremony-error"))
    return text_of(driver, "page-notice") or text_of(driver, "page-error") or text_of(driver, "ceremony-error")


def sign_out(driver, stack, flow):
    driver.get(f"{stack.pages}/logout?{flow.query}")
    element(driver, By.ID, "username")
    driver.get(f"{stack.pages}/login/passkeys?{flow.query}")
    assert "Sign in first" in text_of(driver, "page-notice")


def passkeys_of(stack, tokens):
    return stack.cognito.list_web_authn_credentials(AccessToken=tokens["access_token"])["Credentials"]


def test_add_a_passkey_sign_out_sign_in_with_it_alone_then_remove_it(stack, browser):
    relying_party(stack, verification="required")
    user(stack, "ines")
    device = authenticator(browser, verifying=True)
    flow, tokens = password_sign_in(browser, stack, "ines")
    browser.get(f"{stack.pages}/login/passkeys?{flow.query}")
    assert text_of(browser, "passkeys-user") == "ines" and text_of(browser, "no-passkeys")

    assert add_passkey(browser, stack, flow) == "Passkey added."
    assert "Passkey on this device" in text_of(browser, "passkey-1")
    [stored] = passkeys_of(stack, tokens)
    [kept] = held(browser, device)
    assert kept["rpId"] == "localhost" and kept["isResidentCredential"]
    assert base64.urlsafe_b64decode(kept["credentialId"] + "==") == base64.urlsafe_b64decode(stored["CredentialId"] + "==")
    assert stored["RelyingPartyId"] == "localhost" and stored["AuthenticatorAttachment"] == "platform"

    sign_out(browser, stack, flow)
    flow = passkey_sign_in(browser, stack, "ines")
    again = flow.tokens(browser)
    assert claims(again["id_token"])["cognito:username"] == "ines"
    assert held(browser, device)[0]["signCount"] >= 2  # created, then asserted once

    browser.get(f"{stack.pages}/login/passkeys?{flow.query}")
    element(browser, By.ID, "remove-passkey-1").click()
    wait(browser).until(lambda d: text_of(d, "page-notice") == "Passkey removed.")
    assert text_of(browser, "no-passkeys") and passkeys_of(stack, again) == []

    # The browser still holds the passkey; the pool no longer takes it.
    sign_out(browser, stack, flow)
    passkey_sign_in(browser, stack, "ines")
    wait(browser).until(lambda d: text_of(d, "ceremony-error"))
    assert "NotAllowedError" in text_of(browser, "ceremony-error")
    assert not browser.current_url.startswith(stack.callback)


def test_a_non_verifying_authenticator_works_when_verification_is_preferred_and_not_when_required(stack, browser):
    relying_party(stack, verification="preferred")
    user(stack, "jun")
    device = authenticator(browser, verifying=False)
    flow, tokens = password_sign_in(browser, stack, "jun")
    assert add_passkey(browser, stack, flow) == "Passkey added."
    sign_out(browser, stack, flow)
    assert claims(passkey_sign_in(browser, stack, "jun").tokens(browser)["id_token"])["cognito:username"] == "jun"

    # Required now: the passkey without verification no longer signs in.
    relying_party(stack, verification="required")
    sign_out(browser, stack, flow)
    passkey_sign_in(browser, stack, "jun")
    wait(browser).until(lambda d: text_of(d, "ceremony-error"))
    assert "NotAllowedError" in text_of(browser, "ceremony-error")
    assert not browser.current_url.startswith(stack.callback)

    # Nor can it add another.
    flow, tokens = password_sign_in(browser, stack, "jun")
    assert "NotAllowedError" in add_passkey(browser, stack, flow)
    assert len(passkeys_of(stack, tokens)) == 1 and len(held(browser, device)) == 1


def test_a_relying_party_the_page_is_not_on_is_refused(stack, browser):
    relying_party(stack, rp_id="example.com")
    user(stack, "kit")
    device = authenticator(browser, verifying=True)
    flow, tokens = password_sign_in(browser, stack, "kit")
    assert "SecurityError" in add_passkey(browser, stack, flow)
    assert held(browser, device) == [] and passkeys_of(stack, tokens) == []
    relying_party(stack)


def test_a_cloned_passkey_with_its_counter_set_back_is_refused_by_the_pool(stack, browser):
    relying_party(stack)
    user(stack, "lou")
    device = authenticator(browser, verifying=True)
    flow, _ = password_sign_in(browser, stack, "lou")
    assert add_passkey(browser, stack, flow) == "Passkey added."
    sign_out(browser, stack, flow)
    passkey_sign_in(browser, stack, "lou").tokens(browser)

    # The same key in an authenticator whose counter starts again: the browser answers, the pool refuses.
    [original] = held(browser, device)
    browser.execute_cdp_cmd("WebAuthn.removeCredential", {"authenticatorId": device, "credentialId": original["credentialId"]})
    browser.execute_cdp_cmd("WebAuthn.addCredential", {"authenticatorId": device, "credential": {**original, "signCount": 0}})
    sign_out(browser, stack, flow)
    passkey_sign_in(browser, stack, "lou")
    wait(browser).until(lambda d: text_of(d, "page-error"))
    assert text_of(browser, "page-error").startswith("Your passkey did not sign you in.")
    assert not browser.current_url.startswith(stack.callback)


def hosted_form(session, stack, flow):
    """The login page's CSRF token, its cookie now in `session`."""
    page = session.get(f"{stack.pool_url}/login?{flow.query}", timeout=10)
    assert page.status_code == 200 and "script-src 'none'" in page.headers["Content-Security-Policy"]
    return re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


def offered(session, stack, flow, name):
    page = session.post(f"{stack.pool_url}/login/passkey?{flow.query}", data={"_csrf": hosted_form(session, stack, flow), "username": name},
                        timeout=10)
    assert page.status_code == 200
    nonce = re.search(r"script-src 'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in page.text
    options = json.loads(html.unescape(re.search(r'data-options="([^"]+)"', page.text).group(1)))
    return options, re.search(r'name="session" value="([^"]+)"', page.text).group(1)


def test_the_passkey_page_looks_the_same_for_a_name_without_a_passkey_and_refuses_what_it_cannot_check(stack):
    relying_party(stack)
    user(stack, "mae")
    flow = Flow(stack)
    with requests.Session() as session:
        first, _ = offered(session, stack, flow, "nobody-here")
        second, _ = offered(session, stack, flow, "nobody-here")
        without, session_id = offered(session, stack, flow, "mae")
        for options in (first, second, without):
            assert options["rpId"] == "localhost" and len(options["allowCredentials"]) == 1
            assert len(base64.urlsafe_b64decode(options["challenge"] + "==")) == 32
        assert first["allowCredentials"] == second["allowCredentials"] != without["allowCredentials"]
        assert first["challenge"] != second["challenge"]

        forged = json.dumps({"id": without["allowCredentials"][0]["id"], "type": "public-key", "response": {}})
        for _ in range(2):  # the session answers once
            answer = session.post(f"{stack.pool_url}/login/passkey/verify?{flow.query}",
                                  data={"_csrf": hosted_form(session, stack, flow), "session": session_id, "credential": forged},
                                  timeout=10, allow_redirects=False)
            assert answer.status_code == 401 and "Your passkey did not sign you in." in answer.text

        blank = session.post(f"{stack.pool_url}/login/passkey?{flow.query}", data={"_csrf": hosted_form(session, stack, flow), "username": ""},
                             timeout=10)
        assert blank.status_code == 400 and "Enter your username" in blank.text
        # Adding a passkey needs the pool's session cookie.
        unsigned = session.post(f"{stack.pool_url}/login/passkeys/add?{flow.query}", data={"_csrf": hosted_form(session, stack, flow)},
                                timeout=10, allow_redirects=False)
        assert unsigned.status_code == 401 and "Your session ended" in unsigned.text
