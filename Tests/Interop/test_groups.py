"""Groups against `gatehouse serve`'s local pool: every operation through boto3 with Cognito's error
shapes, `cognito:groups` read by pycognito from its verified tokens, `/userinfo` asked for them,
and the CLI."""

import subprocess

import botocore.exceptions
import pytest
import requests
from pycognito import Cognito

from conftest import LocalServe, gatehouse_binary


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("groups"), environment={"GATEHOUSE_ATTRIBUTES": "email,groups"})
    yield serve
    serve.close()


def refused(call, error_type):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == error_type, raised.value.response
    return raised.value.response["Error"]["Message"]


def cli(local, *args):
    return subprocess.run([str(gatehouse_binary()), *args, "--data-dir", str(local.data_dir / "state")],
                          capture_output=True, text=True, timeout=60)


def test_every_group_operation_with_boto3(local):
    cognito, pool = local.cognito, local.pool_id
    created = cognito.create_group(UserPoolId=pool, GroupName="editors", Description="may edit", Precedence=5)["Group"]
    assert (created["GroupName"], created["Description"], created["Precedence"], created["UserPoolId"]) == ("editors", "may edit", 5, pool)
    assert "RoleArn" not in created
    refused(lambda: cognito.create_group(UserPoolId=pool, GroupName="editors"), "GroupExistsException")
    assert cognito.get_group(UserPoolId=pool, GroupName="editors")["Group"]["Precedence"] == 5
    updated = cognito.update_group(UserPoolId=pool, GroupName="editors", Precedence=2)["Group"]
    assert (updated["Precedence"], updated["Description"]) == (2, "may edit")
    for name in ["g-a", "g-b", "g-c"]:
        cognito.create_group(UserPoolId=pool, GroupName=name)
    # Pages of two, through NextToken, as paginators use it.
    names = [g["GroupName"] for page in cognito.get_paginator("list_groups").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 2})
             for g in page["Groups"]]
    assert names == ["editors", "g-a", "g-b", "g-c"]

    cognito.admin_add_user_to_group(UserPoolId=pool, Username="demo", GroupName="g-b")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="demo", GroupName="editors")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="demo", GroupName="editors")  # twice: no change
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username="demo")["Groups"]
    assert [g["GroupName"] for g in groups] == ["editors", "g-b"]
    members = cognito.list_users_in_group(UserPoolId=pool, GroupName="editors")["Users"]
    assert [u["Username"] for u in members] == ["demo"]
    assert {a["Name"] for a in members[0]["Attributes"]} >= {"sub", "email"}
    cognito.admin_remove_user_from_group(UserPoolId=pool, Username="demo", GroupName="g-b")
    assert [g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool, Username="demo")["Groups"]] == ["editors"]
    cognito.delete_group(UserPoolId=pool, GroupName="g-c")
    refused(lambda: cognito.get_group(UserPoolId=pool, GroupName="g-c"), "ResourceNotFoundException")

    # Errors, as botocore raises them against Cognito.
    refused(lambda: cognito.admin_add_user_to_group(UserPoolId=pool, Username="ghost", GroupName="editors"), "UserNotFoundException")
    refused(lambda: cognito.admin_add_user_to_group(UserPoolId=pool, Username="demo", GroupName="ghosts"), "ResourceNotFoundException")
    refused(lambda: cognito.list_users_in_group(UserPoolId=pool, GroupName="ghosts"), "ResourceNotFoundException")
    refused(lambda: cognito.list_groups(UserPoolId="us-east-1_Missing00"), "ResourceNotFoundException")
    refused(lambda: cognito.create_group(UserPoolId=pool, GroupName="x" * 129), "InvalidParameterException")
    refused(lambda: cognito.create_group(UserPoolId=pool, GroupName="big", Precedence=2**31), "InvalidParameterException")
    refused(lambda: cognito.list_groups(UserPoolId=pool, NextToken="not a token"), "InvalidParameterException")


def test_pycognito_reads_the_groups_from_its_verified_tokens_and_userinfo_returns_them(local):
    cognito, pool = local.cognito, local.pool_id
    cognito.create_group(UserPoolId=pool, GroupName="staff", Precedence=10)
    cognito.create_group(UserPoolId=pool, GroupName="admins", Precedence=1, RoleArn="arn:aws:iam::000000000000:role/admins")
    cognito.admin_create_user(UserPoolId=pool, Username="grouped", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": "grouped@example.com"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username="grouped", Password="Group-passw0rd!", Permanent=True)
    for group in ["staff", "admins"]:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username="grouped", GroupName=group)
    user = Cognito(pool, local.spa, username="grouped",
                   boto3_client_kwargs={"endpoint_url": local.pool_url, "aws_access_key_id": "local", "aws_secret_access_key": "local"})
    user.authenticate(password="Group-passw0rd!")
    assert user.access_claims["cognito:groups"] == ["admins", "staff"]
    assert user.id_claims["cognito:groups"] == ["admins", "staff"]
    assert user.id_claims["cognito:preferred_role"] == "arn:aws:iam::000000000000:role/admins"
    profile = requests.get(local.api + "/userinfo", headers={"Authorization": f"Bearer {user.access_token}"}, timeout=10).json()
    assert profile["groups"] == ["admins", "staff"]
    assert profile["email"] == "grouped@example.com"


def test_the_cli_manages_groups_and_memberships(local):
    made = cli(local, "groups", "create", "cli-group", "--precedence", "3", "--description", "from the CLI")
    assert made.returncode == 0, made.stderr
    again = cli(local, "groups", "create", "cli-group")
    assert again.returncode == 1 and "already exists" in again.stderr and "Usage" not in again.stderr
    assert "cli-group\t3\tfrom the CLI" in cli(local, "groups", "list").stdout.splitlines()
    assert cli(local, "users", "add-to-group", "demo", "cli-group").returncode == 0
    assert "cli-group" in cli(local, "users", "groups", "demo").stdout.splitlines()
    assert cli(local, "groups", "members", "cli-group").stdout.splitlines() == ["demo"]
    # What the CLI did is what the running pool's API sees.
    listed = local.cognito.admin_list_groups_for_user(UserPoolId=local.pool_id, Username="demo")["Groups"]
    assert "cli-group" in [g["GroupName"] for g in listed]
    assert cli(local, "users", "remove-from-group", "demo", "cli-group").returncode == 0
    assert cli(local, "groups", "members", "cli-group").stdout == ""
    assert cli(local, "groups", "delete", "cli-group").returncode == 0
    missing = cli(local, "groups", "delete", "cli-group")
    assert missing.returncode == 1 and "Group not found" in missing.stderr
