"""The whole system in a real browser: headless Chromium (Debian's chromium and chromium-driver,
driven by selenium) against `gatehouse serve` on loopback, offline, with its local pool and demo app
in storage mode (tokens in the page's session storage; cookie mode is test_browser_cookie.py).

Screenshots of the main states land in test-output/browser/ (not committed)."""

import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import JavascriptException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, LocalServe

SCREENSHOTS = ROOT / "test-output" / "browser"


def chromium():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1000,760", "--no-first-run", "--disable-extensions", "--lang=en-US"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    web = LocalServe(tmp_path_factory.mktemp("browser"), "--app-mode", "storage")
    yield web
    web.close()


@pytest.fixture
def browser():
    driver = chromium()
    yield driver
    driver.quit()


# While the browser navigates, an element found a moment ago goes stale and a script may find no
# document: conditions are retried on those instead of failing the test.
NAVIGATION_RACES = (StaleElementReferenceException, NoSuchElementException, JavascriptException)


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds, ignored_exceptions=NAVIGATION_RACES)


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / name))


def page_state(driver):
    """The app's `data-state`, read in one script (no element handle to go stale), and whether
    this is still the document `mark_page` marked."""
    return driver.execute_script(
        "return [document.body ? document.body.getAttribute('data-state') : null, window.__gatehouseMarked === true]")


def text_of(driver, element_id):
    """The rendered text of the element with `element_id` in the current document ('' if there is
    none), read in one script: an element handle found first could go stale, or belong to a
    document a navigation just replaced ("Node with given id does not belong to the document")."""
    return driver.execute_script(
        "const node = document.getElementById(arguments[0]); return node ? node.innerText : ''", element_id)


def wait_for_state(driver, state, seconds=20):
    wait(driver, seconds).until(lambda d: page_state(d)[0] == state)


def mark_page(driver):
    """Marks the current document, so that `wait_for_new_page` can tell when a navigation the
    next action starts has replaced it (the app may show a state on the old page first)."""
    driver.execute_script("window.__gatehouseMarked = true")


def wait_for_new_page(driver, state, seconds=20):
    wait(driver, seconds).until(lambda d: page_state(d) == [state, False])


def element(driver, by, value, seconds=20):
    """The element once it is present in the current document."""
    return wait(driver, seconds).until(EC.presence_of_element_located((by, value)))


def stored_session(driver, client_id):
    text = driver.execute_script("return sessionStorage.getItem(arguments[0])", f"gatehouse:{client_id}:session")
    return json.loads(text) if text else None


def sign_in(driver, stack, username, password, expect_state="profile"):
    driver.get(stack.app + "/")
    wait_for_state(driver, "signed-out")
    element(driver, By.ID, "sign-in").click()
    wait(driver).until(EC.url_contains(stack.pool_url + "/login"))
    element(driver, By.ID, "username").send_keys(username)
    element(driver, By.ID, "password").send_keys(password)
    mark_page(driver)
    element(driver, By.CSS_SELECTOR, "button[type=submit]").click()
    if expect_state:
        wait_for_new_page(driver, expect_state)


def reload_profile(driver):
    """Clicks "reload profile" with the state cleared first, so that waiting for a state waits
    for this load's outcome, not the one already on screen."""
    driver.execute_script("document.body.removeAttribute('data-state')")
    element(driver, By.ID, "reload-profile").click()


