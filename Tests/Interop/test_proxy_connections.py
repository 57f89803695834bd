"""The proxy's own upstream client (issue 23) against an upstream scripted byte by byte: keep-alive
reuse, an idle connection the upstream closed, `Connection: close`, HEAD, interim 100 answers,
close-delimited bodies, garbage, a reset mid-body, an answer before the upload ended, and TLS
verified against the system's roots and `--upstream-ca` (the certificate's name included)."""

import socket
import ssl
import subprocess
import threading

import pytest
import requests

from conftest import LocalServe, free_port
from test_proxy import bearer


class ScriptedUpstream:
    """A loopback server that reads each request's head (and a Content-Length body when asked)
    and answers with `answer(path)`: bytes to send, then whether to keep the connection. Counts
    connections; `closed` is set whenever it closes one itself."""

    def __init__(self, answer, tls_context=None, read_bodies=True):
        self.answer = answer
        self.read_bodies = read_bodies
        self.connections = 0
        self.requests = []
        self.closed = threading.Event()
        self.lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.tls_context = tls_context
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        try:
            if self.tls_context:
                conn = self.tls_context.wrap_socket(conn, server_side=True)
            reader = conn.makefile("rb")
            while True:
                line = reader.readline()
                if not line:
                    return
                method, path, _ = line.decode().split(" ", 2)
                headers = {}
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, value = header.decode().split(":", 1)
                    headers[name.strip().lower()] = value.strip()
                if self.read_bodies and "content-length" in headers:
                    reader.read(int(headers["content-length"]))
                with self.lock:
                    self.requests.append((method, path, headers))
                data, keep = self.answer(method, path)
                if data:
                    conn.sendall(data)
                if not keep:
                    return
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            conn.close()
            self.closed.set()

    def close(self):
        self.listener.close()


def ok(body=b"ok", extra=b""):
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


