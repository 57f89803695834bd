"""The setup and admin calls of issue 27 served so far, through boto3 (botocore's validation on
the request, its parsing of the answer): tags, log delivery, the import header, attribute
deletion, the schema and the clients' read and write attributes, and client secret rotation
with both secrets accepted until one is deleted."""

import base64
import hashlib
import hmac
import json
import re
from urllib.parse import parse_qs, urlencode, urlparse

import botocore.exceptions
import pytest
import requests

from conftest import LocalServe
from test_oidc_flow import login_through_form


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("admin-calls"))
    yield serve
    serve.close()


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_tags_on_the_pool_arn(local):
    cognito = local.cognito
    pool = cognito.create_user_pool(PoolName="tagged", UserPoolTags={"team": "identity", "Env": "test"})["UserPool"]
    arn = pool["Arn"]
    assert pool["UserPoolTags"] == {"team": "identity", "Env": "test"}
    cognito.tag_resource(ResourceArn=arn, Tags={"Env": "prod", "cost-center": "42"})
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "identity", "Env": "prod", "cost-center": "42"}
    cognito.untag_resource(ResourceArn=arn, TagKeys=["team", "not-there"])
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"Env": "prod", "cost-center": "42"}
    assert cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]["UserPoolTags"] == {"Env": "prod", "cost-center": "42"}
    # UpdateUserPool without tags keeps them.
    cognito.update_user_pool(UserPoolId=pool["Id"])
    assert cognito.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"Env": "prod", "cost-center": "42"}
    assert error_of(lambda: cognito.tag_resource(ResourceArn=arn, Tags={"aws:reserved": "x"}))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(49)}))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.tag_resource(ResourceArn=arn, Tags={"bad\u0000key": "v"}))[0] == "InvalidParameterException"
    gone = arn.rsplit("/", 1)[0] + "/us-east-1_NoSuchPool1"
    assert error_of(lambda: cognito.list_tags_for_resource(ResourceArn=gone))[0] == "ResourceNotFoundException"
    assert error_of(lambda: cognito.list_tags_for_resource(ResourceArn="arn:aws:s3:us-east-1:000000000000:bucket/x"))[0] == "InvalidParameterException"
    cognito.delete_user_pool(UserPoolId=pool["Id"])


def test_log_delivery_and_the_import_header(local):
    cognito, pool = local.cognito, local.pool_id
    assert cognito.get_log_delivery_configuration(UserPoolId=pool)["LogDeliveryConfiguration"] == {"UserPoolId": pool, "LogConfigurations": []}
    configuration = [{"LogLevel": "ERROR", "EventSource": "userNotification",
                      "CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cognito"}}]
    set_answer = cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=configuration)
    assert set_answer["LogDeliveryConfiguration"]["LogConfigurations"] == configuration
    assert cognito.get_log_delivery_configuration(UserPoolId=pool)["LogDeliveryConfiguration"]["LogConfigurations"] == configuration
    twice = configuration + configuration
    assert error_of(lambda: cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=twice))[0] == "InvalidParameterException"
    nowhere = [{"LogLevel": "INFO", "EventSource": "userAuthEvents"}]
    assert error_of(lambda: cognito.set_log_delivery_configuration(UserPoolId=pool, LogConfigurations=nowhere))[0] == "InvalidParameterException"

    header = cognito.get_csv_header(UserPoolId=pool)
    assert header["UserPoolId"] == pool
    assert header["CSVHeader"][:3] == ["name", "given_name", "family_name"] and header["CSVHeader"][-1] == "cognito:username"
    assert error_of(lambda: cognito.get_csv_header(UserPoolId="us-east-1_NoSuchPool1"))[0] == "ResourceNotFoundException"


