"""A Lambda Runtime API emulator on loopback, following the documented protocol
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html, API version 2018-06-01).

Events are queued with `invoke`; the runtime long-polls `next`, and posts a response or an
error for each request id, or an init error once. Timestamps are kept for cold-start numbers."""

import json
import queue
import select
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Outcome:
    def __init__(self):
        self.done = threading.Event()
        self.kind = None  # "response" or "error"
        self.body = None
        self.error_type = None
        self.posted_at = None


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A runtime stopped or killed with its connection open (an answer it had not read yet
        # makes the kernel reset it): nothing to report; anything else is.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class RuntimeEmulator:
    def __init__(self):
        self.events = queue.Queue()
        self.outcomes = {}
        self.init_error = None
        self.init_error_posted = threading.Event()
        self.first_next_at = None
        self.protocol_errors = []
        # When set, each answer says `Connection: close` and the emulator closes the connection.
        self.close_connections = False
        # When set, each 202 is followed by a close the emulator does not announce, made once the
        # runtime's next request is on the wire: the runtime's kept-alive connection is reset.
        self.reset_after_accepting = False
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self):
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def enqueue(self, event, deadline_seconds=10.0, trace_id=None):
        """Queues `event` (or bytes sent as they are) and returns (request id, outcome) without
        waiting."""
        request_id = str(uuid.uuid4())
        outcome = Outcome()
        self.outcomes[request_id] = outcome
        deadline_ms = int((time.time() + deadline_seconds) * 1000)
        self.events.put((request_id, deadline_ms, trace_id or f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Sampled=0",
                         event if isinstance(event, bytes) else json.dumps(event).encode()))
        return request_id, outcome

    def invoke(self, event, timeout=30.0, **options):
        """Queues `event` and waits for what the runtime posts for it."""
        request_id, outcome = self.enqueue(event, **options)
        if not outcome.done.wait(timeout):
            raise TimeoutError(f"no response for {request_id} within {timeout}s")
        outcome.request_id = request_id
        return outcome

    def _handler(emulator):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle and delayed ACKs
            # add about 40 ms to every exchange on a kept-alive connection.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                if emulator.close_connections:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self):
                if self.path != PREFIX + "/invocation/next":
                    emulator.protocol_errors.append(f"GET {self.path}")
                    return self._reply(404)
                if emulator.first_next_at is None:
                    emulator.first_next_at = time.monotonic()
                request_id, deadline_ms, trace_id, event = emulator.events.get()
                self._reply(200, event, [
                    ("Content-Type", "application/json"),
                    ("Lambda-Runtime-Aws-Request-Id", request_id),
                    ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
                    ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:gatehouse"),
                    ("Lambda-Runtime-Trace-Id", trace_id),
                ])

            def do_POST(self):
                body = self._body()
                if self.path == PREFIX + "/init/error":
                    emulator.init_error = {"body": json.loads(body), "type": self.headers.get("Lambda-Runtime-Function-Error-Type")}
                    emulator.init_error_posted.set()
                    return self._reply(202, b'{"status":"OK"}')
                parts = self.path[len(PREFIX):].split("/")
                # ["", "invocation", id, "response" | "error"]
                if not self.path.startswith(PREFIX) or len(parts) != 4 or parts[1] != "invocation":
                    emulator.protocol_errors.append(f"POST {self.path}")
                    return self._reply(404)
                outcome = emulator.outcomes.get(parts[2])
                if outcome is None or outcome.done.is_set() or parts[3] not in ("response", "error"):
                    emulator.protocol_errors.append(f"POST {self.path} (unknown or repeated)")
                    return self._reply(400, b'{"errorMessage":"invalid request id","errorType":"InvalidRequestID"}')
                outcome.kind = parts[3]
                outcome.body = body
                outcome.error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
                outcome.posted_at = time.monotonic()
                outcome.done.set()
                self._reply(202, b'{"status":"OK"}')
                if emulator.reset_after_accepting:
                    self.wfile.flush()
                    # Unread bytes on a closed socket make the kernel send a reset.
                    select.select([self.connection], [], [], 5)
                    self.close_connection = True

        return Handler


def rest_event(path="/userinfo", method="GET", headers=None, stage="prod"):
    """A REST API (v1) proxy event as API Gateway sends it, headers in both maps."""
    headers = dict(headers or {})
    headers.setdefault("Host", "abc123.execute-api.us-east-1.amazonaws.com")
    return {
        "resource": path, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None,
        "requestContext": {
            "resourcePath": path, "httpMethod": method, "path": f"/{stage}{path}", "stage": stage,
            "requestId": str(uuid.uuid4()), "apiId": "abc123", "accountId": "123456789012",
            "identity": {"sourceIp": "198.51.100.7", "userAgent": "interop"},
        },
        "body": None, "isBase64Encoded": False,
    }


def http_api_event(path="/userinfo", method="GET", headers=None, cookies=None):
    """An HTTP API (v2) event: lowercased header names, cookies apart."""
    event = {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9", "userAgent": "interop"},
            "requestId": str(uuid.uuid4()), "routeKey": f"{method} {path}", "stage": "$default",
        },
        "body": None, "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    return event
