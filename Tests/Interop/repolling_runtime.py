"""A Lambda custom runtime on raw sockets whose first long poll is given up: it sends the poll,
closes its side and waits for the Runtime API to close too, then polls on a new connection and
answers each PreTokenGeneration event with the access-token claim `repolled: yes`. Run by
`test_triggers_runtime.py` as `serve --trigger repoll=python repolling_runtime.py`."""

import json
import os
import socket

host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
base = "/2018-06-01/runtime/invocation"


def request(conn, method, path, body=b""):
    conn.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)


def answer(reader):
    status = reader.readline()
    headers = {}
    while (line := reader.readline().strip()):
        name, value = line.decode().split(":", 1)
        headers[name.strip().lower()] = value.strip()
    return status, headers, reader.read(int(headers.get("content-length", 0)))


abandoned = socket.create_connection((host, int(port)))
request(abandoned, "GET", base + "/next")
abandoned.shutdown(socket.SHUT_WR)
assert abandoned.recv(1) == b""
abandoned.close()
print("first poll abandoned", flush=True)

conn = socket.create_connection((host, int(port)))
reader = conn.makefile("rb")
while True:
    request(conn, "GET", base + "/next")
    status, headers, body = answer(reader)
    event = json.loads(body)
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "accessTokenGeneration": {"claimsToAddOrOverride": {"repolled": "yes"}}}
    request(conn, "POST", f"{base}/{headers['lambda-runtime-aws-request-id']}/response", json.dumps(event).encode())
    answer(reader)
