"""An upstream written for the proxy tests: an HTTP/1.1 server on loopback that records every
request it gets (method, path as sent, headers, body size and digest) and answers by path:

  /v1/echo...        a JSON summary of the request
  /v1/cookies        Set-Cookie for our names and the app's, hop-by-hop headers, its own CORS
  /v1/sse            one event, then waits for `release` before the second (no buffering may hide it)
  /v1/download?n=N   N bytes, chunked, generated as they go
  /v1/upload         counts and digests the body as it arrives (chunked or Content-Length)
  /v1/slow           waits for `release` before answering (the proxy's timeout)
  /v1/token-exp      the `exp` of the bearer token it got, and whether it was past at arrival
"""

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingUpstream:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def body_chunks(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return
                        remaining = size
                        while remaining:
                            chunk = self.rfile.read(min(remaining, 1 << 16))
                            remaining -= len(chunk)
                            yield chunk
                        self.rfile.readline()
                else:
                    remaining = int(self.headers.get("Content-Length") or 0)
                    while remaining:
                        chunk = self.rfile.read(min(remaining, 1 << 16))
                        if not chunk:
                            return
                        remaining -= len(chunk)
                        yield chunk

            def handle_any(self):
                digest, size = hashlib.sha256(), 0
                for chunk in self.body_chunks():
                    digest.update(chunk)
                    size += len(chunk)
                record = {"method": self.command, "path": self.path, "headers": self.headers.items(),
                          "body_size": size, "body_sha256": digest.hexdigest()}
                with upstream.lock:
                    upstream.requests.append(record)
                route = self.path.split("?")[0]
                if route.startswith("/v1/cookies"):
                    self.send_response(200)
                    self.send_header("Set-Cookie", "__Host-gatehouse=stolen; Path=/; Secure")
                    self.send_header("Set-Cookie", "__Host-gatehouse-login=stolen; Path=/; Secure")
                    self.send_header("Set-Cookie", "app=2; Path=/")
                    self.send_header("Connection", "X-Upstream-Hop")
                    self.send_header("X-Upstream-Hop", "secret")
                    self.send_header("Keep-Alive", "timeout=5")
                    self.send_header("Access-Control-Allow-Origin", "*")
                    self.send_header("Access-Control-Allow-Methods", "DELETE")
                    self.send_header("X-Upstream-Kept", "yes")
                    self.reply_json({"ok": True}, status_sent=True)
                elif route.startswith("/v1/sse"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.chunk(b"data: first\n\n")
                    upstream.release.wait(30)
                    self.chunk(b"data: second\n\n")
                    self.chunk(b"")
                elif route.startswith("/v1/download"):
                    total = int(self.path.split("n=")[1])
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    block = bytes(range(256)) * 256
                    sent = 0
                    while sent < total:
                        piece = block[: min(len(block), total - sent)]
                        self.chunk(piece)
                        sent += len(piece)
                    self.chunk(b"")
                elif route.startswith("/v1/slow"):
                    upstream.release.wait(60)
                    self.reply_json({"late": True})
                elif route.startswith("/v1/token-exp"):
                    token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
                    self.reply_json({"exp": payload["exp"], "expired": payload["exp"] <= time.time()})
                else:
                    self.reply_json({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                                     "body_size": size, "body_sha256": digest.hexdigest()})

            def chunk(self, data):
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def reply_json(self, value, status_sent=False):
                body = json.dumps(value).encode()
                if not status_sent:
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def recorded(self, prefix):
        with self.lock:
            return [r for r in self.requests if r["path"].startswith(prefix)]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
