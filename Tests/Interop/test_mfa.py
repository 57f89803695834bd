"""TOTP MFA against `gatehouse serve`'s local pool: pycognito (written against real Cognito) with
pyotp computing the codes, and boto3 for MFA_SETUP and the error shapes."""

import time

import botocore.exceptions
import pyotp
import pytest
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from conftest import LocalServe


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("mfa"))
    yield serve
    serve.close()


@pytest.fixture
def mfa(local):
    """The pool's MFA setting for one test, put back to OFF after it."""
    def configure(configuration):
        return local.cognito.set_user_pool_mfa_config(
            UserPoolId=local.pool_id, MfaConfiguration=configuration, SoftwareTokenMfaConfiguration={"Enabled": True})
    yield configure
    local.cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="OFF")


def refused(call, error_type):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == error_type, raised.value.response
    return raised.value.response["Error"]["Message"]


def create_confirmed(local, username, password="Totp-passw0rd!"):
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username=username, MessageAction="SUPPRESS")
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username=username, Password=password, Permanent=True)
    return password


def pycognito_user(local, username):
    return Cognito(local.pool_id, local.spa, username=username,
                   boto3_client_kwargs={"endpoint_url": local.pool_url, "aws_access_key_id": "local", "aws_secret_access_key": "local"})


def next_code(totp):
    """The code of the next 30-second step: within the pool's window, and not the one just used."""
    return totp.at(time.time() + 30)


def test_pycognito_turns_totp_on_and_signs_in_with_a_code(local, mfa):
    assert mfa("OPTIONAL")["MfaConfiguration"] == "OPTIONAL"
    password = create_confirmed(local, "totp-user")
    user = pycognito_user(local, "totp-user")
    user.authenticate(password=password)  # OPTIONAL, nothing set up yet: tokens at once
    totp = pyotp.TOTP(user.associate_software_token())
    verified_code = totp.now()
    assert user.verify_software_token(verified_code, "phone") is True
    user.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    settings = local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="totp-user")
    assert settings["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and settings["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    again = pycognito_user(local, "totp-user")
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        again.authenticate(password=password)
    # The code verification used is spent; a wrong one is refused; the next step's signs in.
    refused(lambda: again.respond_to_software_token_mfa_challenge(verified_code, challenge.value.get_tokens()), "CodeMismatchException")
    again.respond_to_software_token_mfa_challenge(next_code(totp), challenge.value.get_tokens())
    assert again.access_claims["username"] == "totp-user"
    # Through USER_PASSWORD_AUTH too, and turned off again by the preference.
    challenged = local.cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                                             AuthParameters={"USERNAME": "totp-user", "PASSWORD": password})
    assert challenged["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    local.cognito.admin_set_user_mfa_preference(UserPoolId=local.pool_id, Username="totp-user",
                                                SoftwareTokenMfaSettings={"Enabled": False})
    assert "AuthenticationResult" in local.cognito.initiate_auth(
        ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "totp-user", "PASSWORD": password})


def test_a_pool_with_mfa_on_sets_it_up_at_the_first_sign_in(local, mfa):
    mfa("ON")
    password = create_confirmed(local, "setup-user")
    srp = AWSSRP(username="setup-user", password=password, pool_id=local.pool_id, client_id=local.spa, client=local.cognito)
    challenge = local.cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    setup = local.cognito.respond_to_auth_challenge(
        ClientId=local.spa, ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params()))
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    associated = local.cognito.associate_software_token(Session=setup["Session"])
    totp = pyotp.TOTP(associated["SecretCode"])
    refused(lambda: local.cognito.verify_software_token(Session=associated["Session"], UserCode="000000" if totp.now() != "000000" else "111111"),
            "EnableSoftwareTokenMFAException")
    verified = local.cognito.verify_software_token(Session=associated["Session"], UserCode=totp.now())
    assert verified["Status"] == "SUCCESS"
    tokens = local.cognito.respond_to_auth_challenge(
        ClientId=local.spa, ChallengeName="MFA_SETUP", Session=verified["Session"], ChallengeResponses={"USERNAME": "setup-user"})
    assert "AccessToken" in tokens["AuthenticationResult"]
    # From now on, a code at every sign-in.
    user = pycognito_user(local, "setup-user")
    with pytest.raises(SoftwareTokenMFAChallengeException) as next_challenge:
        user.authenticate(password=password)
    user.respond_to_software_token_mfa_challenge(next_code(totp), next_challenge.value.get_tokens())
    assert user.id_claims["cognito:username"] == "setup-user"


def test_mfa_errors(local, mfa):
    cognito = local.cognito
    refused(lambda: cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="ON",
                                                     SoftwareTokenMfaConfiguration={"Enabled": False}), "InvalidParameterException")
    refused(lambda: cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="SOMETIMES"), "InvalidParameterException")
    assert cognito.get_user_pool_mfa_config(UserPoolId=local.pool_id)["MfaConfiguration"] == "OFF"
    mfa("OPTIONAL")
    assert cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]["MfaConfiguration"] == "OPTIONAL"
    password = create_confirmed(local, "unset-user")
    access = cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "unset-user", "PASSWORD": password})["AuthenticationResult"]["AccessToken"]
    refused(lambda: cognito.verify_software_token(AccessToken=access, UserCode="123456"), "SoftwareTokenMFANotFoundException")
    refused(lambda: cognito.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}),
            "InvalidParameterException")
    refused(lambda: cognito.associate_software_token(), "InvalidParameterException")
    refused(lambda: cognito.associate_software_token(Session="not-a-session-of-this-pool-at-all"), "NotAuthorizedException")
    refused(lambda: cognito.respond_to_auth_challenge(ClientId=local.spa, ChallengeName="SOFTWARE_TOKEN_MFA", Session="n" * 40,
                                                      ChallengeResponses={"USERNAME": "unset-user", "SOFTWARE_TOKEN_MFA_CODE": "1"}),
            "NotAuthorizedException")
