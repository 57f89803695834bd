"""Scale-out: several Gatehouse instances on one DynamoDB session table (moto's server), one pool.

Instance A is `gatehouse serve` with its local pool; B, C and D are `gatehouse serve` configured
as for Cognito, pointed at A's pool (its issuer, JWKS and cognito-idp API, its hosted login);
the Lambda bootstrap runs under the Runtime API emulator with the same configuration. All
share the table and the session keys. Refresh grants are counted at the pool (A's access log
of `POST /oauth2/token`)."""

import base64
import json
import os
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
import requests

from conftest import REGION, LocalServe, free_port, gatehouse_binary, stop, wait_for
from lambda_runtime import http_api_event
from test_cookie_sessions import CookieBrowser
from test_lambda_runtime import Bootstrap
from test_local_pool import sign_in

CREDENTIALS = ("AKIDTESTING", "testing-secret")
API_SCOPE = "aws.cognito.signin.user.admin"
TOKEN_SECONDS = 4


class Proxy:
    """A loopback HTTP proxy to `target` whose `decide(path, body)` may answer instead:
    None forwards, (status, headers, body) answers, "hold" blocks until `release` is set."""

    def __init__(self, target, decide=None):
        self.target = target
        self.decide = decide or (lambda path, body: None)
        self.held = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._relay("GET")

            def do_POST(self):
                self._relay("POST")

            def _relay(self, method):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = proxy.decide(self.path, body)
                if answer == "hold":
                    proxy.held.set()
                    proxy.release.wait(60)
                    answer = (502, {}, b"")
                if answer is None:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
                    upstream = requests.request(method, proxy.target + self.path, headers=headers, data=body, timeout=30)
                    answer = (upstream.status_code, {"Content-Type": upstream.headers.get("Content-Type", "application/json")},
                              upstream.content)
                status, headers, payload = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class Instance:
    """`gatehouse serve` configured as for Cognito, pointed at `pool`'s local pool."""

    def __init__(self, path, environment):
        self.api_port = free_port()
        self.api = f"http://127.0.0.1:{self.api_port}"
        self.log_path = path / "serve.log"
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [str(gatehouse_binary()), "serve", "--port", str(self.api_port)],
            env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **environment},
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.api + "/healthz", self.process)

    def close(self):
        stop(self.process)
        self.log.close()


