"""Fixtures for interop checks: moto's server standing in for Cognito, and the built gatehouse."""

import gzip
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import boto3
import pytest
import requests
from botocore.validate import ParamValidator

ROOT = pathlib.Path(__file__).resolve().parents[2]
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gatehouse_binary() -> pathlib.Path:
    override = os.environ.get("GATEHOUSE_BIN")
    if override:
        return pathlib.Path(override)
    out = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return pathlib.Path(out.stdout.strip()) / "gatehouse"


QUICK_START_PORTS = (3000, 8080, 9229)


@pytest.fixture(scope="session", autouse=True)
def quick_start_is_running():
    """The README's first command (`swift run gatehouse serve`) listens on 3000, 8080 and 9229;
    the tests must pass while it runs. These listeners stand in for it during every test (a
    port already taken, by the real thing or anything else, is left as it is), so a test that
    reaches for a default port fails here rather than on a newcomer's machine."""
    held = []
    for port in QUICK_START_PORTS:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", port))
            listener.listen()
            held.append(listener)
        except OSError:
            listener.close()
    yield
    for listener in held:
        listener.close()


@pytest.fixture(scope="session")
def moto_endpoint():
    port = free_port()
    process = subprocess.Popen(
        # Requests serialised, so conditional writes are atomic as DynamoDB's are (serial_moto.py).
        [sys.executable, str(ROOT / "Tests" / "Interop" / "serial_moto.py"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for(endpoint + "/moto-api/", process)
        yield endpoint
    finally:
        stop(process)


@pytest.fixture(scope="session")
def cognito(moto_endpoint):
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=moto_endpoint,
        aws_access_key_id="AKIDTESTING",
        aws_secret_access_key="testing-secret",
    )


class Pool:
    """A moto user pool with two app clients and users, and helpers to get tokens."""

    def __init__(self, cognito):
        self.cognito = cognito
        self.id = cognito.create_user_pool(PoolName="gatehouse-interop")["UserPool"]["Id"]
        self.client_id = self._client("spa")
        self.other_client_id = self._client("other")

    def _client(self, name):
        return self.cognito.create_user_pool_client(
            UserPoolId=self.id,
            ClientName=name,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]

    def create_user(self, username, password="Passw0rd!Interop", **attributes):
        self.cognito.admin_create_user(
            UserPoolId=self.id,
            Username=username,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
            MessageAction="SUPPRESS",
        )
        self.cognito.admin_set_user_password(
            UserPoolId=self.id, Username=username, Password=password, Permanent=True
        )
        return password

    def tokens(self, username, password="Passw0rd!Interop", client_id=None):
        result = self.cognito.admin_initiate_auth(
            UserPoolId=self.id,
            ClientId=client_id or self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return result["AuthenticationResult"]


@pytest.fixture(scope="session")
def pool(cognito):
    return Pool(cognito)


@pytest.fixture(scope="session")
def moto_private_jwk():
    """moto signs every token with a private key that ships inside moto; tests use it to mint
    tokens moto would mint, with claims of their choosing (expired ones, say)."""
    import moto.cognitoidp

    path = pathlib.Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"
    with gzip.open(path, "rt") as handle:
        return json.load(handle)


def check_against_output_shape(http_response, parsed, model, **_):
    """Every answer of the local pool, checked against the operation's output shape in botocore's
    model (member types, required members, minimums), as botocore checks requests."""
    if http_response.status_code != 200 or model.output_shape is None:
        return
    answer = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    report = ParamValidator().validate(answer, model.output_shape)
    assert not report.has_errors(), f"{model.name} answered outside its output shape: {report.generate_report()}"


class LocalServe:
    """`gatehouse serve` with its embedded local pool: the app, API and pool on free loopback
    ports, state in `data_dir`, and a boto3 client on the pool. `extra` arguments and
    `environment` variables are passed on; `restart` runs it again on the same ports and state."""

    def __init__(self, data_dir, *extra, environment=None, preexec=None, credentials=("local", "local")):
        self.data_dir = data_dir
        self.environment = environment or {}
        self.preexec = preexec
        self.api_port, self.pool_port, self.app_port = free_port(), free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.pool_url = f"http://127.0.0.1:{self.pool_port}"
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.start(*extra)
        self.cognito = boto3.client(
            "cognito-idp", region_name=REGION, endpoint_url=self.pool_url,
            aws_access_key_id=credentials[0], aws_secret_access_key=credentials[1],
        )
        self.cognito.meta.events.register("after-call.cognito-idp", check_against_output_shape)
        self.pool_id = self.cognito.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
        clients = self.cognito.list_user_pool_clients(UserPoolId=self.pool_id)["UserPoolClients"]
        self.spa = next(c["ClientId"] for c in clients if c["ClientName"] == "gatehouse-spa")
        self.confidential = next(c["ClientId"] for c in clients if c["ClientName"] == "gatehouse-confidential")
        self.demo = json.loads((data_dir / "state" / "demo-user.json").read_text())

    def start(self, *extra):
        self.log = open(self.data_dir / "serve.log", "a")
        # A later --web-dir in `extra` replaces this one.
        self.process = subprocess.Popen(
            [str(gatehouse_binary()), "serve", "--port", str(self.api_port), "--pool-port", str(self.pool_port),
             "--app-port", str(self.app_port), "--data-dir", str(self.data_dir / "state"), "--web-dir", str(ROOT / "Web"),
             *extra],
            preexec_fn=self.preexec,
            env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **self.environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self.api + "/healthz", self.process)
        wait_for(self.app + "/", self.process)

    def short_lived_client(self, name, seconds, secret, scopes=("openid", "email", "profile")):
        """A new code-flow client of the pool, registered to the app's origin, whose access and ID
        tokens live `seconds` (the local pool allows lifetimes that short; Cognito would not)."""
        return self.cognito.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName=name, GenerateSecret=secret,
            AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=list(scopes), SupportedIdentityProviders=["COGNITO"],
            CallbackURLs=[self.app + "/"], LogoutURLs=[self.app + "/"],
            ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
            AccessTokenValidity=seconds, IdTokenValidity=seconds,
            TokenValidityUnits={"AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "days"},
        )["UserPoolClient"]

    def restart(self, *extra):
        self.close()
        self.start(*extra)

    def close(self):
        stop(self.process)
        self.log.close()


ALLOWED_ORIGIN = "http://app.gatehouse.test:3000"


@pytest.fixture(scope="session")
def gatehouse(moto_endpoint, pool, tmp_path_factory):
    port = free_port()
    log_path = tmp_path_factory.mktemp("gatehouse") / "serve.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "GATEHOUSE_USER_POOL_ID": pool.id,
        "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
        "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
        "GATEHOUSE_CLIENT_IDS": pool.client_id,
        "GATEHOUSE_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "GATEHOUSE_USER_CACHE_TTL": "1",
        "AWS_ACCESS_KEY_ID": "AKIDTESTING",
        "AWS_SECRET_ACCESS_KEY": "testing-secret",
        "AWS_SESSION_TOKEN": "session-token-for-interop",
        "LOG_LEVEL": "debug",
    }
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(gatehouse_binary()), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", process)
        yield type("Gatehouse", (), {"base": base, "log_path": log_path, "process": process})
    finally:
        stop(process)
        log.close()
