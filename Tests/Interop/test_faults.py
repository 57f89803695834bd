"""Faults, as a client would meet them: the JWKS endpoint and the user directory going down, a
directory that throttles, and `kill -9` in the middle of writes. Loopback only; every wait is
bounded."""

import json
import os
import signal
import sqlite3
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from conftest import LocalServe, free_port, gatehouse_binary, stop, wait_for
from jwt_helpers import decode_part, private_key_from_jwk, sign_rs256


class FaultProxy:
    """A loopback HTTP proxy in front of moto whose behaviour a test switches: the JWKS path
    and the cognito-idp API each pass, go down (503), or (the API) answer
    TooManyRequestsException a number of times. It counts what it was asked."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.jwks_down = False
        self.api_down = False
        self.throttle = 0
        self.jwks_requests = 0
        self.api_requests = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, headers=()):
                data = body.encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                with proxy.lock:
                    proxy.jwks_requests += 1
                    down = proxy.jwks_down
                if down:
                    return self.answer(503, "down")
                upstream = requests.get(proxy.upstream + self.path, timeout=10)
                self.answer(upstream.status_code, upstream.text, [("Content-Type", "application/json")])

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with proxy.lock:
                    proxy.api_requests += 1
                    down = proxy.api_down
                    throttled = proxy.throttle > 0
                    if throttled:
                        proxy.throttle -= 1
                if down:
                    return self.answer(503, '{"__type":"ServiceUnavailable","message":"down"}')
                if throttled:
                    return self.answer(400, '{"__type":"TooManyRequestsException","message":"Rate exceeded"}',
                                       [("x-amzn-ErrorType", "TooManyRequestsException:")])
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                upstream = requests.post(proxy.upstream + self.path, data=body, headers=headers, timeout=10)
                self.answer(upstream.status_code, upstream.text, [("Content-Type", "application/x-amz-json-1.1")])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def counts(self):
        with self.lock:
            return self.jwks_requests, self.api_requests

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def faulty(moto_endpoint, pool, tmp_path_factory):
    proxy = FaultProxy(moto_endpoint)
    port = free_port()
    log = open(tmp_path_factory.mktemp("faults") / "serve.log", "w")
    process = subprocess.Popen(
        [str(gatehouse_binary()), "serve", "--port", str(port)],
        env={
            "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
            "GATEHOUSE_USER_POOL_ID": pool.id,
            "GATEHOUSE_JWKS_URL": f"{proxy.url}/{pool.id}/.well-known/jwks.json",
            "GATEHOUSE_COGNITO_ENDPOINT": proxy.url,
            "GATEHOUSE_CLIENT_IDS": pool.client_id,
            "GATEHOUSE_USER_CACHE_TTL": "0",
            "GATEHOUSE_TOKEN_CACHE_SIZE": "0",
            "AWS_ACCESS_KEY_ID": "AKIDTESTING", "AWS_SECRET_ACCESS_KEY": "testing-secret",
        },
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", process)
        try:
            pool.create_user("faulty", email="faulty@example.com", nickname="F")
        except pool.cognito.exceptions.UsernameExistsException:
            pass
        yield type("Faulty", (), {"base": base, "proxy": proxy, "pool": pool})
    finally:
        stop(process)
        log.close()
        proxy.close()


def userinfo(faulty, token):
    return requests.get(faulty.base + "/userinfo", headers={"Authorization": "Bearer " + token}, timeout=15)


def test_known_keys_keep_verifying_while_the_jwks_endpoint_is_down(faulty, moto_private_jwk):
    token = faulty.pool.tokens("faulty")["AccessToken"]
    assert userinfo(faulty, token).status_code == 200
    faulty.proxy.jwks_down = True
    try:
        fresh = faulty.pool.tokens("faulty")["AccessToken"]
        assert userinfo(faulty, fresh).status_code == 200
        # A kid nobody holds: 401 every time, never 5xx, and the endpoint is asked at most once
        # in the penalty box's ten seconds however many such tokens come.
        claims = decode_part(fresh, 1)
        forged = sign_rs256({"kid": "not-a-known-kid", "alg": "RS256"}, claims, private_key_from_jwk(moto_private_jwk))
        before, _ = faulty.proxy.counts()
        statuses = {userinfo(faulty, forged).status_code for _ in range(25)}
        after, _ = faulty.proxy.counts()
        assert statuses == {401}
        assert after - before <= 1
    finally:
        faulty.proxy.jwks_down = False


def test_a_directory_outage_is_503_with_retry_after_and_recovers_by_itself(faulty):
    token = faulty.pool.tokens("faulty")["AccessToken"]
    faulty.proxy.api_down = True
    try:
        response = userinfo(faulty, token)
        assert response.status_code == 503
        assert response.json()["error"] == "service_unavailable"
        assert int(response.headers["Retry-After"]) > 0
    finally:
        faulty.proxy.api_down = False
    assert userinfo(faulty, token).status_code == 200


def test_throttling_is_retried_with_backoff_then_answered_503(faulty):
    token = faulty.pool.tokens("faulty")["AccessToken"]
    _, before = faulty.proxy.counts()
    faulty.proxy.throttle = 2
    assert userinfo(faulty, token).status_code == 200
    _, after = faulty.proxy.counts()
    assert after - before == 3  # two throttled attempts, then the one that passed
    faulty.proxy.throttle = 1000
    try:
        _, before = faulty.proxy.counts()
        response = userinfo(faulty, token)
        _, after = faulty.proxy.counts()
        assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
        assert after - before == 3  # the retry policy's three attempts, no more
    finally:
        faulty.proxy.throttle = 0


def test_kill_9_during_writes_leaves_no_half_written_user(tmp_path):
    serve = LocalServe(tmp_path)
    created = []
    stop_writing = threading.Event()
    enough = threading.Event()

    def writer(prefix):
        index = 0
        while not stop_writing.is_set():
            name = f"{prefix}{index}"
            try:
                serve.cognito.admin_create_user(UserPoolId=serve.pool_id, Username=name, UserAttributes=[
                    {"Name": "email", "Value": f"{name}@example.com"}, {"Name": "nickname", "Value": name},
                    {"Name": "name", "Value": name.upper()}])
                created.append(name)
                if len(created) >= 30:
                    enough.set()
            except Exception:
                return  # the server is gone
            index += 1

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=60), "the writers did not get going"
    serve.process.send_signal(signal.SIGKILL)
    serve.process.wait(timeout=10)
    stop_writing.set()
    for thread in threads:
        thread.join(timeout=30)
    serve.log.close()
    assert len(created) >= 30

    database = sqlite3.connect(tmp_path / "state" / "pool.sqlite3")
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    database.close()
    serve.start()
    try:
        users, token = [], None
        while True:
            page = serve.cognito.list_users(UserPoolId=serve.pool_id, **({"PaginationToken": token} if token else {}))
            users += page["Users"]
            token = page.get("PaginationToken")
            if not token:
                break
        names = {user["Username"] for user in users}
        # Every acknowledged write survived, and every user there is whole.
        assert set(created) <= names
        for user in users:
            if user["Username"] == serve.demo["username"]:
                continue
            attributes = {a["Name"]: a["Value"] for a in user["Attributes"]}
            assert attributes["email"] == user["Username"] + "@example.com"
            assert attributes["nickname"] == user["Username"] and attributes["name"] == user["Username"].upper()
            assert attributes["sub"]
    finally:
        serve.close()
