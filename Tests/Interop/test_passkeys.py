"""Passkeys through the JSON API (issue 28): `soft-webauthn` (PyPI) is the authenticator, boto3 the
app, and py_webauthn (PyPI `webauthn`) checks independently that the options the pool emits and
the credentials it accepts are WebAuthn's. Registration (`none` attestation), listing and
deleting, sign-in with `USER_AUTH` and `WEB_AUTHN` (direct and through SELECT_CHALLENGE), and the
refusals: another relying party, another origin, a replayed or cloned assertion, a forged
signature, and user verification when the pool requires it."""

import base64
import json

import pytest
import webauthn
from soft_webauthn import SoftWebauthnDevice
from webauthn.helpers import parse_authentication_options_json, parse_registration_options_json

from conftest import LocalServe
from test_sign_up import refused
from test_triggers_invoke_api import verified

PASSWORD = "Sup3r-secret!"
ORIGIN = "http://localhost:3000"


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("passkeys"))
    serve.cognito.update_user_pool(UserPoolId=serve.pool_id,
                                   Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})
    serve.cognito.set_user_pool_mfa_config(UserPoolId=serve.pool_id, MfaConfiguration="OFF",
                                           WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "preferred"})
    serve.client = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="passkeys",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    for name in ("pat", "quin", "rue"):
        serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, MessageAction="SUPPRESS")
        serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username=name, Password=PASSWORD, Permanent=True)
    yield serve
    serve.close()


def access_token(local, name):
    return local.cognito.initiate_auth(ClientId=local.client, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]


def register(local, name, device=None, origin=ORIGIN, valid=True):
    """A passkey for `name` on `device` (soft-webauthn), which py_webauthn must accept too (or,
    `valid` false, refuse as well); the device."""
    device = device or SoftWebauthnDevice()
    token = access_token(local, name)
    options = local.cognito.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    parsed = parse_registration_options_json(json.dumps(options))  # py_webauthn reads our options
    assert parsed.rp.id == "localhost" and {p.alg for p in parsed.pub_key_cred_params} >= {-7, -257}
    created = device.create({"publicKey": {**options, "challenge": unb64url(options["challenge"]),
                                           "user": {**options["user"], "id": unb64url(options["user"]["id"])}}}, origin)
    credential = {"id": b64url(created["rawId"]), "rawId": b64url(created["rawId"]), "type": "public-key",
                  "response": {"clientDataJSON": b64url(created["response"]["clientDataJSON"]),
                               "attestationObject": b64url(created["response"]["attestationObject"])}}
    # py_webauthn judges the same credential for the same challenge as the pool must.
    try:
        webauthn.verify_registration_response(credential=json.dumps(credential), expected_challenge=parsed.challenge,
                                              expected_origin=ORIGIN, expected_rp_id="localhost")
        assert valid, "py_webauthn accepted a credential the test means to be refused"
    except webauthn.helpers.exceptions.InvalidRegistrationResponse:
        assert not valid
    local.cognito.complete_web_authn_registration(AccessToken=token, Credential=credential)
    return device


def assertion(device, challenge, origin=ORIGIN):
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    parse_authentication_options_json(options)  # py_webauthn reads our request options
    got = device.get({"publicKey": {"challenge": unb64url(options["challenge"]), "rpId": options["rpId"]}}, origin)
    return {"id": b64url(got["rawId"]), "rawId": b64url(got["rawId"]), "type": "public-key",
            "response": {k: b64url(v) for k, v in got["response"].items() if v is not None}}


