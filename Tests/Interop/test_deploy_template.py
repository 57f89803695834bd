"""The SAM template read as CloudFormation reads it (cfn-lint's decoder, intrinsic functions kept):
least privilege for the function, secrets out of its configuration, the session table shaped as
`gatehouse sessions create-table` makes it, and the app and API on one CloudFront site."""

import json
import pathlib
import re

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


def iam_statements(resources, role):
    return resources[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def test_the_authorizer_and_the_example_function_get_no_star_and_only_what_they_use():
    resources = template()["Resources"]
    for role in ("AuthorizerRole", "OrdersRole"):
        for statement in iam_statements(resources, role):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert statement["Effect"] == "Allow" and all("*" not in action for action in actions)
            assert "*" not in str(statement["Resource"])
    granted = {action for s in iam_statements(resources, "AuthorizerRole")
               for action in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert granted == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                       "secretsmanager:GetSecretValue", "logs:CreateLogStream", "logs:PutLogEvents"}
    orders = {action for s in iam_statements(resources, "OrdersRole") for action in s["Action"]}
    assert orders == {"logs:CreateLogStream", "logs:PutLogEvents"}
    # Neither function falls back on a managed policy (AWSLambdaBasicExecutionRole grants logs on *).
    for function in ("AuthorizerFunction", "OrdersFunction"):
        properties = resources[function]["Properties"]
        assert "Policies" not in properties and properties["Role"]["Fn::GetAtt"][0] in ("AuthorizerRole", "OrdersRole")


def test_the_authorizer_is_the_same_bootstrap_wired_to_the_example_route():
    resources = template()["Resources"]
    authorizer = resources["AuthorizerFunction"]["Properties"]
    api_function = resources["UserInfoFunction"]["Properties"]
    assert authorizer["CodeUri"] == api_function["CodeUri"] and authorizer["Handler"] == "bootstrap"
    variables = authorizer["Environment"]["Variables"]
    assert variables["GATEHOUSE_LAMBDA_HANDLER"] == "authorizer"
    assert "GATEHOUSE_SESSION_KEYS" not in variables and variables["GATEHOUSE_SESSION_KEYS_ARN"] == {"Ref": "SessionKeysSecret"}
    for name in ("GATEHOUSE_USER_POOL_ID", "GATEHOUSE_CLIENT_IDS", "GATEHOUSE_SESSION_STORE", "GATEHOUSE_REVOCATION_CHECK"):
        assert variables[name] == api_function["Environment"]["Variables"][name]
    authorizers = resources["Api"]["Properties"]["Auth"]["Authorizers"]
    assert set(authorizers) == {"SessionAuthorizer", "BearerAuthorizer"}
    for name, headers in (("SessionAuthorizer", ["Cookie", "X-CSRF"]), ("BearerAuthorizer", ["Authorization"])):
        entry = authorizers[name]
        assert entry["FunctionPayloadType"] == "REQUEST"
        assert entry["FunctionArn"] == {"Fn::GetAtt": ["AuthorizerFunction", "Arn"]}
        assert entry["Identity"]["Headers"] == headers
        # Cached briefly: far shorter than an access token's hour.
        assert 0 < entry["Identity"]["ReauthorizeEvery"] <= 300
    events = resources["OrdersFunction"]["Properties"]["Events"]
    assert events["GetOrder"]["Properties"]["Path"] == "/api/orders/{id}"
    assert events["GetOrder"]["Properties"]["Auth"] == {"Authorizer": "SessionAuthorizer"}
    assert events["GetOrderAsService"]["Properties"]["Auth"] == {"Authorizer": "BearerAuthorizer"}


def test_the_example_function_reads_the_caller_from_the_authorizer_context():
    code = template()["Resources"]["OrdersFunction"]["Properties"]["InlineCode"]
    namespace = {}
    exec(compile(code, "index.py", "exec"), namespace)
    event = {"pathParameters": {"id": "42"},
             "requestContext": {"authorizer": {"sub": "a1b2", "username": "alice", "groups": "admins,billing",
                                               "scope": "openid", "tokenUse": "access", "principalId": "a1b2"}}}
    answer = namespace["handler"](event, None)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {"order": "42", "sub": "a1b2", "groups": ["admins", "billing"]}
    event["requestContext"]["authorizer"]["groups"] = ""
    assert json.loads(namespace["handler"](event, None)["body"])["groups"] == []


def test_cloudfront_strips_api_only_from_gatehouses_own_routes():
    code = template()["Resources"]["StripApiPrefix"]["Properties"]["FunctionCode"]
    pattern = re.search(r"replace\(/(.*)/, \"\"\)", code).group(1).replace("\\/", "/")
    for uri, expected in (("/api/userinfo", "/userinfo"), ("/api/auth/login/start", "/auth/login/start"),
                          ("/api/orders/42", "/api/orders/42"), ("/api/userinfox", "/api/userinfox"), ("/index.html", "/index.html")):
        assert re.sub(pattern, "", uri, count=1) == expected, uri
