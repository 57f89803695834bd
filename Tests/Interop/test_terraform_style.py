"""A Terraform-style setup through boto3 (issue 27): the calls the AWS provider makes, read first,
then create what is missing and update what exists, for a pool with a domain, a resource server,
a machine-to-machine client and an OIDC provider. Applied twice: the second run updates and
changes no identifier."""

import botocore.exceptions
import pytest

from conftest import LocalServe


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("terraform"))
    yield serve
    serve.close()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("terraform-idp"))
    yield serve
    serve.close()


def missing(call):
    try:
        return call()
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def apply(cognito, upstream, run):
    """One `terraform apply`: the provider's reads, then a create or an update per resource."""
    pools = [p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == "tf-pool"]
    settings = dict(Policies={"PasswordPolicy": {"MinimumLength": 10 + run}}, UserPoolTags={"run": str(run)},
                    UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})
    if pools:
        pool = pools[0]
        cognito.update_user_pool(UserPoolId=pool, **settings)
    else:
        pool = cognito.create_user_pool(PoolName="tf-pool", **settings)["UserPool"]["Id"]
    cognito.describe_user_pool(UserPoolId=pool)

    if cognito.describe_user_pool_domain(Domain="tf-login")["DomainDescription"]:
        cognito.update_user_pool_domain(UserPoolId=pool, Domain="tf-login", ManagedLoginVersion=2)
    else:
        cognito.create_user_pool_domain(UserPoolId=pool, Domain="tf-login", ManagedLoginVersion=1)

    scopes = [{"ScopeName": "read", "ScopeDescription": f"read, run {run}"}, {"ScopeName": "write", "ScopeDescription": "write"}]
    if missing(lambda: cognito.describe_resource_server(UserPoolId=pool, Identifier="https://api.tf.example")):
        cognito.update_resource_server(UserPoolId=pool, Identifier="https://api.tf.example", Name="api", Scopes=scopes)
    else:
        cognito.create_resource_server(UserPoolId=pool, Identifier="https://api.tf.example", Name="api", Scopes=scopes)

    details = {"client_id": "tf-client", "client_secret": "tf-secret", "authorize_scopes": "openid email",
               "oidc_issuer": f"{upstream.pool_url}/{upstream.pool_id}"}
    if missing(lambda: cognito.describe_identity_provider(UserPoolId=pool, ProviderName="Partner")):
        cognito.update_identity_provider(UserPoolId=pool, ProviderName="Partner", ProviderDetails=details,
                                         AttributeMapping={"email": "email"})
    else:
        cognito.create_identity_provider(UserPoolId=pool, ProviderName="Partner", ProviderType="OIDC", ProviderDetails=details,
                                         AttributeMapping={"email": "email"})

    clients = {c["ClientName"]: c["ClientId"] for c in cognito.list_user_pool_clients(UserPoolId=pool, MaxResults=60)["UserPoolClients"]}
    m2m = dict(AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
               AllowedOAuthScopes=["https://api.tf.example/read"], AccessTokenValidity=30 + run,
               TokenValidityUnits={"AccessToken": "minutes"})
    if "tf-m2m" in clients:
        cognito.update_user_pool_client(UserPoolId=pool, ClientId=clients["tf-m2m"], ClientName="tf-m2m", **m2m)
    else:
        clients["tf-m2m"] = cognito.create_user_pool_client(UserPoolId=pool, ClientName="tf-m2m", GenerateSecret=True, **m2m)[
            "UserPoolClient"]["ClientId"]
    web = dict(AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthScopes=["openid", "email"],
               CallbackURLs=["https://app.tf.example/"], SupportedIdentityProviders=["COGNITO", "Partner"])
    if "tf-web" in clients:
        cognito.update_user_pool_client(UserPoolId=pool, ClientId=clients["tf-web"], ClientName="tf-web", **web)
    else:
        clients["tf-web"] = cognito.create_user_pool_client(UserPoolId=pool, ClientName="tf-web", **web)["UserPoolClient"]["ClientId"]
    return pool, clients


def test_the_setup_applies_twice_the_second_time_as_updates(local, upstream):
    cognito = local.cognito
    first = apply(cognito, upstream, 1)
    second = apply(cognito, upstream, 2)
    assert second == first
    pool, clients = second
    assert [p["Name"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]].count("tf-pool") == 1
    described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12 and described["UserPoolTags"] == {"run": "2"}
    assert described["Domain"] == "tf-login" and described["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    assert cognito.describe_user_pool_domain(Domain="tf-login")["DomainDescription"]["ManagedLoginVersion"] == 2
    server = cognito.describe_resource_server(UserPoolId=pool, Identifier="https://api.tf.example")["ResourceServer"]
    assert server["Scopes"][0]["ScopeDescription"] == "read, run 2"
    m2m = cognito.describe_user_pool_client(UserPoolId=pool, ClientId=clients["tf-m2m"])["UserPoolClient"]
    assert m2m["AccessTokenValidity"] == 32 * 60 and "ClientSecret" in m2m
    web = cognito.describe_user_pool_client(UserPoolId=pool, ClientId=clients["tf-web"])["UserPoolClient"]
    assert web["SupportedIdentityProviders"] == ["COGNITO", "Partner"]
    assert [p["ProviderName"] for p in cognito.list_identity_providers(UserPoolId=pool)["Providers"]] == ["Partner"]
