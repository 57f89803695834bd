"""Login CSRF from another port of the same host, in Chromium (issue 22, item 10).

Cookies ignore ports: a page the attacker serves on 127.0.0.1:OTHER can plant cookies the pool
and the API on 127.0.0.1 will receive. The attacker mints, for their own account, what a login
needs (the hosted form's CSRF pair; the token handler's login cookie and the hosted login's
answer), plants it in the victim's browser, and lets the browser finish the login, which would
leave the victim signed in as the attacker."""

import html
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlparse

import pytest
import requests
from selenium.webdriver.common.by import By

from conftest import LocalServe
from test_browser import browser  # noqa: F401 (the fixture)
from test_browser import wait, wait_for_state
from test_cookie_sessions import CookieBrowser
from test_oidc_flow import login_through_form

ATTACKER = ("mallory", "Mallory-passw0rd!")
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("login-csrf"))
    serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=ATTACKER[0], MessageAction="SUPPRESS")
    serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username=ATTACKER[0], Password=ATTACKER[1], Permanent=True)
    yield serve
    serve.close()


class AttackerSite:
    """The attacker's pages on another port of 127.0.0.1: each path answers with the cookies and
    the HTML it was given."""

    def __init__(self):
        self.pages = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                cookies, body = pages.get(self.path, ([], "<!doctype html><title>nothing</title>"))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for cookie in cookies:
                    self.send_header("Set-Cookie", cookie)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker():
    site = AttackerSite()
    yield site
    site.close()


def test_a_hosted_login_form_posted_from_another_port_signs_nobody_in(stack, browser, attacker):
    # The attacker's own CSRF pair, from the pool's login page.
    query = urlencode({"response_type": "code", "client_id": stack.spa, "redirect_uri": stack.app + "/",
                       "scope": "openid", "state": "s", "code_challenge": CHALLENGE, "code_challenge_method": "S256"})
    page = requests.get(f"{stack.pool_url}/login?{query}", timeout=10)
    cookie = page.cookies["gatehouse_pool_csrf"]
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page.text).group(1))
    attacker.pages["/plant"] = (
        [f"gatehouse_pool_csrf={cookie}; Path=/login; HttpOnly; SameSite=Strict"],
        f'<!doctype html><title>win a prize</title><form id="f" method="post" action="{stack.pool_url}{html.escape(action)}">'
        f'<input name="_csrf" value="{token}"><input name="username" value="{ATTACKER[0]}">'
        f'<input name="password" value="{ATTACKER[1]}"></form><script>document.getElementById("f").submit()</script>',
    )
    browser.get(attacker.origin + "/plant")
    wait(browser).until(lambda d: d.current_url.startswith(stack.pool_url))
    assert "This form must be sent from the sign-in page itself." in browser.page_source
    # No hosted-login session for the attacker's account in the victim's browser...
    assert "gatehouse_pool_session" not in {c["name"] for c in browser.get_cookies()}
    # ...so the next authorize asks the victim to sign in, instead of sending a code at once.
    browser.get(f"{stack.pool_url}/oauth2/authorize?{query}")
    wait(browser).until(lambda d: d.current_url.startswith(stack.pool_url + "/login"))
    assert browser.find_element(By.ID, "password")


def test_a_login_cookie_planted_from_another_port_signs_nobody_in(stack, browser, attacker):
    # The attacker starts a login at the API for their own account and finishes the hosted
    # login, stopping short of /auth/login/end: a login cookie and the page URL to end it with.
    own = CookieBrowser(stack)
    start = own.request("POST", "/auth/login/start")
    done = login_through_form(requests.Session(), start.json()["authorizationUrl"], *ATTACKER)
    page_url = done.headers["Location"]
    assert urlparse(page_url).query.startswith("code=")
    attacker.pages["/plant"] = (
        [f"__Host-gatehouse-login={own.jar['__Host-gatehouse-login']}; Path=/; Secure; HttpOnly; SameSite=Strict"],
        f'<!doctype html><title>win a prize</title><script>location.assign({page_url!r})</script>',
    )
    browser.get(stack.app + "/")
    wait_for_state(browser, "signed-out")
    browser.get(attacker.origin + "/plant")
    # The victim's app page ends the planted login (gatehouse-cookie.js does it on every load);
    # the API refuses it: this tab never started a login, so it holds no login id.
    wait(browser).until(lambda d: d.current_url.startswith(stack.app))
    wait_for_state(browser, "error")
    session = browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0] + "/auth/session", {credentials: "include"}).then((r) => r.json()).then(done);""",
        stack.api,
    )
    assert session == {"isLoggedIn": False}
    assert "__Host-gatehouse" not in {c["name"] for c in browser.get_cookies()}
    log = (stack.data_dir / "serve.log").read_text()
    assert "loginId missing or not the one of the login cookie" in log