class Cluster:
    def __init__(self, root, moto_endpoint):
        self.root = root
        self.moto = moto_endpoint
        self.table = f"sessions-{os.urandom(4).hex()}"
        self.keys = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        aws = {"AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": CREDENTIALS[0], "AWS_SECRET_ACCESS_KEY": CREDENTIALS[1]}
        made = subprocess.run([str(gatehouse_binary()), "sessions", "create-table", self.table],
                              env={"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL_DYNAMODB": moto_endpoint, **aws},
                              capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        (root / "a").mkdir()
        self.a = LocalServe(root / "a", credentials=CREDENTIALS, environment={
            **aws, "AWS_ENDPOINT_URL_DYNAMODB": moto_endpoint,
            "GATEHOUSE_SESSION_STORE": f"dynamodb:{self.table}", "GATEHOUSE_SESSION_KEYS": self.keys})
        # The session client: tokens that live a few seconds, and the API scope (sign-out everywhere).
        client = self.a.short_lived_client("scale-out", TOKEN_SECONDS, secret=True,
                                            scopes=("openid", "email", "profile", API_SCOPE))
        self.client_id, self.secret = client["ClientId"], client["ClientSecret"]
        self.oauth = {"GATEHOUSE_OAUTH_CLIENT_ID": self.client_id, "GATEHOUSE_OAUTH_CLIENT_SECRET": self.secret,
                      "GATEHOUSE_OAUTH_SCOPES": f"openid email profile {API_SCOPE}"}
        self.a.environment.update(self.oauth)
        self.a.restart()
        self.remote = {
            **aws, **self.oauth, "AWS_ENDPOINT_URL_DYNAMODB": moto_endpoint,
            "GATEHOUSE_USER_POOL_ID": self.a.pool_id,
            "GATEHOUSE_ISSUER": f"{self.a.pool_url}/{self.a.pool_id}",
            "GATEHOUSE_JWKS_URL": f"{self.a.pool_url}/{self.a.pool_id}/.well-known/jwks.json",
            "GATEHOUSE_COGNITO_ENDPOINT": self.a.pool_url,
            "GATEHOUSE_CLIENT_IDS": self.a.spa,
            "GATEHOUSE_ALLOWED_ORIGINS": self.a.app,
            "GATEHOUSE_OAUTH_DOMAIN": self.a.pool_url,
            "GATEHOUSE_OAUTH_REDIRECT_URI": self.a.app + "/",
            "GATEHOUSE_SESSION_STORE": f"dynamodb:{self.table}",
            "GATEHOUSE_SESSION_KEYS": self.keys,
            "GATEHOUSE_REVOCATION_CHECK": "on",
            "GATEHOUSE_REVOCATION_CACHE_TTL": "0",
            "LOG_LEVEL": "debug",
        }
        (root / "b").mkdir()
        self.b = Instance(root / "b", self.remote)

    def instance(self, name, **overrides):
        (self.root / name).mkdir(exist_ok=True)
        return Instance(self.root / name, {**self.remote, **overrides})

    def browser(self, instance=None):
        """A browser of the app, talking to `instance` (default A)."""
        target = instance or self.a
        view = type("View", (), {"api": target.api, "app": self.a.app, "demo": self.a.demo})
        return CookieBrowser(view)

    def refresh_grants(self):
        """Token grants the pool answered so far (200s of POST /oauth2/token: code exchanges and
        refresh grants; tests compare counts taken around steps that make no login)."""
        text = (self.a.data_dir / "serve.log").read_text()
        return len(re.findall(r"gatehouse\.request\.path=/oauth2/token .*gatehouse\.response\.status=200 ", text))

    def close(self):
        self.b.close()
        self.a.close()


def on(browser, instance):
    """The same browser (its cookies) talking to another instance."""
    browser.serve = type("View", (), {"api": instance.api, "app": browser.serve.app, "demo": browser.serve.demo})
    return browser


def wait_until_expired(browser):
    """Waits for the wall clock to pass the session's access-token expiry (the point of the test
    is what happens after it)."""
    expires = browser.request("GET", "/auth/session", csrf=False).json()["expiresAt"]
    while time.time() <= expires + 0.5:
        time.sleep(expires + 0.6 - time.time())


@pytest.fixture(scope="module")
def cluster(moto_endpoint, tmp_path_factory):
    made = Cluster(tmp_path_factory.mktemp("scale-out"), moto_endpoint)
    yield made
    made.close()


def test_a_session_made_through_one_instance_works_through_the_others_and_the_lambda(cluster, tmp_path):
    browser = cluster.browser()
    assert browser.login().status_code == 200
    cookie = browser.jar["__Host-gatehouse"]
    assert on(browser, cluster.b).request("GET", "/userinfo").json()["username"] == cluster.a.demo["username"]

    # As the SAM template runs it: the client secret and the session keys named by their Secrets
    # Manager ARNs (moto's), read once at start-up, never in the function's environment.
    secrets = boto3.client("secretsmanager", region_name=REGION, endpoint_url=cluster.moto,
                           aws_access_key_id=CREDENTIALS[0], aws_secret_access_key=CREDENTIALS[1])
    client_secret_arn = secrets.create_secret(Name=f"client-{os.urandom(3).hex()}", SecretString=cluster.secret)["ARN"]
    keys_arn = secrets.create_secret(Name=f"keys-{os.urandom(3).hex()}", SecretString=cluster.keys)["ARN"]
    environment = {k: v for k, v in cluster.remote.items()
                   if k not in ("GATEHOUSE_OAUTH_CLIENT_SECRET", "GATEHOUSE_SESSION_KEYS")}
    bootstrap = Bootstrap(tmp_path, {
        **environment, "AWS_ENDPOINT_URL_SECRETS_MANAGER": cluster.moto,
        "GATEHOUSE_OAUTH_CLIENT_SECRET_ARN": client_secret_arn, "GATEHOUSE_SESSION_KEYS_ARN": keys_arn})
    try:
        event = http_api_event(headers={"Origin": cluster.a.app, "X-CSRF": "1"}, cookies=[f"__Host-gatehouse={cookie}"])
        response, _ = bootstrap.invoke(event)
        assert response["statusCode"] == 200, response
        assert json.loads(response["body"])["nickname"] == "Demo"
        # Logout through B; the next request through A, and through the Lambda, is a dead session.
        assert on(browser, cluster.b).request("POST", "/auth/logout").status_code == 200
        browser.jar["__Host-gatehouse"] = cookie
        dead = on(browser, cluster.a).request("GET", "/userinfo")
        assert dead.status_code == 401 and dead.json()["error"] == "session_expired"
        response, _ = bootstrap.invoke(event)
        assert response["statusCode"] == 401 and json.loads(response["body"])["error"] == "session_expired"
        assert cluster.secret not in "\n".join(bootstrap.log_lines())
    finally:
        bootstrap.close()
    # A secret that cannot be read stops the start, naming its variable.
    broken = Bootstrap(tmp_path, {**environment, "AWS_ENDPOINT_URL_SECRETS_MANAGER": cluster.moto,
                                  "GATEHOUSE_OAUTH_CLIENT_SECRET_ARN": client_secret_arn + "-gone",
                                  "GATEHOUSE_SESSION_KEYS_ARN": keys_arn})
    try:
        assert broken.emulator.init_error_posted.wait(30)
        assert "GATEHOUSE_OAUTH_CLIENT_SECRET_ARN" in json.dumps(broken.emulator.init_error)
    finally:
        broken.close()


def test_fifty_concurrent_requests_on_two_instances_as_the_token_expires_make_one_refresh_grant(cluster):
    browser = cluster.browser()
    assert browser.login().status_code == 200
    cookie = browser.jar["__Host-gatehouse"]
    wait_until_expired(browser)
    before = cluster.refresh_grants()

    def one(index):
        each = cluster.browser(cluster.a if index % 2 == 0 else cluster.b)
        each.jar["__Host-gatehouse"] = cookie
        response = each.request("GET", "/userinfo")
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(50)))
    assert [status for status, _ in answers] == [200] * 50, [text for status, text in answers if status != 200][:3]
    assert cluster.refresh_grants() - before == 1
    item = boto3.client("dynamodb", region_name=REGION, endpoint_url=cluster.moto,
                        aws_access_key_id=CREDENTIALS[0], aws_secret_access_key=CREDENTIALS[1])
    import hashlib
    stored = item.get_item(TableName=cluster.table, Key={"id": {"S": hashlib.sha256(cookie.encode()).hexdigest()}},
                           ConsistentRead=True)["Item"]
    assert float(stored["refreshLeaseUntil"]["N"]) == 0
    assert int(stored["expiresAt"]["N"]) > time.time()
    assert cookie not in repr(stored)