def test_sign_in_through_the_hosted_login_shows_the_profile_and_survives_a_reload(stack, browser):
    browser.get(stack.app + "/")
    wait_for_state(browser, "signed-out")
    screenshot(browser, "01-signed-out.png")
    element(browser, By.ID, "sign-in").click()
    wait(browser).until(EC.url_contains(stack.pool_url + "/login"))
    element(browser, By.ID, "username").send_keys(stack.demo["username"])
    screenshot(browser, "02-hosted-login.png")
    element(browser, By.ID, "password").send_keys(stack.demo["password"])
    mark_page(browser)
    element(browser, By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, "profile")
    assert browser.find_element(By.ID, "field-nickname").text == "Demo"
    assert browser.find_element(By.ID, "field-email").text == "demo@example.com"
    assert browser.find_element(By.ID, "field-name").text == "Demo User"
    assert browser.find_element(By.ID, "greeting").text == "Demo"
    # The code and state were taken out of the address bar.
    assert browser.current_url == stack.app + "/"
    session = stored_session(browser, stack.spa)
    assert session["accessToken"] and session["refreshToken"] and session["expiresAt"] > session["issuedAt"]
    wait(browser).until(lambda d: "min" in text_of(d, "time-left"))
    screenshot(browser, "03-profile.png")

    browser.refresh()
    wait_for_state(browser, "profile")
    assert browser.find_element(By.ID, "field-nickname").text == "Demo"
    assert browser.current_url == stack.app + "/"
    assert stored_session(browser, stack.spa)["refreshToken"] == session["refreshToken"]


def test_wrong_password_shows_an_error_on_the_login_page(stack, browser):
    sign_in(browser, stack, stack.demo["username"], "not-the-password", expect_state=None)
    error = wait(browser).until(EC.visibility_of_element_located((By.ID, "page-error")))
    assert "Incorrect username or password" in error.text
    assert browser.current_url.startswith(stack.pool_url + "/login")
    screenshot(browser, "04-wrong-password.png")


def test_sign_out_clears_storage_and_revokes_the_refresh_token(stack, browser):
    sign_in(browser, stack, stack.demo["username"], stack.demo["password"])
    refresh_token = stored_session(browser, stack.spa)["refreshToken"]
    # The old page shows "signed-out" at once; the app navigates to /logout only after the
    # revocation answered, so a new page at the app means the token was revoked.
    mark_page(browser)
    element(browser, By.ID, "sign-out").click()
    wait_for_new_page(browser, "signed-out")
    assert browser.current_url == stack.app + "/"
    keys = browser.execute_script("return Object.keys(sessionStorage).concat(Object.keys(localStorage))")
    assert [key for key in keys if key.startswith("gatehouse:")] == []
    screenshot(browser, "05-signed-out-after-sign-out.png")
    response = requests.post(stack.pool_url + "/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": stack.spa, "refresh_token": refresh_token})
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    # The hosted login's session ended too: signing in asks for the password again.
    element(browser, By.ID, "sign-in").click()
    wait(browser).until(EC.url_contains(stack.pool_url + "/login"))
    assert element(browser, By.ID, "password")