def test_attributes_are_deleted_by_an_admin_and_by_the_user(local):
    cognito, pool = local.cognito, local.pool_id
    cognito.admin_create_user(UserPoolId=pool, Username="dora", MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": "dora@example.com"}, {"Name": "email_verified", "Value": "true"},
        {"Name": "nickname", "Value": "D"}, {"Name": "given_name", "Value": "Dora"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="dora", Password="Passw0rd!Dora", Permanent=True)
    cognito.admin_delete_user_attributes(UserPoolId=pool, Username="dora", UserAttributeNames=["email", "website"])
    code, message = error_of(lambda: cognito.admin_delete_user_attributes(UserPoolId=pool, Username="dora", UserAttributeNames=["not-there"]))
    assert (code, message) == ("InvalidParameterException", "Invalid user attributes: user.not-there: Attribute does not exist in the schema.")
    names = {a["Name"] for a in cognito.admin_get_user(UserPoolId=pool, Username="dora")["UserAttributes"]}
    assert names == {"sub", "nickname", "given_name"}
    assert error_of(lambda: cognito.admin_delete_user_attributes(UserPoolId=pool, Username="dora", UserAttributeNames=["sub"]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.admin_delete_user_attributes(UserPoolId=pool, Username="nobody", UserAttributeNames=["nickname"]))[0] == "UserNotFoundException"

    token = cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "dora", "PASSWORD": "Passw0rd!Dora"})["AuthenticationResult"]["AccessToken"]
    cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["nickname"])
    assert {a["Name"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]} == {"sub", "given_name"}
    assert error_of(lambda: cognito.delete_user_attributes(AccessToken="not-a-token", UserAttributeNames=["given_name"]))[0] == "NotAuthorizedException"


def claims_of(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_schema_and_what_each_client_reads_and_writes(local):
    cognito = local.cognito
    pool = cognito.create_user_pool(PoolName="schema", Schema=[
        {"Name": "email", "Required": True},
        {"Name": "team", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "8"}},
    ])["UserPool"]
    pool_id = pool["Id"]
    cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "level", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"}},
        {"Name": "badge", "AttributeDataType": "String", "Mutable": False},
        {"Name": "tier", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
    ])
    described = {a["Name"]: a for a in cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]}
    assert described["email"]["Required"] is True and described["sub"]["Mutable"] is False
    assert described["custom:team"]["StringAttributeConstraints"] == {"MinLength": "2", "MaxLength": "8"}
    assert described["custom:level"]["NumberAttributeConstraints"] == {"MinValue": "1", "MaxValue": "10"}
    assert described["custom:badge"]["Mutable"] is False and described["dev:custom:tier"]["DeveloperOnlyAttribute"] is True
    code, message = error_of(lambda: cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}]))
    assert (code, message) == ("InvalidParameterException", "custom:team: Existing attribute already has name custom:team.")
    assert error_of(lambda: cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[{"Name": "x"}]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=[
        {"Name": "n", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "99999999999999999999"}}]))[0] == "InvalidParameterException"

    attributes = [{"Name": "email", "Value": "eve@example.com"}, {"Name": "nickname", "Value": "E"},
                  {"Name": "custom:team", "Value": "red"}, {"Name": "custom:badge", "Value": "gold"}, {"Name": "dev:custom:tier", "Value": "vip"}]
    for bad in [{"Name": "custom:level", "Value": "11"}, {"Name": "custom:level", "Value": "x"}, {"Name": "custom:nope", "Value": "x"}]:
        code, _ = error_of(lambda: cognito.admin_create_user(UserPoolId=pool_id, Username="eve", MessageAction="SUPPRESS", UserAttributes=attributes + [bad]))
        assert code == "InvalidParameterException"
    code, message = error_of(lambda: cognito.admin_create_user(UserPoolId=pool_id, Username="eve", MessageAction="SUPPRESS", UserAttributes=attributes[1:]))
    assert (code, message) == ("InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required")
    cognito.admin_create_user(UserPoolId=pool_id, Username="eve", MessageAction="SUPPRESS", UserAttributes=attributes)
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="eve", Password="Passw0rd!Eve", Permanent=True)
    code, message = error_of(lambda: cognito.admin_update_user_attributes(UserPoolId=pool_id, Username="eve", UserAttributes=[{"Name": "custom:badge", "Value": "tin"}]))
    assert (code, message) == ("InvalidParameterException", "Cannot modify the non-mutable attribute custom:badge")

    assert error_of(lambda: cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="bad", ReadAttributes=["dev:custom:tier"]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="bad", WriteAttributes=["email_verified"]))[0] == "InvalidParameterException"
    narrow = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="narrow", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                             ReadAttributes=["email", "custom:team"], WriteAttributes=["custom:team"])["UserPoolClient"]
    assert narrow["ReadAttributes"] == ["email", "custom:team"] and narrow["WriteAttributes"] == ["custom:team"]
    result = cognito.initiate_auth(ClientId=narrow["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": "eve", "PASSWORD": "Passw0rd!Eve"})["AuthenticationResult"]
    token = result["AccessToken"]
    seen = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    assert set(seen) == {"sub", "email", "custom:team"}
    id_claims = claims_of(result["IdToken"])
    assert id_claims["custom:team"] == "red" and "nickname" not in id_claims and "dev:custom:tier" not in id_claims
    code, message = error_of(lambda: cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "nickname", "Value": "X"}]))
    assert (code, message) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute nickname")
    assert error_of(lambda: cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "custom:team", "Value": "x"}]))[0] == "InvalidParameterException"
    cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "custom:team", "Value": "blue"}])
    stored = {a["Name"]: a["Value"] for a in cognito.admin_get_user(UserPoolId=pool_id, Username="eve")["UserAttributes"]}
    assert stored["custom:team"] == "blue" and stored["nickname"] == "E" and stored["dev:custom:tier"] == "vip"
    cognito.delete_user_pool(UserPoolId=pool_id)


