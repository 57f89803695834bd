"""OIDC identity providers through boto3 (issue 27, federation): a second `gatehouse serve` is the
upstream provider, whose discovery document fills in the endpoints; names, types, details,
mappings and identifiers are checked as Cognito checks them."""

import botocore.exceptions
import pytest

from conftest import LocalServe, free_port


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("federating"))
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
