"""CUSTOM_AUTH run locally under AWS's `awslambdaric` (issue 26): DefineAuthChallenge,
CreateAuthChallenge and VerifyAuthChallengeResponse handlers, written here as they would be
deployed, drive a one-time-code sign-in in rounds through boto3, and after an SRP password proof
(pycognito's SRP arithmetic) when the client starts with `SRP_A`. Tokens are verified against the
JWKS; each handler records the event it was given."""

import json
import sys
import textwrap

import pytest
from pycognito.aws_srp import AWSSRP

from conftest import LocalServe
from test_sign_up import refused
from test_triggers_invoke_api import arn, verified

HANDLERS = textwrap.dedent('''
    import json, os, secrets

    def record(event):
        with open(os.environ["EVENTS_FILE"], "a") as events:
            events.write(json.dumps(event) + "\\n")

    def define(event, context):
        record(event)
        session, response = event["request"]["session"], event["response"]
        custom = [round for round in session if round["challengeName"] == "CUSTOM_CHALLENGE"]
        if event["request"].get("userNotFound"):
            response["failAuthentication"] = True
        elif len(session) == 1 and session[0]["challengeName"] == "SRP_A":
            response["challengeName"] = "PASSWORD_VERIFIER"
        elif custom and custom[-1]["challengeResult"]:
            response["issueTokens"] = True
        elif len(custom) >= 3:
            response["failAuthentication"] = True
        else:
            response["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(event, context):
        record(event)
        code = f"{secrets.randbelow(10 ** 6):06d}"
        with open(os.environ["CODES_FILE"], "a") as codes:
            codes.write(f"{event['userName']} {code}\\n")
        rounds = len(event["request"]["session"])
        event["response"]["publicChallengeParameters"] = {"hint": "a code was sent to your email", "round": str(rounds + 1)}
        event["response"]["privateChallengeParameters"] = {"code": code}
        event["response"]["challengeMetadata"] = f"CODE-{rounds}"
        return event

    def verify(event, context):
        record(event)
        request = event["request"]
        event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["code"]
        return event
''')
PASSWORD = "Sup3r-secret!"


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    code_dir = tmp_path_factory.mktemp("functions")
    (code_dir / "handlers.py").write_text(HANDLERS)
    runtime = f"{sys.executable} -m awslambdaric handlers."
    serve = LocalServe(tmp_path_factory.mktemp("custom-auth"),
                       *(arg for name in ("define", "create", "verify") for arg in ("--trigger", f"{name}={runtime}{name}")),
                       environment={"PYTHONPATH": str(code_dir), "EVENTS_FILE": str(code_dir / "events.jsonl"),
                                    "CODES_FILE": str(code_dir / "codes.txt")})
    serve.events_file, serve.codes_file = code_dir / "events.jsonl", code_dir / "codes.txt"
    serve.cognito.update_user_pool(UserPoolId=serve.pool_id, LambdaConfig={
        "DefineAuthChallenge": arn("define"), "CreateAuthChallenge": arn("create"), "VerifyAuthChallengeResponse": arn("verify")})
    serve.custom_client, serve.hiding_client = (serve.cognito.create_user_pool_client(
        UserPoolId=serve.pool_id, ClientName=f"custom-{hiding}", PreventUserExistenceErrors=hiding,
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
        for hiding in ("LEGACY", "ENABLED"))
    serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username="ada", MessageAction="SUPPRESS",
                                    UserAttributes=[{"Name": "email", "Value": "ada@example.com"}])
    serve.cognito.admin_set_user_password(UserPoolId=serve.pool_id, Username="ada", Password=PASSWORD, Permanent=True)
    yield serve
    serve.close()


def events(local, source):
    return [e for e in map(json.loads, local.events_file.read_text().splitlines()) if e["triggerSource"] == source]


def last_code(local, user):
    return [line.split()[1] for line in local.codes_file.read_text().splitlines() if line.split()[0] == user][-1]


def start(local, client=None, **parameters):
    return local.cognito.initiate_auth(ClientId=client or local.custom_client, AuthFlow="CUSTOM_AUTH",
                                       AuthParameters={"USERNAME": "ada", **parameters}, ClientMetadata={"app": "web"})


def answer(local, challenge, value):
    return local.cognito.respond_to_auth_challenge(ClientId=local.custom_client, ChallengeName="CUSTOM_CHALLENGE",
                                                   Session=challenge["Session"],
                                                   ChallengeResponses={"USERNAME": "ada", "ANSWER": value})


