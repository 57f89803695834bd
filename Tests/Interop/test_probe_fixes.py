"""The attacker's probe of issue 22, run against `gatehouse serve` with boto3, pyotp and raw
HTTP: each case that used to succeed must now be refused, and the server must live on."""

import json
import re
import subprocess

import botocore.auth
import botocore.exceptions
import pyotp
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import REGION, LocalServe, gatehouse_binary
from test_cookie_sessions import CookieBrowser
from test_oidc_flow import login_through_form

KEY, SECRET = "AKIDPROBE", "probe-secret"


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    server = LocalServe(tmp_path_factory.mktemp("probe"), "--aws-credentials", f"{KEY}:{SECRET}", credentials=(KEY, SECRET))
    yield server
    server.close()


def error_code(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


def latest_code(serve, username, purpose):
    done = subprocess.run([str(gatehouse_binary()), "users", "codes", username, "--data-dir", str(serve.data_dir / "state")],
                          capture_output=True, text=True, timeout=60)
    return next((c for p, c in (line.split(" ") for line in done.stdout.splitlines()) if p == purpose), None)


@pytest.mark.parametrize("page", [
    "{app}/#?code=x&state=y", "{app}/#?", "{app}#?code=x", "{app}/?#", "{app}/#/?code=x&state=y&a=b#?c",
])
def test_a_fragment_before_the_query_is_a_bad_request_not_a_crash(serve, page):
    browser = CookieBrowser(serve)
    browser.request("POST", "/auth/login/start")
    response = browser.request("POST", "/auth/login/end", json={"pageUrl": page.format(app=serve.app)})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    # Every server of the process still answers.
    for base in (serve.api, serve.pool_url):
        assert requests.get(base + "/healthz", timeout=10).status_code == 200
    assert requests.get(serve.app + "/", timeout=10).status_code == 200


def test_code_guessing_at_speed_is_stopped_long_before_a_thousand_guesses(serve):
    serve.cognito.sign_up(ClientId=serve.spa, Username="victim", Password="Victim-passw0rd!",
                          UserAttributes=[{"Name": "email", "Value": "someone-else@example.com"}])
    guesses = 0
    while guesses < 1000:
        if error_code_or_none(lambda: serve.cognito.resend_confirmation_code(ClientId=serve.spa, Username="victim")) == "LimitExceededException":
            break
        for attempt in range(5):
            guesses += 1
            code = error_code_or_none(lambda: serve.cognito.confirm_sign_up(
                ClientId=serve.spa, Username="victim", ConfirmationCode=f"{777770 + attempt:06d}"))
            assert code in ("CodeMismatchException", "LimitExceededException"), code
    assert guesses <= 10
    user = serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username="victim")
    assert user["UserStatus"] == "UNCONFIRMED"


def error_code_or_none(call):
    try:
        call()
        return None
    except botocore.exceptions.ClientError as error:
        return error.response["Error"]["Code"]


def test_a_stale_mfa_setup_session_does_not_complete_sign_in(serve):
    serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username="enrolling", MessageAction="SUPPRESS")
    serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username="enrolling", Password="Enrol-passw0rd!", Permanent=True)
    serve.cognito.set_user_pool_mfa_config(UserPoolId=serve.pool_id, MfaConfiguration="ON",
                                           SoftwareTokenMfaConfiguration={"Enabled": True})
    try:
        def start():
            return serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
                "USERNAME": "enrolling", "PASSWORD": "Enrol-passw0rd!"})
        attacker, victim = start(), start()
        assert attacker["ChallengeName"] == victim["ChallengeName"] == "MFA_SETUP"
        secret = serve.cognito.associate_software_token(Session=victim["Session"])
        verified = serve.cognito.verify_software_token(Session=secret["Session"], UserCode=pyotp.TOTP(secret["SecretCode"]).now())
        done = serve.cognito.respond_to_auth_challenge(ClientId=serve.spa, ChallengeName="MFA_SETUP", Session=verified["Session"],
                                                       ChallengeResponses={"USERNAME": "enrolling"})
        assert done["AuthenticationResult"]["AccessToken"]
        assert error_code(lambda: serve.cognito.respond_to_auth_challenge(
            ClientId=serve.spa, ChallengeName="MFA_SETUP", Session=attacker["Session"],
            ChallengeResponses={"USERNAME": "enrolling"})) == "InvalidParameterException"
    finally:
        serve.cognito.set_user_pool_mfa_config(UserPoolId=serve.pool_id, MfaConfiguration="OFF")


def test_users_cannot_verify_an_email_they_do_not_own(serve):
    assert error_code(lambda: serve.cognito.sign_up(ClientId=serve.spa, Username="squatter", Password="Squat-passw0rd!", UserAttributes=[
        {"Name": "email", "Value": "ceo@example.com"}, {"Name": "email_verified", "Value": "true"}])) == "NotAuthorizedException"
    assert error_code(lambda: serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username="squatter")) == "UserNotFoundException"


