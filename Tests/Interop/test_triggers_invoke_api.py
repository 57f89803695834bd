"""Lambda triggers through the Invoke API (issue 26, the `AWS_ENDPOINT_URL_LAMBDA` route): the
pool's LambdaConfig stored, checked and described through boto3, and PreSignUp run by a local
Lambda endpoint standing in for `sam local start-lambda`. The endpoint runs Python handlers
written here and records each request, so the event's shape and the SigV4 signature
(botocore's own signer checks it) are asserted on what came over the wire."""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions
import pytest
import requests
from authlib.jose import JsonWebKey, JsonWebToken
from pycognito.aws_srp import AWSSRP, generate_hash_device

from conftest import LocalServe, gatehouse_binary

ACCOUNT = "123456789012"


def arn(name):
    return f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"


def auto_confirm(event):
    event["response"]["autoConfirmUser"] = True
    event["response"]["autoVerifyEmail"] = event["request"]["userAttributes"].get("email", "").endswith("@example.com")
    return event


def refuse(event):
    raise ValueError(f"sign-ups from {event['request']['userAttributes'].get('email')} are closed")


def garbled(event):
    return "not an event"


def claims_v1(event):
    assert event["version"] == "1" and "scopes" not in event["request"]
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": "acme", "sub": "forged"}, "claimsToSuppress": ["email"],
        "groupOverrideDetails": {"groupsToOverride": ["admins"], "iamRolesToOverride": [], "preferredRole": None},
    }
    return event


def claims_v2(event):
    assert event["version"] == "2" and event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["reader", "writer"], "tier": 3, "username": "forged"},
                                  "scopesToAdd": ["orders/read"], "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
    }
    return event


def claims_v3(event):
    assert event["version"] == "3"
    if event["request"]["clientMetadata"].get("deny"):
        raise ValueError("no token for this job")
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"ignored": "no ID token here"}},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": event["request"]["clientMetadata"].get("tenant"), "sub": "forged"},
                                  "scopesToSuppress": ["urn:orders/write"]},
        "groupOverrideDetails": {"groupsToOverride": ["admins"]},
    }
    return event


def claims_wrong_shape(event):
    event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {"scopesToAdd": "orders/read"}}
    return event


def post_confirm(event):
    return event


HANDLERS = {"echo": post_confirm, "post-confirm": post_confirm, "auto-confirm": auto_confirm, "refuse": refuse, "garbled": garbled, "claims-v1": claims_v1,
            "claims-v2": claims_v2, "claims-v3": claims_v3, "claims-wrong-shape": claims_wrong_shape}


class LambdaEndpoint:
    """`POST /2015-03-31/functions/NAME/invocations`, as Lambda answers it: the handler's return
    value, or `X-Amz-Function-Error: Unhandled` with `errorMessage` when it raises."""

    def __init__(self):
        self.requests = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                endpoint.requests.append((self.path, dict(self.headers), body))
                name = self.path.split("/")[3]
                handler = HANDLERS.get(name)
                if handler is None:
                    self.answer(404, {"Type": "User", "message": f"Function not found: {name}"},
                                {"X-Amzn-ErrorType": "ResourceNotFoundException"})
                    return
                try:
                    self.answer(200, handler(json.loads(body)))
                except Exception as error:  # the handler's own error, as the runtime reports it
                    self.answer(200, {"errorMessage": str(error), "errorType": type(error).__name__},
                                {"X-Amz-Function-Error": "Unhandled"})

            def answer(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def endpoint():
    server = LambdaEndpoint()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory, endpoint):
    server = LocalServe(tmp_path_factory.mktemp("triggers"), environment={
        "AWS_ENDPOINT_URL_LAMBDA": endpoint.url, "AWS_ACCESS_KEY_ID": "AKIDLOCAL", "AWS_SECRET_ACCESS_KEY": "local-secret",
    }, credentials=("AKIDLOCAL", "local-secret"))
    yield server
    server.close()


def pool_with(serve, **config):
    pool = serve.cognito.create_user_pool(PoolName="triggers", LambdaConfig=config)["UserPool"]
    client = serve.cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app",
                                                   ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    return pool, client["UserPoolClient"]["ClientId"]


