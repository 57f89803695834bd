"""Lambda triggers run locally (issue 26, `serve --trigger NAME=COMMAND`): the pool serves the
Lambda Runtime API on loopback and starts AWS's own runtime client, `python -m awslambdaric`,
with a handler module written here, unchanged from what Lambda would run. Claims come back in
tokens verified against the JWKS; a handler that raises, one past the 5-second deadline, a process
that dies and an answer of the wrong shape each fail the sign-in as Cognito's would, and the next
sign-in works."""

import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest
import requests

from conftest import LocalServe, free_port, gatehouse_binary
from test_triggers_invoke_api import arn, verified

HANDLERS = textwrap.dedent('''
    import os, time

    def pre_token(event, context):
        name = event["userName"]
        print(f"pre_token for {name}, {context.get_remaining_time_in_millis() > 0}", flush=True)
        if name == "boom":
            raise RuntimeError("no tokens for boom")
        if name == "slow":
            time.sleep(30)
        if name == "crash":
            os._exit(3)
        if name == "garbled":
            return ["not", "an", "event"]
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme", "function": context.function_name}},
        }
        return event

    def gathering(event, context):
        # Answers only once three calls are in handlers at the same time: one process each.
        directory = os.environ["BARRIER_DIR"]
        open(os.path.join(directory, event["userName"]), "w").close()
        deadline = time.time() + 4
        while len(os.listdir(directory)) < 3:
            if time.time() > deadline:
                raise RuntimeError("alone in the handler")
            time.sleep(0.01)
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"pid": os.getpid()}},
        }
        return event
''')


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    code = tmp_path_factory.mktemp("functions")
    (code / "handlers.py").write_text(HANDLERS)
    barrier = tmp_path_factory.mktemp("barrier")
    metrics = free_port()
    server = LocalServe(tmp_path_factory.mktemp("runtime"), "--trigger", f"tokens={sys.executable} -m awslambdaric handlers.pre_token",
                        "--trigger", f"gather={sys.executable} -m awslambdaric handlers.gathering", "--metrics-port", str(metrics),
                        environment={"PYTHONPATH": str(code), "BARRIER_DIR": str(barrier)})
    server.metrics = f"http://127.0.0.1:{metrics}/metrics"
    pool = server.cognito.create_user_pool(
        PoolName="local-triggers", LambdaConfig={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens")}})
    server.trigger_pool = pool["UserPool"]["Id"]
    server.trigger_client = server.cognito.create_user_pool_client(
        UserPoolId=server.trigger_pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for name in ("ada", "boom", "slow", "crash", "garbled"):
        server.cognito.admin_create_user(UserPoolId=server.trigger_pool, Username=name, MessageAction="SUPPRESS")
        server.cognito.admin_set_user_password(UserPoolId=server.trigger_pool, Username=name, Password="Sup3r-secret!", Permanent=True)
    yield server
    server.close()


def sign_in(serve, name):
    return serve.cognito.initiate_auth(ClientId=serve.trigger_client, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": name, "PASSWORD": "Sup3r-secret!"})["AuthenticationResult"]


def test_awslambdaric_runs_the_handler_and_its_claims_reach_the_token(serve):
    access = verified(serve, serve.trigger_pool, sign_in(serve, "ada")["AccessToken"])
    assert access["tenant"] == "acme" and access["function"] == "tokens"
    # The handler's own output is in the pool's log, tagged with the function.
    log = (serve.data_dir / "serve.log").read_text()
    assert "gatehouse.function=tokens" in log and "pre_token for ada, True" in log


@pytest.mark.parametrize("name, code, message", [
    ("boom", "UserLambdaValidationException", "PreTokenGeneration failed with error no tokens for boom."),
    ("garbled", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
    ("slow", "UnexpectedLambdaException", "PreTokenGeneration invocation failed due to error Socket timeout while invoking Lambda function."),
    ("crash", "UnexpectedLambdaException", "PreTokenGeneration invocation failed due to error AccessDeniedException."),
])
def test_a_failing_handler_fails_the_sign_in_and_the_next_one_works(serve, name, code, message):
    with pytest.raises(serve.cognito.exceptions.ClientError) as refused:
        sign_in(serve, name)
    assert refused.value.response["Error"] == {"Code": code, "Message": message}
    # The process was restarted where it had to be; the next sign-in gets its claims.
    assert verified(serve, serve.trigger_pool, sign_in(serve, "ada")["AccessToken"])["tenant"] == "acme"


def trigger_durations(serve):
    """`gatehouse_trigger_duration_seconds` as scraped: {(function, outcome, le): cumulative count}."""
    text = requests.get(serve.metrics, timeout=10).text
    pattern = r'gatehouse_trigger_duration_seconds_bucket\{function="([^"]+)",outcome="([^"]+)",le="([^"]+)"\} (\d+)'
    return {(function, outcome, le): int(count) for function, outcome, le, count in re.findall(pattern, text)}


def test_each_invocation_is_timed_by_function_and_outcome(serve):
    before = trigger_durations(serve)
    sign_in(serve, "ada")
    with pytest.raises(serve.cognito.exceptions.ClientError):
        sign_in(serve, "boom")
    after = trigger_durations(serve)

    def added(outcome, le):
        return after.get(("tokens", outcome, le), 0) - before.get(("tokens", outcome, le), 0)

    assert added("success", "+Inf") == 1 and added("handler_error", "+Inf") == 1
    # Buckets fine enough for a warm hop (a fraction of a millisecond), up to Cognito's deadline.
    bounds = {le for function, outcome, le in after if function == "tokens" and outcome == "success"}
    assert {"0.0001", "0.0003", "0.001", "5.0", "+Inf"} <= bounds
    # A warm awslambdaric handler answers within the deadline: both calls are in the 5 s bucket.
    assert added("success", "5.0") == 1 and added("handler_error", "5.0") == 1


def test_overlapping_calls_get_processes_of_their_own(serve):
    pool = serve.cognito.create_user_pool(
        PoolName="overlap", LambdaConfig={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("gather")}})["UserPool"]["Id"]
    client = serve.cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    names = ("one", "two", "three")
    for name in names:
        serve.cognito.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
        serve.cognito.admin_set_user_password(UserPoolId=pool, Username=name, Password="Sup3r-secret!", Permanent=True)

    def sign_in(name):
        return serve.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                           AuthParameters={"USERNAME": name, "PASSWORD": "Sup3r-secret!"})["AuthenticationResult"]

    with concurrent.futures.ThreadPoolExecutor(len(names)) as calls:
        results = list(calls.map(sign_in, names))
    pids = {verified(serve, pool, result["AccessToken"])["pid"] for result in results}
    assert len(pids) == 3
    log = (serve.data_dir / "serve.log").read_text()
    assert {f"gatehouse.slot={slot}" for slot in range(3)} <= {part for part in log.split() if part.startswith("gatehouse.slot=")}


def test_the_runtime_api_answers_its_own_process_only(serve):
    log = (serve.data_dir / "serve.log").read_text()
    address = log.split("gatehouse.runtime_api=")[1].split()[0]
    assert address.startswith("127.0.0.1:")
    base = f"http://{address}/2018-06-01/runtime"
    # A page on another name that resolves to loopback (DNS rebinding) gets nothing, not even an event.
    rebound = requests.get(f"{base}/invocation/next", headers={"Host": "attacker.example"}, timeout=10)
    assert rebound.status_code == 421
    assert requests.post(f"{base}/invocation/not-an-id/response", data=b"{}", headers={"Host": "attacker.example"},
                         timeout=10).status_code == 421
    # From the process's own address, an unknown invocation is refused as Lambda refuses it.
    unknown = requests.post(f"{base}/invocation/not-an-id/response", data=b"{}", timeout=10)
    assert unknown.status_code == 400 and unknown.json()["errorType"] == "InvalidRequestID"
    # Paths the Runtime API does not have, and a response past Lambda's 6 MB payload limit.
    assert requests.get(f"{base}/invocation/not-an-id/response", timeout=10).status_code == 404
    assert requests.get(f"http://{address}/2018-06-01/runtimes", timeout=10).status_code == 404
    assert requests.post(f"{base}/invocation/next/extra", data=b"{}", timeout=10).status_code == 404
    oversized = requests.post(f"{base}/invocation/not-an-id/response", data=b"x" * ((6 << 20) + 1), timeout=30)
    assert oversized.status_code == 413


def pool_with_pre_token_function(server, function):
    """A new pool on `server` whose PreTokenGeneration (V2_0) is `function`, with user ada: its id,
    and a call that signs ada in (USER_PASSWORD_AUTH) and gives the AuthenticationResult."""
    pool_id = server.cognito.create_user_pool(
        PoolName=function, LambdaConfig={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn(function)}})["UserPool"]["Id"]
    client = server.cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    server.cognito.admin_create_user(UserPoolId=pool_id, Username="ada", MessageAction="SUPPRESS")
    server.cognito.admin_set_user_password(UserPoolId=pool_id, Username="ada", Password="Sup3r-secret!", Permanent=True)

    def sign_in_ada():
        return server.cognito.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": "ada", "PASSWORD": "Sup3r-secret!"})["AuthenticationResult"]
    return pool_id, sign_in_ada


def test_an_event_is_not_handed_to_a_long_poll_its_runtime_gave_up(tmp_path):
    # The runtime sends a poll and gives it up before polling again on a new connection: the
    # pool must not hand an event to the abandoned poll.
    runtime = pathlib.Path(__file__).with_name("repolling_runtime.py")
    server = LocalServe(tmp_path, "--trigger", f"repoll={sys.executable} {runtime}")
    try:
        pool_id, sign_in_ada = pool_with_pre_token_function(server, "repoll")
        for _ in range(2):
            assert verified(server, pool_id, sign_in_ada()["AccessToken"])["repolled"] == "yes"
        log = (server.data_dir / "serve.log").read_text()
        # One process all along: the event did not wait out a deadline on the closed poll, which
        # would also have restarted the runtime.
        assert "first poll abandoned" in log
        assert log.count("gatehouse.trigger.started") == 1 and "gatehouse.trigger.exited" not in log
    finally:
        server.close()


@pytest.mark.parametrize("pair", ["tokens", "bad name=python -m awslambdaric h.f", "tokens=   ", "=python"])
def test_a_malformed_trigger_stops_serve_with_a_clear_error(tmp_path, pair):
    ports = [str(free_port()) for _ in range(3)]
    finished = subprocess.run([str(gatehouse_binary()), "serve", "--data-dir", str(tmp_path), "--port", ports[0], "--pool-port", ports[1],
                               "--app-port", ports[2], "--trigger", pair],
                              capture_output=True, text=True, timeout=60, env={"PATH": os.environ.get("PATH", "")})
    assert finished.returncode == 2
    assert "--trigger takes NAME=COMMAND" in finished.stderr and "Traceback" not in finished.stderr


def test_sigterm_stops_serve_and_its_runtime_while_the_runtime_waits_for_an_event(tmp_path):
    code = tmp_path / "functions"
    code.mkdir()
    (code / "handlers.py").write_text(HANDLERS)
    (tmp_path / "data").mkdir()
    server = LocalServe(tmp_path / "data", "--trigger", f"tokens={sys.executable} -m awslambdaric handlers.pre_token",
                        environment={"PYTHONPATH": str(code)})
    try:
        pool_id, sign_in_ada = pool_with_pre_token_function(server, "tokens")
        # One answered call: the runtime is now waiting in `GET …/invocation/next` for the next.
        assert verified(server, pool_id, sign_in_ada()["AccessToken"])["tenant"] == "acme"
        log = (server.data_dir / "serve.log").read_text()
        runtime_pid = int(log.split("gatehouse.trigger.started")[1].split("gatehouse.pid=")[1].split()[0])
        server.process.terminate()
        # Graceful shutdown must not wait on the runtime's pending long poll.
        assert server.process.wait(timeout=30) == 0
        status = pathlib.Path(f"/proc/{runtime_pid}/status")
        assert not status.exists() or "State:\tZ" in status.read_text()
    finally:
        server.close()
