"""Lambda triggers in the hosted login, in headless Chromium (issue 26): the demo app in storage
mode signs in through the local pool's login page while a PreTokenGeneration handler and a
PreAuthentication handler run under AWS's awslambdaric; the claims reach the tokens the page
holds, and a refusal shows on the login page."""

import base64
import json
import sys
import textwrap

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import LocalServe
from test_browser import browser, screenshot, sign_in, stored_session, wait  # noqa: F401 (browser: the fixture)
from test_triggers_invoke_api import arn

HANDLERS = textwrap.dedent('''
    import json, os

    def record(event):
        with open(os.environ["EVENTS_FILE"], "a") as events:
            events.write(json.dumps(event) + "\\n")

    def pre_token(event, context):
        record(event)
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}},
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"}},
        }
        return event

    def pre_authentication(event, context):
        record(event)
        if event["userName"] == "blocked":
            raise Exception("blocked by policy")
        return event
''')


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    code = tmp_path_factory.mktemp("functions")
    (code / "handlers.py").write_text(HANDLERS)
    runtime = f"{sys.executable} -m awslambdaric handlers."
    web = LocalServe(tmp_path_factory.mktemp("browser-triggers"), "--app-mode", "storage",
                     "--trigger", f"tokens={runtime}pre_token", "--trigger", f"preauth={runtime}pre_authentication",
                     environment={"PYTHONPATH": str(code), "EVENTS_FILE": str(code / "events.jsonl")})
    web.events_file = code / "events.jsonl"
    web.cognito.update_user_pool(UserPoolId=web.pool_id, LambdaConfig={
        "PreAuthentication": arn("preauth"), "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")}})
    web.cognito.admin_create_user(UserPoolId=web.pool_id, Username="blocked", MessageAction="SUPPRESS")
    web.cognito.admin_set_user_password(UserPoolId=web.pool_id, Username="blocked", Password="Sup3r-secret!", Permanent=True)
    yield web
    web.close()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def events(stack, source):
    return [e for e in map(json.loads, stack.events_file.read_text().splitlines()) if e["triggerSource"] == source]


def test_the_hosted_login_runs_the_triggers_and_the_page_holds_their_claims(stack, browser):
    sign_in(browser, stack, stack.demo["username"], stack.demo["password"])
    session = stored_session(browser, stack.spa)
    assert claims(session["accessToken"])["tenant"] == "acme"
    assert claims(session["idToken"])["plan"] == "gold"
    assert [e["userName"] for e in events(stack, "PreAuthentication_Authentication")][-1] == stack.demo["username"]
    # The code exchange is the hosted login's own source.
    assert events(stack, "TokenGeneration_HostedAuth")[-1]["callerContext"]["clientId"] == stack.spa
    screenshot(browser, "20-signed-in-with-trigger-claims.png")


def test_a_pre_authentication_refusal_shows_on_the_login_page(stack, browser):
    sign_in(browser, stack, "blocked", "Sup3r-secret!", expect_state=None)
    error = wait(browser).until(EC.visibility_of_element_located((By.ID, "page-error")))
    assert error.text == "PreAuthentication failed with error blocked by policy."
    assert browser.current_url.startswith(stack.pool_url + "/login")
    screenshot(browser, "21-pre-authentication-refusal.png")
