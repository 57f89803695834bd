"""Self-service accounts against `gatehouse serve`'s local pool, driven by pycognito (written against
real Cognito) with the codes read from `gatehouse users codes`, and boto3 for the error shapes."""

import subprocess

import botocore.exceptions
import pytest
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

from conftest import LocalServe, gatehouse_binary


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("sign-up"))
    yield serve
    serve.close()


def refused(call, error_type):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == error_type, raised.value.response
    return raised.value.response["Error"]["Message"]


def codes(local, username):
    """The user's live codes as `gatehouse users codes` prints them: [(purpose, code)], newest first."""
    done = subprocess.run([str(gatehouse_binary()), "users", "codes", username, "--data-dir", str(local.data_dir / "state")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [tuple(line.split(" ")) for line in done.stdout.splitlines()]


def code(local, username, purpose):
    return next(c for p, c in codes(local, username) if p == purpose)


def user(local, username=None):
    return Cognito(local.pool_id, local.spa, username=username,
                   boto3_client_kwargs={"endpoint_url": local.pool_url, "aws_access_key_id": "local", "aws_secret_access_key": "local"})


def srp_sign_in(local, username, password):
    return AWSSRP(username=username, password=password, pool_id=local.pool_id, client_id=local.spa,
                  client=local.cognito).authenticate_user()


def test_sign_up_confirm_and_sign_in(local):
    app = user(local)
    app.set_base_attributes(email="newbie@example.com", nickname="Newbie")
    response = app.register("newbie", "Newbie-passw0rd!")
    assert response["UserConfirmed"] is False
    assert response["CodeDeliveryDetails"] == {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="newbie")["UserStatus"] == "UNCONFIRMED"
    # Not yet: the password is right, the account is not confirmed.
    assert refused(lambda: srp_sign_in(local, "newbie", "Newbie-passw0rd!"), "UserNotConfirmedException") == "User is not confirmed."
    first = code(local, "newbie", "SIGN_UP")
    assert len(first) == 6 and first.isdigit()
    # The code also went to the log, the pool's stand-in for mail.
    assert first in (local.data_dir / "serve.log").read_text()
    # A resent code replaces the first.
    local.cognito.resend_confirmation_code(ClientId=local.spa, Username="newbie")
    second = code(local, "newbie", "SIGN_UP")
    if second != first:
        refused(lambda: app.confirm_sign_up(first, username="newbie"), "CodeMismatchException")
    app.confirm_sign_up(second, username="newbie")
    refused(lambda: app.confirm_sign_up(second, username="newbie"), "NotAuthorizedException")
    attributes = {a["Name"]: a["Value"] for a in
                  local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="newbie")["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    signed_in = user(local, "newbie")
    signed_in.authenticate(password="Newbie-passw0rd!")
    assert signed_in.id_claims["email"] == "newbie@example.com"
    assert codes(local, "newbie") == []


def test_sign_up_errors_and_the_pools_setting(local):
    cognito = local.cognito
    refused(lambda: cognito.sign_up(ClientId=local.spa, Username="demo", Password="Some-passw0rd!"), "UsernameExistsException")
    refused(lambda: cognito.sign_up(ClientId=local.spa, Username="weak", Password="weak"), "InvalidPasswordException")
    # A refused password leaves no account behind.
    refused(lambda: cognito.admin_get_user(UserPoolId=local.pool_id, Username="weak"), "UserNotFoundException")
    refused(lambda: cognito.sign_up(ClientId=local.confidential, Username="nohash", Password="Some-passw0rd!"), "NotAuthorizedException")
    cognito.update_user_pool(UserPoolId=local.pool_id, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    described = cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]
    assert described["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert refused(lambda: cognito.sign_up(ClientId=local.spa, Username="closed", Password="Some-passw0rd!"),
                   "NotAuthorizedException") == "SignUp is not permitted for this user pool"
    # UpdateUserPool without the setting puts Cognito's default back: sign-up allowed.
    cognito.update_user_pool(UserPoolId=local.pool_id)
    cognito.sign_up(ClientId=local.spa, Username="open-again", Password="Some-passw0rd!")
    cognito.admin_confirm_sign_up(UserPoolId=local.pool_id, Username="open-again")
    assert srp_sign_in(local, "open-again", "Some-passw0rd!")["AuthenticationResult"]["AccessToken"]
    refused(lambda: cognito.admin_confirm_sign_up(UserPoolId=local.pool_id, Username="open-again"), "NotAuthorizedException")
    refused(lambda: cognito.resend_confirmation_code(ClientId=local.spa, Username="open-again"), "InvalidParameterException")


def test_wrong_codes_are_limited(local):
    local.cognito.sign_up(ClientId=local.spa, Username="guesser", Password="Guess-passw0rd!",
                          UserAttributes=[{"Name": "email", "Value": "g@example.com"}])
    right = code(local, "guesser", "SIGN_UP")
    wrong = "000000" if right != "000000" else "111111"
    confirm = lambda value: local.cognito.confirm_sign_up(ClientId=local.spa, Username="guesser", ConfirmationCode=value)
    for _ in range(4):
        refused(lambda: confirm(wrong), "CodeMismatchException")
    refused(lambda: confirm(wrong), "LimitExceededException")
    # The fifth wrong try withdrew the code: the right one no longer works.
    refused(lambda: confirm(right), "ExpiredCodeException")
    local.cognito.resend_confirmation_code(ClientId=local.spa, Username="guesser")
    confirm(code(local, "guesser", "SIGN_UP"))


def test_forgot_password_and_admin_reset(local):
    app = user(local)
    app.set_base_attributes(email="forgetful@example.com")
    app.register("forgetful", "First-passw0rd!")
    local.cognito.admin_confirm_sign_up(UserPoolId=local.pool_id, Username="forgetful")
    forgetful = user(local, "forgetful")
    forgetful.initiate_forgot_password()
    refused(lambda: forgetful.confirm_forgot_password("123", "Second-passw0rd!"), "CodeMismatchException")
    refused(lambda: forgetful.confirm_forgot_password(code(local, "forgetful", "FORGOT_PASSWORD"), "weak"), "InvalidPasswordException")
    forgetful.confirm_forgot_password(code(local, "forgetful", "FORGOT_PASSWORD"), "Second-passw0rd!")
    refused(lambda: srp_sign_in(local, "forgetful", "First-passw0rd!"), "NotAuthorizedException")
    assert srp_sign_in(local, "forgetful", "Second-passw0rd!")["AuthenticationResult"]["AccessToken"]
    # An unknown user gets a made-up delivery, as Cognito gives with PreventUserExistenceErrors.
    assert local.cognito.forgot_password(ClientId=local.spa, Username="nobody-here")["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    local.cognito.admin_reset_user_password(UserPoolId=local.pool_id, Username="forgetful")
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="forgetful")["UserStatus"] == "RESET_REQUIRED"
    for sign_in in [lambda: srp_sign_in(local, "forgetful", "Second-passw0rd!"),
                    lambda: local.cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                                                        AuthParameters={"USERNAME": "forgetful", "PASSWORD": "Second-passw0rd!"})]:
        assert refused(sign_in, "PasswordResetRequiredException") == "Password reset required for the user"
    forgetful.confirm_forgot_password(code(local, "forgetful", "FORGOT_PASSWORD"), "Third-passw0rd!")
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="forgetful")["UserStatus"] == "CONFIRMED"
    assert srp_sign_in(local, "forgetful", "Third-passw0rd!")["AuthenticationResult"]["AccessToken"]


def test_a_user_changes_their_password_and_attributes_and_deletes_their_account(local):
    local.cognito.sign_up(ClientId=local.spa, Username="selfie", Password="Selfie-passw0rd!",
                          UserAttributes=[{"Name": "email", "Value": "selfie@example.com"}])
    local.cognito.confirm_sign_up(ClientId=local.spa, Username="selfie", ConfirmationCode=code(local, "selfie", "SIGN_UP"))
    me = user(local, "selfie")
    me.authenticate(password="Selfie-passw0rd!")
    refused(lambda: me.change_password("Not-my-passw0rd!", "Next-passw0rd!"), "NotAuthorizedException")
    me.change_password("Selfie-passw0rd!", "Next-passw0rd!")
    me.authenticate(password="Next-passw0rd!")

    me.update_profile({"nickname": "Selfie"})
    assert me.get_user().nickname == "Selfie"
    me.update_profile({"email": "new-selfie@example.com"})
    attributes = {a["Name"]: a["Value"] for a in local.cognito.get_user(AccessToken=me.access_token)["UserAttributes"]}
    assert (attributes["email"], attributes["email_verified"]) == ("new-selfie@example.com", "false")
    me.send_verification("email")
    me.validate_verification(code(local, "selfie", "VERIFY_EMAIL"), "email")
    attributes = {a["Name"]: a["Value"] for a in local.cognito.get_user(AccessToken=me.access_token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    refused(lambda: local.cognito.update_user_attributes(AccessToken=me.access_token, UserAttributes=[{"Name": "sub", "Value": "x"}]),
            "InvalidParameterException")
    me.delete_user()
    refused(lambda: local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="selfie"), "UserNotFoundException")
    refused(lambda: local.cognito.get_user(AccessToken=me.access_token), "NotAuthorizedException")
