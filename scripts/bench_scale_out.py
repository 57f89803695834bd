#!/usr/bin/env python3
"""Runs the scale-out benchmark (see scripts/bench-scale-out.sh): every server on loopback, each
stopped at the end; figures printed with what produced them."""

import argparse
import base64
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time

import boto3
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_sessions import login  # noqa: E402
from conftest import free_port, wait_for  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
AWS = {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret"}
PROCESSES = []


def start(command, env, log, ready):
    process = subprocess.Popen(command, env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
                               stdout=open(log, "w"), stderr=subprocess.STDOUT)
    PROCESSES.append(process)
    wait_for(ready, process)
    return process


def metrics(port):
    return requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text


def dynamodb_counters(text):
    """DynamoDB calls so far, and GetItem's total seconds and count (labels in any order)."""
    def total(name, *labels):
        found = 0.0
        for match in re.finditer(name + r"\{([^}]*)\} (\S+)", text):
            if all(label in match.group(1) for label in labels):
                found += float(match.group(2))
        return found
    return (total("gatehouse_upstream_calls_total", 'service="dynamodb"'),
            total("gatehouse_upstream_call_duration_seconds_sum", 'service="dynamodb"', 'operation="GetItem"'),
            total("gatehouse_upstream_call_duration_seconds_count", 'service="dynamodb"', 'operation="GetItem"'))


def wrk(url, lines, duration, mode=None, connections=16):
    args = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}", "--latency", "-s", str(ROOT / "scripts" / "userinfo.lua"), url, "--", lines]
    if mode:
        args.append(mode)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+(\S+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, out
    return rate, total, p50, p99


def serve(gatehouse, work, name, env, *flags):
    state = work / name
    api, pool, app, metrics_port = free_port(), free_port(), free_port(), free_port()
    start([gatehouse, "serve", "--port", str(api), "--pool-port", str(pool), "--app-port", str(app),
           "--metrics-port", str(metrics_port), "--data-dir", str(state), *flags],
          {"LOG_LEVEL": "warning", **env}, work / f"{name}.log", f"http://127.0.0.1:{api}/healthz")
    return type("Serve", (), {"api": f"http://127.0.0.1:{api}", "pool": f"http://127.0.0.1:{pool}",
                              "app": f"http://127.0.0.1:{app}", "metrics": metrics_port, "state": state})


def sessions(target, count):
    """`count` session cookies of the demo user, each through the hosted login form."""
    demo = json.loads((target.state / "demo-user.json").read_text())
    return [login(target.api, target.app, demo) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--sessions", type=int, default=100)
    options = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="gh-scale-"))
    try:
        moto_port = free_port()
        moto = f"http://127.0.0.1:{moto_port}"
        serial_moto = pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Interop" / "serial_moto.py"
        start([sys.executable, str(serial_moto), "-H", "127.0.0.1", "-p", str(moto_port)], {}, work / "moto.log", moto + "/moto-api/")
        table = "bench-sessions"
        subprocess.run([options.gatehouse, "sessions", "create-table", table], check=True, capture_output=True,
                       env={"PATH": os.environ["PATH"], "AWS_ENDPOINT_URL_DYNAMODB": moto, **AWS})
        keys = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()

        print(f"== GET /userinfo by session cookie, {options.sessions} sessions, wrk -t2 -d{options.duration}")
        results = {}
        alone_ms = None
        for name, store in (("sqlite", None), ("dynamodb", f"dynamodb:{table}")):
            env = {**AWS, "AWS_ENDPOINT_URL_DYNAMODB": moto, "GATEHOUSE_SESSION_KEYS": keys}
            target = serve(options.gatehouse, work, name, env, *(["--session-store", store] if store else []))
            cookies = sessions(target, options.sessions)
            (work / f"{name}-cookies.txt").write_text("\n".join(cookies) + "\n")
            for cookie in cookies:  # warm the token and attribute caches
                assert requests.get(target.api + "/userinfo", timeout=10, headers={
                    "Cookie": "__Host-gatehouse=" + cookie, "X-CSRF": "1"}).status_code == 200
            results[name] = target
            for connections in (16, 1):
                before = dynamodb_counters(metrics(target.metrics))
                rate, total, p50, p99 = wrk(target.api + "/userinfo", str(work / f"{name}-cookies.txt"), options.duration,
                                            "cookie", connections=connections)
                text = metrics(target.metrics)
                after = dynamodb_counters(text)
                if os.environ.get("SHOW_METRICS"):
                    print("\n".join(line for line in text.splitlines() if "dynamodb" in line))
                line = f"{name:>8}, {connections:>2} connections: {rate:,.0f} req/s, p50 {p50}, p99 {p99}"
                if name == "sqlite" and connections == 1:
                    alone_ms = 1000 / rate
                if name == "dynamodb":
                    calls = (after[0] - before[0]) / total
                    get_ms = (after[1] - before[1]) / max(after[2] - before[2], 1) * 1000
                    line += f"; DynamoDB calls per request {calls:.3f}, GetItem mean {get_ms:.2f} ms"
                    if connections == 1:
                        # Everything but the store is the same as in the SQLite run (its store answers from memory).
                        own_ms = alone_ms
                        line += f" (moto's own time); the rest of a request, from the SQLite run, {own_ms:.2f} ms"
                        for read_ms in (2, 5, 9):
                            estimate = 16 / ((own_ms + calls * read_ms) / 1000)
                            line += f"\n          with DynamoDB reads of {read_ms} ms: one connection {1000 / (own_ms + calls * read_ms):,.0f} req/s, 16 connections about {estimate:,.0f} req/s (before the CPU bound above)"
                    else:
                        line += " (queued in moto, which answers one call at a time)"
                print(line)

        print(f"== the revocation check: bearer GET /userinfo on an instance whose pool is another process (HTTP GetUser),"
              f" {options.sessions} distinct access tokens, wrk -t2 -c16 -d{options.duration}")
        pool = results["sqlite"]
        cognito = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=pool.pool,
                               aws_access_key_id=AWS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=AWS["AWS_SECRET_ACCESS_KEY"])
        pool_id = cognito.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
        spa = next(c["ClientId"] for c in cognito.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
                   if c["ClientName"] == "gatehouse-spa")
        demo = json.loads((pool.state / "demo-user.json").read_text())
        tokens = [cognito.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": demo["username"], "PASSWORD": demo["password"]})["AuthenticationResult"]["AccessToken"]
            for _ in range(options.sessions)]
        (work / "tokens.txt").write_text("\n".join(tokens) + "\n")
        for label, check in (("off", {}), ("on, 10 s cache", {"GATEHOUSE_REVOCATION_CHECK": "on"}),
                             ("on, no cache", {"GATEHOUSE_REVOCATION_CHECK": "on", "GATEHOUSE_REVOCATION_CACHE_TTL": "0"})):
            port = free_port()
            env = {**AWS, "GATEHOUSE_USER_POOL_ID": pool_id, "GATEHOUSE_ISSUER": f"{pool.pool}/{pool_id}",
                   "GATEHOUSE_JWKS_URL": f"{pool.pool}/{pool_id}/.well-known/jwks.json", "GATEHOUSE_COGNITO_ENDPOINT": pool.pool,
                   "GATEHOUSE_CLIENT_IDS": spa, "LOG_LEVEL": "warning", **check}
            process = start([options.gatehouse, "serve", "--port", str(port)], env, work / f"check-{port}.log",
                            f"http://127.0.0.1:{port}/healthz")
            for token in tokens:
                assert requests.get(f"http://127.0.0.1:{port}/userinfo", timeout=10,
                                    headers={"Authorization": "Bearer " + token}).status_code == 200
            rate, total, p50, p99 = wrk(f"http://127.0.0.1:{port}/userinfo", str(work / "tokens.txt"), options.duration)
            alone, _, alone_p50, _ = wrk(f"http://127.0.0.1:{port}/userinfo", str(work / "tokens.txt"), options.duration,
                                         connections=1)
            print(f"{label:>15}: 16 connections {rate:,.0f} req/s, p50 {p50}, p99 {p99};"
                  f" 1 connection {alone:,.0f} req/s, {1e6 / alone:,.0f} µs per request")
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    finally:
        for process in PROCESSES:
            if process.poll() is None:
                process.kill()
                process.wait()
        subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
