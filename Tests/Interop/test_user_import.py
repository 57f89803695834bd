"""User import through boto3 and a plain HTTP PUT (issue 27): the job's pre-signed URL on the
pool takes the CSV as S3's would, StartUserImportJob imports it with Cognito's rules, failed rows
are counted and logged by line, and an imported user sets a password with the ForgotPassword
code before signing in."""

import re
import subprocess

import botocore.exceptions
import pytest
import requests

from conftest import LocalServe, gatehouse_binary

ROLE = "arn:aws:iam::123456789012:role/CognitoImport"
HEADER = ("name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,"
          "email_verified,gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,"
          "cognito:mfa_enabled,cognito:username")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    serve = LocalServe(tmp_path_factory.mktemp("import"))
    yield serve
    serve.close()


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def row(username, email="", verified="true", phone="", phone_verified="", mfa="false", nickname=""):
    cells = {"email": email, "email_verified": verified, "phone_number": phone, "phone_number_verified": phone_verified,
             "cognito:mfa_enabled": mfa, "cognito:username": username, "nickname": nickname}
    return ",".join(cells.get(name, "") for name in HEADER.split(","))


def put(url, body):
    # What Cognito's guide has users run: curl -X PUT -T file.csv -H "x-amz-server-side-encryption:aws:kms" URL
    return requests.put(url, data=body, headers={"Content-Type": "text/csv", "x-amz-server-side-encryption": "aws:kms"}, timeout=10)


def forgot_password_code(local, username):
    done = subprocess.run([str(gatehouse_binary()), "users", "codes", username, "--data-dir", str(local.data_dir / "state")],
                          capture_output=True, text=True, timeout=60)
    return next(c for p, c in (line.split(" ") for line in done.stdout.splitlines()) if p == "FORGOT_PASSWORD")


def test_a_file_is_uploaded_imported_with_its_failures_counted_and_the_users_reset_their_passwords(local):
    # The pool's own (`gatehouse users codes` reads its codes).
    cognito, pool = local.cognito, local.pool_id
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="app",
                                             ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="already", MessageAction="SUPPRESS")
    job = cognito.create_user_import_job(JobName="from the old system", UserPoolId=pool, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    assert re.fullmatch(r"import-[A-Za-z0-9]{10}", job["JobId"]) and job["Status"] == "Created"
    assert (job["JobName"], job["CloudWatchLogsRoleArn"], job["ImportedUsers"], job["FailedUsers"]) == ("from the old system", ROLE, 0, 0)
    url = job["PreSignedUrl"]
    assert url.startswith(local.pool_url + "/user-import/" + job["JobId"] + "?token=")
    # The same URL every time it is described.
    assert cognito.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]["PreSignedUrl"] == url

    csv = "\r\n".join([
        HEADER,
        row("ana", email="ana@example.com", nickname='"Ana, the first"'),   # 2: imported, a quoted comma
        row("ben", phone="+15555550100", phone_verified="true", verified=""),  # 3: imported by phone
        row("cy", email="cy@example.com", verified="false"),                # 4: no verified contact
        row("already", email="a@example.com"),                              # 5: exists
        row("", email="nobody@example.com"),                                # 6: no username
        row("dee", email="dee@example.com", mfa="yes"),                     # 7: not a boolean
        "too,few,cells",                                                    # 8: wrong width
        row("ana", email="ana2@example.com"),                               # 9: a second ana
    ]) + "\r\n"
    # A wrong token, or a job that is not there, is refused alike and stores nothing.
    assert put(url[:-2] + ("AA" if not url.endswith("AA") else "BB"), csv).status_code == 403
    assert put(url.replace(job["JobId"], "import-AAAAAAAAAA"), csv).status_code == 403
    assert put(url, csv).status_code == 200

    done = cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
    assert (done["Status"], done["ImportedUsers"], done["FailedUsers"], done["SkippedUsers"]) == ("Succeeded", 2, 6, 0)
    assert "StartDate" in done and "CompletionDate" in done and "6 users failed" in done["CompletionMessage"]
    log = (local.data_dir / "serve.log").read_text()
    failed_lines = re.findall(rf"gatehouse\.pool\.import_row_failed .*gatehouse\.pool\.job={job['JobId']} gatehouse\.pool\.line=(\d+)", log)
    assert sorted(map(int, failed_lines)) == [4, 5, 6, 7, 8, 9], log[-3000:]
    assert put(url, csv).status_code == 409
    assert error_of(lambda: cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"]))[0] == "InvalidParameterException"
    assert error_of(lambda: cognito.stop_user_import_job(UserPoolId=pool, JobId=job["JobId"]))[0] == "InvalidParameterException"

    ana = cognito.admin_get_user(UserPoolId=pool, Username="ana")
    assert ana["UserStatus"] == "RESET_REQUIRED"
    assert {a["Name"]: a["Value"] for a in ana["UserAttributes"]}["nickname"] == "Ana, the first"
    assert cognito.admin_get_user(UserPoolId=pool, Username="ben")["UserStatus"] == "RESET_REQUIRED"
    assert error_of(lambda: cognito.admin_get_user(UserPoolId=pool, Username="cy"))[0] == "UserNotFoundException"
    sign_in = dict(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "ana", "PASSWORD": "Any-passw0rd!"})
    assert error_of(lambda: cognito.initiate_auth(**sign_in))[0] == "PasswordResetRequiredException"
    cognito.forgot_password(ClientId=client, Username="ana")
    cognito.confirm_forgot_password(ClientId=client, Username="ana", ConfirmationCode=forgot_password_code(local, "ana"),
                                    Password="Any-passw0rd!")
    assert "AccessToken" in cognito.initiate_auth(**sign_in)["AuthenticationResult"]