def test_lambda_config_is_stored_checked_and_described(serve):
    pool, _ = pool_with(serve, PreSignUp=arn("auto-confirm"),
                        PreTokenGenerationConfig={"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")})
    described = serve.cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["LambdaConfig"]
    # Cognito fills PreTokenGeneration from its config.
    assert described == {"PreSignUp": arn("auto-confirm"), "PreTokenGeneration": arn("tokens"),
                         "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")}}
    # UpdateUserPool without LambdaConfig clears it, as Cognito's does.
    serve.cognito.update_user_pool(UserPoolId=pool["Id"])
    assert "LambdaConfig" not in serve.cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    # Not a Lambda function, an account that is not twelve digits, two different functions.
    for config in ({"PreSignUp": "arn:aws:sns:us-east-1:123456789012:topic"},
                   {"PreSignUp": "arn:aws:lambda:us-east-1:1234:function:short-account"},
                   {"PreTokenGeneration": arn("one"), "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": arn("two")}}):
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            serve.cognito.update_user_pool(UserPoolId=pool["Id"], LambdaConfig=config)
        assert refused.value.response["Error"]["Code"] == "InvalidParameterException", config


def test_pre_sign_up_confirms_and_verifies_through_the_invoke_api(serve, endpoint):
    pool, client = pool_with(serve, PreSignUp=arn("auto-confirm"))
    before = len(endpoint.requests)
    answer = serve.cognito.sign_up(ClientId=client, Username="ada", Password="Sup3r-secret!",
                                   UserAttributes=[{"Name": "email", "Value": "ada@example.com"}],
                                   ValidationData=[{"Name": "invite", "Value": "x1"}], ClientMetadata={"campaign": "spring"})
    assert answer["UserConfirmed"] is True and "CodeDeliveryDetails" not in answer
    user = serve.cognito.admin_get_user(UserPoolId=pool["Id"], Username="ada")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    # The user signs in at once.
    tokens = serve.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "ada", "PASSWORD": "Sup3r-secret!"})
    assert "AccessToken" in tokens["AuthenticationResult"]

    (path, headers, body), = endpoint.requests[before:]
    assert path == "/2015-03-31/functions/auto-confirm/invocations"
    assert headers["X-Amz-Invocation-Type"] == "RequestResponse"
    event = json.loads(body)
    assert event["version"] == "1" and event["triggerSource"] == "PreSignUp_SignUp"
    assert event["region"] == "us-east-1" and event["userPoolId"] == pool["Id"] and event["userName"] == "ada"
    assert event["callerContext"]["clientId"] == client and "awsSdkVersion" in event["callerContext"]
    assert event["request"] == {"userAttributes": {"email": "ada@example.com"}, "validationData": {"invite": "x1"},
                                "clientMetadata": {"campaign": "spring"}}
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    # Signed for lambda in the function's region, as botocore's signer computes it.
    authorization = headers["Authorization"]
    assert "/us-east-1/lambda/aws4_request" in authorization and authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/")
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    request = botocore.awsrequest.AWSRequest(method="POST", url=endpoint.url + path, data=body,
                                             headers={k: v for k, v in headers.items() if k.lower() in signed})
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDLOCAL", "local-secret"), "lambda", "us-east-1")
    request.context["timestamp"] = headers["X-Amz-Date"]
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    assert authorization.endswith("Signature=" + expected)


def test_pre_sign_up_runs_for_admin_created_users_too(serve, endpoint):
    pool, _ = pool_with(serve, PreSignUp=arn("auto-confirm"))
    user = serve.cognito.admin_create_user(UserPoolId=pool["Id"], Username="gus", MessageAction="SUPPRESS",
                                           UserAttributes=[{"Name": "email", "Value": "gus@example.com"}],
                                           ClientMetadata={"source": "admin"})["User"]
    # autoConfirmUser means nothing here: the user still sets a password first.
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert {"Name": "email_verified", "Value": "true"} in user["Attributes"]
    event = json.loads(endpoint.requests[-1][2])
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser" and event["userName"] == "gus"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"source": "admin"}
    serve.cognito.update_user_pool(UserPoolId=pool["Id"], LambdaConfig={"PreSignUp": arn("refuse")})
    with pytest.raises(serve.cognito.exceptions.UserLambdaValidationException):
        serve.cognito.admin_create_user(UserPoolId=pool["Id"], Username="hal", MessageAction="SUPPRESS")
    with pytest.raises(serve.cognito.exceptions.UserNotFoundException):
        serve.cognito.admin_get_user(UserPoolId=pool["Id"], Username="hal")


