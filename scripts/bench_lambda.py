"""Drives the Lambda bootstrap through the Runtime API emulator and prints its figures
(see bench-lambda.sh): as the API, and as the authorizer with a bearer token and with a session
cookie on DynamoDB."""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "Interop"))
from conftest import LocalServe, free_port, stop, wait_for  # noqa: E402
from lambda_runtime import RuntimeEmulator, rest_event  # noqa: E402
import test_scale_out  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(bootstrap, env, event, expect, cold_runs, warm_runs):
    """Cold starts (exec to first response posted), then warm invocations and the RSS of one
    process; `expect` must be in every answer."""
    cold = []
    for _ in range(cold_runs):
        emulator = RuntimeEmulator()
        _, outcome = emulator.enqueue(event)
        started = time.monotonic()
        process = subprocess.Popen([bootstrap], env={**env, "AWS_LAMBDA_RUNTIME_API": emulator.address},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not outcome.done.wait(30):
            raise SystemExit("cold start: no response")
        assert outcome.kind == "response" and expect in outcome.body, outcome.body
        cold.append((outcome.posted_at - started) * 1000)
        stop(process)
        emulator.close()

    emulator = RuntimeEmulator()
    process = subprocess.Popen([bootstrap], env={**env, "AWS_LAMBDA_RUNTIME_API": emulator.address},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    emulator.invoke(event)  # cold; caches are warm from here on
    warm = []
    for _ in range(warm_runs):
        _, outcome = emulator.enqueue(event)
        queued = time.monotonic()
        outcome.done.wait(30)
        assert outcome.kind == "response" and expect in outcome.body, outcome.body
        warm.append((outcome.posted_at - queued) * 1000)
    status = pathlib.Path(f"/proc/{process.pid}/status").read_text()
    peak_rss_kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
    stop(process)
    emulator.close()
    return cold, warm, peak_rss_kib


def report(label, cold, warm, peak_rss_kib):
    print(f"{label}: cold start (exec to first response posted, {len(cold)} runs) median {statistics.median(cold):.1f} ms "
          f"(min {min(cold):.1f}, max {max(cold):.1f}); warm ({len(warm)}, emulator round trip included) "
          f"p50 {percentile(warm, 0.50):.3f} ms, p99 {percentile(warm, 0.99):.3f} ms; peak RSS {peak_rss_kib / 1024:.1f} MiB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--warm", type=int, default=2000)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="gatehouse-bench-lambda-"))
    os.environ["GATEHOUSE_BIN"] = args.gatehouse
    (work / "local").mkdir()
    local = LocalServe(work / "local", "--log-level", "warning")
    moto = None
    cluster = None
    try:
        pool_url, pool_id, spa = local.pool_url, local.pool_id, local.spa
        tokens = local.cognito.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": local.demo["username"], "PASSWORD": local.demo["password"]})["AuthenticationResult"]
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GATEHOUSE_USER_POOL_ID": pool_id,
            "GATEHOUSE_ISSUER": f"{pool_url}/{pool_id}",
            "GATEHOUSE_COGNITO_ENDPOINT": pool_url,
            "GATEHOUSE_CLIENT_IDS": spa,
            "GATEHOUSE_ALLOWED_ORIGINS": "http://127.0.0.1:3000",
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_REGION": "us-east-1",
            "AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN",
        }
        api_event = rest_event(headers={"Authorization": "Bearer " + tokens["IdToken"], "Origin": "http://127.0.0.1:3000"})
        report("API, GET /userinfo by bearer token (JWKS and AdminGetUser in the cold start)",
               *measure(args.bootstrap, env, api_event, b'"statusCode":200', args.cold, args.warm))
        authorizer_event = authorizer_request({"authorization": "Bearer " + tokens["AccessToken"]})
        report("authorizer, bearer access token (JWKS in the cold start)",
               *measure(args.bootstrap, {**env, "GATEHOUSE_LAMBDA_HANDLER": "authorizer"}, authorizer_event,
                        b'"isAuthorized":true', args.cold, args.warm))

        # Cookie sessions on DynamoDB (moto's server): the scale-out cluster of the interop tests,
        # its tokens living an hour so that no refresh falls inside the run.
        moto, endpoint = start_moto(work)
        test_scale_out.TOKEN_SECONDS = 3600
        (work / "cluster").mkdir()
        cluster = test_scale_out.Cluster(work / "cluster", endpoint)
        browser = cluster.browser()
        assert browser.login().status_code == 200
        cookie_event = authorizer_request({}, cookies=["__Host-gatehouse=" + browser.jar["__Host-gatehouse"]])
        report("authorizer, session cookie read from DynamoDB (moto on loopback; keys and first read in the cold start)",
               *measure(args.bootstrap, {**cluster.remote, "PATH": os.environ.get("PATH", ""), "GATEHOUSE_LAMBDA_HANDLER": "authorizer",
                                         "LOG_LEVEL": "warning", "AWS_LAMBDA_LOG_LEVEL": "WARN"},
                        cookie_event, b'"isAuthorized":true', args.cold, args.warm))

        zip_path = pathlib.Path(args.bootstrap).with_name("bootstrap.zip")
        if zip_path.exists():
            print(f"zip: {zip_path.stat().st_size / 1e6:.2f} MB ({zip_path.stat().st_size} bytes); "
                  f"bootstrap {pathlib.Path(args.bootstrap).stat().st_size / 1e6:.2f} MB")
    finally:
        if cluster:
            cluster.close()
        if moto:
            stop(moto)
        local.close()
        shutil.rmtree(work, ignore_errors=True)


def authorizer_request(headers, cookies=None):
    """An HTTP API (v2) authorizer event for GET /api/orders/42."""
    event = {"version": "2.0", "type": "REQUEST",
             "routeArn": "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/GET/api/orders/42",
             "headers": headers, "requestContext": {"http": {"method": "GET", "path": "/api/orders/42"}, "requestId": "bench"}}
    if cookies:
        event["cookies"] = cookies
    return event


def start_moto(work):
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "Interop" / "serial_moto.py"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    wait_for(endpoint + "/moto-api/", process)
    return process, endpoint


if __name__ == "__main__":
    main()
