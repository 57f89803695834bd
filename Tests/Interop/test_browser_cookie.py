"""The demo app in cookie mode (`gatehouse serve`'s default) in headless Chromium: the API is the
token handler, the page never holds a token."""

import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By

from conftest import LocalServe
from test_browser import browser  # noqa: F401 (the fixture)
from test_browser import element, mark_page, reload_profile, screenshot, sign_in, wait, wait_for_new_page, wait_for_state
from test_cookie_sessions import use_short_lived_session_client

# The session's access-token expiry, as the page can ask the API for it.
SESSION_EXPIRY = """
    const done = arguments[arguments.length - 1];
    fetch(arguments[0] + "/auth/session", {credentials: "include"}).then((r) => r.json()).then((b) => done(b.expiresAt));
"""

# Everything a script on the page can see that could hold a token.
VISIBLE_STATE = """
    return JSON.stringify({cookie: document.cookie, local: {...localStorage}, session: {...sessionStorage}});
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    web = LocalServe(tmp_path_factory.mktemp("cookie-browser"))
    yield web
    web.close()


def assert_no_token_visible(driver):
    visible = driver.execute_script(VISIBLE_STATE)
    # JWTs start with base64url of '{"' (eyJ); refresh tokens are long opaque strings.
    assert "eyJ" not in visible, visible
    assert "gatehouse" not in visible.lower(), visible
    assert len(visible) < 200, visible


def test_cookie_mode_signs_in_without_a_token_in_the_page_and_survives_a_reload(stack, browser):
    sign_in(browser, stack, stack.demo["username"], stack.demo["password"])
    assert browser.find_element(By.ID, "field-nickname").text == "Demo"
    assert browser.execute_script("return document.body.dataset.mode") == "cookie"
    assert "Cookie mode" in browser.find_element(By.ID, "mode").text
    assert browser.current_url == stack.app + "/"
    assert_no_token_visible(browser)
    # The browser holds the cookie (for the host: cookies ignore ports), HttpOnly, so scripts cannot see it.
    api_cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    session_cookie = api_cookies["__Host-gatehouse"]
    assert session_cookie["httpOnly"] is True and session_cookie["secure"] is True
    assert session_cookie["sameSite"] == "Strict" and session_cookie["path"] == "/"
    assert "__Host-gatehouse-login" not in api_cookies
    screenshot(browser, "11-cookie-profile.png")

    browser.get(stack.app + "/")
    wait_for_state(browser, "profile")
    assert browser.find_element(By.ID, "field-email").text == "demo@example.com"
    assert_no_token_visible(browser)


def test_the_page_keeps_working_past_the_access_tokens_expiry(tmp_path, browser):
    web = LocalServe(tmp_path)
    try:
        use_short_lived_session_client(web, seconds=5)
        sign_in(browser, web, web.demo["username"], web.demo["password"])
        browser.set_script_timeout(20)
        first = browser.execute_async_script(SESSION_EXPIRY, web.api)
        # Once the first access token has expired (the browser's clock says so), the page still works.
        wait(browser, 30).until(lambda d: d.execute_script("return Date.now() / 1000") > first + 1)
        reload_profile(browser)
        wait_for_state(browser, "profile")
        assert browser.find_element(By.ID, "field-nickname").text == "Demo"
        assert browser.execute_async_script(SESSION_EXPIRY, web.api) > first
        assert_no_token_visible(browser)
    finally:
        web.close()


def test_sign_out_ends_the_session_at_the_api_and_the_pool(stack, browser):
    sign_in(browser, stack, stack.demo["username"], stack.demo["password"])
    mark_page(browser)
    element(browser, By.ID, "sign-out").click()
    wait_for_new_page(browser, "signed-out")
    assert browser.current_url == stack.app + "/"
    assert "__Host-gatehouse" not in {cookie["name"] for cookie in browser.get_cookies()}
    browser.get(stack.app + "/")
    wait_for_state(browser, "signed-out")
    element(browser, By.ID, "sign-in").click()
    wait(browser).until(lambda d: d.current_url.startswith(stack.pool_url + "/login"))
    assert element(browser, By.ID, "password")


@pytest.fixture
def foreign_site(tmp_path):
    """A page server on another origin (and, as `localhost`, another site)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **k: SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, server.server_address[1]
    server.shutdown()
    server.server_close()


def test_another_origin_cannot_read_userinfo_or_log_out_with_the_cookie(stack, browser, foreign_site):
    folder, port = foreign_site
    sign_in(browser, stack, stack.demo["username"], stack.demo["password"])
    (folder / "index.html").write_text("<!doctype html><title>elsewhere</title><p>another origin</p>")
    (folder / "post.html").write_text(
        f'<!doctype html><title>csrf</title><form id="f" method="post" action="{stack.api}/auth/logout"></form>'
        '<script>document.getElementById("f").submit()</script>')
    probe = """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0] + "/userinfo", {credentials: "include", headers: {"X-CSRF": "1"}})
          .then(async (r) => done("read:" + r.status + ":" + (await r.text())))
          .catch((e) => done("blocked:" + e.name));
    """
    browser.set_script_timeout(20)
    # From the app the call works, so the refusals below are the policy's doing.
    assert browser.execute_async_script(probe, stack.api).startswith("read:200:")
    for host in ("127.0.0.1", "localhost"):
        browser.get(f"http://{host}:{port}/index.html")
        assert browser.execute_async_script(probe, stack.api) == "blocked:TypeError"
        # A cross-site form POST (no X-CSRF, no preflight possible) changes nothing.
        browser.get(f"http://{host}:{port}/post.html")
        wait(browser).until(lambda d: d.current_url.startswith(stack.api))
        assert '"csrf_check_failed"' in browser.page_source or "csrf_check_failed" in browser.page_source
    browser.get(stack.app + "/")
    wait_for_state(browser, "profile")
    assert browser.find_element(By.ID, "field-nickname").text == "Demo"


def test_the_demo_calls_its_own_api_through_gatehouse_in_cookie_mode(tmp_path, browser):
    web = LocalServe(tmp_path, "--demo-upstream")
    try:
        sign_in(browser, web, web.demo["username"], web.demo["password"])
        panel = element(browser, By.ID, "own-api")
        assert panel.is_displayed()
        element(browser, By.ID, "call-api").click()
        wait(browser).until(lambda d: d.execute_script("return document.getElementById('api-answer').dataset.status") == "200")
        answer = browser.execute_script("return document.getElementById('api-answer').textContent")
        assert f"Hello, {web.demo['username']}!" in answer and "through Gatehouse" in answer
        # The page still holds no token: the API added it on the way.
        assert_no_token_visible(browser)
        screenshot(browser, "12-cookie-own-api.png")
    finally:
        web.close()