def test_a_failing_or_missing_function_creates_no_user(serve):
    cases = [("refuse", "UserLambdaValidationException", "PreSignUp failed with error sign-ups from bo@example.com are closed."),
             ("garbled", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
             ("no-such-function", "UnexpectedLambdaException", "PreSignUp invocation failed due to error AccessDeniedException.")]
    for name, code, message in cases:
        pool, client = pool_with(serve, PreSignUp=arn(name))
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            serve.cognito.sign_up(ClientId=client, Username="bo", Password="Sup3r-secret!",
                                  UserAttributes=[{"Name": "email", "Value": "bo@example.com"}])
        assert refused.value.response["Error"] == {"Code": code, "Message": message}, name
        with pytest.raises(serve.cognito.exceptions.UserNotFoundException):
            serve.cognito.admin_get_user(UserPoolId=pool["Id"], Username="bo")


def test_without_a_way_to_run_functions_the_trigger_fails_and_the_log_says_how(tmp_path):
    server = LocalServe(tmp_path)
    try:
        _, client = pool_with(server, PreSignUp=arn("auto-confirm"))
        with pytest.raises(server.cognito.exceptions.UnexpectedLambdaException):
            server.cognito.sign_up(ClientId=client, Username="cy", Password="Sup3r-secret!")
        # Logged before the answer was sent.
        log = (server.data_dir / "serve.log").read_text()
        assert "gatehouse.pool.trigger_unavailable" in log and "gatehouse.function=auto-confirm" in log
        assert "AWS_ENDPOINT_URL_LAMBDA" in log and "--trigger auto-confirm=COMMAND" in log
    finally:
        server.close()


def verified(serve, pool_id, token):
    """The claims of `token`, checked against the pool's JWKS and issuer."""
    issuer = f"{serve.pool_url}/{pool_id}"
    keys = JsonWebKey.import_key_set(requests.get(f"{issuer}/.well-known/jwks.json", timeout=10).json())
    claims = JsonWebToken(["RS256"]).decode(token, keys, claims_options={"iss": {"essential": True, "value": issuer}})
    claims.validate()
    return claims


def signed_in(serve, config):
    pool, client = pool_with(serve, **config)
    serve.cognito.admin_create_user(UserPoolId=pool["Id"], Username="dee", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "dee@example.com"}])
    serve.cognito.admin_set_user_password(UserPoolId=pool["Id"], Username="dee", Password="Sup3r-secret!", Permanent=True)
    serve.cognito.create_group(UserPoolId=pool["Id"], GroupName="staff")
    serve.cognito.admin_add_user_to_group(UserPoolId=pool["Id"], Username="dee", GroupName="staff")
    result = serve.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": "dee", "PASSWORD": "Sup3r-secret!"})["AuthenticationResult"]
    return pool, client, result


def test_pre_token_generation_v1_changes_the_id_token(serve, endpoint):
    pool, client, result = signed_in(serve, {"PreTokenGeneration": arn("claims-v1")})
    event = json.loads(endpoint.requests[-1][2])
    assert event["triggerSource"] == "TokenGeneration_Authentication" and event["response"] == {"claimsOverrideDetails": None}
    assert event["request"]["groupConfiguration"]["groupsToOverride"] == ["staff"]
    assert event["request"]["userAttributes"]["email"] == "dee@example.com"
    id_claims = verified(serve, pool["Id"], result["IdToken"])
    assert id_claims["tenant"] == "acme" and "email" not in id_claims
    assert id_claims["sub"] != "forged" and id_claims["cognito:groups"] == ["admins"]
    access = verified(serve, pool["Id"], result["AccessToken"])
    assert access["cognito:groups"] == ["admins"] and "tenant" not in access
    # A refresh runs the trigger again, with its own source.
    refreshed = serve.cognito.initiate_auth(ClientId=client, AuthFlow="REFRESH_TOKEN_AUTH",
                                            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})["AuthenticationResult"]
    assert json.loads(endpoint.requests[-1][2])["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert verified(serve, pool["Id"], refreshed["IdToken"])["tenant"] == "acme"


def test_pre_token_generation_v2_changes_both_tokens_and_the_scopes(serve, endpoint):
    pool, client, result = signed_in(serve, {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("claims-v2")}})
    assert verified(serve, pool["Id"], result["IdToken"])["tenant"] == "acme"
    access = verified(serve, pool["Id"], result["AccessToken"])
    assert access["roles"] == ["reader", "writer"] and access["tier"] == 3
    assert access["scope"] == "orders/read" and access["username"] == "dee"
    assert access["cognito:groups"] == ["staff"]
    # Without the admin scope the token no longer reaches the user's own API calls, as on Cognito.
    with pytest.raises(serve.cognito.exceptions.NotAuthorizedException):
        serve.cognito.get_user(AccessToken=result["AccessToken"])


