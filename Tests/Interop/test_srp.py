"""SRP sign-in (USER_SRP_AUTH, then PASSWORD_VERIFIER) against `gatehouse serve`'s local pool, by
two clients written against real Cognito, pycognito and warrant-lite, and boto3 for the errors."""

import botocore.exceptions
import pytest
import requests
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from warrant_lite import WarrantLite

from conftest import LocalServe
from jwt_helpers import decode_part


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("srp"))
    yield serve
    serve.close()


def create_confirmed(local, username, password="Srp-passw0rd!", **attributes):
    local.cognito.admin_create_user(
        UserPoolId=local.pool_id, Username=username, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username=username, Password=password, Permanent=True)
    return password


def refused(call, error_type):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == error_type, raised.value.response
    return raised.value.response["Error"]["Message"]


def pycognito_user(local, username, client_id=None, client_secret=None):
    return Cognito(
        local.pool_id, client_id or local.spa, username=username, client_secret=client_secret,
        boto3_client_kwargs={"endpoint_url": local.pool_url, "aws_access_key_id": "local", "aws_secret_access_key": "local"},
    )


def test_pycognito_signs_in_and_its_verified_tokens_reach_userinfo(local):
    user = pycognito_user(local, local.demo["username"])
    user.authenticate(password=local.demo["password"])
    # pycognito verified both tokens against the pool's JWKS, issuer {endpoint}/{pool id}.
    assert user.access_claims["username"] == "demo"
    assert user.access_claims["token_use"] == "access"
    assert user.id_claims["aud"] == local.spa
    response = requests.get(local.api + "/userinfo", headers={"Authorization": f"Bearer {user.access_token}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "demo"
    # Its follow-up calls with the access token work too.
    assert user.get_user().username == "demo"


def test_warrant_lite_signs_in_by_username_and_by_sub(local):
    password = create_confirmed(local, "wl-user", email="wl@example.com")
    sub = next(a["Value"] for a in local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="wl-user")["UserAttributes"]
               if a["Name"] == "sub")
    for name in ["wl-user", sub]:
        tokens = WarrantLite(username=name, password=password, pool_id=local.pool_id, client_id=local.spa,
                             client=local.cognito).authenticate_user()
        claims = decode_part(tokens["AuthenticationResult"]["IdToken"], 1)
        assert claims["cognito:username"] == "wl-user"
        assert claims["email"] == "wl@example.com"


def test_a_wrong_password_is_refused_as_cognito_refuses_it(local):
    password = create_confirmed(local, "srp-wrong")
    message = refused(
        lambda: AWSSRP(username="srp-wrong", password="Not-the-passw0rd!", pool_id=local.pool_id, client_id=local.spa,
                       client=local.cognito).authenticate_user(),
        "NotAuthorizedException",
    )
    assert message == "Incorrect username or password."
    # An unknown user gets a challenge all the same, and the same answer.
    message = refused(
        lambda: AWSSRP(username="srp-nobody", password=password, pool_id=local.pool_id, client_id=local.spa,
                       client=local.cognito).authenticate_user(),
        "NotAuthorizedException",
    )
    assert message == "Incorrect username or password."
    tokens = AWSSRP(username="srp-wrong", password=password, pool_id=local.pool_id, client_id=local.spa,
                    client=local.cognito).authenticate_user()
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_each_challenge_answers_once_with_or_without_its_session(local):
    password = create_confirmed(local, "srp-once")
    for send_session in [True, False]:
        srp = AWSSRP(username="srp-once", password=password, pool_id=local.pool_id, client_id=local.spa, client=local.cognito)
        challenge = local.cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
        assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
        assert set(challenge["ChallengeParameters"]) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
        responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
        extra = {"Session": challenge["Session"]} if send_session else {}
        respond = lambda: local.cognito.respond_to_auth_challenge(
            ClientId=local.spa, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses, **extra)
        assert "RefreshToken" in respond()["AuthenticationResult"]
        assert refused(respond, "NotAuthorizedException") == "Invalid session for the user, session is expired."


def test_secret_clients_and_admin_initiate_auth(local):
    password = create_confirmed(local, "srp-secret")
    client = local.cognito.create_user_pool_client(
        UserPoolId=local.pool_id, ClientName="srp-secret", GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    user = pycognito_user(local, "srp-secret", client["ClientId"], client["ClientSecret"])
    user.authenticate(password=password)
    assert user.access_claims["client_id"] == client["ClientId"]
    message = refused(
        lambda: AWSSRP(username="srp-secret", password=password, pool_id=local.pool_id, client_id=client["ClientId"],
                       client=local.cognito).authenticate_user(),
        "NotAuthorizedException",
    )
    assert "SECRET_HASH" in message
    # AdminInitiateAuth and AdminRespondToAuthChallenge take the same flow.
    srp = AWSSRP(username="srp-secret", password=password, pool_id=local.pool_id, client_id=client["ClientId"],
                 client=local.cognito, client_secret=client["ClientSecret"])
    challenge = local.cognito.admin_initiate_auth(
        UserPoolId=local.pool_id, ClientId=client["ClientId"], AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    tokens = local.cognito.admin_respond_to_auth_challenge(
        UserPoolId=local.pool_id, ClientId=client["ClientId"], ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params()),
    )
    assert decode_part(tokens["AuthenticationResult"]["AccessToken"], 1)["username"] == "srp-secret"


def test_a_temporary_password_leads_to_the_new_password_challenge(local):
    local.cognito.admin_create_user(
        UserPoolId=local.pool_id, Username="srp-new", TemporaryPassword="Temp-passw0rd!", MessageAction="SUPPRESS")
    user = pycognito_user(local, "srp-new")
    user.new_password_challenge(password="Temp-passw0rd!", new_password="Chosen-passw0rd!")
    assert local.cognito.admin_get_user(UserPoolId=local.pool_id, Username="srp-new")["UserStatus"] == "CONFIRMED"
    user = pycognito_user(local, "srp-new")
    user.authenticate(password="Chosen-passw0rd!")
    assert user.access_claims["username"] == "srp-new"


def test_error_shapes(local):
    cognito, spa = local.cognito, local.spa
    srp = AWSSRP(username="demo", password=local.demo["password"], pool_id=local.pool_id, client_id=spa, client=cognito)
    initiate = lambda parameters, client_id=spa: cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    assert "SRP_A" in refused(lambda: initiate({"USERNAME": "demo"}), "InvalidParameterException")
    n_hex = "%x" % srp.big_n
    for bad in ["0", "00", "xyz", n_hex, "1" + n_hex]:
        refused(lambda: initiate({"USERNAME": "demo", "SRP_A": bad}), "InvalidParameterException")
    # A client without the flow (the confidential one allows only the admin password flow).
    assert "USER_SRP_AUTH" in refused(lambda: initiate(srp.get_auth_params(), local.confidential), "InvalidParameterException")
    challenge = initiate(srp.get_auth_params())
    responses = srp.process_challenge(challenge["ChallengeParameters"], srp.get_auth_params())
    respond = lambda name, answers: cognito.respond_to_auth_challenge(ClientId=spa, ChallengeName=name, ChallengeResponses=answers)
    assert "SMS_MFA" in refused(lambda: respond("SMS_MFA", responses), "InvalidParameterException")
    refused(lambda: respond("PASSWORD_VERIFIER", {**responses, "TIMESTAMP": "2026-11-30T10:00:00Z"}), "InvalidParameterException")
    refused(lambda: respond("PASSWORD_VERIFIER", {**responses, "PASSWORD_CLAIM_SECRET_BLOCK": "AAAA"}), "NotAuthorizedException")
    missing = {k: v for k, v in responses.items() if k != "PASSWORD_CLAIM_SIGNATURE"}
    refused(lambda: respond("PASSWORD_VERIFIER", missing), "InvalidParameterException")
