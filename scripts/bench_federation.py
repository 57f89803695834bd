"""The federated sign-in round trip on two local servers: `gatehouse serve` as the app's pool and a
second one as the upstream OIDC provider. Each round is what a browser does, over loopback:
authorize with `identity_provider=` (to the provider), the provider's sign-in form (a bcrypt
check there), `/oauth2/idpresponse` (code exchange, JWKS, ID-token checks, the user updated),
then the app's code exchange. Prints the median and p90 of N rounds in milliseconds.

Usage: GATEHOUSE_BIN=.build/release/gatehouse .venv/bin/python scripts/bench_federation.py [ROUNDS]
"""

import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Interop"))

import requests  # noqa: E402

from conftest import LocalServe  # noqa: E402
from test_identity_providers import sign_in_through_partner  # noqa: E402


def main(rounds):
    with tempfile.TemporaryDirectory() as local_dir, tempfile.TemporaryDirectory() as upstream_dir:
        local, upstream = LocalServe(pathlib.Path(local_dir)), LocalServe(pathlib.Path(upstream_dir))
        try:
            up = upstream.cognito.create_user_pool_client(
                UserPoolId=upstream.pool_id, ClientName="federation", GenerateSecret=True, AllowedOAuthFlows=["code"],
                AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"],
                CallbackURLs=[f"{local.pool_url}/oauth2/idpresponse"])["UserPoolClient"]
            upstream.cognito.admin_create_user(UserPoolId=upstream.pool_id, Username="partner-user", MessageAction="SUPPRESS",
                                               UserAttributes=[{"Name": "email", "Value": "partner@example.com"}])
            upstream.cognito.admin_set_user_password(UserPoolId=upstream.pool_id, Username="partner-user",
                                                     Password="Upstream-passw0rd!", Permanent=True)
            local.cognito.create_identity_provider(
                UserPoolId=local.pool_id, ProviderName="Partner", ProviderType="OIDC",
                ProviderDetails={"client_id": up["ClientId"], "client_secret": up["ClientSecret"], "authorize_scopes": "openid email",
                                 "oidc_issuer": f"{upstream.pool_url}/{upstream.pool_id}"},
                AttributeMapping={"email": "email"})
            client = local.cognito.create_user_pool_client(
                UserPoolId=local.pool_id, ClientName="app", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
                AllowedOAuthScopes=["openid", "email", "profile"], SupportedIdentityProviders=["COGNITO", "Partner"],
                CallbackURLs=[local.app + "/"])["UserPoolClient"]["ClientId"]
            sign_in_through_partner(local, client, requests.Session(), identity_provider="Partner")  # warm-up
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                sign_in_through_partner(local, client, requests.Session(), identity_provider="Partner")
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            print(f"federated sign-in round trip, {rounds} rounds: median {statistics.median(times):.1f} ms, "
                  f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms")
        finally:
            local.close()
            upstream.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