def test_a_malformed_token_answer_signs_nobody_in(serve):
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        signed_in(serve, {"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("claims-wrong-shape")}})
    assert refused.value.response["Error"]["Code"] == "InvalidLambdaResponseException"


def confirmation_code(serve, username):
    """The user's sign-up code, as `gatehouse users codes` prints it."""
    done = subprocess.run([str(gatehouse_binary()), "users", "codes", username, "--data-dir", str(serve.data_dir / "state")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return next(line.split(" ")[1] for line in done.stdout.splitlines() if line.startswith("SIGN_UP "))


def test_post_confirmation_runs_after_the_confirmation_and_a_failure_leaves_the_user_confirmed(serve, endpoint):
    try:
        for name, function in (("eve", "post-confirm"), ("fay", "refuse")):
            serve.cognito.update_user_pool(UserPoolId=serve.pool_id, LambdaConfig={"PostConfirmation": arn(function)})
            serve.cognito.sign_up(ClientId=serve.spa, Username=name, Password="Sup3r-secret!",
                                  UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
            before = len(endpoint.requests)
            confirm = lambda: serve.cognito.confirm_sign_up(ClientId=serve.spa, Username=name,  # noqa: E731
                                                            ConfirmationCode=confirmation_code(serve, name))
            if function == "refuse":
                with pytest.raises(serve.cognito.exceptions.UserLambdaValidationException) as refused:
                    confirm()
                assert refused.value.response["Error"]["Message"] == \
                    "PostConfirmation failed with error sign-ups from fay@example.com are closed."
            else:
                confirm()
            (path, _, body), = endpoint.requests[before:]
            event = json.loads(body)
            assert path == f"/2015-03-31/functions/{function}/invocations"
            assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp" and event["callerContext"]["clientId"] == serve.spa
            attributes = event["request"]["userAttributes"]
            assert attributes["email"] == f"{name}@example.com" and attributes["cognito:user_status"] == "CONFIRMED"
            assert attributes["sub"] and event["response"] == {}
            # Confirmed before the trigger ran, as on Cognito.
            assert serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username=name)["UserStatus"] == "CONFIRMED"
    finally:
        serve.cognito.update_user_pool(UserPoolId=serve.pool_id)


def test_token_generation_sources_and_client_metadata_follow_the_operation(serve, endpoint):
    pool, client = pool_with(serve, PreTokenGeneration=arn("echo"))
    admin = serve.cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="admin",
                                                  ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    serve.cognito.admin_create_user(UserPoolId=pool["Id"], Username="nel", TemporaryPassword="Temp-passw0rd!", MessageAction="SUPPRESS")

    def token_event():
        return next(json.loads(body) for path, _, body in reversed(endpoint.requests) if "/functions/echo/" in path)

    challenge = serve.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"from": "initiate"},
                                            AuthParameters={"USERNAME": "nel", "PASSWORD": "Temp-passw0rd!"})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    serve.cognito.respond_to_auth_challenge(ClientId=client, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
                                            ChallengeResponses={"USERNAME": "nel", "NEW_PASSWORD": "Sup3r-secret!"},
                                            ClientMetadata={"from": "respond"})
    event = token_event()
    assert event["triggerSource"] == "TokenGeneration_NewPasswordChallenge" and event["request"]["clientMetadata"] == {"from": "respond"}
    # InitiateAuth's ClientMetadata is not passed to the token trigger; AdminInitiateAuth's is.
    serve.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"from": "initiate"},
                                AuthParameters={"USERNAME": "nel", "PASSWORD": "Sup3r-secret!"})
    assert token_event()["triggerSource"] == "TokenGeneration_Authentication" and token_event()["request"]["clientMetadata"] == {}
    serve.cognito.admin_initiate_auth(UserPoolId=pool["Id"], ClientId=admin, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                      ClientMetadata={"from": "admin"}, AuthParameters={"USERNAME": "nel", "PASSWORD": "Sup3r-secret!"})
    assert token_event()["request"]["clientMetadata"] == {"from": "admin"}


