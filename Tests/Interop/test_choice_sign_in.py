"""Choice-based sign-in (`USER_AUTH`, issue 28) through boto3: the pool's first factors, the
`SELECT_CHALLENGE` round trip, one-time codes by email and SMS (read back with `gatehouse users
codes`, as a user reads their mail), the password by value and by SRP (pycognito's arithmetic),
and GetUserAuthFactors. Tokens are verified against the pool's JWKS."""

import re

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import LocalServe
from test_sign_up import code, refused
from test_triggers_invoke_api import verified

PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("choice"))
    cognito = serve.cognito
    cognito.update_user_pool(UserPoolId=serve.pool_id,
                             Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}})
    serve.choice = cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="choice", PreventUserExistenceErrors="ENABLED",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    people = {
        "ada": [{"Name": "email", "Value": "ada@example.com"}, {"Name": "email_verified", "Value": "true"}],
        "lin": [{"Name": "email", "Value": "lin@example.com"}, {"Name": "email_verified", "Value": "true"}],
        "bob": [{"Name": "phone_number", "Value": "+15555550100"}, {"Name": "phone_number_verified", "Value": "true"}],
        "cy": [{"Name": "email", "Value": "cy@example.com"}],
    }
    for name, attributes in people.items():
        cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, MessageAction="SUPPRESS", UserAttributes=attributes)
        cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username=name, Password=PASSWORD, Permanent=True)
    yield serve
    serve.close()


def start(local, username, **parameters):
    return local.cognito.initiate_auth(ClientId=local.choice, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **parameters})


def respond(local, challenge, name, **responses):
    return local.cognito.respond_to_auth_challenge(ClientId=local.choice, ChallengeName=name, Session=challenge["Session"],
                                                   ChallengeResponses=responses)


def test_the_pool_describes_its_first_factors_and_checks_them(local):
    described = local.cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]
    assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}
    assert refused(lambda: local.cognito.update_user_pool(
        UserPoolId=local.pool_id, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}),
        "InvalidParameterException") == "AllowedFirstAuthFactors must include PASSWORD."
    assert "enum value set" in refused(lambda: local.cognito.update_user_pool(
        UserPoolId=local.pool_id, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "CARRIER_PIGEON"]}}),
        "InvalidParameterException")
    # Required MFA and passwordless first factors exclude each other.
    assert "MFA is required" in refused(lambda: local.cognito.set_user_pool_mfa_config(
        UserPoolId=local.pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}), "InvalidParameterException")
    # Nothing changed by the refusals.
    assert local.cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]["Policies"]["SignInPolicy"][
        "AllowedFirstAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert local.cognito.get_user_pool_mfa_config(UserPoolId=local.pool_id)["MfaConfiguration"] == "OFF"


def test_web_authn_configuration_is_set_and_read_back(local):
    mfa = local.cognito.get_user_pool_mfa_config(UserPoolId=local.pool_id)
    assert mfa["WebAuthnConfiguration"] == {"UserVerification": "preferred"}
    local.cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="OFF",
                                           WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    assert local.cognito.get_user_pool_mfa_config(UserPoolId=local.pool_id)["WebAuthnConfiguration"] == {
        "RelyingPartyId": "localhost", "UserVerification": "required"}
    refused(lambda: local.cognito.set_user_pool_mfa_config(
        UserPoolId=local.pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"UserVerification": "sometimes"}), "InvalidParameterException")
    refused(lambda: local.cognito.set_user_pool_mfa_config(
        UserPoolId=local.pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={"RelyingPartyId": "https://x/"}), "InvalidParameterException")


def test_select_challenge_then_an_email_code_signs_in(local):
    choice = start(local, "ada")
    assert choice["ChallengeName"] == "SELECT_CHALLENGE"
    assert choice["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    challenge = respond(local, choice, "SELECT_CHALLENGE", USERNAME="ada", ANSWER="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***",
                                                "USERNAME": "ada"}
    sent = code(local, "ada", "EMAIL_OTP")
    assert re.fullmatch(r"\d{8}", sent)
    tokens = respond(local, challenge, "EMAIL_OTP", USERNAME="ada", EMAIL_OTP_CODE=sent)["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "ada"
    assert verified(local, local.pool_id, tokens["IdToken"])["email"] == "ada@example.com"
    # The selection and the code each answer once.
    assert refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="ada", EMAIL_OTP_CODE=sent),
                   "NotAuthorizedException") == "Invalid session for the user, session is expired."
    refused(lambda: respond(local, choice, "SELECT_CHALLENGE", USERNAME="ada", ANSWER="EMAIL_OTP"), "NotAuthorizedException")


