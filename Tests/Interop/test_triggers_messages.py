"""The CustomMessage trigger run locally under AWS's `awslambdaric` (issue 26): every email the pool
"sends" (to its log) for a code or an invitation is worded by the handler, for each trigger source;
a message without the code's placeholder is not used, as on Cognito; a handler that raises fails
the operation."""

import json
import sys
import textwrap

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import LocalServe
from test_sign_up import code, refused
from test_triggers_invoke_api import arn

HANDLER = textwrap.dedent('''
    import json, os

    def custom_message(event, context):
        with open(os.environ["EVENTS_FILE"], "a") as events:
            events.write(json.dumps(event) + "\\n")
        source, request = event["triggerSource"], event["request"]
        if event["userName"] == "loud":
            raise Exception("the mail server is down")
        if event["userName"] == "forgetful":
            event["response"]["emailSubject"] = "A subject of its own"
            event["response"]["emailMessage"] = "Hello, and no code at all"
            return event
        if source == "CustomMessage_AdminCreateUser":
            event["response"]["emailMessage"] = f"Welcome {request['usernameParameter']}, your password is {request['codeParameter']}"
        else:
            event["response"]["emailMessage"] = f"<{source}> Your code is {request['codeParameter']}"
            event["response"]["smsMessage"] = f"<{source}> Text code {request['codeParameter']}"
        event["response"]["emailSubject"] = f"Subject of {source}"
        return event
''')
PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    code_dir = tmp_path_factory.mktemp("functions")
    (code_dir / "handlers.py").write_text(HANDLER)
    serve = LocalServe(tmp_path_factory.mktemp("message-triggers"),
                       "--trigger", f"messages={sys.executable} -m awslambdaric handlers.custom_message",
                       environment={"PYTHONPATH": str(code_dir), "EVENTS_FILE": str(code_dir / "events.jsonl")})
    serve.events_file = code_dir / "events.jsonl"
    serve.cognito.update_user_pool(UserPoolId=serve.pool_id, AutoVerifiedAttributes=["email"],
                                   LambdaConfig={"CustomMessage": arn("messages")})
    serve.admin_client = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="admin", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    yield serve
    serve.close()


def events(local, source, user):
    lines = local.events_file.read_text().splitlines() if local.events_file.exists() else []
    return [e for e in map(json.loads, lines) if e["triggerSource"] == source and e["userName"] == user]


def log(local):
    return (local.data_dir / "serve.log").read_text()


def sign_up(local, name, **extra):
    return local.cognito.sign_up(ClientId=local.spa, Username=name, Password=PASSWORD,
                                 UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}], **extra)


def test_sign_up_and_resend_codes_go_out_in_the_handlers_words(local):
    sign_up(local, "ada", ClientMetadata={"campaign": "spring"})
    first = code(local, "ada", "SIGN_UP")
    assert f"<CustomMessage_SignUp> Your code is {first}" in log(local) and "Subject of CustomMessage_SignUp" in log(local)
    (event,) = events(local, "CustomMessage_SignUp", "ada")
    assert event["request"]["codeParameter"] == "{####}" and event["request"]["usernameParameter"] is None
    assert event["request"]["clientMetadata"] == {"campaign": "spring"}
    assert event["request"]["userAttributes"]["email"] == "ada@example.com"
    assert event["callerContext"]["clientId"] == local.spa
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    local.cognito.resend_confirmation_code(ClientId=local.spa, Username="ada")
    again = code(local, "ada", "SIGN_UP")
    assert f"<CustomMessage_ResendCode> Your code is {again}" in log(local)
    local.cognito.confirm_sign_up(ClientId=local.spa, Username="ada", ConfirmationCode=again)


def test_forgot_password_and_attribute_codes_go_out_in_the_handlers_words(local):
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="grace", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "grace@example.com"}, {"Name": "email_verified", "Value": "true"}])
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username="grace", Password=PASSWORD, Permanent=True)
    local.cognito.forgot_password(ClientId=local.spa, Username="grace")
    assert f"<CustomMessage_ForgotPassword> Your code is {code(local, 'grace', 'FORGOT_PASSWORD')}" in log(local)
    tokens = AWSSRP(username="grace", password=PASSWORD, pool_id=local.pool_id, client_id=local.spa,
                    client=local.cognito).authenticate_user()["AuthenticationResult"]
    local.cognito.update_user_attributes(AccessToken=tokens["AccessToken"],
                                         UserAttributes=[{"Name": "email", "Value": "grace@new.example"}])
    assert f"<CustomMessage_UpdateUserAttribute> Your code is {code(local, 'grace', 'VERIFY_EMAIL')}" in log(local)
    local.cognito.get_user_attribute_verification_code(AccessToken=tokens["AccessToken"], AttributeName="email")
    assert f"<CustomMessage_VerifyUserAttribute> Your code is {code(local, 'grace', 'VERIFY_EMAIL')}" in log(local)