def test_pre_token_generation_v3_changes_a_client_credentials_token(serve, endpoint):
    pool = serve.cognito.create_user_pool(PoolName="m2m", LambdaConfig={
        "PreTokenGenerationConfig": {"LambdaVersion": "V3_0", "LambdaArn": arn("claims-v3")}})["UserPool"]["Id"]
    serve.cognito.create_resource_server(UserPoolId=pool, Identifier="urn:orders", Name="Orders",
                                         Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}, {"ScopeName": "write", "ScopeDescription": "w"}])
    client = serve.cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="worker", GenerateSecret=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["urn:orders/read", "urn:orders/write"])["UserPoolClient"]
    token_endpoint = requests.get(f"{serve.pool_url}/{pool}/.well-known/openid-configuration", timeout=10).json()["token_endpoint"]

    def grant(metadata):
        return requests.post(token_endpoint, auth=(client["ClientId"], client["ClientSecret"]), timeout=10,
                             data={"grant_type": "client_credentials", "aws_client_metadata": json.dumps(metadata)})

    answer = grant({"tenant": "acme"})
    assert answer.status_code == 200, answer.text
    claims = verified(serve, pool, answer.json()["access_token"])
    assert claims["tenant"] == "acme" and claims["sub"] == client["ClientId"] and claims["scope"] == "urn:orders/read"
    assert "ignored" not in claims and "cognito:groups" not in claims
    event = json.loads(endpoint.requests[-1][2])
    assert event["triggerSource"] == "TokenGeneration_ClientCredentials" and event["callerContext"]["clientId"] == client["ClientId"]
    assert event["request"]["scopes"] == ["urn:orders/read", "urn:orders/write"] and event["request"]["clientMetadata"] == {"tenant": "acme"}
    refused = grant({"deny": "yes"})
    assert refused.status_code == 400
    assert refused.json() == {"error": "invalid_request", "error_description": "PreTokenGeneration failed with error no token for this job."}
    assert grant(["not", "an", "object"]).json()["error"] == "invalid_request"


def test_a_sign_in_from_a_remembered_device_is_token_generation_authenticate_device(serve, endpoint):
    pool = serve.cognito.create_user_pool(PoolName="devices", LambdaConfig={"PreTokenGeneration": arn("echo")},
                                          DeviceConfiguration={"ChallengeRequiredOnNewDevice": False})["UserPool"]
    client = serve.cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app",
                                                   ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])["UserPoolClient"]["ClientId"]
    serve.cognito.admin_create_user(UserPoolId=pool["Id"], Username="dev", MessageAction="SUPPRESS")
    serve.cognito.admin_set_user_password(UserPoolId=pool["Id"], Username="dev", Password="Sup3r-secret!", Permanent=True)

    def srp(**device):
        return AWSSRP(username="dev", password="Sup3r-secret!", pool_id=pool["Id"], client_id=client, client=serve.cognito,
                      **device).authenticate_user()["AuthenticationResult"]

    def token_event():
        return next(json.loads(body) for path, _, body in reversed(endpoint.requests) if "/functions/echo/" in path)

    first = srp()
    assert token_event()["triggerSource"] == "TokenGeneration_Authentication"
    metadata = first["NewDeviceMetadata"]
    password, config = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    serve.cognito.confirm_device(AccessToken=first["AccessToken"], DeviceKey=metadata["DeviceKey"], DeviceSecretVerifierConfig=config)
    tokens = srp(device_key=metadata["DeviceKey"], device_group_key=metadata["DeviceGroupKey"], device_password=password)
    assert token_event()["triggerSource"] == "TokenGeneration_AuthenticateDevice"
    assert verified(serve, pool["Id"], tokens["AccessToken"])["device_key"] == metadata["DeviceKey"]
