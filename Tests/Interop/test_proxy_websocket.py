"""WebSockets through the proxy (issue 23), with Python's `websockets` as client and upstream:
messages both ways, the handshake authenticated before the upstream hears anything (a cookie
needs an allowed Origin), and a close on either side reaching the other."""

import threading

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.sync.server import serve as websocket_server

from conftest import LocalServe
from test_cookie_sessions import CookieBrowser


class EchoUpstream:
    """A WebSocket server that records each handshake's headers, answers `echo:` + message,
    closes when told `bye`, and says when a connection ended."""

    def __init__(self):
        self.handshakes = []
        self.ended = threading.Event()

        def handler(connection):
            self.handshakes.append(dict(connection.request.headers.raw_items()))
            try:
                for message in connection:
                    if message == "bye":
                        connection.close(code=4000, reason="upstream says bye")
                        return
                    connection.send("echo:" + message if isinstance(message, str) else b"echo:" + message)
            except ConnectionClosed:
                pass
            finally:
                self.ended.set()

        self.server = websocket_server(handler, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def upstream():
    server = EchoUpstream()
    yield server
    server.close()


@pytest.fixture(scope="module")
def serve(tmp_path_factory, upstream):
    server = LocalServe(tmp_path_factory.mktemp("proxy-ws"), "--upstream", f"/live/=http://127.0.0.1:{upstream.port}/socket/")
    yield server
    server.close()


def signed_in(serve):
    browser = CookieBrowser(serve)
    assert browser.login().status_code == 200
    return {"Cookie": f"__Host-gatehouse={browser.jar['__Host-gatehouse']}; app=1"}


def url(serve, path="/live/chat?room=1"):
    return f"ws://127.0.0.1:{serve.api_port}{path}"


def test_messages_go_both_ways_for_a_session_from_an_allowed_origin(serve, upstream):
    cookie = signed_in(serve)
    with connect(url(serve), origin=serve.app, additional_headers=cookie) as socket:
        socket.send("hello")
        assert socket.recv(timeout=10) == "echo:hello"
        socket.send(b"\x00\x01binary")
        assert socket.recv(timeout=10) == b"echo:\x00\x01binary"
    seen = {name.lower(): value for name, value in upstream.handshakes[-1].items()}
    assert seen["x-gatehouse-username"] == serve.demo["username"]
    assert seen["authorization"].startswith("Bearer eyJ")
    assert seen.get("cookie") == "app=1"


def test_a_bearer_token_needs_no_origin(serve, upstream):
    token = serve.cognito.initiate_auth(ClientId=serve.spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": serve.demo["username"], "PASSWORD": serve.demo["password"]})["AuthenticationResult"]["AccessToken"]
    with connect(url(serve), additional_headers={"Authorization": f"Bearer {token}"}) as socket:
        socket.send("ping")
        assert socket.recv(timeout=10) == "echo:ping"
    assert upstream.handshakes[-1]["Authorization"] == f"Bearer {token}"


# A refused upgrade is 400 (Hummingbird's answer to every refused WebSocket upgrade).
@pytest.mark.parametrize("origin,expected", [("http://evil.example", 400), (None, 400)])
def test_a_cookie_without_an_allowed_origin_never_reaches_the_upstream(serve, upstream, origin, expected):
    cookie = signed_in(serve)
    before = len(upstream.handshakes)
    with pytest.raises(InvalidStatus) as refused:
        connect(url(serve), origin=origin, additional_headers=cookie, open_timeout=10)
    assert refused.value.response.status_code == expected
    assert len(upstream.handshakes) == before


def test_nobody_gets_through_without_a_credential(serve, upstream):
    before = len(upstream.handshakes)
    with pytest.raises(InvalidStatus) as refused:
        connect(url(serve), origin=serve.app, open_timeout=10)
    assert refused.value.response.status_code == 400
    assert len(upstream.handshakes) == before


def test_a_close_on_either_side_reaches_the_other(serve, upstream):
    cookie = signed_in(serve)
    upstream.ended.clear()
    with connect(url(serve), origin=serve.app, additional_headers=cookie) as socket:
        socket.send("hi")
        assert socket.recv(timeout=10) == "echo:hi"
    # The client closed: the upstream's connection ends too.
    assert upstream.ended.wait(10)
    upstream.ended.clear()
    with connect(url(serve), origin=serve.app, additional_headers=cookie) as socket:
        socket.send("bye")
        with pytest.raises(ConnectionClosed):
            socket.recv(timeout=10)
    assert upstream.ended.wait(10)
