"""The sign-in triggers run locally under AWS's `awslambdaric` (issue 26): UserMigration moves users
from a fake legacy directory at sign-in and at a forgotten password, PreAuthentication refuses a
sign-in before its password is checked, PostAuthentication before its tokens are issued, through
boto3, pycognito's SRP and the hosted login form. Each handler records the event it was given."""

import json
import sys
import textwrap
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from pycognito.aws_srp import AWSSRP

from conftest import LocalServe
from test_oidc_flow import APP, login_through_form, start
from test_sign_up import code, refused
from test_triggers_invoke_api import arn, verified

HANDLERS = textwrap.dedent('''
    import json, os

    LEGACY = {
        "grace": {"password": "Legacy-passw0rd!", "email": "grace@legacy.example", "name": "Grace Hopper"},
        "alan": {"password": "Legacy-passw0rd!", "email": "alan@legacy.example", "name": "Alan Turing"},
        "edsger": {"password": "Legacy-passw0rd!", "email": "edsger@legacy.example", "name": "Edsger Dijkstra"},
    }

    def record(event):
        with open(os.environ["EVENTS_FILE"], "a") as events:
            events.write(json.dumps(event) + "\\n")

    def migrate(event, context):
        record(event)
        user = LEGACY.get(event["userName"])
        if user is None:
            raise Exception("not in the legacy directory")
        if event["triggerSource"] == "UserMigration_Authentication" and event["request"]["password"] != user["password"]:
            raise Exception("Bad password")
        event["response"]["userAttributes"] = {"email": user["email"], "email_verified": "true", "name": user["name"]}
        if event["userName"] == "edsger":
            event["response"]["finalUserStatus"] = "RESET_REQUIRED"
        event["response"]["messageAction"] = "SUPPRESS"
        return event

    def pre_authentication(event, context):
        record(event)
        if event["userName"] == "blocked":
            raise Exception("blocked by policy")
        return event

    def post_authentication(event, context):
        record(event)
        if event["userName"] == "audited":
            raise Exception("the audit log is down")
        return event
''')
PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    code_dir = tmp_path_factory.mktemp("functions")
    (code_dir / "handlers.py").write_text(HANDLERS)
    events = code_dir / "events.jsonl"
    runtime = f"{sys.executable} -m awslambdaric handlers."
    serve = LocalServe(tmp_path_factory.mktemp("sign-in-triggers"), "--app-origin", APP.rstrip("/"),
                       "--trigger", f"migrate={runtime}migrate", "--trigger", f"preauth={runtime}pre_authentication",
                       "--trigger", f"postauth={runtime}post_authentication",
                       environment={"PYTHONPATH": str(code_dir), "EVENTS_FILE": str(events)})
    serve.events_file = events
    serve.cognito.update_user_pool(UserPoolId=serve.pool_id, AutoVerifiedAttributes=["email"], LambdaConfig={
        "UserMigration": arn("migrate"), "PreAuthentication": arn("preauth"), "PostAuthentication": arn("postauth")})
    serve.password_client, serve.hiding_client = (serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName=f"password-app-{hiding}", PreventUserExistenceErrors=hiding,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"] for hiding in ("LEGACY", "ENABLED"))
    for name in ("ada", "blocked", "audited"):
        serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, MessageAction="SUPPRESS",
                                        UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username=name, Password=PASSWORD, Permanent=True)
    yield serve
    serve.close()


def events(local, source, user):
    lines = local.events_file.read_text().splitlines() if local.events_file.exists() else []
    return [e for e in map(json.loads, lines) if e["triggerSource"] == source and e["userName"] == user]


def sign_in(local, name, password=PASSWORD, **extra):
    return local.cognito.initiate_auth(ClientId=local.password_client, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": name, "PASSWORD": password}, **extra)


def srp_sign_in(local, name, password=PASSWORD):
    return AWSSRP(username=name, password=password, pool_id=local.pool_id, client_id=local.password_client,
                  client=local.cognito).authenticate_user()


def test_a_legacy_user_is_migrated_at_sign_in_and_signs_in_as_a_pool_user_after(local):
    tokens = sign_in(local, "grace", "Legacy-passw0rd!", ClientMetadata={"app": "web"})["AuthenticationResult"]
    claims = verified(local, local.pool_id, tokens["IdToken"])
    assert claims["email"] == "grace@legacy.example" and claims["name"] == "Grace Hopper" and claims["email_verified"] is True
    user = local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="grace")
    assert user["UserStatus"] == "CONFIRMED"
    (migration,) = events(local, "UserMigration_Authentication", "grace")
    assert migration["request"] == {"password": "Legacy-passw0rd!", "validationData": {"app": "web"}, "clientMetadata": {}}
    assert migration["callerContext"]["clientId"] == local.password_client and migration["userPoolId"] == local.pool_id
    # From now on grace is the pool's: SRP works (the password's verifier was stored) and the
    # legacy directory is not asked again.
    assert verified(local, local.pool_id, srp_sign_in(local, "grace", "Legacy-passw0rd!")["AuthenticationResult"]["AccessToken"])
    sign_in(local, "grace", "Legacy-passw0rd!")
    assert len(events(local, "UserMigration_Authentication", "grace")) == 1


