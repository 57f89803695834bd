#!/usr/bin/env python3
"""Prepares a /userinfo load run: a moto pool with users, and many distinct valid tokens.

Usage: bench_setup.py MOTO_ENDPOINT OUT_DIR TOKEN_COUNT USERS
Writes OUT_DIR/tokens.txt (one access token per line, each different: jti/iat vary) and
OUT_DIR/env (GATEHOUSE_* settings for `gatehouse serve`). Tokens are signed with the key moto
itself signs with (it ships inside moto), so they are exactly what moto would issue.
"""

import gzip
import json
import multiprocessing
import pathlib
import sys
import time
import uuid

import boto3

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))
from jwt_helpers import decode_part, private_key_from_jwk, sign_rs256  # noqa: E402

_key = None


def _init(jwk):
    global _key
    _key = private_key_from_jwk(jwk)


def _mint(job):
    header, claims, index = job
    claims = dict(claims)
    claims["jti"] = str(uuid.UUID(int=index + 1))
    claims["iat"] = claims["iat"] - (index % 600)
    return sign_rs256(header, claims, _key)


def main():
    endpoint, out_dir, count, users = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    cognito = boto3.client(
        "cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
        aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret",
    )
    pool = cognito.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="spa", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    templates = []
    for n in range(users):
        name = f"user{n}"
        cognito.admin_create_user(
            UserPoolId=pool, Username=name, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}, {"Name": "nickname", "Value": f"N{n}"}],
        )
        cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password="Passw0rd!Bench", Permanent=True)
        token = cognito.admin_initiate_auth(
            UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": "Passw0rd!Bench"},
        )["AuthenticationResult"]["AccessToken"]
        templates.append((decode_part(token, 0), decode_part(token, 1)))

    import moto.cognitoidp
    key_path = pathlib.Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    with gzip.open(key_path, "rt") as handle:
        jwk = json.load(handle)
    jobs = [(templates[i % users][0], templates[i % users][1], i) for i in range(count)]
    started = time.monotonic()
    with multiprocessing.Pool(initializer=_init, initargs=(jwk,)) as workers:
        tokens = workers.map(_mint, jobs, chunksize=500)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (out_dir / "env").write_text(
        f"GATEHOUSE_USER_POOL_ID={pool}\n"
        f"GATEHOUSE_CLIENT_IDS={client}\n"
        f"GATEHOUSE_JWKS_URL={endpoint}/{pool}/.well-known/jwks.json\n"
        f"GATEHOUSE_COGNITO_ENDPOINT={endpoint}\n"
    )
    print(f"minted {count} tokens for {users} users in {time.monotonic() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
