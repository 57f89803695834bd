"""`gatehouse serve` fails fast, naming the variable at fault, and never echoes secrets."""

import subprocess

from conftest import free_port, gatehouse_binary

BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}


def run_serve(extra_env):
    return subprocess.run(
        [str(gatehouse_binary()), "serve", "--port", "0"],
        env={**BASE_ENV, **extra_env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_pool_with_an_unusable_data_dir_fails_clearly(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    result = subprocess.run(
        [str(gatehouse_binary()), "serve", "--port", str(free_port()), "--pool-port", str(free_port()),
         "--app-port", str(free_port()), "--data-dir", str(blocker)],
        env=BASE_ENV, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "local pool" in result.stderr and str(blocker) in result.stderr
    # In words an operator can act on: the path, what is wrong, the flag; no framework internals.
    assert f"{blocker} is not a directory" in result.stderr and "--data-dir" in result.stderr
    assert "NSCocoaErrorDomain" not in result.stderr and "UserInfo" not in result.stderr
    nested = subprocess.run(
        [str(gatehouse_binary()), "serve", "--port", str(free_port()), "--pool-port", str(free_port()),
         "--app-port", str(free_port()), "--data-dir", str(blocker / "state")],
        env=BASE_ENV, capture_output=True, text=True, timeout=60,
    )
    assert nested.returncode == 2
    assert f"{blocker / 'state'} cannot be created: {blocker} is not a directory" in nested.stderr, nested.stderr
    assert "NSCocoaErrorDomain" not in nested.stderr


def test_every_taken_port_is_named_at_once(tmp_path):
    import socket
    held = []
    try:
        for _ in range(2):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            held.append(listener)
        api, pool = (listener.getsockname()[1] for listener in held)
        result = subprocess.run(
            [str(gatehouse_binary()), "serve", "--port", str(api), "--pool-port", str(pool), "--app-port", str(free_port()),
             "--data-dir", str(tmp_path / "state")],
            env=BASE_ENV, capture_output=True, text=True, timeout=60,
        )
    finally:
        for listener in held:
            listener.close()
    assert result.returncode == 2
    assert f"127.0.0.1:{api} (--port)" in result.stderr and f"127.0.0.1:{pool} (--pool-port)" in result.stderr, result.stderr


def test_malformed_pool_id_is_named():
    result = run_serve({"GATEHOUSE_USER_POOL_ID": "not a pool", "GATEHOUSE_CLIENT_IDS": "abc"})
    assert result.returncode == 2
    assert "GATEHOUSE_USER_POOL_ID" in result.stderr


def test_missing_client_ids_are_named():
    result = run_serve({"GATEHOUSE_USER_POOL_ID": "us-east-1_AbCdEf123"})
    assert result.returncode == 2
    assert "GATEHOUSE_CLIENT_IDS" in result.stderr


def test_missing_credentials_are_named_and_secrets_not_echoed():
    result = run_serve(
        {
            "GATEHOUSE_USER_POOL_ID": "us-east-1_AbCdEf123",
            "GATEHOUSE_CLIENT_IDS": "abc",
            "AWS_ACCESS_KEY_ID": "AKIDVISIBLE",
            "AWS_SESSION_TOKEN": "very-secret-session-token",
        }
    )
    assert result.returncode == 2
    assert "AWS_SECRET_ACCESS_KEY" in result.stderr
    assert "very-secret-session-token" not in result.stderr


def test_sigterm_shuts_down_gracefully(moto_endpoint, pool):
    import signal

    import requests

    from conftest import free_port, wait_for

    port = free_port()
    process = subprocess.Popen(
        [str(gatehouse_binary()), "serve", "--port", str(port)],
        env={
            **BASE_ENV,
            "GATEHOUSE_USER_POOL_ID": pool.id,
            "GATEHOUSE_CLIENT_IDS": pool.client_id,
            "GATEHOUSE_JWKS_URL": f"{moto_endpoint}/{pool.id}/.well-known/jwks.json",
            "GATEHOUSE_COGNITO_ENDPOINT": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "AKIDTESTING",
            "AWS_SECRET_ACCESS_KEY": "testing-secret",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert health == {"status": "ok", "signingKeys": 1}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_dynamodb_session_store_without_region_or_credentials_is_named(tmp_path):
    for environment, variable in (({}, "AWS_REGION"), ({"AWS_REGION": "us-east-1"}, "AWS_ACCESS_KEY_ID")):
        result = subprocess.run(
            [str(gatehouse_binary()), "serve", "--port", "0", "--pool-port", "0", "--app-port", "0",
             "--data-dir", str(tmp_path / "state"), "--session-store", "dynamodb:sessions"],
            env={**BASE_ENV, **environment}, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert variable in result.stderr and "configuration error" in result.stderr