@pytest.fixture(scope="module")
def token_and_serve(tmp_path_factory, request):
    upstreams = {}

    def add(prefix, upstream, scheme="http", host="127.0.0.1"):
        upstreams[prefix] = f"{scheme}://{host}:{upstream.port}/"
        return upstream

    keepalive = add("/keep/", ScriptedUpstream(lambda m, p: (ok(b"kept"), True)))
    closing = add("/closing/", ScriptedUpstream(lambda m, p: (ok(b"bye", b"Connection: close\r\n"), False)))
    idle_closer = add("/idle/", ScriptedUpstream(lambda m, p: (ok(b"fresh"), p != "/first")))
    head = add("/head/", ScriptedUpstream(lambda m, p: (
        b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n" if m == "HEAD" else ok(b"after head"), True)))
    interim = add("/interim/", ScriptedUpstream(lambda m, p: (b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"final"), True)))
    eof_body = add("/eof/", ScriptedUpstream(lambda m, p: (b"HTTP/1.0 200 OK\r\n\r\nuntil the end", False)))
    garbage = add("/garbage/", ScriptedUpstream(lambda m, p: (b"NOT HTTP AT ALL\r\n\r\n", False)))
    reset = add("/reset/", ScriptedUpstream(lambda m, p: (b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial", False)))
    early = add("/early/", ScriptedUpstream(
        lambda m, p: (b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\n\r\ntoo long", True), read_bodies=False))
    servers = [keepalive, closing, idle_closer, head, interim, eof_body, garbage, reset, early]
    args = []
    for prefix, url in upstreams.items():
        args += ["--upstream", f"{prefix}={url}"]
    serve = LocalServe(tmp_path_factory.mktemp("proxy-connections"), *args, "--upstream-timeout", "5")
    token = bearer(serve)["AccessToken"]
    yield serve, {"Authorization": f"Bearer {token}"}, dict(zip([s.rstrip("/").strip("/") for s in upstreams], servers))
    serve.close()
    for server in servers:
        server.close()


def test_keep_alive_connections_are_reused(token_and_serve):
    serve, auth, upstreams = token_and_serve
    for _ in range(30):
        response = requests.get(serve.api + "/keep/x", headers=auth, timeout=10)
        assert response.status_code == 200 and response.text == "kept"
    # One connection per event loop at most (two cores here): never one per request.
    assert 1 <= upstreams["keep"].connections <= 4, upstreams["keep"].connections


def test_connection_close_is_honoured(token_and_serve):
    serve, auth, upstreams = token_and_serve
    for _ in range(3):
        response = requests.get(serve.api + "/closing/x", headers=auth, timeout=10)
        assert response.status_code == 200 and response.text == "bye"
    assert upstreams["closing"].connections == 3


def test_an_idle_connection_the_upstream_closed_is_not_an_error(token_and_serve):
    serve, auth, upstreams = token_and_serve
    # The upstream answers /first and closes the connection without saying so (no Connection: close).
    assert requests.get(serve.api + "/idle/first", headers=auth, timeout=10).text == "fresh"
    assert upstreams["idle"].closed.wait(10)
    for _ in range(5):
        response = requests.get(serve.api + "/idle/again", headers=auth, timeout=10)
        assert response.status_code == 200 and response.text == "fresh"


def test_head_answers_have_no_body_and_the_connection_stays_usable(token_and_serve):
    serve, auth, upstreams = token_and_serve
    response = requests.head(serve.api + "/head/x", headers=auth, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Length"] == "1234"
    after = requests.get(serve.api + "/head/y", headers=auth, timeout=10)
    assert after.status_code == 200 and after.text == "after head"
    assert [method for method, _, _ in upstreams["head"].requests] == ["HEAD", "GET"]


def test_an_interim_100_is_passed_over(token_and_serve):
    serve, auth, _ = token_and_serve
    response = requests.post(serve.api + "/interim/x", headers=auth, data=b"abc", timeout=10)
    assert response.status_code == 200 and response.text == "final"


def test_a_body_ended_by_the_connection_arrives_whole(token_and_serve):
    serve, auth, _ = token_and_serve
    response = requests.get(serve.api + "/eof/x", headers=auth, timeout=10)
    assert response.status_code == 200 and response.text == "until the end"


def test_garbage_from_the_upstream_is_502(token_and_serve):
    serve, auth, _ = token_and_serve
    response = requests.get(serve.api + "/garbage/x", headers=auth, timeout=10)
    assert response.status_code == 502 and response.json()["error"] == "upstream_unavailable"
    assert "NOT HTTP" not in response.text


def test_a_body_cut_short_is_not_passed_as_whole(token_and_serve):
    serve, auth, _ = token_and_serve
    # 100,000 bytes promised, 7 sent: the client must see a broken response, never a short "complete" one.
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        response = requests.get(serve.api + "/reset/x", headers=auth, timeout=10)
        response.content
    assert requests.get(serve.api + "/healthz", timeout=10).status_code == 200


def test_an_answer_before_the_upload_ended_reaches_the_client(token_and_serve):
    serve, auth, upstreams = token_and_serve
    # The upstream answers 413 without reading a byte of the body.
    sock = socket.create_connection(("127.0.0.1", serve.api_port), timeout=10)
    body = b"x" * 65536
    sock.sendall(b"PUT /early/x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: " % serve.api_port + auth["Authorization"].encode()
                 + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    answer = b""
    while b"too long" not in answer:
        data = sock.recv(65536)
        if not data:
            break
        answer += data
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert requests.get(serve.api + "/keep/after", headers=auth, timeout=10).status_code == 200


def test_an_answer_while_the_client_is_still_uploading_leaves_the_server_running(token_and_serve):
    # The client sends a tenth of its body and waits: the upload is still reading the client's
    # body when the answer has been relayed. The server must end that upload before it reads the
    # connection again (two readers of one body at once stopped the process).
    serve, auth, upstreams = token_and_serve
    sock = socket.create_connection(("127.0.0.1", serve.api_port), timeout=10)
    sock.sendall(b"PUT /early/x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: " % serve.api_port + auth["Authorization"].encode()
                 + b"\r\nContent-Length: 65536\r\n\r\n" + b"x" * 6553)
    answer = b""
    while b"too long" not in answer:
        data = sock.recv(65536)
        if not data:
            break
        answer += data
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # The rest of the body is not waited for: the server closes the connection.
    assert sock.recv(65536) == b""
    sock.close()
    assert serve.process.poll() is None
    assert requests.get(serve.api + "/keep/after", headers=auth, timeout=10).status_code == 200


# TLS upstreams: a CA and two server certificates made with openssl for this test.

def make_certificates(directory):
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Gatehouse test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign")
    for name, san in (("right", "IP:127.0.0.1"), ("wrong", "DNS:elsewhere.example")):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", "/CN=upstream")
        (directory / f"{name}.ext").write_text(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")


def tls_upstream(directory, name):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(directory / f"{name}.pem", directory / f"{name}.key")
    return ScriptedUpstream(lambda m, p: (ok(b"over tls"), True), tls_context=context)


def test_https_upstreams_are_verified(tmp_path_factory):
    certs = tmp_path_factory.mktemp("certs")
    make_certificates(certs)
    right, wrong = tls_upstream(certs, "right"), tls_upstream(certs, "wrong")
    routes = ["--upstream", f"/right/=https://127.0.0.1:{right.port}/", "--upstream", f"/wrong/=https://127.0.0.1:{wrong.port}/"]
    untrusting = LocalServe(tmp_path_factory.mktemp("tls-untrusting"), *routes)
    trusting = LocalServe(tmp_path_factory.mktemp("tls-trusting"), *routes, "--upstream-ca", str(certs / "ca.pem"))
    try:
        auth = {"Authorization": "Bearer " + bearer(untrusting)["AccessToken"]}
        refused = requests.get(untrusting.api + "/right/x", headers=auth, timeout=10)
        assert refused.status_code == 502 and refused.json()["error"] == "upstream_unavailable"
        auth = {"Authorization": "Bearer " + bearer(trusting)["AccessToken"]}
        accepted = requests.get(trusting.api + "/right/x", headers=auth, timeout=10)
        assert accepted.status_code == 200 and accepted.text == "over tls"
        # Signed by the trusted CA, but for another name: refused all the same.
        misnamed = requests.get(trusting.api + "/wrong/x", headers=auth, timeout=10)
        assert misnamed.status_code == 502
    finally:
        untrusting.close()
        trusting.close()
        right.close()
        wrong.close()


def test_a_bad_ca_file_stops_start_up(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    from conftest import gatehouse_binary
    result = subprocess.run(
        [str(gatehouse_binary()), "serve", "--port", str(free_port()), "--pool-port", str(free_port()),
         "--app-port", str(free_port()), "--data-dir", str(tmp_path / "state"),
         "--upstream", "/x/=https://127.0.0.1:1/", "--upstream-ca", str(junk)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "--upstream-ca" in result.stderr + result.stdout
