"""boto3 and /userinfo against `gatehouse serve` running its embedded local pool (no AWS at all)."""

import base64
import hashlib
import hmac
import json

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import LocalServe
from jwt_helpers import b64url_decode, decode_part


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("local-pool"))
    yield serve
    serve.close()


def sign_in(local, username, password, client_id=None):
    return local.cognito.initiate_auth(
        ClientId=client_id or local.spa, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]


def create_confirmed(local, username, password="Passw0rd!Local", **attributes):
    local.cognito.admin_create_user(
        UserPoolId=local.pool_id, Username=username, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username=username, Password=password, Permanent=True)
    return password


def test_banner_and_demo_user_sign_in_to_userinfo(local):
    assert local.pool_id.startswith("us-east-1_") and len(local.pool_id) == len("us-east-1_") + 9
    assert "demo user" in (local.data_dir / "serve.log").read_text()
    tokens = sign_in(local, local.demo["username"], local.demo["password"])
    for token in (tokens["AccessToken"], tokens["IdToken"]):
        response = requests.get(local.api + "/userinfo", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["nickname"] == "Demo"
        assert response.json()["email"] == "demo@example.com"


def test_tokens_verify_against_published_jwks_and_discovery(local):
    tokens = sign_in(local, local.demo["username"], local.demo["password"])
    issuer = f"{local.pool_url}/{local.pool_id}"
    discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == issuer
    jwks = requests.get(discovery["jwks_uri"], timeout=10).json()
    keys = {k["kid"]: rsa.RSAPublicNumbers(int.from_bytes(b64url_decode(k["e"]), "big"),
                                            int.from_bytes(b64url_decode(k["n"]), "big")).public_key() for k in jwks["keys"]}
    for token in (tokens["IdToken"], tokens["AccessToken"]):
        header, payload = decode_part(token, 0), decode_part(token, 1)
        signing_input, signature = token.rsplit(".", 1)
        keys[header["kid"]].verify(b64url_decode(signature), signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        assert payload["iss"] == issuer
    assert decode_part(tokens["IdToken"], 1)["aud"] == local.spa
    assert decode_part(tokens["AccessToken"], 1)["client_id"] == local.spa
    assert decode_part(tokens["IdToken"], 0)["kid"] != decode_part(tokens["AccessToken"], 0)["kid"]


def test_admin_user_management_and_error_codes(local):
    c = local.cognito
    create_confirmed(local, "erin", email="erin@example.com", nickname="E")
    user = c.admin_get_user(UserPoolId=local.pool_id, Username="erin")
    assert user["UserStatus"] == "CONFIRMED" and user["Enabled"] is True
    c.admin_update_user_attributes(UserPoolId=local.pool_id, Username="erin", UserAttributes=[{"Name": "nickname", "Value": "Ez"}])
    found = c.list_users(UserPoolId=local.pool_id, Filter='email = "erin@example.com"')["Users"]
    assert [u["Username"] for u in found] == ["erin"]
    assert {a["Name"]: a["Value"] for a in found[0]["Attributes"]}["nickname"] == "Ez"
    with pytest.raises(c.exceptions.UsernameExistsException):
        c.admin_create_user(UserPoolId=local.pool_id, Username="erin")
    with pytest.raises(c.exceptions.InvalidParameterException):
        c.admin_create_user(UserPoolId=local.pool_id, Username="frank", UserAttributes=[{"Name": "shoe_size", "Value": "9"}])
    with pytest.raises(c.exceptions.InvalidPasswordException):
        c.admin_set_user_password(UserPoolId=local.pool_id, Username="erin", Password="weak", Permanent=True)
    with pytest.raises(c.exceptions.NotAuthorizedException):
        sign_in(local, "erin", "Wrong-Passw0rd!")
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.admin_get_user(UserPoolId="us-east-1_Missing00", Username="erin")
    c.admin_disable_user(UserPoolId=local.pool_id, Username="erin")
    with pytest.raises(c.exceptions.NotAuthorizedException, match="User is disabled"):
        sign_in(local, "erin", "Passw0rd!Local")
    c.admin_enable_user(UserPoolId=local.pool_id, Username="erin")
    sign_in(local, "erin", "Passw0rd!Local")
    c.admin_delete_user(UserPoolId=local.pool_id, Username="erin")
    with pytest.raises(c.exceptions.UserNotFoundException):
        c.admin_get_user(UserPoolId=local.pool_id, Username="erin")


def test_new_password_required_challenge(local):
    c = local.cognito
    c.admin_create_user(UserPoolId=local.pool_id, Username="gina", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
                        UserAttributes=[{"Name": "email", "Value": "gina@example.com"}])
    first = c.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": "gina", "PASSWORD": "Temp-Passw0rd!"})
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert json.loads(first["ChallengeParameters"]["userAttributes"])["email"] == "gina@example.com"
    done = c.respond_to_auth_challenge(
        ClientId=local.spa, ChallengeName="NEW_PASSWORD_REQUIRED", Session=first["Session"],
        ChallengeResponses={"USERNAME": "gina", "NEW_PASSWORD": "Final-Passw0rd!", "userAttributes.nickname": "G"},
    )
    assert "AccessToken" in done["AuthenticationResult"]
    assert c.admin_get_user(UserPoolId=local.pool_id, Username="gina")["UserStatus"] == "CONFIRMED"


def test_refresh_revoke_and_global_sign_out(local):
    c = local.cognito
    create_confirmed(local, "hank", nickname="H")
    tokens = sign_in(local, "hank", "Passw0rd!Local")
    refreshed = c.initiate_auth(ClientId=local.spa, AuthFlow="REFRESH_TOKEN_AUTH",
                                AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert c.get_user(AccessToken=refreshed["AccessToken"])["Username"] == "hank"
    c.revoke_token(Token=tokens["RefreshToken"], ClientId=local.spa)
    with pytest.raises(c.exceptions.NotAuthorizedException, match="revoked"):
        c.initiate_auth(ClientId=local.spa, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    with pytest.raises(c.exceptions.NotAuthorizedException):
        c.get_user(AccessToken=refreshed["AccessToken"])

    second = sign_in(local, "hank", "Passw0rd!Local")
    # Only refresh tokens are revoked: an access or ID token is refused by type, as Cognito does,
    # through the API and at /oauth2/revoke (RFC 7009's unsupported_token_type), and stays live.
    for token in (second["AccessToken"], second["IdToken"]):
        with pytest.raises(c.exceptions.UnsupportedTokenTypeException):
            c.revoke_token(Token=token, ClientId=local.spa)
        answer = requests.post(local.pool_url + "/oauth2/revoke", data={"token": token, "client_id": local.spa}, timeout=10)
        assert answer.status_code == 400 and answer.json()["error"] == "unsupported_token_type", answer.text
    assert c.get_user(AccessToken=second["AccessToken"])["Username"] == "hank"
    c.global_sign_out(AccessToken=second["AccessToken"])
    with pytest.raises(c.exceptions.NotAuthorizedException):
        c.get_user(AccessToken=second["AccessToken"])
    with pytest.raises(c.exceptions.NotAuthorizedException):
        c.initiate_auth(ClientId=local.spa, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": second["RefreshToken"]})


def test_secret_hash_for_the_confidential_client(local):
    c = local.cognito
    create_confirmed(local, "ivy")
    secret = c.describe_user_pool_client(UserPoolId=local.pool_id, ClientId=local.confidential)["UserPoolClient"]["ClientSecret"]
    digest = hmac.new(secret.encode(), ("ivy" + local.confidential).encode(), hashlib.sha256).digest()
    params = {"USERNAME": "ivy", "PASSWORD": "Passw0rd!Local"}
    with pytest.raises(c.exceptions.NotAuthorizedException, match="SECRET_HASH"):
        c.admin_initiate_auth(UserPoolId=local.pool_id, ClientId=local.confidential, AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters=params)
    result = c.admin_initiate_auth(
        UserPoolId=local.pool_id, ClientId=local.confidential, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={**params, "SECRET_HASH": base64.b64encode(digest).decode()},
    )
    assert "IdToken" in result["AuthenticationResult"]


# Before the restart test below: it closes the module's `local`.
def test_update_and_delete_clients_and_pools_as_setup_scripts_do(local):
    c = local.cognito
    create_confirmed(local, "setup-sam")
    made = c.create_user_pool_client(UserPoolId=local.pool_id, ClientName="setup-script", GenerateSecret=False,
                                     ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    tokens = sign_in(local, "setup-sam", "Passw0rd!Local", client_id=made["ClientId"])
    # UpdateUserPoolClient replaces the settings: what the request leaves out returns to Cognito's
    # default, so USER_PASSWORD_AUTH, not named again, is off afterwards.
    updated = c.update_user_pool_client(UserPoolId=local.pool_id, ClientId=made["ClientId"], ClientName="renamed",
                                        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"], AccessTokenValidity=2,
                                        TokenValidityUnits={"AccessToken": "hours"})["UserPoolClient"]
    assert updated["ClientId"] == made["ClientId"] and updated["ClientName"] == "renamed"
    # The pool answers validities in seconds (and says so in TokenValidityUnits).
    assert updated["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"] and updated["AccessTokenValidity"] == 7200
    assert updated["TokenValidityUnits"]["AccessToken"] == "seconds"
    described = c.describe_user_pool_client(UserPoolId=local.pool_id, ClientId=made["ClientId"])["UserPoolClient"]
    assert described["ClientName"] == "renamed" and described["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    with pytest.raises(c.exceptions.InvalidParameterException, match="USER_PASSWORD_AUTH"):
        sign_in(local, "setup-sam", "Passw0rd!Local", client_id=made["ClientId"])
    refreshed = c.initiate_auth(ClientId=made["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert refreshed["ExpiresIn"] == 7200
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.update_user_pool_client(UserPoolId=local.pool_id, ClientId="1" * 26)

    # DeleteUserPoolClient: gone, and so are its refresh tokens; the API stops trusting its tokens.
    c.delete_user_pool_client(UserPoolId=local.pool_id, ClientId=made["ClientId"])
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.describe_user_pool_client(UserPoolId=local.pool_id, ClientId=made["ClientId"])
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.initiate_auth(ClientId=made["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    refused = requests.get(local.api + "/userinfo", headers={"Authorization": "Bearer " + refreshed["AccessToken"]}, timeout=10)
    assert refused.status_code == 401, refused.text

    # DeleteUserPool: the pool and everything in it.
    other = c.create_user_pool(PoolName="throwaway")["UserPool"]["Id"]
    c.admin_create_user(UserPoolId=other, Username="temp", MessageAction="SUPPRESS")
    c.delete_user_pool(UserPoolId=other)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.describe_user_pool(UserPoolId=other)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.admin_get_user(UserPoolId=other, Username="temp")
    assert other not in [p["Id"] for p in c.list_user_pools(MaxResults=60)["UserPools"]]
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.delete_user_pool(UserPoolId=other)


def test_state_is_reused_after_a_restart(local, tmp_path_factory):
    first_pool = local.pool_id
    local.close()
    again = LocalServe(local.data_dir)
    try:
        assert again.pool_id == first_pool
        assert again.spa == local.spa
        tokens = sign_in(again, local.demo["username"], local.demo["password"])
        response = requests.get(again.api + "/userinfo", headers={"Authorization": tokens["AccessToken"]}, timeout=10)
        assert response.status_code == 200
    finally:
        again.close()


def test_acknowledged_writes_survive_a_hard_kill(tmp_path):
    import signal

    serve = LocalServe(tmp_path)
    names = [f"crash{n}" for n in range(20)]
    try:
        for name in names:
            create_confirmed(serve, name, email=f"{name}@example.com")
        pool_id = serve.pool_id
        serve.process.send_signal(signal.SIGKILL)
        serve.process.wait(timeout=10)
    finally:
        serve.close()
    again = LocalServe(tmp_path)
    try:
        assert again.pool_id == pool_id
        listed = {u["Username"] for u in again.cognito.list_users(UserPoolId=pool_id, Filter='username ^= "crash"')["Users"]}
        assert listed == set(names)
        sign_in(again, "crash19", "Passw0rd!Local")
    finally:
        again.close()