def test_a_preferred_email_code_after_a_wrong_one(local):
    challenge = start(local, "ada", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    sent = code(local, "ada", "EMAIL_OTP")
    wrong = f"{(int(sent) + 1) % 10 ** 8:08d}"
    refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="ada", EMAIL_OTP_CODE=wrong), "CodeMismatchException")
    # The session names its user: another name cannot answer it.
    assert refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="lin", EMAIL_OTP_CODE=sent),
                   "NotAuthorizedException") == "Invalid session for the user."
    tokens = respond(local, challenge, "EMAIL_OTP", USERNAME="ada", EMAIL_OTP_CODE=sent)["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "ada"


def test_wrong_codes_reach_the_attempt_limit(local):
    challenge = start(local, "lin", PREFERRED_CHALLENGE="EMAIL_OTP")
    sent = code(local, "lin", "EMAIL_OTP")
    wrong = f"{(int(sent) + 7) % 10 ** 8:08d}"
    for _ in range(4):
        refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="lin", EMAIL_OTP_CODE=wrong), "CodeMismatchException")
    # The fifth wrong code withdraws the code and ends the session: the right code comes too late.
    assert refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="lin", EMAIL_OTP_CODE=wrong),
                   "LimitExceededException") == "Attempt limit exceeded, please try after some time."
    assert refused(lambda: respond(local, challenge, "EMAIL_OTP", USERNAME="lin", EMAIL_OTP_CODE=sent),
                   "NotAuthorizedException") == "Invalid session for the user, session is expired."
    # A new sign-in sends a new code, which works.
    again = start(local, "lin", PREFERRED_CHALLENGE="EMAIL_OTP")
    tokens = respond(local, again, "EMAIL_OTP", USERNAME="lin", EMAIL_OTP_CODE=code(local, "lin", "EMAIL_OTP"))["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "lin"


def test_a_password_by_value_and_by_srp(local):
    tokens = start(local, "ada", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "ada"
    assert refused(lambda: start(local, "ada", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wrong-passw0rd!"),
                   "NotAuthorizedException") == "Incorrect username or password."
    srp = AWSSRP(username="ada", password=PASSWORD, pool_id=local.pool_id, client_id=local.choice, client=local.cognito)
    choice = start(local, "ada")
    verifier = respond(local, choice, "SELECT_CHALLENGE", USERNAME="ada", ANSWER="PASSWORD_SRP", SRP_A=srp.get_auth_params()["SRP_A"])
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    proof = srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params())
    tokens = local.cognito.respond_to_auth_challenge(ClientId=local.choice, ChallengeName="PASSWORD_VERIFIER", Session=verifier["Session"],
                                                     ChallengeResponses=proof)["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["IdToken"])["cognito:username"] == "ada"


def test_an_sms_code_to_a_verified_phone(local):
    choice = start(local, "bob")
    assert choice["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]
    challenge = respond(local, choice, "SELECT_CHALLENGE", USERNAME="bob", ANSWER="SMS_OTP")
    assert challenge["ChallengeName"] == "SMS_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0100"
    tokens = respond(local, challenge, "SMS_OTP", USERNAME="bob", SMS_OTP_CODE=code(local, "bob", "SMS_OTP"))["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "bob"


def test_an_unverified_email_gets_no_code_and_an_unknown_name_no_tokens(local):
    # cy's email is not verified: only the password is offered, even when a code is preferred.
    choice = start(local, "cy", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert choice["ChallengeName"] == "SELECT_CHALLENGE" and choice["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    refused(lambda: respond(local, choice, "SELECT_CHALLENGE", USERNAME="cy", ANSWER="EMAIL_OTP"), "InvalidParameterException")
    # A name the pool does not know looks like a user with a verified email, and no code works.
    ghost = start(local, "nobody-here", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert ghost["ChallengeName"] == "EMAIL_OTP"
    assert re.fullmatch(r"[a-z]\*\*\*@[a-z]\*\*\*", ghost["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"])
    refused(lambda: respond(local, ghost, "EMAIL_OTP", USERNAME="nobody-here", EMAIL_OTP_CODE="12345678"), "CodeMismatchException")
    assert start(local, "nobody-here")["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]


def test_the_client_must_allow_user_auth(local):
    assert refused(lambda: local.cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "ada"}),
                   "InvalidParameterException") == "USER_AUTH flow not enabled for this client"
    refused(lambda: start(local, "ada", PREFERRED_CHALLENGE="CARRIER_PIGEON"), "InvalidParameterException")


def test_get_user_auth_factors(local):
    tokens = start(local, "ada", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)["AuthenticationResult"]
    factors = local.cognito.get_user_auth_factors(AccessToken=tokens["AccessToken"])
    assert factors["Username"] == "ada"
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]
    assert factors.get("UserMFASettingList", []) == []
    refused(lambda: local.cognito.get_user_auth_factors(AccessToken=tokens["IdToken"]), "NotAuthorizedException")