def test_a_page_from_another_origin_cannot_read_userinfo(stack, browser, tmp_path):
    tokens = stack.cognito.initiate_auth(ClientId=stack.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": stack.demo["username"], "PASSWORD": stack.demo["password"]})["AuthenticationResult"]
    (tmp_path / "index.html").write_text("<!doctype html><title>elsewhere</title><p>another site</p>")
    handler = lambda *args, **kwargs: SimpleHTTPRequestHandler(*args, directory=str(tmp_path), **kwargs)  # noqa: E731
    foreign = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    probe = """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0] + "/userinfo", {headers: {Authorization: "Bearer " + arguments[1]}})
          .then(async (r) => done("read:" + r.status + ":" + (await r.text())))
          .catch((e) => done("blocked:" + e.name));
    """
    try:
        browser.set_script_timeout(20)
        # From the app's origin the same call works, so a refusal below is the CORS policy's doing.
        browser.get(stack.app + "/")
        allowed = browser.execute_async_script(probe, stack.api, tokens["AccessToken"])
        assert allowed.startswith("read:200:") and '"nickname":"Demo"' in allowed
        browser.get(f"http://127.0.0.1:{foreign.server_address[1]}/index.html")
        refused = browser.execute_async_script(probe, stack.api, tokens["AccessToken"])
        assert refused == "blocked:TypeError"
    finally:
        foreign.shutdown()
        foreign.server_close()


def test_the_page_keeps_working_past_token_expiry_because_the_client_refreshes(tmp_path, browser):
    # No attribute cache, so disabling the user below shows at once.
    web = LocalServe(tmp_path, "--app-mode", "storage", environment={"GATEHOUSE_USER_CACHE_TTL": "0"})
    try:
        short = web.short_lived_client("short-lived", 6, secret=False)["ClientId"]
        web.restart("--app-mode", "storage", "--app-client-id", short)
        sign_in(browser, web, web.demo["username"], web.demo["password"])
        first = stored_session(browser, short)
        assert first["expiresAt"] - first["issuedAt"] == 6000
        # Past the first access token's life: the page refreshed in the background (at 3/4 of it).
        wait(browser, 30).until(lambda d: stored_session(d, short)["accessToken"] != first["accessToken"])
        WebDriverWait(browser, 30).until(lambda _: requests.get(
            web.api + "/userinfo", headers={"Authorization": "Bearer " + first["accessToken"]}, timeout=10).status_code == 401)
        expired = requests.get(web.api + "/userinfo", headers={"Authorization": "Bearer " + first["accessToken"]}, timeout=10)
        assert expired.json()["error"] == "expired_token"
        reload_profile(browser)
        wait_for_state(browser, "profile")
        assert browser.find_element(By.ID, "field-nickname").text == "Demo"
        latest = stored_session(browser, short)
        assert latest["refreshToken"] == first["refreshToken"]
        assert latest["expiresAt"] > first["expiresAt"]
        screenshot(browser, "06-profile-after-refresh.png")

        # An API error is shown as one, with the server's code and request id.
        web.cognito.admin_disable_user(UserPoolId=web.pool_id, Username=web.demo["username"])
        reload_profile(browser)
        wait_for_state(browser, "error")
        assert browser.find_element(By.ID, "error-code").text == "user_disabled"
        assert browser.find_element(By.ID, "error-request").text.startswith("request ")
        assert browser.switch_to.active_element.tag_name == "h1"
        screenshot(browser, "07-error.png")
    finally:
        web.close()


def test_a_ui_customization_is_applied_by_the_browser_under_the_pages_policy(stack, browser):
    # The pages' Content-Security-Policy lets only nonce'd styles and data: images in: Chromium
    # shows that the customization passes it, and what it computes is the customization's.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f0e2a60000000049454e44ae426082")
    stack.cognito.set_ui_customization(UserPoolId=stack.pool_id, ClientId=stack.spa,
                                       CSS="button { background-color: rgb(10, 125, 51); }", ImageFile=png)
    try:
        browser.get(f"{stack.pool_url}/login?response_type=code&client_id={stack.spa}&redirect_uri={stack.app}/"
                    f"&code_challenge={'A' * 43}&code_challenge_method=S256&scope=openid")
        button = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[type=submit]")))
        assert button.value_of_css_property("background-color") in ("rgba(10, 125, 51, 1)", "rgb(10, 125, 51)")
        logo = browser.find_element(By.ID, "logo")
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", logo) == 1
    finally:
        stack.cognito.set_ui_customization(UserPoolId=stack.pool_id, ClientId=stack.spa)


def test_a_managed_login_style_is_applied_by_the_browser_under_the_pages_policy(stack, browser):
    # The style's colors become CSS that Chromium computes, the dark ones only when it prefers dark.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f0e2a60000000049454e44ae426082")
    settings = {"categories": {"global": {"colorSchemeMode": "DYNAMIC"}},
                "components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "0a7d33ff"}},
                                                 "darkMode": {"defaults": {"backgroundColor": "ff0000ff"}}},
                               "pageBackground": {"lightMode": {"color": "102030ff"}}}}
    branding = stack.cognito.create_managed_login_branding(
        UserPoolId=stack.pool_id, ClientId=stack.spa, Settings=settings,
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "DYNAMIC", "Extension": "PNG", "Bytes": png}])["ManagedLoginBranding"]
    try:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        browser.get(f"{stack.pool_url}/login?response_type=code&client_id={stack.spa}&redirect_uri={stack.app}/"
                    f"&code_challenge={'A' * 43}&code_challenge_method=S256&scope=openid")
        button = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "button[type=submit]")))
        assert button.value_of_css_property("background-color") in ("rgba(10, 125, 51, 1)", "rgb(10, 125, 51)")
        body = browser.find_element(By.TAG_NAME, "body")
        assert body.value_of_css_property("background-color") in ("rgba(16, 32, 48, 1)", "rgb(16, 32, 48)")
        logo = browser.find_element(By.ID, "logo")
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", logo) == 1
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        assert button.value_of_css_property("background-color") in ("rgba(255, 0, 0, 1)", "rgb(255, 0, 0)")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
        stack.cognito.delete_managed_login_branding(UserPoolId=stack.pool_id, ManagedLoginBrandingId=branding["ManagedLoginBrandingId"])