def test_a_refused_migration_creates_nobody(local):
    assert refused(lambda: sign_in(local, "alan", "Wrong-passw0rd!"),
                   "UserNotFoundException") == "UserMigration failed with error Bad password."
    assert refused(lambda: sign_in(local, "nobody", "Wrong-passw0rd!"),
                   "UserNotFoundException") == "UserMigration failed with error not in the legacy directory."
    # A client hiding which users exist answers as for any unknown name.
    assert refused(lambda: local.cognito.initiate_auth(
        ClientId=local.hiding_client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nobody", "PASSWORD": "Wrong-passw0rd!"}),
        "NotAuthorizedException") == "Incorrect username or password."
    for name in ("alan", "nobody"):
        refused(lambda: local.cognito.admin_get_user(UserPoolId=local.pool_id, Username=name), "UserNotFoundException")


def test_a_migration_answering_reset_required_makes_the_user_reset_the_password(local):
    assert refused(lambda: sign_in(local, "edsger", "Legacy-passw0rd!"), "PasswordResetRequiredException")
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="edsger")["UserStatus"] == "RESET_REQUIRED"


def test_a_legacy_user_is_migrated_by_forgot_password_and_sets_a_new_one(local):
    sent = local.cognito.forgot_password(ClientId=local.password_client, Username="alan", ClientMetadata={"flow": "forgot"})
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    (migration,) = events(local, "UserMigration_ForgotPassword", "alan")
    assert migration["request"] == {"validationData": {}, "clientMetadata": {"flow": "forgot"}}
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="alan")["UserStatus"] == "RESET_REQUIRED"
    local.cognito.confirm_forgot_password(ClientId=local.password_client, Username="alan",
                                          ConfirmationCode=code(local, "alan", "FORGOT_PASSWORD"), Password="New-passw0rd!")
    assert verified(local, local.pool_id, sign_in(local, "alan", "New-passw0rd!")["AuthenticationResult"]["AccessToken"])
    assert refused(lambda: local.cognito.forgot_password(ClientId=local.password_client, Username="nobody-at-all"),
                   "UserNotFoundException") == "UserMigration failed with error not in the legacy directory."


def test_pre_authentication_refuses_before_the_password_is_checked(local):
    message = "PreAuthentication failed with error blocked by policy."
    assert refused(lambda: sign_in(local, "blocked", ClientMetadata={"ip": "198.51.100.7"}), "UserLambdaValidationException") == message
    assert refused(lambda: sign_in(local, "blocked", "Wrong-passw0rd!"), "UserLambdaValidationException") == message
    assert refused(lambda: srp_sign_in(local, "blocked"), "UserLambdaValidationException") == message
    first = events(local, "PreAuthentication_Authentication", "blocked")[0]
    assert first["request"]["validationData"] == {"ip": "198.51.100.7"}
    assert first["request"]["userAttributes"]["email"] == "blocked@example.com" and "sub" in first["request"]["userAttributes"]
    assert "userNotFound" not in first["request"]
    sign_in(local, "ada")
    assert events(local, "PreAuthentication_Authentication", "ada")


def test_post_authentication_refuses_the_tokens_and_sees_every_complete_sign_in(local):
    assert refused(lambda: sign_in(local, "audited"),
                   "UserLambdaValidationException") == "PostAuthentication failed with error the audit log is down."
    before = len(events(local, "PostAuthentication_Authentication", "ada"))
    sign_in(local, "ada")
    srp_sign_in(local, "ada")
    seen = events(local, "PostAuthentication_Authentication", "ada")
    assert len(seen) == before + 2
    assert seen[-1]["request"]["newDeviceUsed"] is False and seen[-1]["request"]["userAttributes"]["email"] == "ada@example.com"
    # A wrong password never reaches PostAuthentication.
    refused(lambda: sign_in(local, "ada", "Wrong-passw0rd!"), "NotAuthorizedException")
    assert len(events(local, "PostAuthentication_Authentication", "ada")) == before + 2


@pytest.mark.parametrize("name, password, message", [
    ("blocked", PASSWORD, "PreAuthentication failed with error blocked by policy."),
    ("audited", PASSWORD, "PostAuthentication failed with error the audit log is down."),
])
def test_the_hosted_login_shows_the_triggers_refusal(local, name, password, message):
    _, _, url, _ = start(local, local.spa, "nonce", "v" * 48)
    page = login_through_form(requests.Session(), url, name, password)
    assert page.status_code == 401 and message in page.text and 'role="alert"' in page.text


def test_the_hosted_login_migrates_a_legacy_user(local):
    _, _, url, _ = start(local, local.spa, "nonce", "v" * 48)
    done = login_through_form(requests.Session(), url, "grace", "Legacy-passw0rd!")
    assert done.status_code == 302 and "code" in parse_qs(urlparse(done.headers["Location"]).query)
