"""The hosted login's "Email me a code" in headless Chromium (issue 28): the demo app in storage
mode sends the person to the local pool's login page, they ask for a code instead of typing a
password, read it from the pool's mail (`gatehouse users codes`), get one wrong, then the right
one, and the app holds the tokens."""

import base64
import json

import pytest
from selenium.webdriver.common.by import By

from conftest import LocalServe
from test_browser import browser, element, mark_page, screenshot, stored_session, wait, wait_for_new_page, wait_for_state  # noqa: F401
from test_sign_up import code

PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    web = LocalServe(tmp_path_factory.mktemp("browser-codes"), "--app-mode", "storage")
    web.cognito.update_user_pool(UserPoolId=web.pool_id,
                                 Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}})
    web.cognito.admin_create_user(UserPoolId=web.pool_id, Username="mo", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "mo@example.com"}, {"Name": "email_verified", "Value": "true"}])
    web.cognito.admin_set_user_password(UserPoolId=web.pool_id, Username="mo", Password=PASSWORD, Permanent=True)
    yield web
    web.close()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_email_me_a_code_signs_in_without_the_password(stack, browser):
    browser.get(stack.app + "/")
    wait_for_state(browser, "signed-out")
    element(browser, By.ID, "sign-in").click()
    wait(browser).until(lambda d: "/login" in d.current_url and d.find_elements(By.ID, "email-code"))
    element(browser, By.ID, "username").send_keys("mo")
    element(browser, By.ID, "email-code").click()
    wait(browser).until(lambda d: "/login/email-code" in d.current_url)
    assert "We sent a code to m***@e***." in element(browser, By.ID, "page-notice").text
    sent = code(stack, "mo", "EMAIL_OTP")
    element(browser, By.ID, "code").send_keys(f"{(int(sent) + 1) % 10 ** 8:08d}")
    element(browser, By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, "page-error"))
    assert "That code is not right" in element(browser, By.ID, "page-error").text
    screenshot(browser, "30-email-code-wrong.png")
    element(browser, By.ID, "code").send_keys(sent)
    mark_page(browser)
    element(browser, By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for_new_page(browser, "profile")
    session = stored_session(browser, stack.spa)
    assert claims(session["idToken"])["cognito:username"] == "mo"
    screenshot(browser, "31-signed-in-with-an-email-code.png")
