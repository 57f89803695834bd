"""Drives the Lambda bootstrap through the Runtime API emulator and prints its figures
(see bench-lambda.sh)."""

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
from conftest import LocalServe, stop  # noqa: E402
from lambda_runtime import RuntimeEmulator, rest_event  # noqa: E402


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--gatehouse", required=True)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--warm", type=int, default=2000)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="gatehouse-bench-lambda-"))
    os.environ["GATEHOUSE_BIN"] = args.gatehouse
    local = LocalServe(work, "--log-level", "warning")
    try:
        pool_url, pool_id, spa = local.pool_url, local.pool_id, local.spa
        tokens = local.cognito.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
            "USERNAME": local.demo["username"], "PASSWORD": local.demo["password"]})["AuthenticationResult"]
        event = rest_event(headers={"Authorization": "Bearer " + tokens["IdToken"], "Origin": "http://127.0.0.1:3000"})
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

        cold = []
        for _ in range(args.cold):
            emulator = RuntimeEmulator()
            _, outcome = emulator.enqueue(event)
            started = time.monotonic()
            process = subprocess.Popen([args.bootstrap], env={**env, "AWS_LAMBDA_RUNTIME_API": emulator.address},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not outcome.done.wait(30):
                raise SystemExit("cold start: no response")
            assert outcome.kind == "response" and b'"statusCode":200' in outcome.body, outcome.body
            cold.append((outcome.posted_at - started) * 1000)
            stop(process)
            emulator.close()

        emulator = RuntimeEmulator()
        process = subprocess.Popen([args.bootstrap], env={**env, "AWS_LAMBDA_RUNTIME_API": emulator.address},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        emulator.invoke(event)  # cold; the user is cached from here on
        warm = []
        for _ in range(args.warm):
            request_id, outcome = emulator.enqueue(event)
            queued = time.monotonic()
            outcome.done.wait(30)
            assert outcome.kind == "response"
            warm.append((outcome.posted_at - queued) * 1000)
        status = pathlib.Path(f"/proc/{process.pid}/status").read_text()
        peak_rss_kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
        rss_kib = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        stop(process)
        emulator.close()

        zip_path = pathlib.Path(args.bootstrap).with_name("bootstrap.zip")
        print(f"cold start, exec to first response posted ({args.cold} runs): "
              f"median {statistics.median(cold):.1f} ms, min {min(cold):.1f} ms, max {max(cold):.1f} ms")
        print(f"warm invocations ({args.warm}, cached user, emulator round trip included): "
              f"p50 {percentile(warm, 0.50):.3f} ms, p99 {percentile(warm, 0.99):.3f} ms, max {max(warm):.3f} ms")
        print(f"peak RSS after the warm run: {peak_rss_kib / 1024:.1f} MiB (current {rss_kib / 1024:.1f} MiB)")
        if zip_path.exists():
            print(f"zip: {zip_path.stat().st_size / 1e6:.2f} MB ({zip_path.stat().st_size} bytes); "
                  f"bootstrap {pathlib.Path(args.bootstrap).stat().st_size / 1e6:.2f} MB")
    finally:
        local.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
