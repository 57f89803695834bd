"""`gatehouse users …` and `gatehouse pool show` on a data directory `gatehouse serve` created."""

import subprocess

import requests

from conftest import LocalServe, gatehouse_binary
from test_local_pool import sign_in


def cli(*args, data_dir):
    return subprocess.run([str(gatehouse_binary()), *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60)


def test_users_commands_manage_the_pool_serve_uses(tmp_path):
    serve = LocalServe(tmp_path)
    state = tmp_path / "state"
    try:
        shown = cli("pool", "show", data_dir=state)
        assert shown.returncode == 0, shown.stderr
        assert serve.pool_id in shown.stdout and serve.confidential in shown.stdout and "secret" in shown.stdout

        made = cli("users", "create", "kim", "--password", "Passw0rd!Cli", "--attribute", "email=kim@example.com",
                   "--attribute", "nickname=Kimmy", data_dir=state)
        assert made.returncode == 0, made.stderr
        # A failed operation is not a usage error: its message, exit status 1, no usage text.
        again = cli("users", "create", "kim", "--password", "Passw0rd!Cli", data_dir=state)
        assert again.returncode == 1 and "User account already exists" in again.stderr
        assert "Usage" not in again.stderr and "--help" not in again.stderr
        tokens = sign_in(serve, "kim", "Passw0rd!Cli")
        profile = requests.get(serve.api + "/userinfo", headers={"Authorization": tokens["AccessToken"]}, timeout=10)
        assert profile.json()["nickname"] == "Kimmy"

        listed = cli("users", "list", "--filter", 'email = "kim@example.com"', data_dir=state)
        assert listed.stdout.split("\t")[0] == "kim"

        weak = cli("users", "set-password", "kim", "--password", "weak", data_dir=state)
        assert weak.returncode != 0 and "policy" in weak.stderr

        assert cli("users", "disable", "kim", data_dir=state).returncode == 0
        assert serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username="kim")["Enabled"] is False
        assert cli("users", "delete", "kim", data_dir=state).returncode == 0
        missing = cli("users", "delete", "kim", data_dir=state)
        assert missing.returncode != 0 and "does not exist" in missing.stderr
    finally:
        serve.close()


def test_commands_explain_a_missing_pool(tmp_path):
    result = cli("users", "list", data_dir=tmp_path / "nothing-here")
    assert result.returncode == 1 and "gatehouse serve" in result.stderr and "Usage" not in result.stderr