def sign_in(local, name, credential_for):
    challenge = local.cognito.initiate_auth(ClientId=local.client, AuthFlow="USER_AUTH",
                                            AuthParameters={"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    return local.cognito.respond_to_auth_challenge(
        ClientId=local.client, ChallengeName="WEB_AUTHN", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": name, "CREDENTIAL": json.dumps(credential_for(challenge))})


def test_register_a_passkey_then_sign_in_with_it_alone(local):
    device = register(local, "pat")
    token = access_token(local, "pat")
    listed = local.cognito.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [b64url(device.credential_id)]
    assert listed[0]["RelyingPartyId"] == "localhost"
    assert local.cognito.get_user_auth_factors(AccessToken=token)["ConfiguredUserAuthFactors"] == ["PASSWORD", "WEB_AUTHN"]
    tokens = sign_in(local, "pat", lambda challenge: assertion(device, challenge))["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "pat"
    # Through SELECT_CHALLENGE too.
    choice = local.cognito.initiate_auth(ClientId=local.client, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "pat"})
    assert choice["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    challenge = local.cognito.respond_to_auth_challenge(ClientId=local.client, ChallengeName="SELECT_CHALLENGE", Session=choice["Session"],
                                                        ChallengeResponses={"USERNAME": "pat", "ANSWER": "WEB_AUTHN"})
    tokens = local.cognito.respond_to_auth_challenge(
        ClientId=local.client, ChallengeName="WEB_AUTHN", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "pat", "CREDENTIAL": json.dumps(assertion(device, challenge))})["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["IdToken"])["cognito:username"] == "pat"


def test_replayed_cloned_and_forged_assertions_are_refused(local):
    device = register(local, "quin")
    captured = {}

    def keep(challenge):
        captured["credential"] = assertion(device, challenge)
        return captured["credential"]

    sign_in(local, "quin", keep)
    # The same assertion again: another challenge, so it cannot sign in.
    assert refused(lambda: sign_in(local, "quin", lambda _: captured["credential"]),
                   "NotAuthorizedException") == "Incorrect username or password."
    # A clone: the counter goes back.
    device.sign_count = 0
    refused(lambda: sign_in(local, "quin", lambda challenge: assertion(device, challenge)), "NotAuthorizedException")
    device.sign_count = 100
    # A signature by another key.
    impostor = SoftWebauthnDevice()
    impostor.cred_init("localhost", b"x")
    impostor.credential_id = device.credential_id
    refused(lambda: sign_in(local, "quin", lambda challenge: assertion(impostor, challenge)), "NotAuthorizedException")
    # Another origin.
    refused(lambda: sign_in(local, "quin", lambda challenge: assertion(device, challenge, origin="https://evil.example")),
            "NotAuthorizedException")
    assert "AuthenticationResult" in sign_in(local, "quin", lambda challenge: assertion(device, challenge))


def test_registration_refusals_and_deleting(local):
    # A passkey made on a page of another site, or for another relying party.
    assert refused(lambda: register(local, "rue", origin="https://evil.example", valid=False), "WebAuthnOriginNotAllowedException")
    foreign = SoftWebauthnDevice()
    original = foreign.create

    def create_for_another_party(options, origin):
        options["publicKey"]["rp"]["id"] = "evil.example"
        return original(options, origin)

    foreign.create = create_for_another_party
    assert refused(lambda: register(local, "rue", foreign, valid=False), "WebAuthnRelyingPartyMismatchException")
    token = access_token(local, "rue")
    refused(lambda: local.cognito.complete_web_authn_registration(AccessToken=token, Credential={"id": "x"}),
            "WebAuthnChallengeNotFoundException")
    device = register(local, "rue")
    credential_id = b64url(device.credential_id)
    local.cognito.delete_web_authn_credential(AccessToken=token, CredentialId=credential_id)
    assert local.cognito.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
    refused(lambda: local.cognito.delete_web_authn_credential(AccessToken=token, CredentialId=credential_id), "ResourceNotFoundException")
    # Without a passkey, WEB_AUTHN is not offered.
    choice = local.cognito.initiate_auth(ClientId=local.client, AuthFlow="USER_AUTH",
                                         AuthParameters={"USERNAME": "rue", "PREFERRED_CHALLENGE": "WEB_AUTHN"})
    assert choice["ChallengeName"] == "SELECT_CHALLENGE" and "WEB_AUTHN" not in choice["AvailableChallenges"]


def test_required_user_verification_refuses_an_unverified_assertion(local):
    device = register(local, "pat", SoftWebauthnDevice())
    local.cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="OFF",
                                           WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "required"})
    try:
        # soft-webauthn's assertions carry user presence only.
        refused(lambda: sign_in(local, "pat", lambda challenge: assertion(device, challenge)), "NotAuthorizedException")
        options = json.loads(local.cognito.initiate_auth(
            ClientId=local.client, AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "pat", "PREFERRED_CHALLENGE": "WEB_AUTHN"})["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
        assert options["userVerification"] == "required"
    finally:
        local.cognito.set_user_pool_mfa_config(UserPoolId=local.pool_id, MfaConfiguration="OFF",
                                               WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "preferred"})


def test_passkeys_need_the_pool_to_allow_them(local):
    token = access_token(local, "quin")
    local.cognito.update_user_pool(UserPoolId=local.pool_id, Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]}})
    try:
        refused(lambda: local.cognito.start_web_authn_registration(AccessToken=token), "WebAuthnNotEnabledException")
    finally:
        local.cognito.update_user_pool(UserPoolId=local.pool_id,
                                       Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}})
