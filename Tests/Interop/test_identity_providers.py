"""OIDC identity providers through boto3 (issue 27, federation): a second `gatehouse serve` is the
upstream provider, whose discovery document fills in the endpoints; names, types, details,
mappings and identifiers are checked as Cognito checks them."""

import base64
import hashlib
import html
import json
import os
import re
import sys
from urllib.parse import parse_qs, urlencode, urlparse

import botocore.exceptions
import pytest
import requests

from conftest import LocalServe, free_port
from test_oidc_flow import login_through_form


PRE_SIGN_UP = """
import json, os

def pre_sign_up(event, context):
    with open(os.environ["EVENTS_FILE"], "a") as events:
        events.write(json.dumps(event) + "\\n")
    if event["request"]["userAttributes"].get("email", "").endswith("@blocked.example"):
        raise Exception("partners from blocked.example may not sign up")
    return event
"""


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    code = tmp_path_factory.mktemp("functions")
    (code / "handlers.py").write_text(PRE_SIGN_UP)
    serve = LocalServe(tmp_path_factory.mktemp("federating"), "--trigger", f"presignup={sys.executable} -m awslambdaric handlers.pre_sign_up",
                       environment={"PYTHONPATH": str(code), "EVENTS_FILE": str(code / "events.jsonl")})
    serve.events_file = code / "events.jsonl"
    yield serve
    serve.close()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("upstream-idp"))
    yield serve
    serve.close()


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def details(issuer, **more):
    return {"client_id": "upstream-client", "client_secret": "upstream-secret", "authorize_scopes": "openid email profile",
            "oidc_issuer": issuer, **more}


def test_an_oidc_provider_is_discovered_described_updated_and_deleted(local, upstream):
    cognito, pool = local.cognito, local.pool_id
    issuer = f"{upstream.pool_url}/{upstream.pool_id}"
    created = cognito.create_identity_provider(
        UserPoolId=pool, ProviderName="Upstream", ProviderType="OIDC", ProviderDetails=details(issuer),
        AttributeMapping={"email": "email", "nickname": "nickname"}, IdpIdentifiers=["example.com", "Partner"])["IdentityProvider"]
    assert created["ProviderDetails"] == {
        **details(issuer), "attributes_request_method": "GET",
        "authorize_url": f"{upstream.pool_url}/oauth2/authorize", "token_url": f"{upstream.pool_url}/oauth2/token",
        "attributes_url": f"{upstream.pool_url}/oauth2/userInfo", "jwks_uri": f"{issuer}/.well-known/jwks.json"}
    assert created["AttributeMapping"] == {"email": "email", "nickname": "nickname", "username": "sub"}
    assert (created["ProviderType"], created["IdpIdentifiers"]) == ("OIDC", ["example.com", "Partner"])
    assert cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Upstream")["IdentityProvider"] == created
    assert cognito.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="EXAMPLE.COM")["IdentityProvider"] == created

    # Endpoints given are kept as they are: nothing is fetched.
    explicit = {"authorize_url": "https://idp.example.com/authorize", "token_url": "https://idp.example.com/token",
                "attributes_url": "https://idp.example.com/userinfo", "jwks_uri": "https://idp.example.com/jwks"}
    second = cognito.create_identity_provider(UserPoolId=pool, ProviderName="Explicit", ProviderType="OIDC",
                                              ProviderDetails=details("https://idp.example.com", attributes_request_method="POST", **explicit))
    assert second["IdentityProvider"]["ProviderDetails"]["token_url"] == "https://idp.example.com/token"
    listed = cognito.list_identity_providers(UserPoolId=pool, MaxResults=1)
    assert [p["ProviderName"] for p in listed["Providers"]] == ["Explicit"]
    rest = cognito.list_identity_providers(UserPoolId=pool, MaxResults=1, NextToken=listed["NextToken"])
    assert [(p["ProviderName"], p["ProviderType"]) for p in rest["Providers"]] == [("Upstream", "OIDC")] and "NextToken" not in rest

    updated = cognito.update_identity_provider(UserPoolId=pool, ProviderName="Upstream", AttributeMapping={"email": "mail"},
                                               ProviderDetails={"authorize_scopes": "openid email"})["IdentityProvider"]
    assert updated["AttributeMapping"] == {"email": "mail", "username": "sub"}
    assert updated["ProviderDetails"]["authorize_scopes"] == "openid email"
    assert updated["ProviderDetails"]["token_url"] == f"{upstream.pool_url}/oauth2/token"
    assert updated["LastModifiedDate"] >= created["LastModifiedDate"]

    cognito.delete_identity_provider(UserPoolId=pool, ProviderName="Explicit")
    for call in [lambda: cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Explicit"),
                 lambda: cognito.delete_identity_provider(UserPoolId=pool, ProviderName="Explicit"),
                 lambda: cognito.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="nobody.example")]:
        assert error_of(call)[0] == "ResourceNotFoundException"