def secret_hash(secret, client_id, username):
    return base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()


def test_a_client_secret_is_rotated_without_downtime(local):
    cognito, pool = local.cognito, local.pool_id
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="rotating", GenerateSecret=True,
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    client_id, first = client["ClientId"], client["ClientSecret"]

    def signs_in(secret):
        try:
            cognito.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
                "USERNAME": local.demo["username"], "PASSWORD": local.demo["password"],
                "SECRET_HASH": secret_hash(secret, client_id, local.demo["username"])})
            return True
        except cognito.exceptions.NotAuthorizedException:
            return False

    def token_endpoint_accepts(secret):
        answered = requests.post(f"{local.pool_url}/oauth2/token", auth=(client_id, secret),
                                 data={"grant_type": "refresh_token", "refresh_token": "x"}, timeout=10)
        return answered.json()["error"] != "invalid_client"

    [original] = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=client_id)["ClientSecrets"]
    assert "ClientSecretValue" not in original
    added = cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=client_id)["ClientSecretDescriptor"]
    second = added["ClientSecretValue"]
    assert second != first and len(second) >= 24
    listed = cognito.list_user_pool_client_secrets(UserPoolId=pool, ClientId=client_id)["ClientSecrets"]
    assert [s["ClientSecretId"] for s in listed] == [original["ClientSecretId"], added["ClientSecretId"]]
    assert all("ClientSecretValue" not in s for s in listed)
    # Both work during the rotation, for SECRET_HASH and at the token endpoint.
    assert signs_in(first) and signs_in(second)
    assert token_endpoint_accepts(first) and token_endpoint_accepts(second) and not token_endpoint_accepts("wrong" * 6)
    assert error_of(lambda: cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=client_id))[0] == "LimitExceededException"

    cognito.delete_user_pool_client_secret(UserPoolId=pool, ClientId=client_id, ClientSecretId=original["ClientSecretId"])
    assert not signs_in(first) and signs_in(second)
    assert not token_endpoint_accepts(first) and token_endpoint_accepts(second)
    assert cognito.describe_user_pool_client(UserPoolId=pool, ClientId=client_id)["UserPoolClient"]["ClientSecret"] == second
    assert error_of(lambda: cognito.delete_user_pool_client_secret(
        UserPoolId=pool, ClientId=client_id, ClientSecretId=added["ClientSecretId"]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.delete_user_pool_client_secret(
        UserPoolId=pool, ClientId=client_id, ClientSecretId="no-such-secret"))[0] == "ResourceNotFoundException"
    # A chosen secret, held to Cognito's pattern; a public client has none to rotate.
    chosen = "Chosen+Secret_0123456789abcdef"
    assert cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=client_id, ClientSecret=chosen)["ClientSecretDescriptor"]["ClientSecretValue"] == chosen
    assert signs_in(chosen)
    assert error_of(lambda: cognito.add_user_pool_client_secret(UserPoolId=pool, ClientId=local.spa))[0] == "InvalidParameterException"


