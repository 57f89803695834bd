"""Remembered devices (issue 28) driven by pycognito, which speaks Cognito's device protocol: a
sign-in of a pool that tracks devices answers `NewDeviceMetadata`, ConfirmDevice takes the device
verifier pycognito computes, and the next sign-in proves the device with `DEVICE_SRP_AUTH` and
`DEVICE_PASSWORD_VERIFIER`; a remembered device skips MFA; refreshes name the device; the device
operations and their Admin twins through boto3. Tokens are verified against the pool's JWKS."""

import re
import time

import pyotp
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from conftest import LocalServe
from test_sign_up import refused
from test_triggers_invoke_api import verified

PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("devices"))
    serve.cognito.update_user_pool(UserPoolId=serve.pool_id, DeviceConfiguration={
        "ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False})
    serve.cognito.set_user_pool_mfa_config(UserPoolId=serve.pool_id, MfaConfiguration="OPTIONAL",
                                           SoftwareTokenMfaConfiguration={"Enabled": True})
    serve.admin = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="admin", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    serve.devices = serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName="devices",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    for name in ("ada", "max", "eve"):
        serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, MessageAction="SUPPRESS",
                                        UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
        serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username=name, Password=PASSWORD, Permanent=True)
    yield serve
    serve.close()


def srp(local, name, device=None):
    keys = {"device_key": device["key"], "device_group_key": device["group"], "device_password": device["password"]} if device else {}
    return AWSSRP(username=name, password=PASSWORD, pool_id=local.pool_id, client_id=local.devices, client=local.cognito, **keys)


def new_device(local, name, device_name="laptop"):
    """Signs `name` in from a new device and confirms it, as an SDK does; the device and the tokens."""
    tokens = srp(local, name).authenticate_user()["AuthenticationResult"]
    metadata = tokens["NewDeviceMetadata"]
    password, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = local.cognito.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                             DeviceSecretVerifierConfig=config, DeviceName=device_name)
    assert confirmed["UserConfirmationNecessary"] is False
    return {"key": metadata["DeviceKey"], "group": metadata["DeviceGroupKey"], "password": password}, tokens


