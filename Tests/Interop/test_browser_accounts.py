"""The hosted account pages in headless Chromium against `gatehouse serve`: sign up, confirm with
the code from `gatehouse users codes`, sign in with a TOTP code (pyotp), reset a forgotten
password; each ends on the demo app's profile."""

import time

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import LocalServe
from test_browser import browser  # noqa: F401 (the fixture)
from test_browser import element, mark_page, screenshot, text_of, wait, wait_for_new_page, wait_for_state
from test_sign_up import code


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    web = LocalServe(tmp_path_factory.mktemp("browser-accounts"), "--app-mode", "storage")
    yield web
    web.close()


def open_hosted_login(driver, stack):
    driver.get(stack.app + "/")
    wait_for_state(driver, "signed-out")
    element(driver, By.ID, "sign-in").click()
    wait(driver).until(EC.url_contains(stack.pool_url + "/login"))


def submit(driver):
    element(driver, By.CSS_SELECTOR, "button[type=submit]").click()


def wait_for_notice(driver, text):
    """Waits for the page whose notice says `text` (the page before may show another notice
    until the navigation lands)."""
    wait(driver).until(lambda d: text in text_of(d, "page-notice"))


def test_sign_up_confirm_and_sign_in_in_the_browser(stack, browser):
    open_hosted_login(browser, stack)
    element(browser, By.ID, "sign-up-link").click()
    # The email field is the sign-up page's own: once it is there, so is the page's username field.
    element(browser, By.ID, "email").send_keys("browser-newbie@example.com")
    element(browser, By.ID, "username").send_keys("browser-newbie")
    element(browser, By.ID, "password").send_keys("Browser-passw0rd!")
    screenshot(browser, "10-sign-up.png")
    submit(browser)
    wait_for_notice(browser, "We sent a code to b***@e***.")
    element(browser, By.ID, "code").send_keys(code(stack, "browser-newbie", "SIGN_UP"))
    screenshot(browser, "11-confirm.png")
    submit(browser)
    wait_for_notice(browser, "Your account is confirmed. Sign in.")
    assert element(browser, By.ID, "username").get_attribute("value") == "browser-newbie"
    element(browser, By.ID, "password").send_keys("Browser-passw0rd!")
    mark_page(browser)
    submit(browser)
    wait_for_new_page(browser, "profile")
    assert browser.find_element(By.ID, "field-email").text == "browser-newbie@example.com"


def test_sign_in_with_a_totp_code_in_the_browser(stack, browser):
    cognito = stack.cognito
    cognito.set_user_pool_mfa_config(UserPoolId=stack.pool_id, MfaConfiguration="OPTIONAL",
                                     SoftwareTokenMfaConfiguration={"Enabled": True})
    try:
        cognito.admin_create_user(UserPoolId=stack.pool_id, Username="browser-totp", MessageAction="SUPPRESS",
                                  UserAttributes=[{"Name": "email", "Value": "totp@example.com"}])
        cognito.admin_set_user_password(UserPoolId=stack.pool_id, Username="browser-totp", Password="Totp-passw0rd!", Permanent=True)
        access = cognito.initiate_auth(ClientId=stack.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": "browser-totp", "PASSWORD": "Totp-passw0rd!"})["AuthenticationResult"]["AccessToken"]
        totp = pyotp.TOTP(cognito.associate_software_token(AccessToken=access)["SecretCode"])
        cognito.verify_software_token(AccessToken=access, UserCode=totp.now())
        cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})

        open_hosted_login(browser, stack)
        element(browser, By.ID, "username").send_keys("browser-totp")
        element(browser, By.ID, "password").send_keys("Totp-passw0rd!")
        submit(browser)
        field = element(browser, By.ID, "code")
        assert browser.current_url.startswith(stack.pool_url + "/login")
        screenshot(browser, "12-totp.png")
        # The next step's code: inside the window, and not the one the verification used.
        field.send_keys(totp.at(time.time() + 30))
        mark_page(browser)
        submit(browser)
        wait_for_new_page(browser, "profile")
        assert browser.find_element(By.ID, "field-email").text == "totp@example.com"
    finally:
        cognito.set_user_pool_mfa_config(UserPoolId=stack.pool_id, MfaConfiguration="OFF")


def test_reset_a_forgotten_password_in_the_browser(stack, browser):
    stack.cognito.admin_create_user(UserPoolId=stack.pool_id, Username="browser-forgetful", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "forgetful@example.com"}])
    stack.cognito.admin_set_user_password(UserPoolId=stack.pool_id, Username="browser-forgetful", Password="Old-passw0rd!",
                                          Permanent=True)
    open_hosted_login(browser, stack)
    element(browser, By.ID, "forgot-link").click()
    # The sign-in page has a username field too: type only once the new page is there.
    wait(browser).until(EC.url_contains(stack.pool_url + "/login/forgot"))
    element(browser, By.ID, "username").send_keys("browser-forgetful")
    submit(browser)
    wait_for_notice(browser, "we sent a code to f***@e***.")
    element(browser, By.ID, "code").send_keys(code(stack, "browser-forgetful", "FORGOT_PASSWORD"))
    element(browser, By.ID, "password").send_keys("New-passw0rd!")
    screenshot(browser, "13-reset.png")
    submit(browser)
    wait_for_notice(browser, "Your password is set. Sign in.")
    element(browser, By.ID, "password").send_keys("New-passw0rd!")
    mark_page(browser)
    submit(browser)
    wait_for_new_page(browser, "profile")
    assert browser.find_element(By.ID, "field-email").text == "forgetful@example.com"