def test_domains_a_prefix_and_a_custom_one_per_pool(local):
    cognito, pool = local.cognito, local.pool_id
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    # An unknown domain is described as empty, as Cognito answers (Terraform relies on it).
    assert cognito.describe_user_pool_domain(Domain="my-app-login")["DomainDescription"] == {}
    prefix = cognito.create_user_pool_domain(Domain="my-app-login", UserPoolId=pool)
    assert prefix["ManagedLoginVersion"] == 1 and "CloudFrontDomain" not in prefix
    described = cognito.describe_user_pool_domain(Domain="my-app-login")["DomainDescription"]
    assert described["UserPoolId"] == pool and described["Domain"] == "my-app-login" and described["Status"] == "ACTIVE"
    assert described["CloudFrontDistribution"].endswith(".cloudfront.net") and "CustomDomainConfig" not in described
    created = cognito.create_user_pool_domain(Domain="auth.example.com", UserPoolId=pool, ManagedLoginVersion=2,
                                              CustomDomainConfig={"CertificateArn": certificate})
    assert created["ManagedLoginVersion"] == 2 and created["CloudFrontDomain"].endswith(".cloudfront.net")
    again = cognito.describe_user_pool_domain(Domain="auth.example.com")["DomainDescription"]
    assert again["CloudFrontDistribution"] == created["CloudFrontDomain"] and again["CustomDomainConfig"] == {"CertificateArn": certificate}
    pool_described = cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    assert pool_described["Domain"] == "my-app-login" and pool_described["CustomDomain"] == "auth.example.com"

    # One of each per pool, each name once, Cognito's reserved words and certificate rules.
    assert error_of(lambda: cognito.create_user_pool_domain(Domain="second-prefix", UserPoolId=pool)) == (
        "InvalidParameterException", "User pool already has a domain configured.")
    other = cognito.create_user_pool(PoolName="other")["UserPool"]["Id"]
    assert error_of(lambda: cognito.create_user_pool_domain(Domain="my-app-login", UserPoolId=other)) == (
        "InvalidParameterException", "Domain already associated with another user pool.")
    for bad in ("Upper", "-dash", "my-cognito-app", "a" * 64, "two.labels"):
        assert error_of(lambda: cognito.create_user_pool_domain(Domain=bad, UserPoolId=other))[0] == "InvalidParameterException", bad
    wrong_region = certificate.replace("us-east-1", "eu-west-1")
    assert error_of(lambda: cognito.create_user_pool_domain(Domain="login.example.org", UserPoolId=other,
                                                            CustomDomainConfig={"CertificateArn": wrong_region}))[0] == "InvalidParameterException"

    updated = cognito.update_user_pool_domain(Domain="my-app-login", UserPoolId=pool, ManagedLoginVersion=2)
    assert updated["ManagedLoginVersion"] == 2
    assert cognito.describe_user_pool_domain(Domain="my-app-login")["DomainDescription"]["ManagedLoginVersion"] == 2
    assert error_of(lambda: cognito.delete_user_pool_domain(Domain="my-app-login", UserPoolId=other)) == (
        "InvalidParameterException", "No such domain or user pool exists.")
    cognito.delete_user_pool_domain(Domain="my-app-login", UserPoolId=pool)
    assert cognito.describe_user_pool_domain(Domain="my-app-login")["DomainDescription"] == {}
    assert "Domain" not in cognito.describe_user_pool(UserPoolId=pool)["UserPool"]
    # Deleting a pool frees its names.
    cognito.delete_user_pool_domain(Domain="auth.example.com", UserPoolId=pool)
    cognito.create_user_pool_domain(Domain="freed-name", UserPoolId=other)
    cognito.delete_user_pool(UserPoolId=other)
    assert cognito.describe_user_pool_domain(Domain="freed-name")["DomainDescription"] == {}