def test_what_cannot_be_a_provider_is_refused_and_changes_nothing(local, upstream):
    cognito, pool = local.cognito, local.pool_id
    issuer = f"{upstream.pool_url}/{upstream.pool_id}"
    create = lambda **kw: cognito.create_identity_provider(UserPoolId=pool, **{  # noqa: E731
        "ProviderName": "Refused", "ProviderType": "OIDC", "ProviderDetails": details(issuer), **kw})
    assert error_of(lambda: create(ProviderType="SAML", ProviderDetails={"MetadataURL": "https://idp.example.com/saml"})) == (
        "InvalidParameterException", "ProviderType SAML is not supported by the local pool; OIDC providers are.")
    for bad in [dict(ProviderName="Cognito"), dict(ProviderName="_Leading"),
                dict(ProviderDetails={**details(issuer), "favourite_colour": "blue"}),
                dict(ProviderDetails={k: v for k, v in details(issuer).items() if k != "client_id"}),
                dict(ProviderDetails=details(issuer, authorize_scopes="email")),
                dict(ProviderDetails=details(issuer, attributes_request_method="PUT")),
                dict(ProviderDetails=details("http://idp.example.com")),        # plain http off loopback
                dict(ProviderDetails=details(f"http://127.0.0.1:{free_port()}")),  # nothing listens there
                dict(ProviderDetails=details(upstream.pool_url)),                # not an issuer
                dict(AttributeMapping={"shoe_size": "shoe"}),
                dict(IdpIdentifiers=["a" * 41]),
                dict(IdpIdentifiers=["dup.example", "DUP.example"])]:
        assert error_of(lambda: create(**bad))[0] == "InvalidParameterException", bad
    cognito.create_identity_provider(UserPoolId=pool, ProviderName="Taken", ProviderType="OIDC", ProviderDetails=details(issuer),
                                     IdpIdentifiers=["taken.example"])
    assert error_of(lambda: create(ProviderName="Taken"))[0] == "DuplicateProviderException"
    assert error_of(lambda: create(IdpIdentifiers=["Taken.Example"]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Refused"))[0] == "ResourceNotFoundException"
    cognito.delete_identity_provider(UserPoolId=pool, ProviderName="Taken")


def pkce():
    verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def claims_of(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture(scope="module")
def federation(local, upstream):
    """The upstream pool's client for us, a user there, the provider here, and a code client here
    that offers it."""
    up = upstream.cognito.create_user_pool_client(
        UserPoolId=upstream.pool_id, ClientName="federation", GenerateSecret=True, AllowedOAuthFlows=["code"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email", "profile"], SupportedIdentityProviders=["COGNITO"],
        CallbackURLs=[f"{local.pool_url}/oauth2/idpresponse"])["UserPoolClient"]
    upstream.cognito.admin_create_user(UserPoolId=upstream.pool_id, Username="partner-user", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "partner@example.com"}, {"Name": "email_verified", "Value": "true"}, {"Name": "nickname", "Value": "Pat"}])
    upstream.cognito.admin_set_user_password(UserPoolId=upstream.pool_id, Username="partner-user", Password="Upstream-passw0rd!", Permanent=True)
    local.cognito.create_identity_provider(
        UserPoolId=local.pool_id, ProviderName="Partner", ProviderType="OIDC",
        ProviderDetails={"client_id": up["ClientId"], "client_secret": up["ClientSecret"], "authorize_scopes": "openid email profile",
                         "oidc_issuer": f"{upstream.pool_url}/{upstream.pool_id}"},
        AttributeMapping={"email": "email", "nickname": "nickname"}, IdpIdentifiers=["partner.example"])
    client = local.cognito.create_user_pool_client(
        UserPoolId=local.pool_id, ClientName="federated-app", AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["openid", "email", "profile"], SupportedIdentityProviders=["COGNITO", "Partner"],
        CallbackURLs=[local.app + "/"])["UserPoolClient"]
    return client["ClientId"]


def authorize_url(local, client, challenge, **extra):
    return f"{local.pool_url}/oauth2/authorize?" + urlencode({
        "response_type": "code", "client_id": client, "redirect_uri": local.app + "/", "scope": "openid email profile",
        "state": "app-state", "code_challenge": challenge, "code_challenge_method": "S256", **extra})


def sign_in_through_partner(local, client, browser, username="partner-user", **extra):
    verifier, challenge = pkce()
    to_provider = browser.get(authorize_url(local, client, challenge, **extra), allow_redirects=False, timeout=10)
    assert to_provider.status_code == 302, to_provider.text
    back = login_through_form(browser, to_provider.headers["Location"], username, "Upstream-passw0rd!")
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{local.pool_url}/oauth2/idpresponse?"), back.text
    to_app = browser.get(back.headers["Location"], allow_redirects=False, timeout=10)
    # A page that navigates on to the app (a redirect would fall under the provider form's policy).
    assert to_app.status_code == 200 and to_app.headers["Referrer-Policy"] == "no-referrer", to_app.text
    onward = html.unescape(re.search(r'<a id="onward" href="([^"]+)"', to_app.text).group(1))
    assert f'<meta http-equiv="refresh" content="0;url={html.escape(onward)}">' in to_app.text.replace("&#39;", "'")
    assert onward.startswith(local.app + "/?")
    query = parse_qs(urlparse(onward).query)
    assert query["state"] == ["app-state"]
    tokens = requests.post(f"{local.pool_url}/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": client, "code": query["code"][0], "redirect_uri": local.app + "/",
        "code_verifier": verifier}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def test_a_user_signs_in_through_the_upstream_provider_as_cognito_does(local, upstream, federation):
    tokens = sign_in_through_partner(local, federation, requests.Session(), identity_provider="Partner")
    claims = claims_of(tokens["id_token"])
    upstream_sub = upstream.cognito.admin_get_user(UserPoolId=upstream.pool_id, Username="partner-user")["UserAttributes"]
    upstream_sub = next(a["Value"] for a in upstream_sub if a["Name"] == "sub")
    assert claims["cognito:username"] == f"Partner_{upstream_sub}"
    assert (claims["email"], claims["nickname"]) == ("partner@example.com", "Pat")
    assert [(i["providerName"], i["providerType"], i["userId"]) for i in claims["identities"]] == [("Partner", "OIDC", upstream_sub)]
    user = local.cognito.admin_get_user(UserPoolId=local.pool_id, Username=f"Partner_{upstream_sub}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"

    # The next sign-in (by idp_identifier this time) is the same user, the claims mapped again.
    upstream.cognito.admin_update_user_attributes(UserPoolId=upstream.pool_id, Username="partner-user",
                                                  UserAttributes=[{"Name": "nickname", "Value": "Patricia"}])
    again = claims_of(sign_in_through_partner(local, federation, requests.Session(), idp_identifier="PARTNER.example")["id_token"])
    assert (again["cognito:username"], again["sub"], again["nickname"]) == (claims["cognito:username"], claims["sub"], "Patricia")

    # The sign-in page offers the provider.
    page = requests.get(authorize_url(local, federation, "A" * 43), timeout=10)
    assert 'id="idp-Partner"' in page.text and "Sign in with Partner" in page.text


def test_a_provider_answer_is_taken_only_in_the_browser_that_started_it(local, upstream, federation):
    verifier, challenge = pkce()
    started = requests.Session()
    to_provider = started.get(authorize_url(local, federation, challenge, identity_provider="Partner"), allow_redirects=False, timeout=10)
    back = login_through_form(started, to_provider.headers["Location"], "partner-user", "Upstream-passw0rd!")
    answer = back.headers["Location"]
    # Another browser (an attacker's planted link) has no cookie for it: nobody is signed in.
    elsewhere = requests.get(answer, allow_redirects=False, timeout=10)
    assert elsewhere.status_code == 400 and "not started in this browser" in elsewhere.text
    # A state changed in transit fails its seal.
    tampered = answer.replace("state=", "state=x", 1)
    assert started.get(tampered, allow_redirects=False, timeout=10).status_code == 400
    # A client that does not offer the provider cannot be sent there.
    plain = requests.get(authorize_url(local, local.spa, challenge, identity_provider="Partner"), allow_redirects=False, timeout=10)
    assert plain.status_code == 400 and "does not support the identity provider Partner" in plain.text
    # And the real answer still works in its own browser.
    assert 'id="onward"' in started.get(answer, allow_redirects=False, timeout=10).text
    assert error_of(lambda: local.cognito.create_user_pool_client(
        UserPoolId=local.pool_id, ClientName="x", SupportedIdentityProviders=["COGNITO", "Nobody"]))[0] == "InvalidParameterException"


def upstream_user(upstream, username, email):
    upstream.cognito.admin_create_user(UserPoolId=upstream.pool_id, Username=username, MessageAction="SUPPRESS",
                                       UserAttributes=[{"Name": "email", "Value": email}, {"Name": "nickname", "Value": "Up"}])
    upstream.cognito.admin_set_user_password(UserPoolId=upstream.pool_id, Username=username, Password="Upstream-passw0rd!", Permanent=True)
    attributes = upstream.cognito.admin_get_user(UserPoolId=upstream.pool_id, Username=username)["UserAttributes"]
    return next(a["Value"] for a in attributes if a["Name"] == "sub")


def identities_of(local, username):
    attributes = local.cognito.admin_get_user(UserPoolId=local.pool_id, Username=username)["UserAttributes"]
    value = next((a["Value"] for a in attributes if a["Name"] == "identities"), "[]")
    return [(i["providerName"], i["userId"]) for i in json.loads(value)]


def test_a_linked_provider_identity_signs_in_as_the_native_user_until_it_is_disabled(local, upstream, federation):
    cognito, pool = local.cognito, local.pool_id
    sub = upstream_user(upstream, "linked-user", "linked@partner.example")
    cognito.admin_create_user(UserPoolId=pool, Username="native-nina", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "nina@example.com"}, {"Name": "nickname", "Value": "Nina"}])
    source = {"ProviderName": "Partner", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": sub}
    native = {"ProviderName": "Cognito", "ProviderAttributeValue": "native-nina"}
    cognito.admin_link_provider_for_user(UserPoolId=pool, DestinationUser=native, SourceUser=source)
    assert identities_of(local, "native-nina") == [("Partner", sub)]

    claims = claims_of(sign_in_through_partner(local, federation, requests.Session(), username="linked-user",
                                               identity_provider="Partner")["id_token"])
    assert (claims["cognito:username"], claims["nickname"], claims["email"]) == ("native-nina", "Nina", "nina@example.com")
    assert error_of(lambda: cognito.admin_get_user(UserPoolId=pool, Username=f"Partner_{sub}"))[0] == "UserNotFoundException"

    # What cannot be linked is refused.
    partner_sub = next(a["Value"] for a in upstream.cognito.admin_get_user(
        UserPoolId=upstream.pool_id, Username="partner-user")["UserAttributes"] if a["Name"] == "sub")
    for destination, linked, error in [
        (native, source, "InvalidParameterException"),                                    # linked already
        (native, {**source, "ProviderAttributeValue": partner_sub}, "InvalidParameterException"),  # a user of its own already
        (native, {**source, "ProviderName": "Nobody"}, "InvalidParameterException"),
        (native, {**source, "ProviderAttributeName": "email"}, "InvalidParameterException"),
        ({"ProviderName": "Cognito", "ProviderAttributeValue": "nobody-here"}, {**source, "ProviderAttributeValue": "fresh-sub"},
         "UserNotFoundException"),
        ({"ProviderName": "Partner", "ProviderAttributeValue": "native-nina"}, {**source, "ProviderAttributeValue": "fresh-sub"},
         "InvalidParameterException"),
    ]:
        assert error_of(lambda: cognito.admin_link_provider_for_user(UserPoolId=pool, DestinationUser=destination,
                                                                     SourceUser=linked))[0] == error, (destination, linked)

    # Disabled: the link goes, and the next sign-in is a user of its own.
    cognito.admin_disable_provider_for_user(UserPoolId=pool, User=source)
    assert identities_of(local, "native-nina") == []
    again = claims_of(sign_in_through_partner(local, federation, requests.Session(), username="linked-user",
                                              identity_provider="Partner")["id_token"])
    assert again["cognito:username"] == f"Partner_{sub}"

    # Disabling a provider user of its own disables that user: its next sign-in is refused.
    cognito.admin_disable_provider_for_user(UserPoolId=pool, User=source)
    assert cognito.admin_get_user(UserPoolId=pool, Username=f"Partner_{sub}")["Enabled"] is False
    verifier, challenge = pkce()
    browser = requests.Session()
    to_provider = browser.get(authorize_url(local, federation, challenge, identity_provider="Partner"), allow_redirects=False, timeout=10)
    back = login_through_form(browser, to_provider.headers["Location"], "linked-user", "Upstream-passw0rd!")
    refused = browser.get(back.headers["Location"], allow_redirects=False, timeout=10)
    assert refused.status_code == 401 and "User is disabled." in refused.text
    assert error_of(lambda: cognito.admin_disable_provider_for_user(
        UserPoolId=pool, User={**source, "ProviderAttributeValue": "never-seen"}))[0] == "UserNotFoundException"


def test_pre_sign_up_runs_for_a_first_federated_sign_in_and_may_refuse_it(local, upstream, federation):
    local.cognito.update_user_pool(UserPoolId=local.pool_id, LambdaConfig={
        "PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:presignup"})
    try:
        blocked_sub = upstream_user(upstream, "blocked-partner", "someone@blocked.example")
        verifier, challenge = pkce()
        browser = requests.Session()
        to_provider = browser.get(authorize_url(local, federation, challenge, identity_provider="Partner"), allow_redirects=False, timeout=10)
        back = login_through_form(browser, to_provider.headers["Location"], "blocked-partner", "Upstream-passw0rd!")
        refused = browser.get(back.headers["Location"], allow_redirects=False, timeout=10)
        assert refused.status_code == 401
        assert "PreSignUp failed with error partners from blocked.example may not sign up." in html.unescape(refused.text)
        with pytest.raises(botocore.exceptions.ClientError):
            local.cognito.admin_get_user(UserPoolId=local.pool_id, Username=f"Partner_{blocked_sub}")

        fresh_sub = upstream_user(upstream, "fresh-partner", "fresh@partner.example")
        claims = claims_of(sign_in_through_partner(local, federation, requests.Session(), "fresh-partner", identity_provider="Partner")["id_token"])
        assert claims["cognito:username"] == f"Partner_{fresh_sub}"
        sign_in_through_partner(local, federation, requests.Session(), "fresh-partner", identity_provider="Partner")
        events = [e for e in map(json.loads, local.events_file.read_text().splitlines()) if e["userName"] == f"Partner_{fresh_sub}"]
        # Once: the second sign-in is no sign-up.
        assert len(events) == 1 and events[0]["triggerSource"] == "PreSignUp_ExternalProvider"
        assert events[0]["request"]["userAttributes"]["email"] == "fresh@partner.example"
        assert events[0]["callerContext"]["clientId"] == federation
    finally:
        local.cognito.update_user_pool(UserPoolId=local.pool_id)