def test_a_new_device_is_confirmed_and_then_signs_in_with_its_own_proof(local):
    described = local.cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]
    assert described["DeviceConfiguration"] == {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
    device, first = new_device(local, "ada")
    assert re.fullmatch(r"us-east-1_[0-9a-f-]{36}", device["key"])
    assert verified(local, local.pool_id, first["AccessToken"])["device_key"] == device["key"]
    listed = local.cognito.list_devices(AccessToken=first["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in listed] == [device["key"]]
    attributes = {a["Name"]: a["Value"] for a in listed[0]["DeviceAttributes"]}
    assert attributes["device_name"] == "laptop" and attributes["dev:device_remembered_status"] == "remembered"
    assert attributes["last_ip_used"] == "127.0.0.1"  # the sign-in's caller
    # The next sign-in names the device and proves it: no new device, the same key in the token.
    tokens = srp(local, "ada", device).authenticate_user()["AuthenticationResult"]
    assert "NewDeviceMetadata" not in tokens
    assert verified(local, local.pool_id, tokens["AccessToken"])["device_key"] == device["key"]
    got = local.cognito.get_device(AccessToken=tokens["AccessToken"], DeviceKey=device["key"])["Device"]
    assert got["DeviceKey"] == device["key"]
    # An admin sign-in names the end user's address (ContextData); its new device keeps it.
    admin = local.cognito.admin_initiate_auth(
        UserPoolId=local.pool_id, ClientId=local.admin, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
        ContextData={"IpAddress": "203.0.113.9", "ServerName": "app.example.com", "ServerPath": "/sign-in", "HttpHeaders": []})
    metadata = admin["AuthenticationResult"]["NewDeviceMetadata"]
    key = metadata["DeviceKey"]
    _, config = generate_hash_device(metadata["DeviceGroupKey"], key)
    local.cognito.confirm_device(AccessToken=admin["AuthenticationResult"]["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)
    got = local.cognito.admin_get_device(UserPoolId=local.pool_id, Username="ada", DeviceKey=key)["Device"]
    assert {a["Name"]: a["Value"] for a in got["DeviceAttributes"]}["last_ip_used"] == "203.0.113.9"


def test_a_wrong_device_password_is_refused(local):
    device, _ = new_device(local, "eve")
    forged = dict(device, password="not-the-device-password")
    assert refused(lambda: srp(local, "eve", forged).authenticate_user(), "NotAuthorizedException") == "Incorrect username or password."
    # The device challenges come only after a password proof: alone, they have nothing to answer.
    assert refused(lambda: local.cognito.respond_to_auth_challenge(
        ClientId=local.devices, ChallengeName="DEVICE_SRP_AUTH",
        ChallengeResponses={"USERNAME": "eve", "DEVICE_KEY": device["key"], "SRP_A": "0a"}),
        "NotAuthorizedException") == "Invalid session for the user, session is expired."


def test_a_remembered_device_skips_mfa_and_a_forgotten_one_does_not(local):
    device, tokens = new_device(local, "max")
    secret = local.cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    local.cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=pyotp.TOTP(secret).now())
    local.cognito.set_user_mfa_preference(AccessToken=tokens["AccessToken"],
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    # Remembered: the device proof replaces the code.
    signed_in = srp(local, "max", device).authenticate_user()
    assert "AuthenticationResult" in signed_in and "ChallengeName" not in signed_in
    # Not remembered: the code is asked after the device proof, and the tokens keep the device.
    local.cognito.update_device_status(AccessToken=tokens["AccessToken"], DeviceKey=device["key"], DeviceRememberedStatus="not_remembered")
    challenge = srp(local, "max", device).authenticate_user()
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answered = local.cognito.respond_to_auth_challenge(
        ClientId=local.devices, ChallengeName="SOFTWARE_TOKEN_MFA", Session=challenge["Session"],
        # The current step's code went to VerifySoftwareToken; the next step's is within the window.
        ChallengeResponses={"USERNAME": "max", "SOFTWARE_TOKEN_MFA_CODE": pyotp.TOTP(secret).at(time.time() + 30)})["AuthenticationResult"]
    assert "NewDeviceMetadata" not in answered
    assert verified(local, local.pool_id, answered["AccessToken"])["device_key"] == device["key"]
    # Forgotten: the key means nothing any more, and the sign-in asks for the code again.
    local.cognito.admin_forget_device(UserPoolId=local.pool_id, Username="max", DeviceKey=device["key"])
    refused(lambda: local.cognito.admin_get_device(UserPoolId=local.pool_id, Username="max", DeviceKey=device["key"]),
            "ResourceNotFoundException")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        srp(local, "max", device).authenticate_user()


def test_without_challenge_required_on_new_device_a_remembered_device_still_answers_mfa(local):
    settings = dict(UserPoolId=local.pool_id, MfaConfiguration="OPTIONAL")
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username="ivo", MessageAction="SUPPRESS")
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username="ivo", Password=PASSWORD, Permanent=True)
    device, tokens = new_device(local, "ivo")
    secret = local.cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    local.cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=pyotp.TOTP(secret).now())
    local.cognito.set_user_mfa_preference(AccessToken=tokens["AccessToken"],
                                          SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    try:
        local.cognito.update_user_pool(**settings, DeviceConfiguration={"ChallengeRequiredOnNewDevice": False})
        # The device is remembered and proves itself; the code is still asked.
        got = local.cognito.admin_get_device(UserPoolId=local.pool_id, Username="ivo", DeviceKey=device["key"])["Device"]
        assert {a["Name"]: a["Value"] for a in got["DeviceAttributes"]}["dev:device_remembered_status"] == "remembered"
        assert srp(local, "ivo", device).authenticate_user()["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    finally:
        local.cognito.update_user_pool(**settings, DeviceConfiguration={
            "ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False})
    signed_in = srp(local, "ivo", device).authenticate_user()
    assert "AuthenticationResult" in signed_in and "ChallengeName" not in signed_in


def test_refreshes_name_the_device_of_the_sign_in(local):
    device, tokens = new_device(local, "ada", device_name="phone")
    refresh = lambda key: local.cognito.initiate_auth(ClientId=local.devices, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={
        "REFRESH_TOKEN": tokens["RefreshToken"], **({"DEVICE_KEY": key} if key else {})})["AuthenticationResult"]
    assert verified(local, local.pool_id, refresh(device["key"])["AccessToken"])["device_key"] == device["key"]
    assert verified(local, local.pool_id, refresh(None)["AccessToken"])["device_key"] == device["key"]
    other, _ = new_device(local, "ada", device_name="tablet")
    assert refused(lambda: refresh(other["key"]), "NotAuthorizedException") == "Invalid Refresh Token"
    local.cognito.forget_device(AccessToken=tokens["AccessToken"], DeviceKey=device["key"])
    refused(lambda: refresh(device["key"]), "NotAuthorizedException")


def test_the_admin_twins_and_the_prompted_pool(local):
    device, _ = new_device(local, "eve", device_name="desk")
    admin = dict(UserPoolId=local.pool_id, Username="eve")
    assert device["key"] in [d["DeviceKey"] for d in local.cognito.admin_list_devices(**admin)["Devices"]]
    local.cognito.admin_update_device_status(**admin, DeviceKey=device["key"], DeviceRememberedStatus="not_remembered")
    got = local.cognito.admin_get_device(**admin, DeviceKey=device["key"])["Device"]
    assert {a["Name"]: a["Value"] for a in got["DeviceAttributes"]}["dev:device_remembered_status"] == "not_remembered"
    refused(lambda: local.cognito.admin_update_device_status(**admin, DeviceKey=device["key"], DeviceRememberedStatus="maybe"),
            "InvalidParameterException")
    refused(lambda: local.cognito.admin_get_device(**admin, DeviceKey="not a key"), "InvalidParameterException")
    # A pool that remembers devices only when the user says so.
    local.cognito.update_user_pool(UserPoolId=local.pool_id, DeviceConfiguration={"DeviceOnlyRememberedOnUserPrompt": True})
    tokens = srp(local, "eve").authenticate_user()["AuthenticationResult"]
    metadata = tokens["NewDeviceMetadata"]
    _, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    assert local.cognito.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                        DeviceSecretVerifierConfig=config)["UserConfirmationNecessary"] is True
    # Confirmed once only.
    refused(lambda: local.cognito.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                                                 DeviceSecretVerifierConfig=config), "InvalidParameterException")