def test_a_one_time_code_signs_in_on_the_second_round(local):
    first = start(local)
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert first["ChallengeParameters"] == {"hint": "a code was sent to your email", "round": "1", "USERNAME": "ada"}
    second = answer(local, first, "not-the-code")
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE" and second["ChallengeParameters"]["round"] == "2"
    # Each session answers once.
    assert refused(lambda: answer(local, first, last_code(local, "ada")),
                   "NotAuthorizedException") == "Invalid session for the user, session is expired."
    tokens = answer(local, second, last_code(local, "ada"))["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "ada"
    assert verified(local, local.pool_id, tokens["IdToken"])["email"] == "ada@example.com"
    define = events(local, "DefineAuthChallenge_Authentication")[-1]
    assert define["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False, "challengeMetadata": "CODE-0"},
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "CODE-1"},
    ]
    assert define["request"]["clientMetadata"] == {"app": "web"} and define["request"]["userAttributes"]["email"] == "ada@example.com"
    verify = events(local, "VerifyAuthChallengeResponse_Authentication")[-1]
    assert verify["request"]["privateChallengeParameters"] == {"code": last_code(local, "ada")}
    assert verify["request"]["challengeAnswer"] == last_code(local, "ada")


def test_three_wrong_codes_fail_the_sign_in(local):
    challenge = start(local)
    for _ in range(2):
        challenge = answer(local, challenge, "000000x")
    assert refused(lambda: answer(local, challenge, "000000x"), "NotAuthorizedException") == "Incorrect username or password."


def test_a_user_disabled_between_the_rounds_gets_no_tokens(local):
    challenge = start(local)
    local.cognito.admin_disable_user(UserPoolId=local.pool_id, Username="ada")
    try:
        assert refused(lambda: answer(local, challenge, last_code(local, "ada")), "NotAuthorizedException") == "User is disabled."
    finally:
        local.cognito.admin_enable_user(UserPoolId=local.pool_id, Username="ada")
    # Enabled again, the same flow signs in.
    challenge = start(local)
    assert "AccessToken" in answer(local, challenge, last_code(local, "ada"))["AuthenticationResult"]


def test_srp_a_first_proves_the_password_then_the_code(local):
    srp = AWSSRP(username="ada", password=PASSWORD, pool_id=local.pool_id, client_id=local.custom_client, client=local.cognito)
    verifier = local.cognito.initiate_auth(ClientId=local.custom_client, AuthFlow="CUSTOM_AUTH", AuthParameters=srp.get_auth_params())
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    challenge = local.cognito.respond_to_auth_challenge(
        ClientId=local.custom_client, ChallengeName="PASSWORD_VERIFIER", Session=verifier["Session"],
        ChallengeResponses=srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params()))
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert events(local, "DefineAuthChallenge_Authentication")[-1]["request"]["session"] == [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None},
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None},
    ]
    tokens = answer(local, challenge, last_code(local, "ada"))["AuthenticationResult"]
    assert verified(local, local.pool_id, tokens["AccessToken"])["username"] == "ada"


def test_srp_a_first_with_a_wrong_password_goes_no_further(local):
    srp = AWSSRP(username="ada", password="Wrong-passw0rd!", pool_id=local.pool_id, client_id=local.custom_client, client=local.cognito)
    verifier = local.cognito.initiate_auth(ClientId=local.custom_client, AuthFlow="CUSTOM_AUTH", AuthParameters=srp.get_auth_params())
    responses = srp.process_challenge(verifier["ChallengeParameters"], srp.get_auth_params())
    assert refused(lambda: local.cognito.respond_to_auth_challenge(
        ClientId=local.custom_client, ChallengeName="PASSWORD_VERIFIER", Session=verifier["Session"], ChallengeResponses=responses),
        "NotAuthorizedException") == "Incorrect username or password."


def test_an_unknown_name_runs_the_triggers_hidden_and_never_signs_in(local):
    assert refused(lambda: local.cognito.initiate_auth(ClientId=local.custom_client, AuthFlow="CUSTOM_AUTH",
                                                       AuthParameters={"USERNAME": "nobody"}), "UserNotFoundException")
    assert refused(lambda: local.cognito.initiate_auth(ClientId=local.hiding_client, AuthFlow="CUSTOM_AUTH",
                                                       AuthParameters={"USERNAME": "nobody"}),
                   "NotAuthorizedException") == "Incorrect username or password."
    hidden = events(local, "DefineAuthChallenge_Authentication")[-1]
    assert hidden["userName"] == "nobody" and hidden["request"]["userNotFound"] is True


def test_custom_auth_needs_the_client_flow_and_the_trigger(local):
    assert refused(lambda: start(local, client=local.spa), "InvalidParameterException") == "CUSTOM_AUTH flow not enabled for this client"
    other = local.cognito.create_user_pool(PoolName="no-triggers")["UserPool"]["Id"]
    client = local.cognito.create_user_pool_client(UserPoolId=other, ClientName="c", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"])
    assert refused(lambda: start(local, client=client["UserPoolClient"]["ClientId"]),
                   "InvalidParameterException") == "Custom auth lambda trigger is not configured for the user pool."
