"""`gatehouse serve` as an attacker finds it: private files, foreign Host names, idle and
half-sent connections, descriptor exhaustion, symlinks in the web folder."""

import os
import resource
import socket
import stat

import pytest
import requests

from conftest import LocalServe

IDLE_TIMEOUT = 1


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("hardening")
    state = data_dir / "state"
    # An existing folder that anyone may read: serve must narrow it, and say so.
    state.mkdir(mode=0o755)
    os.chmod(state, 0o755)
    server = LocalServe(data_dir, "--idle-timeout", str(IDLE_TIMEOUT), "--max-connections", "32")
    yield server
    server.close()


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_the_data_directory_and_its_files_are_owner_only(serve):
    state = serve.data_dir / "state"
    assert mode(state) == 0o700
    names = sorted(p.name for p in state.iterdir())
    assert {"pool.sqlite3", "pool.sqlite3-wal", "pool.sqlite3-shm", "demo-user.json"} <= set(names)
    for path in state.iterdir():
        assert mode(path) == 0o600, path.name
    log = (serve.data_dir / "serve.log").read_text()
    assert "gatehouse.pool.permissions_narrowed" in log and str(state) in log


@pytest.mark.parametrize("which", ["api", "pool", "app"])
def test_foreign_host_names_are_refused(serve, which):
    port = {"api": serve.api_port, "pool": serve.pool_port, "app": serve.app_port}[which]
    path = "/healthz" if which != "app" else "/"
    base = f"http://127.0.0.1:{port}{path}"
    for host in [f"rebound.attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.:{port}"]:
        response = requests.get(base, headers={"Host": host}, timeout=10)
        assert response.status_code == 421, host
        assert "attacker" not in response.text
    for host in [f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"]:
        answer = requests.get(base, headers={"Host": host}, allow_redirects=False, timeout=10)
        # The app sends another loopback name to its configured origin (issue 22, item 18).
        expected = 308 if which == "app" and not host.startswith("127.0.0.1") else 200
        assert answer.status_code == expected, host


def test_a_rebinding_page_cannot_use_the_pools_admin_api(serve):
    response = requests.post(
        serve.pool_url + "/",
        headers={
            "Host": f"rebound.attacker.example:{serve.pool_port}",
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminCreateUser",
        },
        data=f'{{"UserPoolId":"{serve.pool_id}","Username":"planted"}}',
        timeout=10,
    )
    assert response.status_code == 421
    with pytest.raises(serve.cognito.exceptions.UserNotFoundException):
        serve.cognito.admin_get_user(UserPoolId=serve.pool_id, Username="planted")


def read_until_closed(sock, limit=15.0):
    """Everything the server sends until it closes the connection (at most `limit` seconds)."""
    sock.settimeout(limit)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk


@pytest.mark.parametrize("which", ["api", "pool", "app"])
@pytest.mark.parametrize("sent", ["nothing", "half a head", "half a body"])
def test_idle_and_stalled_connections_are_closed(serve, which, sent):
    port = {"api": serve.api_port, "pool": serve.pool_port, "app": serve.app_port}[which]
    payload = {
        "nothing": b"",
        "half a head": f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode(),
        "half a body": f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 100\r\n\r\n0123456789".encode(),
    }[sent]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        # recv raises socket.timeout if the server keeps the connection past 15 s.
        read_until_closed(sock)


@pytest.mark.parametrize("which", ["api", "pool", "app"])
def test_pipelined_and_closing_requests_get_whole_answers(serve, which):
    """Responses go out at the end of the loop's turn (FlushAtEndOfTick): three pipelined
    requests, the last with `Connection: close`, and an HTTP/1.0 request, each get every answer
    whole before the server closes."""
    port = {"api": serve.api_port, "pool": serve.pool_port, "app": serve.app_port}[which]
    path = "/healthz" if which != "app" else "/"
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall((head + "\r\n" + head + "\r\n" + head + "Connection: close\r\n\r\n").encode())
        received = read_until_closed(sock)
    expected = requests.get(f"http://127.0.0.1:{port}{path}", timeout=10).content
    assert received.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert received.count(expected) == 3 and received.endswith(expected)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        received = read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n") and received.endswith(expected)


def test_a_flood_of_idle_connections_stops_no_server(tmp_path):
    """With 256 descriptors, 250 idle connections to the app port: the connection cap keeps
    the process from running out, and the API and the pool answer at once."""
    def low_descriptor_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    server = LocalServe(tmp_path, "--idle-timeout", "30", preexec=low_descriptor_limit)
    sockets = []
    try:
        for _ in range(250):
            sockets.append(socket.create_connection(("127.0.0.1", server.app_port), timeout=5))
        assert requests.get(server.api + "/healthz", timeout=5).status_code == 200
        assert requests.get(server.pool_url + "/healthz", timeout=5).status_code == 200
        tokens = server.cognito.initiate_auth(
            ClientId=server.spa, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": server.demo["username"], "PASSWORD": server.demo["password"]},
        )["AuthenticationResult"]
        profile = requests.get(server.api + "/userinfo", headers={"Authorization": "Bearer " + tokens["AccessToken"]}, timeout=5)
        assert profile.status_code == 200
        # The idle ones go; the app answers again.
        for sock in sockets:
            sock.close()
        sockets.clear()
        assert requests.get(server.app + "/", timeout=15).status_code == 200
    finally:
        for sock in sockets:
            sock.close()
        server.close()


def test_the_web_folder_serves_no_symlink(tmp_path):
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>t</title>")
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-KEY-MATERIAL")
    (web / "leak.js").symlink_to(secret)
    (web / "index2.html").symlink_to(web / "index.html")
    server = LocalServe(tmp_path, "--web-dir", str(web))
    try:
        assert requests.get(server.app + "/", timeout=5).status_code == 200
        for name in ["leak.js", "index2.html"]:
            response = requests.get(f"{server.app}/{name}", timeout=5)
            assert response.status_code == 404
            assert "PRIVATE-KEY-MATERIAL" not in response.text
    finally:
        server.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.parametrize("which", ["api", "pool", "app"])
def test_oversized_requests_get_a_4xx_or_a_closed_connection_and_memory_stays_bounded(serve, which):
    port = {"api": serve.api_port, "pool": serve.pool_port, "app": serve.app_port}[which]
    base = f"http://127.0.0.1:{port}"
    before = rss_kib(serve.process.pid)
    for _ in range(10):
        # A 200 KB header (past the 80 KB limit) and a 2 MB body (past every route's limit).
        try:
            response = requests.get(base + "/", headers={"X-Big": "a" * 200_000}, timeout=10)
            assert 400 <= response.status_code < 500, response.status_code
        except requests.ConnectionError:
            pass  # closed without an answer: allowed
        try:
            response = requests.post(base + "/", data=b"x" * 2_000_000, timeout=10,
                                     headers={"Content-Type": "application/x-amz-json-1.1",
                                              "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"})
            assert 400 <= response.status_code < 500, response.status_code
        except requests.ConnectionError:
            pass
    # Others are still served, and the process did not keep what it was sent.
    assert requests.get(serve.api + "/healthz", timeout=10).status_code == 200
    assert rss_kib(serve.process.pid) - before < 64 * 1024