def test_legacy_mfa_options_are_kept_and_described(local):
    cognito, pool = local.cognito, local.pool_id
    cognito.admin_create_user(UserPoolId=pool, Username="lee", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "phone_number", "Value": "+15555550100"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="lee", Password="Passw0rd!Lee", Permanent=True)
    assert cognito.admin_get_user(UserPoolId=pool, Username="lee")["MFAOptions"] == []
    sms = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    cognito.admin_set_user_settings(UserPoolId=pool, Username="lee", MFAOptions=sms)
    assert cognito.admin_get_user(UserPoolId=pool, Username="lee")["MFAOptions"] == sms
    assert error_of(lambda: cognito.admin_set_user_settings(UserPoolId=pool, Username="lee", MFAOptions=[
        {"DeliveryMedium": "EMAIL", "AttributeName": "email"}]))[0] == "InvalidParameterException"
    token = cognito.initiate_auth(ClientId=local.spa, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "lee", "PASSWORD": "Passw0rd!Lee"})["AuthenticationResult"]["AccessToken"]
    # With the user's own token; an empty list clears.
    cognito.set_user_settings(AccessToken=token, MFAOptions=[])
    assert cognito.get_user(AccessToken=token)["MFAOptions"] == []
    assert error_of(lambda: cognito.admin_set_user_settings(UserPoolId=pool, Username="nobody", MFAOptions=sms))[0] == "UserNotFoundException"


def test_terms_documents_and_their_links_on_the_sign_up_page(local):
    cognito, pool = local.cognito, local.pool_id
    page_url = (f"{local.pool_url}/login/signup?response_type=code&client_id={local.spa}"
                f"&redirect_uri={local.app}/&code_challenge={'A' * 43}&code_challenge_method=S256&scope=openid")

    def links_on_page():
        page = requests.get(page_url, timeout=10)
        assert page.status_code == 200, page.text
        return re.findall(r'<a id="(terms-link|privacy-link)" href="([^"]*)"', page.text)

    terms = cognito.create_terms(UserPoolId=pool, ClientId=local.spa, TermsName="terms-of-use", TermsSource="LINK",
                                 Enforcement="NONE", Links={"cognito:default": "https://example.com/terms"})["Terms"]
    assert terms["TermsName"] == "terms-of-use" and terms["Links"] == {"cognito:default": "https://example.com/terms"}
    # One document alone shows nothing, as Cognito shows none until both exist.
    assert links_on_page() == []
    privacy = cognito.create_terms(UserPoolId=pool, ClientId=local.spa, TermsName="privacy-policy", TermsSource="LINK",
                                   Enforcement="NONE", Links={"cognito:english": "https://example.com/privacy?a=1&b=2",
                                                              "cognito:french": "https://example.com/fr/privacy"})["Terms"]
    assert links_on_page() == [("terms-link", "https://example.com/terms"), ("privacy-link", "https://example.com/privacy?a=1&amp;b=2")]
    assert error_of(lambda: cognito.create_terms(UserPoolId=pool, ClientId=local.spa, TermsName="terms-of-use", TermsSource="LINK",
                                                 Enforcement="NONE", Links={"cognito:default": "https://example.com/t2"}))[0] == "TermsExistsException"
    assert error_of(lambda: cognito.create_terms(UserPoolId=pool, ClientId=local.confidential, TermsName="cookies", TermsSource="LINK",
                                                 Enforcement="NONE", Links={"cognito:default": "https://x"}))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.create_terms(UserPoolId=pool, ClientId=local.confidential, TermsName="terms-of-use", TermsSource="LINK",
                                                 Enforcement="NONE", Links={"cognito:klingon": "https://x"}))[0] == "InvalidParameterException"

    # A link that is not http(s) is stored, as Cognito stores it, but never becomes a link on the page.
    cognito.update_terms(TermsId=terms["TermsId"], UserPoolId=pool, Links={"cognito:default": "javascript:alert(1)"})
    assert links_on_page() == []
    updated = cognito.update_terms(TermsId=terms["TermsId"], UserPoolId=pool, Links={"cognito:default": "https://example.com/terms-v2"})["Terms"]
    assert updated["Links"] == {"cognito:default": "https://example.com/terms-v2"} and updated["TermsName"] == "terms-of-use"
    assert cognito.describe_terms(TermsId=privacy["TermsId"], UserPoolId=pool)["Terms"]["Links"]["cognito:french"] == "https://example.com/fr/privacy"
    listed = cognito.list_terms(UserPoolId=pool, MaxResults=1)
    assert [t["TermsId"] for t in listed["Terms"]] == [terms["TermsId"]] and listed["NextToken"]
    assert [t["TermsId"] for t in cognito.list_terms(UserPoolId=pool, NextToken=listed["NextToken"])["Terms"]] == [privacy["TermsId"]]
    assert error_of(lambda: cognito.update_terms(TermsId=privacy["TermsId"], UserPoolId=pool, TermsName="terms-of-use"))[0] == "TermsExistsException"

    cognito.delete_terms(TermsId=terms["TermsId"], UserPoolId=pool)
    assert error_of(lambda: cognito.describe_terms(TermsId=terms["TermsId"], UserPoolId=pool))[0] == "ResourceNotFoundException"
    assert links_on_page() == []
    cognito.delete_terms(TermsId=privacy["TermsId"], UserPoolId=pool)
    assert cognito.list_terms(UserPoolId=pool)["Terms"] == []


