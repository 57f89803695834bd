"""Threat protection through boto3 (issue 27): the pool's add-on, risk configurations per pool
and per client, the sign-in events it records (API and hosted sign-ins), addresses blocked as
Cognito blocks them, and feedback from an admin and from the notification's token."""

import re
from urllib.parse import urlencode

import botocore.exceptions
import pytest
import requests

from conftest import LocalServe
from test_oidc_flow import login_through_form

PASSWORD = "Risky-passw0rd!"
BLOCKED_MESSAGE = "Unable to login because of security reasons."


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("threats"))
    yield serve
    serve.close()


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def password_client(local, name):
    return local.cognito.create_user_pool_client(
        UserPoolId=local.pool_id, ClientName=name,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]


def user(local, name):
    local.cognito.admin_create_user(UserPoolId=local.pool_id, Username=name, MessageAction="SUPPRESS")
    local.cognito.admin_set_user_password(UserPoolId=local.pool_id, Username=name, Password=PASSWORD, Permanent=True)
    return name


def events(local, name, **page):
    return local.cognito.admin_list_user_auth_events(UserPoolId=local.pool_id, Username=name, **page)


def set_mode(local, mode):
    local.cognito.update_user_pool(UserPoolId=local.pool_id, UserPoolAddOns={"AdvancedSecurityMode": mode})
    assert local.cognito.describe_user_pool(UserPoolId=local.pool_id)["UserPool"]["UserPoolAddOns"] == {"AdvancedSecurityMode": mode}


def test_nothing_is_configured_or_recorded_while_threat_protection_is_off(local):
    cognito, pool = local.cognito, local.pool_id
    set_mode(local, "OFF")
    name, client = user(local, "quiet"), password_client(local, "quiet")
    cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
    for call in [lambda: cognito.describe_risk_configuration(UserPoolId=pool),
                 lambda: cognito.set_risk_configuration(UserPoolId=pool, RiskExceptionConfiguration={"BlockedIPRangeList": ["10.0.0.0/8"]}),
                 lambda: events(local, name)]:
        assert error_of(call)[0] == "UserPoolAddOnNotEnabledException"
    # Turned on now: the sign-in before was not recorded.
    set_mode(local, "AUDIT")
    assert events(local, name)["AuthEvents"] == []
    assert error_of(lambda: cognito.update_user_pool(UserPoolId=pool, UserPoolAddOns={"AdvancedSecurityMode": "PARANOID"}))[0] == (
        "InvalidParameterException")