def test_an_invitation_carries_the_username_and_temporary_password(local):
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="kim", TemporaryPassword="Temp-passw0rd!",
                                    UserAttributes=[{"Name": "email", "Value": "kim@example.com"}], ClientMetadata={"by": "ops"})
    assert "Welcome kim, your password is Temp-passw0rd!" in log(local)
    (event,) = events(local, "CustomMessage_AdminCreateUser", "kim")
    assert event["request"]["usernameParameter"] == "{username}" and event["request"]["clientMetadata"] == {"by": "ops"}
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    # RESEND: a new temporary password, and a new invitation with it; the old one no longer works.
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="kim", TemporaryPassword="Other-passw0rd!", MessageAction="RESEND")
    assert "Welcome kim, your password is Other-passw0rd!" in log(local)
    admin = dict(UserPoolId=local.pool_id, ClientId=local.admin_client, AuthFlow="ADMIN_USER_PASSWORD_AUTH")
    assert local.cognito.admin_initiate_auth(**admin, AuthParameters={"USERNAME": "kim", "PASSWORD": "Other-passw0rd!"})[
        "ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    refused(lambda: local.cognito.admin_initiate_auth(**admin, AuthParameters={"USERNAME": "kim", "PASSWORD": "Temp-passw0rd!"}),
            "NotAuthorizedException")
    # SUPPRESS: no invitation at all.
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="quiet", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "quiet@example.com"}])
    assert events(local, "CustomMessage_AdminCreateUser", "quiet") == []
    assert refused(lambda: local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="ada", MessageAction="RESEND"),
                   "UnsupportedUserStateException") == "Resend not possible. ada status is not FORCE_CHANGE_PASSWORD."


def test_a_message_without_the_code_is_not_used(local):
    sign_up(local, "forgetful")
    sent = code(local, "forgetful", "SIGN_UP")
    assert f"Your verification code is {sent}. " in log(local) and "A subject of its own" in log(local)
    assert "Hello, and no code at all" not in log(local) and "gatehouse.pool.custom_message_ignored" in log(local)


def test_a_handler_that_raises_fails_the_operation(local):
    assert refused(lambda: sign_up(local, "loud"),
                   "UserLambdaValidationException") == "CustomMessage failed with error the mail server is down."


def test_a_sign_in_code_goes_out_as_custom_message_authentication(local):
    local.cognito.update_user_pool(UserPoolId=local.pool_id, AutoVerifiedAttributes=["email"],
                                   LambdaConfig={"CustomMessage": arn("messages")},
                                   Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}})
    client = local.cognito.create_user_pool_client(UserPoolId=local.pool_id, ClientName="choice",
                                                   ExplicitAuthFlows=["ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="otto", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "otto@example.com"}, {"Name": "email_verified", "Value": "true"}])
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username="otto", Password=PASSWORD, Permanent=True)
    challenge = local.cognito.initiate_auth(ClientId=client, AuthFlow="USER_AUTH", ClientMetadata={"app": "web"},
                                            AuthParameters={"USERNAME": "otto", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    sent = code(local, "otto", "EMAIL_OTP")
    assert f"<CustomMessage_Authentication> Your code is {sent}" in log(local)
    (event,) = events(local, "CustomMessage_Authentication", "otto")
    assert event["request"]["codeParameter"] == "{####}" and event["request"]["clientMetadata"] == {"app": "web"}
    assert event["callerContext"]["clientId"] == client
    tokens = local.cognito.respond_to_auth_challenge(
        ClientId=client, ChallengeName="EMAIL_OTP", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "otto", "EMAIL_OTP_CODE": sent})["AuthenticationResult"]
    assert tokens["AccessToken"]


def test_a_sign_in_code_by_sms_is_worded_by_the_sms_message(local):
    local.cognito.update_user_pool(UserPoolId=local.pool_id, AutoVerifiedAttributes=["email"],
                                   LambdaConfig={"CustomMessage": arn("messages")},
                                   Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}})
    client = local.cognito.create_user_pool_client(UserPoolId=local.pool_id, ClientName="texts",
                                                   ExplicitAuthFlows=["ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="tess", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "phone_number", "Value": "+15550100"}, {"Name": "phone_number_verified", "Value": "true"}])
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username="tess", Password=PASSWORD, Permanent=True)
    challenge = local.cognito.initiate_auth(ClientId=client, AuthFlow="USER_AUTH",
                                            AuthParameters={"USERNAME": "tess", "PREFERRED_CHALLENGE": "SMS_OTP"})
    assert challenge["ChallengeName"] == "SMS_OTP"
    sent = code(local, "tess", "SMS_OTP")
    assert f"<CustomMessage_Authentication> Text code {sent}" in log(local)
    assert f"<CustomMessage_Authentication> Your code is {sent}" not in log(local)
    (event,) = events(local, "CustomMessage_Authentication", "tess")
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