def offer_providers(stack, providers):
    """The app's client with `providers` (the update keeps every other setting as it is)."""
    current = stack.cognito.describe_user_pool_client(UserPoolId=stack.pool_id, ClientId=stack.spa)["UserPoolClient"]
    keep = ["ExplicitAuthFlows", "AllowedOAuthFlows", "AllowedOAuthScopes", "AllowedOAuthFlowsUserPoolClient", "CallbackURLs",
            "LogoutURLs", "AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits",
            "PreventUserExistenceErrors", "EnableTokenRevocation", "ReadAttributes", "WriteAttributes", "ClientName"]
    stack.cognito.update_user_pool_client(UserPoolId=stack.pool_id, ClientId=stack.spa, SupportedIdentityProviders=providers,
                                          **{k: current[k] for k in keep if k in current})


def test_sign_in_with_an_identity_provider_from_its_button_to_the_profile(stack, browser, tmp_path):
    # A second `gatehouse serve` is the upstream OpenID Connect provider.
    upstream = LocalServe(tmp_path)
    try:
        up = upstream.cognito.create_user_pool_client(
            UserPoolId=upstream.pool_id, ClientName="federation", GenerateSecret=True, AllowedOAuthFlows=["code"],
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"],
            CallbackURLs=[f"{stack.pool_url}/oauth2/idpresponse"])["UserPoolClient"]
        upstream.cognito.admin_create_user(UserPoolId=upstream.pool_id, Username="river", MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": "river@partner.example"}, {"Name": "nickname", "Value": "River"}, {"Name": "name", "Value": "River Song"}])
        upstream.cognito.admin_set_user_password(UserPoolId=upstream.pool_id, Username="river", Password="Upstream-passw0rd!", Permanent=True)
        stack.cognito.create_identity_provider(
            UserPoolId=stack.pool_id, ProviderName="Partner", ProviderType="OIDC",
            ProviderDetails={"client_id": up["ClientId"], "client_secret": up["ClientSecret"], "authorize_scopes": "openid email profile",
                             "oidc_issuer": f"{upstream.pool_url}/{upstream.pool_id}"},
            AttributeMapping={"email": "email", "nickname": "nickname", "name": "name"})
        offer_providers(stack, ["COGNITO", "Partner"])

        browser.get(stack.app + "/")
        wait_for_state(browser, "signed-out")
        element(browser, By.ID, "sign-in").click()
        wait(browser).until(EC.url_contains(stack.pool_url + "/login"))
        screenshot(browser, "08-identity-provider-button.png")
        element(browser, By.ID, "idp-Partner").click()
        # The provider's own sign-in page, on its own port.
        wait(browser).until(EC.url_contains(upstream.pool_url + "/login"))
        element(browser, By.ID, "username").send_keys("river")
        element(browser, By.ID, "password").send_keys("Upstream-passw0rd!")
        mark_page(browser)
        element(browser, By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for_new_page(browser, "profile")
        assert browser.find_element(By.ID, "field-nickname").text == "River"
        assert browser.find_element(By.ID, "field-email").text == "river@partner.example"
        assert browser.current_url == stack.app + "/"
        screenshot(browser, "09-federated-profile.png")
        federated = [u for u in stack.cognito.list_users(UserPoolId=stack.pool_id)["Users"] if u["Username"].startswith("Partner_")]
        assert [u["UserStatus"] for u in federated] == ["EXTERNAL_PROVIDER"]
    finally:
        offer_providers(stack, ["COGNITO"])
        stack.cognito.delete_identity_provider(UserPoolId=stack.pool_id, ProviderName="Partner")
        upstream.close()
