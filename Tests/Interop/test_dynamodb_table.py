"""`gatehouse sessions create-table` against moto's server standing in for DynamoDB: our JSON 1.0
client and SigV4 signer create the session table, and boto3 reads back what was made."""

import os
import subprocess

import boto3

from conftest import gatehouse_binary

REGION = "us-east-1"


def create_table(name, endpoint_variable, endpoint):
    return subprocess.run(
        [str(gatehouse_binary()), "sessions", "create-table", name],
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "AWS_REGION": REGION,
             "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test-secret", endpoint_variable: endpoint},
        capture_output=True, text=True, timeout=60,
    )


def test_create_table_makes_an_on_demand_table_with_its_index_and_ttl(moto_endpoint):
    done = create_table("gatehouse-sessions", "AWS_ENDPOINT_URL_DYNAMODB", moto_endpoint)
    assert done.returncode == 0, done.stderr
    dynamodb = boto3.client("dynamodb", region_name=REGION, endpoint_url=moto_endpoint,
                            aws_access_key_id="AKIDTEST", aws_secret_access_key="test-secret")
    table = dynamodb.describe_table(TableName="gatehouse-sessions")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {d["AttributeName"]: d["AttributeType"] for d in table["AttributeDefinitions"]} == {"id": "S", "subject": "S"}
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "bySubject"
    assert index["KeySchema"] == [{"AttributeName": "subject", "KeyType": "HASH"}]
    assert index["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    ttl = dynamodb.describe_time_to_live(TableName="gatehouse-sessions")["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == "expiresAt"

    # The generic endpoint variable works too; a table that exists is a clear failure, not a crash.
    again = create_table("gatehouse-sessions", "AWS_ENDPOINT_URL", moto_endpoint)
    assert again.returncode == 1
    assert "ResourceInUseException" in again.stderr
    assert "Usage" not in again.stderr and "test-secret" not in again.stderr
