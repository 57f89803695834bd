"""The proxy streams (issue 23): 64 MiB each way with the server's memory sampled, and 40
concurrent requests of one session across its access token's expiry, with exactly one refresh."""

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import LocalServe, free_port
from recording_upstream import RecordingUpstream
from test_cookie_sessions import CookieBrowser
from test_first_hour import sample

SIZE = 64 * 1024 * 1024
LIMIT = 48 * 1024 * 1024


@pytest.fixture(scope="module")
def upstream():
    server = RecordingUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory, upstream):
    metrics = free_port()
    server = LocalServe(tmp_path_factory.mktemp("proxy-streaming"), "--upstream", f"/files/={upstream.url}/v1/",
                        "--metrics-port", str(metrics))
    server.metrics = f"http://127.0.0.1:{metrics}/metrics"
    yield server
    server.close()


class RSSSampler:
    """The resident set of a process, read from /proc every few milliseconds while it runs."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = self.baseline = self.read()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def read(self):
        with open(f"/proc/{self.pid}/status") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))

    def run(self):
        while not self.done.wait(0.005):
            self.peak = max(self.peak, self.read())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *errors):
        self.done.set()
        self.thread.join()


def bearer(serve):
    return serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]["AccessToken"]


def test_a_64_mib_download_streams_through(serve):
    headers = {"Authorization": "Bearer " + bearer(serve)}
    # Warm up: the first request's allocations are not the body's.
    requests.get(serve.api + "/files/download?n=1024", headers=headers, timeout=30).raise_for_status()
    digest, size = hashlib.sha256(), 0
    with RSSSampler(serve.process.pid) as rss:
        with requests.get(serve.api + f"/files/download?n={SIZE}", headers=headers, stream=True, timeout=60) as response:
            assert response.status_code == 200
            for chunk in response.iter_content(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    block = bytes(range(256)) * 256
    expected = hashlib.sha256()
    for _ in range(SIZE // len(block)):
        expected.update(block)
    assert size == SIZE and digest.hexdigest() == expected.hexdigest()
    print(f"\n64 MiB through the proxy: the server grew by {(rss.peak - rss.baseline) / (1 << 20):.1f} MiB")
    assert rss.peak - rss.baseline < LIMIT, f"the server grew by {(rss.peak - rss.baseline) >> 20} MiB"


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_a_64_mib_upload_streams_through(serve, upstream, framing):
    headers = {"Authorization": "Bearer " + bearer(serve), "Content-Type": "application/octet-stream"}
    piece = hashlib.sha256(b"gatehouse").digest() * (1 << 15)  # 1 MiB

    class Body:
        """1 MiB pieces, made as they are sent; with a length, requests frames it by Content-Length."""

        def __iter__(self):
            return (piece for _ in range(SIZE // len(piece)))

        def __len__(self):
            return SIZE

    body = Body() if framing == "content-length" else iter(Body())
    with RSSSampler(serve.process.pid) as rss:
        response = requests.put(serve.api + "/files/upload", data=body, headers=headers, timeout=60)
    assert response.request.headers.get("Content-Length" if framing == "content-length" else "Transfer-Encoding")
    assert response.status_code == 200, response.text
    expected = hashlib.sha256()
    for _ in range(SIZE // len(piece)):
        expected.update(piece)
    record = upstream.recorded("/v1/upload")[-1]
    assert record["body_size"] == SIZE and record["body_sha256"] == expected.hexdigest()
    print(f"\n64 MiB through the proxy: the server grew by {(rss.peak - rss.baseline) / (1 << 20):.1f} MiB")
    assert rss.peak - rss.baseline < LIMIT, f"the server grew by {(rss.peak - rss.baseline) >> 20} MiB"


def test_forty_concurrent_requests_of_one_session_refresh_once(tmp_path, upstream):
    metrics = free_port()
    arguments = ("--upstream", f"/files/={upstream.url}/v1/", "--metrics-port", str(metrics))
    serve = LocalServe(tmp_path, *arguments)
    try:
        # Access tokens of 10 s: due for refresh 2 s before expiry (a fifth of their life).
        short = serve.short_lived_client("short-lived-proxy", 10, secret=True)
        serve.environment.update({"GATEHOUSE_OAUTH_CLIENT_ID": short["ClientId"], "GATEHOUSE_OAUTH_CLIENT_SECRET": short["ClientSecret"]})
        serve.restart(*arguments)
        browser = CookieBrowser(serve)
        assert browser.login().status_code == 200
        first_expiry = browser.request("GET", "/auth/session", csrf=False).json()["expiresAt"]
        before = sample(requests.get(f"http://127.0.0.1:{metrics}/metrics", timeout=10).text,
                        "gatehouse_refresh_grants_total", outcome="success") or 0

        def client(_):
            answers = []
            # Each of the 40 keeps calling until the session has been refreshed once.
            while True:
                response = browser.request("GET", "/files/token-exp")
                answers.append((response.status_code, response.json()))
                expiry = browser.request("GET", "/auth/session", csrf=False).json()["expiresAt"]
                if expiry > first_expiry and len(answers) > 2:
                    return answers

        with ThreadPoolExecutor(max_workers=40) as pool:
            results = [answer for answers in pool.map(client, range(40)) for answer in answers]
        assert all(status == 200 for status, _ in results), [r for r in results if r[0] != 200][:3]
        # The upstream never got an expired token, and saw the new one.
        assert not any(body["expired"] for _, body in results)
        assert len({body["exp"] for _, body in results}) == 2
        after = sample(requests.get(f"http://127.0.0.1:{metrics}/metrics", timeout=10).text,
                       "gatehouse_refresh_grants_total", outcome="success")
        assert after - before == 1
    finally:
        serve.close()