def test_the_signing_certificate_is_a_real_self_signed_x509_kept_across_restarts(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    serve = LocalServe(tmp_path)
    try:
        der = base64.b64decode(serve.cognito.get_signing_certificate(UserPoolId=serve.pool_id)["Certificate"])
        certificate = x509.load_der_x509_certificate(der)
        assert certificate.version == x509.Version.v3
        assert certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == serve.pool_id
        assert certificate.issuer == certificate.subject and certificate.public_key().key_size == 2048
        # Self-signed: its own key verifies its signature (cryptography raises otherwise).
        certificate.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(),
                                        certificate.signature_hash_algorithm)
        assert certificate.signature_hash_algorithm.name == "sha256"
        assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days >= 3650
        # The key is the pool's ID-token key, as its JWKS publishes it.
        numbers = certificate.public_key().public_numbers()
        jwks = requests.get(f"{serve.pool_url}/{serve.pool_id}/.well-known/jwks.json", timeout=10).json()["keys"]
        moduli = {int.from_bytes(base64.urlsafe_b64decode(k["n"] + "=" * (-len(k["n"]) % 4)), "big") for k in jwks}
        assert numbers.n in moduli
        serve.restart()
        again = serve.cognito.get_signing_certificate(UserPoolId=serve.pool_id)["Certificate"]
        assert base64.b64decode(again) == der
        assert error_of(lambda: serve.cognito.get_signing_certificate(UserPoolId="us-east-1_NoSuchPool1"))[0] == "ResourceNotFoundException"
    finally:
        serve.close()


# A 1x1 PNG, as any image editor writes it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_ui_customization_styles_the_hosted_pages(local):
    cognito, pool = local.cognito, local.pool_id
    page_url = (f"{local.pool_url}/login?response_type=code&client_id={{}}"
                f"&redirect_uri={local.app}/&code_challenge={'A' * 43}&code_challenge_method=S256&scope=openid")
    everyone = ".banner-customizable { background-color: #123456; }"
    answer = cognito.set_ui_customization(UserPoolId=pool, CSS=everyone)["UICustomization"]
    assert (answer["ClientId"], answer["CSS"]) == ("ALL", everyone) and "ImageUrl" not in answer
    own = ".submitButton-customizable { background-color: #0a7d33; }"
    answer = cognito.set_ui_customization(UserPoolId=pool, ClientId=local.spa, CSS=own, ImageFile=PNG)["UICustomization"]
    assert answer["ClientId"] == local.spa and answer["ImageUrl"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert cognito.get_ui_customization(UserPoolId=pool, ClientId=local.spa)["UICustomization"]["CSS"] == own
    # A client without its own gets the pool's.
    other = cognito.get_ui_customization(UserPoolId=pool, ClientId=local.confidential)["UICustomization"]
    assert (other["ClientId"], other["CSS"]) == ("ALL", everyone)

    page = requests.get(page_url.format(local.spa), timeout=10)
    assert page.status_code == 200, page.text
    nonce = re.search(r"style-src 'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert "img-src data:" in page.headers["Content-Security-Policy"]
    assert f'<style nonce="{nonce}" id="ui-customization">{own}</style>' in page.text
    assert '<img class="logo-customizable" id="logo" alt="" src="data:image/png;base64,' in page.text
    assert everyone in requests.get(page_url.format(local.confidential), timeout=10).text

    # Nothing can leave the <style> element or pose as an image.
    for css in ["</style><script>alert(1)</script>", "a { content: '<' }"]:
        assert error_of(lambda: cognito.set_ui_customization(UserPoolId=pool, CSS=css))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.set_ui_customization(UserPoolId=pool, ImageFile=b"<svg onload=alert(1)>"))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.set_ui_customization(UserPoolId=pool, ImageFile=PNG + bytes(100 * 1024)))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.set_ui_customization(UserPoolId=pool, ClientId="nosuchclient", CSS=own))[0] == "ResourceNotFoundException"
    assert cognito.get_ui_customization(UserPoolId=pool, ClientId=local.spa)["UICustomization"]["CSS"] == own

    # Setting nothing removes a customization.
    cognito.set_ui_customization(UserPoolId=pool, ClientId=local.spa)
    cognito.set_ui_customization(UserPoolId=pool)
    assert "CSS" not in cognito.get_ui_customization(UserPoolId=pool, ClientId=local.spa)["UICustomization"]
    assert 'id="ui-customization"' not in requests.get(page_url.format(local.spa), timeout=10).text


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