def test_sign_out_everywhere_ends_the_users_other_sessions_and_bearer_tokens(cluster):
    first, second = cluster.browser(), cluster.browser(cluster.b)
    assert first.login().status_code == 200
    assert on(second, cluster.a).login().status_code == 200
    on(second, cluster.b)
    bearer = sign_in(cluster.a, cluster.a.demo["username"], cluster.a.demo["password"])
    headers = {"Authorization": "Bearer " + bearer["AccessToken"]}
    assert requests.get(cluster.b.api + "/userinfo", headers=headers, timeout=10).status_code == 200
    assert second.request("GET", "/userinfo").status_code == 200

    out = first.request("POST", "/auth/logout", json={"everywhere": True})
    assert out.status_code == 200, out.text
    assert out.json()["sessionsEnded"] >= 2
    assert "__Host-gatehouse" not in first.jar
    ended = second.request("GET", "/userinfo")
    assert ended.status_code == 401 and ended.json()["error"] == "session_expired"
    # The bearer token issued before the sign-out still verifies offline; B asks the pool.
    revoked = requests.get(cluster.b.api + "/userinfo", headers=headers, timeout=10)
    assert revoked.status_code == 401 and revoked.json()["error"] == "token_revoked"
    assert 'error="invalid_token"' in revoked.headers["WWW-Authenticate"]
    # A (no revocation check) still honours it until it expires: the check is what differs.
    assert requests.get(cluster.a.api + "/userinfo", headers=headers, timeout=10).status_code == 200
    # And the refresh token is dead at the pool.
    with pytest.raises(cluster.a.cognito.exceptions.NotAuthorizedException):
        cluster.a.cognito.initiate_auth(ClientId=cluster.a.spa, AuthFlow="REFRESH_TOKEN_AUTH",
                                        AuthParameters={"REFRESH_TOKEN": bearer["RefreshToken"]})
    # Malformed bodies change nothing.
    assert first.login().status_code == 200
    for body in ('{"everywhere": "yes"}', "[]", '{"all": true}', "not json"):
        bad = first.request("POST", "/auth/logout", data=body, headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_request", body
    assert first.request("GET", "/userinfo").status_code == 200


def test_revoke_from_the_command_line(cluster):
    browser = cluster.browser()
    assert browser.login().status_code == 200
    environment = {"PATH": os.environ.get("PATH", ""), "AWS_REGION": REGION, "AWS_ENDPOINT_URL_DYNAMODB": cluster.moto,
                   "AWS_ACCESS_KEY_ID": CREDENTIALS[0], "AWS_SECRET_ACCESS_KEY": CREDENTIALS[1]}
    done = subprocess.run(
        [str(gatehouse_binary()), "sessions", "revoke", "--user", cluster.a.demo["username"],
         "--data-dir", str(cluster.a.data_dir / "state"), "--session-store", f"dynamodb:{cluster.table}"],
        env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert re.search(r"signed out demo everywhere: [1-9]\d* session\(s\) ended", done.stdout), done.stdout
    ended = on(browser, cluster.b).request("GET", "/userinfo")
    assert ended.status_code == 401 and ended.json()["error"] == "session_expired"
    missing = subprocess.run(
        [str(gatehouse_binary()), "sessions", "revoke", "--user", "nobody-here",
         "--data-dir", str(cluster.a.data_dir / "state"), "--session-store", f"dynamodb:{cluster.table}"],
        env=environment, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "Usage" not in missing.stderr and "nobody-here" not in missing.stdout


def test_an_instance_killed_in_the_middle_of_a_refresh_leaves_the_session_usable(cluster):
    # D's refresh grants go through a proxy that holds them: D takes the lease, and dies.
    proxy = Proxy(cluster.a.pool_url, lambda path, body: "hold" if b"grant_type=refresh_token" in body else None)
    d = cluster.instance("d", GATEHOUSE_OAUTH_DOMAIN=proxy.url)
    try:
        browser = cluster.browser()
        assert browser.login().status_code == 200
        wait_until_expired(browser)
        before = cluster.refresh_grants()
        stuck = cluster.browser(d)
        stuck.jar = dict(browser.jar)
        caller = threading.Thread(target=lambda: _ignore_errors(lambda: stuck.request("GET", "/userinfo")), daemon=True)
        caller.start()
        assert proxy.held.wait(30), "D never asked for a refresh grant"
        d.process.send_signal(signal.SIGKILL)
        d.process.wait()
        # Through A: A waits for the lease to lapse (10 s), refreshes, and the user never sees the death.
        answer = on(browser, cluster.a).request("GET", "/userinfo", timeout=30)
        assert answer.status_code == 200, answer.text
        assert cluster.refresh_grants() - before == 1
    finally:
        d.close()
        proxy.close()


def _ignore_errors(call):
    try:
        call()
    except requests.RequestException:
        pass


def test_throttled_dynamodb_calls_are_retried_and_the_session_survives(cluster):
    throttle = {"left": 0, "answered": 0}
    lock = threading.Lock()

    def decide(path, body):
        with lock:
            if throttle["left"] <= 0:
                return None
            throttle["left"] -= 1
            throttle["answered"] += 1
        return (400, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps({
            "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "message": "The level of configured provisioned throughput for the table was exceeded."}).encode())

    proxy = Proxy(cluster.moto, decide)
    e = cluster.instance("e", AWS_ENDPOINT_URL_DYNAMODB=proxy.url)
    try:
        browser = cluster.browser()
        assert browser.login().status_code == 200
        on(browser, e)
        throttle["left"] = 2
        answer = browser.request("GET", "/userinfo")
        assert answer.status_code == 200, answer.text
        assert throttle["answered"] == 2
        # Throttled past the retries: 503 with Retry-After, the cookie kept, and then it works.
        throttle["left"] = 10
        busy = browser.request("GET", "/userinfo")
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "__Host-gatehouse" in browser.jar
        throttle["left"] = 0
        assert browser.request("GET", "/userinfo").status_code == 200
        log = e.log_path.read_text()
        assert "aws.call.retrying" in log and "ProvisionedThroughputExceededException" in log
    finally:
        e.close()
        proxy.close()