def test_sign_out_everywhere_ends_the_hosted_login_session(serve):
    browser = requests.Session()
    authorize = (f"{serve.pool_url}/oauth2/authorize?response_type=code&client_id={serve.confidential}"
                 f"&redirect_uri={serve.app}/&scope=openid")
    assert login_through_form(browser, authorize, serve.demo["username"], serve.demo["password"]).status_code == 302
    again = browser.get(authorize, allow_redirects=False, timeout=10)
    assert again.status_code == 302 and again.headers["Location"].startswith(serve.app + "/?code=")
    serve.cognito.admin_user_global_sign_out(UserPoolId=serve.pool_id, Username=serve.demo["username"])
    after = browser.get(authorize, allow_redirects=False, timeout=10)
    assert after.status_code == 302 and after.headers["Location"].startswith("/login?")


@pytest.mark.parametrize("name", ["nobody-at-all", "no-email", "disabled"])
def test_forgot_password_answers_a_missing_disabled_or_mailless_user_like_a_real_one(serve, name):
    if name != "nobody-at-all":
        serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, MessageAction="SUPPRESS")
        if name == "disabled":
            serve.cognito.admin_update_user_attributes(UserPoolId=serve.pool_id, Username=name,
                                                       UserAttributes=[{"Name": "email", "Value": "x@example.com"}])
            serve.cognito.admin_disable_user(UserPoolId=serve.pool_id, Username=name)
    real = serve.cognito.forgot_password(ClientId=serve.spa, Username=serve.demo["username"])["CodeDeliveryDetails"]
    fake = serve.cognito.forgot_password(ClientId=serve.spa, Username=name)["CodeDeliveryDetails"]
    assert set(real) == set(fake) and real["DeliveryMedium"] == fake["DeliveryMedium"] == "EMAIL"
    assert re.fullmatch(r"[a-z0-9]\*\*\*@[a-z0-9]\*\*\*", fake["Destination"]), fake
    assert error_code(lambda: serve.cognito.confirm_forgot_password(
        ClientId=serve.spa, Username=name, ConfirmationCode="123456", Password="Next-passw0rd!")) == "CodeMismatchException"


def test_a_signed_admin_call_cannot_be_replayed_as_another_operation(serve):
    body = json.dumps({"UserPoolId": serve.pool_id, "Username": serve.demo["username"]})
    for signed_headers, region in [({"Content-Type"}, REGION), (set(), REGION), ({"Content-Type", "X-Amz-Target"}, "eu-west-1")]:
        request = AWSRequest(method="POST", url=serve.pool_url + "/", data=body,
                             headers={k: v for k, v in {"Content-Type": "application/x-amz-json-1.1",
                                                         "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminGetUser"}.items()
                                      if k in signed_headers})
        botocore.auth.SigV4Auth(Credentials(KEY, SECRET), "cognito-idp", region).add_auth(request)
        headers = dict(request.headers)
        headers["Content-Type"] = "application/x-amz-json-1.1"
        headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.AdminDisableUser"
        swapped = requests.post(serve.pool_url + "/", data=body, headers=headers, timeout=10)
        assert swapped.status_code == 400 and swapped.json()["__type"] == "InvalidSignatureException", (signed_headers, region)
    assert serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username=serve.demo["username"])["Enabled"] is True


def test_revoking_sessions_from_the_command_line_ends_them_at_the_next_request(serve):
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    assert browser.request("GET", "/userinfo").status_code == 200
    done = subprocess.run([str(gatehouse_binary()), "sessions", "revoke", "--user", serve.demo["username"],
                           "--data-dir", str(serve.data_dir / "state")],
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    ended = browser.request("GET", "/userinfo")
    assert ended.status_code == 401 and ended.json()["error"] == "session_expired"


def test_the_session_asks_for_no_admin_scope_and_still_signs_out_everywhere(serve):
    browser = CookieBrowser(serve)
    start = browser.request("POST", "/auth/login/start")
    assert "scope=openid%20email%20profile&" in start.json()["authorizationUrl"]
    assert "aws.cognito.signin.user.admin" not in start.json()["authorizationUrl"]
    done = login_through_form(requests.Session(), start.json()["authorizationUrl"], serve.demo["username"], serve.demo["password"])
    assert browser.request("POST", "/auth/login/end", json={"pageUrl": done.headers["Location"]}).status_code == 200
    bearer = serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]
    out = browser.request("POST", "/auth/logout", json={"everywhere": True})
    assert out.status_code == 200, out.text
    # The pool signed the user out everywhere: the bearer's refresh token is dead too.
    assert error_code(lambda: serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={
        "REFRESH_TOKEN": bearer["RefreshToken"]})) == "NotAuthorizedException"


def test_the_app_sends_another_loopback_name_to_its_configured_origin(serve):
    port = serve.app.rsplit(":", 1)[1]
    moved = requests.get(serve.app + "/index.html?x=1", headers={"Host": f"localhost:{port}"}, allow_redirects=False, timeout=10)
    assert moved.status_code == 308 and moved.headers["Location"] == serve.app + "/index.html?x=1"
    # The configured name itself is served; a foreign name is still refused, never redirected.
    assert requests.get(serve.app + "/", timeout=10).status_code == 200
    assert requests.get(serve.app + "/", headers={"Host": f"evil.example:{port}"}, allow_redirects=False, timeout=10).status_code == 421
    assert requests.get(serve.app + "/config.json", timeout=10).json()["appOrigin"] == serve.app