def test_managed_login_branding_is_kept_merged_and_styles_the_hosted_pages(local):
    cognito, pool = local.cognito, local.pool_id
    page_url = (f"{local.pool_url}/login?response_type=code&client_id={local.spa}"
                f"&redirect_uri={local.app}/&code_challenge={'A' * 43}&code_challenge_method=S256&scope=openid")
    settings = {"components": {"primaryButton": {"lightMode": {"defaults": {"backgroundColor": "0a7d33ff"}}},
                               "form": {"borderRadius": 4}},
                "categories": {"global": {"colorSchemeMode": "LIGHT"}}}
    created = cognito.create_managed_login_branding(
        UserPoolId=pool, ClientId=local.spa, Settings=settings,
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG, "ResourceId": "logo 1"},
                {"Category": "FAVICON_SVG", "ColorMode": "DYNAMIC", "Extension": "SVG", "Bytes": SVG}])["ManagedLoginBranding"]
    branding_id = created["ManagedLoginBrandingId"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", branding_id)
    assert created["Settings"] == settings and created["UseCognitoProvidedValues"] is False
    assert [(a["Category"], a["Bytes"]) for a in created["Assets"]] == [("FORM_LOGO", PNG), ("FAVICON_SVG", SVG)]
    assert created["Assets"][0]["ResourceId"] == "logo 1"
    assert cognito.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=local.spa)["ManagedLoginBranding"] == created
    assert error_of(lambda: cognito.create_managed_login_branding(UserPoolId=pool, ClientId=local.spa, UseCognitoProvidedValues=True)) == (
        "ManagedLoginBrandingExistsException", f"A managed login branding style already exists for app client {local.spa}.")

    # The style wins over the classic customization on the client's pages.
    cognito.set_ui_customization(UserPoolId=pool, ClientId=local.spa, CSS=".x { color: red; }")
    page = requests.get(page_url, timeout=10)
    nonce = re.search(r"style-src 'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    assert (f'<style nonce="{nonce}" id="managed-login-branding">main {{ border-radius: 4px; }}\n'
            f'button:not(.link) {{ background-color: #0a7d33ff; }}\n</style>') in page.text
    assert 'id="ui-customization"' not in page.text
    assert f'<img class="logo-customizable" id="logo" alt="" src="data:image/png;base64,{base64.b64encode(PNG).decode()}">' in page.text
    assert f'<link rel="icon" href="data:image/svg+xml;base64,{base64.b64encode(SVG).decode()}">' in page.text

    # An update merges settings member by member and replaces the asset of a category and mode.
    updated = cognito.update_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=branding_id,
        Settings={"components": {"primaryButton": {"lightMode": {"defaults": {"textColor": "000000ff"}}}}},
        Assets=[{"Category": "FAVICON_SVG", "ColorMode": "DYNAMIC", "Extension": "PNG", "Bytes": PNG}])["ManagedLoginBranding"]
    assert updated["Settings"]["components"]["primaryButton"] == {
        "lightMode": {"defaults": {"backgroundColor": "0a7d33ff", "textColor": "000000ff"}}}
    assert updated["Settings"]["components"]["form"] == {"borderRadius": 4}
    assert [(a["Category"], a["Extension"]) for a in updated["Assets"]] == [("FORM_LOGO", "PNG"), ("FAVICON_SVG", "PNG")]
    merged = cognito.describe_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                                                     ReturnMergedResources=True)["ManagedLoginBranding"]["Settings"]
    # Our pages' own defaults under what the style sets.
    assert merged["components"]["pageBackground"]["lightMode"]["color"] == "f4f5f7ff"
    assert merged["components"]["primaryButton"]["lightMode"]["defaults"]["backgroundColor"] == "0a7d33ff"
    assert "pageBackground" not in cognito.describe_managed_login_branding(
        UserPoolId=pool, ManagedLoginBrandingId=branding_id)["ManagedLoginBranding"]["Settings"]["components"]

    # What cannot be a style is refused, and changes nothing.
    for call in [
        lambda: cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                                                      Settings={"components": {"pageText": {"lightMode": {"bodyColor": "red;}*{x:y"}}}}),
        lambda: cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id, Assets=[
            {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": b"<script>alert(1)</script>"}]),
        lambda: cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id, Assets=[
            {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG + bytes(1_000_000)}]),
        lambda: cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                                                      UseCognitoProvidedValues=True, Settings={}),
        lambda: cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id, Settings=[1]),
    ]:
        assert error_of(call)[0] == "InvalidParameterException"
    assert cognito.describe_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id)["ManagedLoginBranding"] == updated

    # Cognito's values put back, then the style deleted: the classic customization is back.
    reset = cognito.update_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id,
                                                  UseCognitoProvidedValues=True)["ManagedLoginBranding"]
    assert reset["UseCognitoProvidedValues"] is True and reset["Assets"] == [] and "Settings" not in reset
    cognito.delete_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id)
    for call in [lambda: cognito.describe_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id),
                 lambda: cognito.describe_managed_login_branding_by_client(UserPoolId=pool, ClientId=local.spa),
                 lambda: cognito.delete_managed_login_branding(UserPoolId=pool, ManagedLoginBrandingId=branding_id),
                 lambda: cognito.create_managed_login_branding(UserPoolId=pool, ClientId="nosuchclient", UseCognitoProvidedValues=True)]:
        assert error_of(call)[0] == "ResourceNotFoundException"
    assert 'id="ui-customization"' in requests.get(page_url, timeout=10).text
    cognito.set_ui_customization(UserPoolId=pool, ClientId=local.spa)