def test_risk_configurations_for_the_pool_and_for_one_client(local):
    cognito, pool = local.cognito, local.pool_id
    set_mode(local, "AUDIT")
    own = password_client(local, "own-risk")
    everyone = {
        "CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_IN", "SIGN_UP"], "Actions": {"EventAction": "BLOCK"}},
        "AccountTakeoverRiskConfiguration": {
            "NotifyConfiguration": {"From": "security@example.com", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                                    "BlockEmail": {"Subject": "Blocked", "TextBody": "We blocked a sign-in."}},
            "Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}, "LowAction": {"Notify": False, "EventAction": "NO_ACTION"}}},
        "RiskExceptionConfiguration": {"BlockedIPRangeList": ["198.51.100.0/24"], "SkippedIPRangeList": ["2001:db8::/32"]},
    }
    answer = cognito.set_risk_configuration(UserPoolId=pool, **everyone)["RiskConfiguration"]
    assert {k: answer[k] for k in everyone} == everyone and answer["UserPoolId"] == pool and "ClientId" not in answer
    assert "LastModifiedDate" in answer
    mine = {"RiskExceptionConfiguration": {"BlockedIPRangeList": ["192.0.2.7"]}}
    assert cognito.set_risk_configuration(UserPoolId=pool, ClientId=own, **mine)["RiskConfiguration"]["ClientId"] == own
    described = cognito.describe_risk_configuration(UserPoolId=pool, ClientId=own)["RiskConfiguration"]
    assert (described["ClientId"], described["RiskExceptionConfiguration"]) == (own, mine["RiskExceptionConfiguration"])
    # A client without its own gets the pool's.
    other = cognito.describe_risk_configuration(UserPoolId=pool, ClientId=local.spa)["RiskConfiguration"]
    assert "ClientId" not in other and other["AccountTakeoverRiskConfiguration"] == everyone["AccountTakeoverRiskConfiguration"]

    for bad in [{"RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.0.0.0/33"]}},
                {"RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.0.0.0\x00/8"]}},
                {"RiskExceptionConfiguration": {"SkippedIPRangeList": [f"10.0.{i // 256}.{i % 256}" for i in range(201)]}},
                {"CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_OUT"], "Actions": {"EventAction": "BLOCK"}}},
                {"AccountTakeoverRiskConfiguration": {"Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}}}}]:
        assert error_of(lambda: cognito.set_risk_configuration(UserPoolId=pool, ClientId=own, **bad))[0] == "InvalidParameterException", bad
    assert error_of(lambda: cognito.set_risk_configuration(UserPoolId=pool, ClientId="nosuchclient", **mine))[0] == "ResourceNotFoundException"
    assert cognito.describe_risk_configuration(UserPoolId=pool, ClientId=own)["RiskConfiguration"]["RiskExceptionConfiguration"] == (
        mine["RiskExceptionConfiguration"])
    # Setting nothing removes the client's own.
    cognito.set_risk_configuration(UserPoolId=pool, ClientId=own)
    assert "ClientId" not in cognito.describe_risk_configuration(UserPoolId=pool, ClientId=own)["RiskConfiguration"]
    cognito.set_risk_configuration(UserPoolId=pool)


def test_sign_ins_are_recorded_newest_first_with_their_steps_and_address(local):
    cognito, pool = local.cognito, local.pool_id
    set_mode(local, "AUDIT")
    name, client = user(local, "watched"), password_client(local, "watched")
    assert error_of(lambda: cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                                  AuthParameters={"USERNAME": name, "PASSWORD": "wrong-Passw0rd!"}))[0] == "NotAuthorizedException"
    cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
    cognito.admin_initiate_auth(UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                                ContextData={"IpAddress": "203.0.113.9", "ServerName": "app", "ServerPath": "/login", "HttpHeaders": []})
    listed = events(local, name)["AuthEvents"]
    assert [(e["EventType"], e["EventResponse"], e["EventContextData"]["IpAddress"]) for e in listed] == [
        ("SignIn", "Pass", "203.0.113.9"), ("SignIn", "Pass", "127.0.0.1"), ("SignIn", "Fail", "127.0.0.1")]
    assert listed[2]["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Failure"}]
    assert listed[0]["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert listed[0]["EventRisk"] == {"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": False}
    assert len({e["EventId"] for e in listed}) == 3

    first = events(local, name, MaxResults=2)
    assert [e["EventId"] for e in first["AuthEvents"]] == [e["EventId"] for e in listed[:2]]
    rest = events(local, name, MaxResults=2, NextToken=first["NextToken"])
    assert [e["EventId"] for e in rest["AuthEvents"]] == [listed[2]["EventId"]] and "NextToken" not in rest

    # The hosted login records its sign-ins too.
    query = urlencode({"response_type": "code", "client_id": local.spa, "redirect_uri": local.app + "/", "scope": "openid",
                       "code_challenge": "A" * 43, "code_challenge_method": "S256"})
    assert login_through_form(requests.Session(), f"{local.pool_url}/oauth2/authorize?{query}", name, "wrong-Passw0rd!").status_code == 401
    assert login_through_form(requests.Session(), f"{local.pool_url}/oauth2/authorize?{query}", name, PASSWORD).status_code == 302
    hosted = events(local, name, MaxResults=2)["AuthEvents"]
    assert [(e["EventResponse"], e["ChallengeResponses"][0]["ChallengeResponse"]) for e in hosted] == [("Pass", "Success"), ("Fail", "Failure")]

    cognito.admin_update_auth_event_feedback(UserPoolId=pool, Username=name, EventId=listed[2]["EventId"], FeedbackValue="Invalid")
    feedback = events(local, name)["AuthEvents"][4]["EventFeedback"]
    assert (feedback["FeedbackValue"], feedback["Provider"]) == ("Invalid", "Admin") and "FeedbackDate" in feedback
    assert error_of(lambda: cognito.admin_update_auth_event_feedback(UserPoolId=pool, Username=name, EventId="nosuchevent",
                                                                     FeedbackValue="Valid"))[0] == "ResourceNotFoundException"
    assert error_of(lambda: events(local, "nobody-at-all"))[0] == "UserNotFoundException"


def test_enforced_protection_blocks_listed_addresses_and_the_user_answers_the_notification(local):
    cognito, pool = local.cognito, local.pool_id
    set_mode(local, "ENFORCED")
    name, client = user(local, "blocked"), password_client(local, "blocked")
    cognito.set_risk_configuration(
        UserPoolId=pool, ClientId=client,
        AccountTakeoverRiskConfiguration={
            "NotifyConfiguration": {"SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                                    "BlockEmail": {"Subject": "We blocked a sign-in", "TextBody": "Was it you?"}},
            "Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}}},
        RiskExceptionConfiguration={"BlockedIPRangeList": ["203.0.113.0/24", "127.0.0.0/8"], "SkippedIPRangeList": ["127.0.0.2/32"]})
    admin = dict(UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
    assert error_of(lambda: cognito.admin_initiate_auth(**admin, ContextData={
        "IpAddress": "203.0.113.200", "ServerName": "app", "ServerPath": "/", "HttpHeaders": []})) == ("NotAuthorizedException", BLOCKED_MESSAGE)
    # An app's own claim of an address is not believed: its connection's counts (loopback, blocked).
    app = dict(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
    assert error_of(lambda: cognito.initiate_auth(**app, UserContextData={"IpAddress": "192.0.2.1"})) == ("NotAuthorizedException", BLOCKED_MESSAGE)
    # A skipped address inside a blocked range passes.
    assert "AuthenticationResult" in cognito.admin_initiate_auth(**admin, ContextData={
        "IpAddress": "127.0.0.2", "ServerName": "app", "ServerPath": "/", "HttpHeaders": []})
    listed = events(local, name)["AuthEvents"]
    assert [(e["EventResponse"], e["EventRisk"]["RiskDecision"], e["EventContextData"]["IpAddress"]) for e in listed] == [
        ("Pass", "NoRisk", "127.0.0.2"), ("Fail", "Block", "127.0.0.1"), ("Fail", "Block", "203.0.113.200")]

    # The notification (this pool's log, as its codes) carries the token the user answers with.
    log = (local.data_dir / "serve.log").read_text()
    notices = re.findall(r"gatehouse\.pool\.risk_notification.*", log)
    first = next(line for line in notices if listed[2]["EventId"] in line)
    token = re.search(r"gatehouse\.pool\.feedback_token=(\S+)", first).group(1)
    assert "We blocked a sign-in" in first
    assert error_of(lambda: cognito.update_auth_event_feedback(UserPoolId=pool, Username=name, EventId=listed[2]["EventId"],
                                                               FeedbackToken=token[:-1] + ("A" if token[-1] != "A" else "B"),
                                                               FeedbackValue="Valid"))[0] == "NotAuthorizedException"
    cognito.update_auth_event_feedback(UserPoolId=pool, Username=name, EventId=listed[2]["EventId"], FeedbackToken=token, FeedbackValue="Valid")
    feedback = events(local, name)["AuthEvents"][2]["EventFeedback"]
    assert (feedback["FeedbackValue"], feedback["Provider"]) == ("Valid", "User")
    # A token answers only its own event.
    assert error_of(lambda: cognito.update_auth_event_feedback(UserPoolId=pool, Username=name, EventId=listed[1]["EventId"],
                                                               FeedbackToken=token, FeedbackValue="Valid"))[0] == "NotAuthorizedException"
    # The hosted page refuses the blocked address with the same words.
    cognito.set_risk_configuration(UserPoolId=pool, RiskExceptionConfiguration={"BlockedIPRangeList": ["127.0.0.1/32"]})
    query = urlencode({"response_type": "code", "client_id": local.spa, "redirect_uri": local.app + "/", "scope": "openid",
                       "code_challenge": "A" * 43, "code_challenge_method": "S256"})
    page = login_through_form(requests.Session(), f"{local.pool_url}/oauth2/authorize?{query}", name, PASSWORD)
    assert page.status_code == 401 and BLOCKED_MESSAGE in page.text
    cognito.set_risk_configuration(UserPoolId=pool)
    assert login_through_form(requests.Session(), f"{local.pool_url}/oauth2/authorize?{query}", name, PASSWORD).status_code == 302
    set_mode(local, "OFF")
