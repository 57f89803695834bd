"""The SAM template read as CloudFormation reads it (cfn-lint's decoder, intrinsic functions kept):
least privilege for the function, secrets out of its configuration, the session table shaped as
`gatehouse sessions create-table` makes it, and the app and API on one CloudFront site."""

import pathlib

from cfnlint.decode import decode

ROOT = pathlib.Path(__file__).resolve().parents[2]


def template():
    parsed, problems = decode(str(ROOT / "deploy" / "template.yaml"))
    assert not problems, problems
    return parsed


def test_the_function_may_do_exactly_what_it_needs_and_nothing_on_star():
    resources = template()["Resources"]
    statements = resources["UserInfoRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    granted = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resource = statement["Resource"]
        assert resource != "*" and "*" not in str(resource).replace("/*", "")
        for action in actions:
            assert "*" not in action
            granted[action] = resource
    assert set(granted) == {
        "cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "dynamodb:DeleteItem", "dynamodb:Query", "secretsmanager:GetSecretValue", "logs:CreateLogStream",
        "logs:PutLogEvents"}
    assert granted["dynamodb:GetItem"] == {"Fn::GetAtt": ["SessionTable", "Arn"]}
    # Sign-out everywhere with the role, on the pool only: sessions need no admin scope.
    assert granted["cognito-idp:AdminUserGlobalSignOut"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    # Query on the subject index only, not on the table.
    assert granted["dynamodb:Query"] == {"Fn::Sub": "${SessionTable.Arn}/index/bySubject"}
    assert granted["secretsmanager:GetSecretValue"] == [{"Ref": "SessionClientSecret"}, {"Ref": "SessionKeysSecret"}]


def test_secrets_stay_out_of_the_functions_configuration():
    parsed = template()
    assert parsed["Parameters"]["SessionKeys"]["NoEcho"] is True
    variables = parsed["Resources"]["UserInfoFunction"]["Properties"]["Environment"]["Variables"]
    assert "GATEHOUSE_OAUTH_CLIENT_SECRET" not in variables and "GATEHOUSE_SESSION_KEYS" not in variables
    assert variables["GATEHOUSE_OAUTH_CLIENT_SECRET_ARN"] == {"Ref": "SessionClientSecret"}
    assert variables["GATEHOUSE_SESSION_KEYS_ARN"] == {"Ref": "SessionKeysSecret"}
    assert parsed["Resources"]["SessionClientSecret"]["Properties"]["SecretString"] == {
        "Fn::GetAtt": ["SessionClient", "ClientSecret"]}
    assert variables["GATEHOUSE_SESSION_STORE"] == {"Fn::Sub": "dynamodb:${SessionTable}"}


def test_the_session_table_matches_create_table():
    table = template()["Resources"]["SessionTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "bySubject" and index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert index["KeySchema"] == [{"AttributeName": "subject", "KeyType": "HASH"}]


def test_the_app_and_the_api_are_one_site():
    resources = template()["Resources"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["TargetOriginId"] == "api" and api["ViewerProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert "POST" in api["AllowedMethods"]
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "app"
    client = resources["SessionClient"]["Properties"]
    assert client["GenerateSecret"] is True
    assert client["CallbackURLs"] == [{"Fn::Sub": "https://${AppDomainName}/"}]
    # No admin scope: its access token goes to the app's APIs (issue 22, item 9).
    assert client["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    variables = resources["UserInfoFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["GATEHOUSE_OAUTH_SCOPES"] == "openid email profile"
    bucket = resources["AppBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(bucket.values())