def test_the_hosted_login_answers_under_the_domains_path(local):
    # An app configured with its Cognito domain's URL points at the pool with the domain as a path.
    cognito, pool = local.cognito, local.pool_id
    cognito.create_user_pool_domain(UserPoolId=pool, Domain="path-login")
    try:
        base = f"{local.pool_url}/path-login"
        verifier = base64.urlsafe_b64encode(hashlib.sha256(b"path").digest()).rstrip(b"=").decode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": local.spa, "redirect_uri": local.app + "/", "scope": "openid",
                           "state": "s", "code_challenge": challenge, "code_challenge_method": "S256"})
        done = login_through_form(requests.Session(), f"{base}/oauth2/authorize?{query}", local.demo["username"], local.demo["password"])
        assert done.status_code == 302 and done.headers["Location"].startswith(local.app + "/?code="), done.text
        code = parse_qs(urlparse(done.headers["Location"]).query)["code"][0]
        tokens = requests.post(f"{base}/oauth2/token", data={"grant_type": "authorization_code", "client_id": local.spa, "code": code,
                                                             "redirect_uri": local.app + "/", "code_verifier": verifier}, timeout=10)
        assert tokens.status_code == 200, tokens.text
        info = requests.get(f"{base}/oauth2/userInfo", headers={"Authorization": "Bearer " + tokens.json()["access_token"]}, timeout=10)
        assert info.json()["username"] == local.demo["username"]
        assert requests.get(f"{base}/logout?client_id={local.spa}&logout_uri={local.app}/", allow_redirects=False, timeout=10).status_code == 302
        # A name that is no domain of the pool, or a path the hosted login does not have, is not found.
        assert requests.get(f"{local.pool_url}/no-such-domain/oauth2/authorize?{query}", timeout=10).status_code == 404
        assert requests.get(f"{base}/admin", timeout=10).status_code == 404
    finally:
        cognito.delete_user_pool_domain(UserPoolId=pool, Domain="path-login")
    assert requests.get(f"{local.pool_url}/path-login/oauth2/authorize?{query}", timeout=10).status_code == 404
