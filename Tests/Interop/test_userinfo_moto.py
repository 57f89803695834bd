"""GET /userinfo served by the built `gatehouse serve` against moto's Cognito, with real tokens."""

import time

import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import ALLOWED_ORIGIN
from jwt_helpers import decode_part, private_key_from_jwk, sign_hs256, sign_rs256, unsigned

USER = "alice"
ATTRIBUTES = {"email": "alice@example.com", "nickname": "Al", "name": "Alice Liddell"}


def get_userinfo(gatehouse, authorization=None, origin=None):
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    if origin is not None:
        headers["Origin"] = origin
    return requests.get(gatehouse.base + "/userinfo", headers=headers, timeout=10)


def user_tokens(pool, username=USER, **attributes):
    try:
        pool.create_user(username, **(attributes or ATTRIBUTES))
    except pool.cognito.exceptions.UsernameExistsException:
        pass
    return pool.tokens(username)


def assert_invalid(response, code="invalid_token"):
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"] == code
    assert body["requestId"] == response.headers["X-Request-Id"]
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_id_token_with_bearer_scheme_returns_profile_with_nickname(gatehouse, pool):
    tokens = user_tokens(pool)
    response = get_userinfo(gatehouse, "Bearer " + tokens["IdToken"])
    assert response.status_code == 200, response.text
    body = response.json()
    sub = decode_part(tokens["IdToken"], 1)["sub"]
    assert body == {
        "sub": sub,
        "username": USER,
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "nickname": "Al",
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_bare_access_token_returns_profile_with_email_from_the_pool(gatehouse, pool):
    tokens = user_tokens(pool)
    assert "email" not in decode_part(tokens["AccessToken"], 1)
    response = get_userinfo(gatehouse, tokens["AccessToken"])
    assert response.status_code == 200, response.text
    assert response.json()["nickname"] == "Al"
    assert response.json()["email"] == "alice@example.com"


def test_name_falls_back_to_username(gatehouse, pool):
    tokens = user_tokens(pool, "bob", email="bob@example.com", nickname="Bobby")
    response = get_userinfo(gatehouse, "Bearer " + tokens["AccessToken"])
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "bob"


def test_missing_token_is_401(gatehouse):
    response = get_userinfo(gatehouse)
    assert response.status_code == 401
    assert response.json()["error"] == "missing_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_signed_with_moto_key_is_401(gatehouse, pool, moto_private_jwk):
    tokens = user_tokens(pool)
    header = decode_part(tokens["IdToken"], 0)
    claims = decode_part(tokens["IdToken"], 1)
    claims["iat"] = int(time.time()) - 7200
    claims["exp"] = int(time.time()) - 3600
    key = private_key_from_jwk(moto_private_jwk)
    expired = sign_rs256(header, claims, key)
    assert_invalid(get_userinfo(gatehouse, "Bearer " + expired), code="expired_token")
    # The same claims with a fresh exp pass, so the rejection above was about time alone.
    claims["exp"] = int(time.time()) + 600
    assert get_userinfo(gatehouse, "Bearer " + sign_rs256(header, claims, key)).status_code == 200


def test_forged_tokens_are_401(gatehouse, pool):
    tokens = user_tokens(pool)
    header = decode_part(tokens["IdToken"], 0)
    claims = decode_part(tokens["IdToken"], 1)
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_invalid(get_userinfo(gatehouse, sign_rs256(header, claims, attacker)))
    # The original's bug: a payload swapped under a valid signature.
    original = tokens["IdToken"].split(".")
    claims["cognito:username"] = "bob"
    tampered = sign_rs256(header, claims, attacker).split(".")[1]
    assert_invalid(get_userinfo(gatehouse, f"{original[0]}.{tampered}.{original[2]}"))
    assert_invalid(get_userinfo(gatehouse, unsigned({"alg": "none", "kid": header["kid"]}, claims)))
    hs = sign_hs256({"alg": "HS256", "kid": header["kid"]}, claims, b"guessable")
    assert_invalid(get_userinfo(gatehouse, hs))
    assert_invalid(get_userinfo(gatehouse, "Bearer not-a-jwt"))


def test_token_of_another_app_client_is_401(gatehouse, pool):
    user_tokens(pool)
    tokens = pool.tokens(USER, client_id=pool.other_client_id)
    assert_invalid(get_userinfo(gatehouse, "Bearer " + tokens["IdToken"]))
    assert_invalid(get_userinfo(gatehouse, "Bearer " + tokens["AccessToken"]))


def test_disabled_user_is_401(gatehouse, pool):
    tokens = user_tokens(pool, "carol", email="carol@example.com", nickname="Caz")
    assert get_userinfo(gatehouse, tokens["AccessToken"]).status_code == 200
    pool.cognito.admin_disable_user(UserPoolId=pool.id, Username="carol")
    # The attribute cache lives 1 s in this server; poll past it.
    deadline = time.monotonic() + 10
    response = get_userinfo(gatehouse, tokens["AccessToken"])
    while response.status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        response = get_userinfo(gatehouse, tokens["AccessToken"])
    assert_invalid(response, code="user_disabled")


def test_deleted_user_is_401(gatehouse, pool):
    tokens = user_tokens(pool, "dave", email="dave@example.com", nickname="D")
    pool.cognito.admin_delete_user(UserPoolId=pool.id, Username="dave")
    assert_invalid(get_userinfo(gatehouse, tokens["IdToken"]), code="user_not_found")


def test_cors_headers_on_401_for_allowed_origin_only(gatehouse):
    allowed = get_userinfo(gatehouse, "Bearer x.y.z", origin=ALLOWED_ORIGIN)
    assert allowed.status_code == 401
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "WWW-Authenticate" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Origin" in allowed.headers["Vary"]
    other = get_userinfo(gatehouse, "Bearer x.y.z", origin="https://evil.example")
    assert other.status_code == 401
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Credentials" not in other.headers


def test_preflight(gatehouse):
    ok = requests.options(
        gatehouse.base + "/userinfo",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=10,
    )
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "GET" in ok.headers["Access-Control-Allow-Methods"]
    refused = requests.options(
        gatehouse.base + "/userinfo",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_logs_never_contain_tokens(gatehouse, pool):
    tokens = user_tokens(pool)
    assert get_userinfo(gatehouse, "Bearer " + tokens["IdToken"]).status_code == 200
    log = gatehouse.log_path.read_text()
    assert "gatehouse.request.done" in log
    assert tokens["IdToken"] not in log
    assert tokens["IdToken"].split(".")[2] not in log
    assert "testing-secret" not in log
    assert "session-token-for-interop" not in log
