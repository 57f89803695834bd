"""The GatehouseAuth library: the README's example app (Examples/gatehouse-auth-example, a
Hummingbird 2 app that depends on the GatehouseAuth product alone) built and run against moto's
tokens, and against the cookie sessions the scale-out cluster's token handler keeps in DynamoDB."""

import json
import os
import pathlib
import re
import subprocess

import pytest
import requests

from conftest import ALLOWED_ORIGIN, free_port, gatehouse_binary, stop, wait_for
from jwt_helpers import decode_part
from test_lambda_runtime import moto_tokens
from test_scale_out import cluster  # noqa: F401 (a fixture)

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "Examples" / "gatehouse-auth-example" / "main.swift"


def test_the_readme_example_is_the_example_app_and_ten_lines_of_code():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Swift servers: the GatehouseAuth library"):]
    block = re.search(r"```swift\n(.*?)```", section, re.S).group(1)
    assert block == EXAMPLE.read_text()
    code = [line for line in block.splitlines() if line.strip() and not line.startswith("import ")]
    assert len(code) <= 10, code


def test_the_example_depends_on_the_library_alone():
    described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=ROOT,
                                          capture_output=True, text=True, check=True).stdout)
    targets = {target["name"]: target for target in described["targets"]}
    example = targets["gatehouse-auth-example"]
    assert example["target_dependencies"] == ["GatehouseAuth"]
    assert set(example.get("product_dependencies", [])) <= {"Hummingbird", "Logging"}
    # The library: no SQLite, no local pool, no executable.
    seen, queue = set(), ["GatehouseAuth"]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        queue += targets[name].get("target_dependencies", [])
    assert not seen & {"GatehouseSessionsSQLite", "LocalPool", "gatehouse", "gatehouse-lambda"}, seen


class ExampleApp:
    def __init__(self, tmp_path, environment):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / "example.log", "w")
        self.process = subprocess.Popen([str(gatehouse_binary().parent / "gatehouse-auth-example")],
                                        env={"PATH": os.environ.get("PATH", ""), "PORT": str(self.port), **environment},
                                        stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.url + "/api/me", self.process)

    def close(self):
        stop(self.process)
        self.log.close()


@pytest.fixture(scope="module")
def example(moto_endpoint, pool, tmp_path_factory):
    app = ExampleApp(tmp_path_factory.mktemp("auth-example"), {
        "GATEHOUSE_USER_POOL_ID": pool.id,
        "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
        "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
        "GATEHOUSE_CLIENT_IDS": pool.client_id,
        "GATEHOUSE_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
    })
    yield app
    app.close()


def test_the_example_answers_with_the_callers_sub(example, pool):
    tokens = moto_tokens(pool)
    for token in (tokens["AccessToken"], tokens["IdToken"]):
        answer = requests.get(example.url + "/api/me", headers={"Authorization": "Bearer " + token}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.text == "signed in as " + decode_part(token, 1)["sub"]


def test_the_example_refuses_without_a_valid_token(example, pool):
    missing = requests.get(example.url + "/api/me", timeout=10)
    assert missing.status_code == 401 and missing.json()["error"] == "missing_token"
    other = pool.tokens("lambda-alice", client_id=pool.other_client_id)["AccessToken"]
    for header in ("Bearer x.y.z", "Bearer " + other, "Bearer " + moto_tokens(pool)["AccessToken"][:-3] + "AAA"):
        refused = requests.get(example.url + "/api/me", headers={"Authorization": header}, timeout=10)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_token", refused.text


def test_the_example_reads_cookie_sessions_under_the_csrf_rule(cluster, tmp_path):  # noqa: F811
    browser = cluster.browser()
    assert browser.login().status_code == 200
    cookie = {"Cookie": "__Host-gatehouse=" + browser.jar["__Host-gatehouse"]}
    app = ExampleApp(tmp_path, cluster.remote)
    try:
        with_proof = requests.get(app.url + "/api/me", headers={**cookie, "X-CSRF": "1", "Origin": cluster.a.app}, timeout=10)
        assert with_proof.status_code == 200 and with_proof.text.startswith("signed in as "), with_proof.text
        without = requests.get(app.url + "/api/me", headers=cookie, timeout=10)
        assert without.status_code == 403 and without.json()["error"] == "csrf_check_failed"
    finally:
        app.close()
