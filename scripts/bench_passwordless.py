"""Passwordless sign-in timings of the local pool (issue 28), against `gatehouse serve`: an
EMAIL_OTP round trip (InitiateAuth with USER_AUTH, the code sent, then RespondToAuthChallenge
with it and the tokens issued), a passkey sign-in's answer (RespondToAuthChallenge with a
soft-webauthn assertion: the assertion verified with the stored ES256 key, the counter stored, the
tokens issued), and a refresh (REFRESH_TOKEN_AUTH: the tokens issued alone) as the reference.
Each figure is the median of N calls over one keep-alive connection; reading the emailed code
(`gatehouse users codes`) and signing the assertion are outside the timings.

Usage: GATEHOUSE_BIN=.build/release/gatehouse .venv/bin/python scripts/bench_passwordless.py [N]
"""

import base64
import http.client
import json
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Interop"))
from conftest import LocalServe  # noqa: E402
from soft_webauthn import SoftWebauthnDevice  # noqa: E402
from test_sign_up import code  # noqa: E402

PASSWORD = "Sup3r-secret!"


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Pool:
    """cognito-idp calls over one keep-alive connection; each call's time in milliseconds."""

    def __init__(self, url):
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))

    def call(self, operation, body):
        started = time.perf_counter()
        self.connection.request("POST", "/", body=json.dumps(body), headers={
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}", "Content-Type": "application/x-amz-json-1.1"})
        answer = self.connection.getresponse()
        data = json.loads(answer.read())
        elapsed = (time.perf_counter() - started) * 1000
        assert answer.status == 200, data
        return data, elapsed


def main(rounds):
    serve = LocalServe(pathlib.Path(tempfile.mkdtemp()), environment={"LOG_LEVEL": "warning"})
    try:
        cognito = serve.cognito
        cognito.update_user_pool(UserPoolId=serve.pool_id,
                                 Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]}})
        client = cognito.create_user_pool_client(UserPoolId=serve.pool_id, ClientName="bench", ExplicitAuthFlows=[
            "ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        cognito.admin_create_user(UserPoolId=serve.pool_id, Username="bench", MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": "bench@example.com"}, {"Name": "email_verified", "Value": "true"}])
        cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username="bench", Password=PASSWORD, Permanent=True)
        tokens = cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": "bench", "PASSWORD": PASSWORD})["AuthenticationResult"]
        device = SoftWebauthnDevice()
        options = cognito.start_web_authn_registration(AccessToken=tokens["AccessToken"])["CredentialCreationOptions"]
        created = device.create({"publicKey": {**options, "challenge": unb64url(options["challenge"]),
                                               "user": {**options["user"], "id": unb64url(options["user"]["id"])}}},
                                "http://localhost:3000")
        cognito.complete_web_authn_registration(AccessToken=tokens["AccessToken"], Credential={
            "id": b64url(created["rawId"]), "rawId": b64url(created["rawId"]), "type": "public-key",
            "response": {"clientDataJSON": b64url(created["response"]["clientDataJSON"]),
                         "attestationObject": b64url(created["response"]["attestationObject"])}})

        pool = Pool(serve.pool_url)
        email, passkey, refresh = [], [], []
        for _ in range(rounds):
            challenge, sent_in = pool.call("InitiateAuth", {
                "ClientId": client, "AuthFlow": "USER_AUTH", "AuthParameters": {"USERNAME": "bench", "PREFERRED_CHALLENGE": "EMAIL_OTP"}})
            sent = code(serve, "bench", "EMAIL_OTP")
            _, answered_in = pool.call("RespondToAuthChallenge", {
                "ClientId": client, "ChallengeName": "EMAIL_OTP", "Session": challenge["Session"],
                "ChallengeResponses": {"USERNAME": "bench", "EMAIL_OTP_CODE": sent}})
            email.append(sent_in + answered_in)

            challenge, _ = pool.call("InitiateAuth", {
                "ClientId": client, "AuthFlow": "USER_AUTH", "AuthParameters": {"USERNAME": "bench", "PREFERRED_CHALLENGE": "WEB_AUTHN"}})
            request = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
            got = device.get({"publicKey": {"challenge": unb64url(request["challenge"]), "rpId": request["rpId"]}}, "http://localhost:3000")
            assertion = {"id": b64url(got["rawId"]), "rawId": b64url(got["rawId"]), "type": "public-key",
                         "response": {k: b64url(v) for k, v in got["response"].items() if v is not None}}
            _, verified_in = pool.call("RespondToAuthChallenge", {
                "ClientId": client, "ChallengeName": "WEB_AUTHN", "Session": challenge["Session"],
                "ChallengeResponses": {"USERNAME": "bench", "CREDENTIAL": json.dumps(assertion)}})
            passkey.append(verified_in)

            _, refreshed_in = pool.call("InitiateAuth", {
                "ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}})
            refresh.append(refreshed_in)
        for name, times in [("EMAIL_OTP round trip (both calls)", email), ("passkey answer (assertion verified, tokens issued)", passkey),
                            ("reference: refresh (tokens issued alone)", refresh)]:
            print(f"{name}: p50 {statistics.median(times):.2f} ms, p90 {statistics.quantiles(times, n=10)[8]:.2f} ms")
    finally:
        serve.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