def test_jobs_that_cannot_import_fail_and_are_listed_and_stopped(local):
    cognito = local.cognito
    pool = cognito.create_user_pool(PoolName="jobs")["UserPool"]["Id"]
    empty = cognito.create_user_import_job(JobName="nothing uploaded", UserPoolId=pool, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    failed = cognito.start_user_import_job(UserPoolId=pool, JobId=empty["JobId"])["UserImportJob"]
    assert (failed["Status"], failed["CompletionMessage"]) == ("Failed", "No file was uploaded to the job's PreSignedUrl.")

    for body, reason in [("email,cognito:username\r\nx@example.com,x\r\n", "cognito:mfa_enabled"),
                         ("favourite_colour," + HEADER + "\r\n", "not in GetCSVHeader"),
                         (HEADER + '\r\n"unterminated,' + "\r\n", "not valid CSV"),
                         (b"\xff\xfe" + HEADER.encode(), "not valid CSV")]:
        job = cognito.create_user_import_job(JobName="bad", UserPoolId=pool, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
        assert put(job["PreSignedUrl"], body).status_code == 200
        ended = cognito.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
        assert ended["Status"] == "Failed" and reason in ended["CompletionMessage"], ended

    stopped = cognito.create_user_import_job(JobName="changed my mind", UserPoolId=pool, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    assert cognito.stop_user_import_job(UserPoolId=pool, JobId=stopped["JobId"])["UserImportJob"]["Status"] == "Stopped"
    assert put(stopped["PreSignedUrl"], HEADER).status_code == 409

    listed = cognito.list_user_import_jobs(UserPoolId=pool, MaxResults=2)
    assert [j["JobName"] for j in listed["UserImportJobs"]] == ["nothing uploaded", "bad"]
    rest = cognito.list_user_import_jobs(UserPoolId=pool, MaxResults=60, PaginationToken=listed["PaginationToken"])
    assert [j["JobName"] for j in rest["UserImportJobs"]] == ["bad", "bad", "bad", "changed my mind"] and "PaginationToken" not in rest
    for call in [lambda: cognito.describe_user_import_job(UserPoolId=pool, JobId="import-AAAAAAAAAA"),
                 lambda: cognito.create_user_import_job(JobName="x", UserPoolId="us-east-1_NoSuchPool1", CloudWatchLogsRoleArn=ROLE)]:
        assert error_of(call)[0] == "ResourceNotFoundException"
    assert error_of(lambda: cognito.create_user_import_job(JobName="x", UserPoolId=pool, CloudWatchLogsRoleArn="not-an-arn-at-all-xx"))[0] == (
        "InvalidParameterException")
    # A file past the limit is refused before it is stored.
    big = cognito.create_user_import_job(JobName="too big", UserPoolId=pool, CloudWatchLogsRoleArn=ROLE)["UserImportJob"]
    assert put(big["PreSignedUrl"], b"x" * ((16 << 20) + 1)).status_code == 413
    assert cognito.start_user_import_job(UserPoolId=pool, JobId=big["JobId"])["UserImportJob"]["Status"] == "Failed"
