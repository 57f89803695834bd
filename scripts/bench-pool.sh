#!/usr/bin/env bash
# Local pool figures: refresh-token grants per second at /oauth2/token (each signs two RS256 tokens)
# and client_credentials grants (one each) next to swift-crypto's signing rate, password and SRP sign-in latency (bcrypt cost 10; SRP's
# arithmetic on its own), GetUser throughput, and what a warm PreTokenGeneration trigger adds.
# Needs wrk and the Python peers in .venv (scripts/setup-test-env.sh makes it; PYTHON overrides).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"

echo "== signing baseline"
"$bin/gatehouse-bench" sign 3000 | tee "$work/sign.txt"
# The capacity the grants are set against: two cores signing at once, measured in this run.
capacity="$(awk '/two cores at once/ {print $1}' "$work/sign.txt")"
echo "== SRP arithmetic (the server's side of one sign-in, and one modular power on its own)"
"$bin/gatehouse-bench" srp 200

api_port="$(free_port)"; pool_port="$(free_port)"
env -i PATH="$PATH" HOME="$HOME" LOG_LEVEL=warning "$bin/gatehouse" serve --port "$api_port" --pool-port "$pool_port" --app-port "$(free_port)" \
  --data-dir "$work/state" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$api_port/healthz" && break; sleep 0.1; done

read -r client refresh access basic < <("${PYTHON:-.venv/bin/python}" - "$pool_port" "$work/state" <<'PY'
import json, sys, time, statistics, boto3
port, state = sys.argv[1], sys.argv[2]
c = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                 aws_access_key_id="local", aws_secret_access_key="local")
pool = c.list_user_pools(MaxResults=1)["UserPools"][0]["Id"]
spa = next(x["ClientId"] for x in c.list_user_pool_clients(UserPoolId=pool)["UserPoolClients"] if x["ClientName"] == "gatehouse-spa")
demo = json.load(open(f"{state}/demo-user.json"))
times = []
for _ in range(40):
    start = time.perf_counter()
    result = c.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": demo["username"], "PASSWORD": demo["password"]})
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"sign-in (InitiateAuth USER_PASSWORD_AUTH, bcrypt cost 10, boto3 on loopback, 40 calls): "
      f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms", file=sys.stderr)
# SRP: the two calls (InitiateAuth USER_SRP_AUTH, RespondToAuthChallenge PASSWORD_VERIFIER) timed on
# their own, and the whole sign-in with pycognito's client arithmetic (Python's pow) in between.
from pycognito.aws_srp import AWSSRP
calls, whole = [], []
for _ in range(40):
    start = time.perf_counter()
    srp = AWSSRP(username=demo["username"], password=demo["password"], pool_id=pool, client_id=spa, client=c)
    parameters = srp.get_auth_params()
    sent = time.perf_counter()
    challenge = c.initiate_auth(ClientId=spa, AuthFlow="USER_SRP_AUTH", AuthParameters=parameters)
    first = time.perf_counter() - sent
    answer = srp.process_challenge(challenge["ChallengeParameters"], parameters)
    sent = time.perf_counter()
    tokens = c.respond_to_auth_challenge(ClientId=spa, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)
    calls.append((first + time.perf_counter() - sent) * 1000)
    whole.append((time.perf_counter() - start) * 1000)
    assert "AccessToken" in tokens["AuthenticationResult"]
print(f"sign-in (USER_SRP_AUTH + PASSWORD_VERIFIER, boto3 on loopback, 40 sign-ins): the two calls median "
      f"{statistics.median(calls):.1f} ms; with pycognito's client arithmetic, median {statistics.median(whole):.1f} ms", file=sys.stderr)
# A machine client of a resource server, for the client_credentials grants.
import base64
c.create_resource_server(UserPoolId=pool, Identifier="https://api.example.com", Name="Orders",
                         Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}, {"ScopeName": "write", "ScopeDescription": "Write"}])
worker = c.create_user_pool_client(UserPoolId=pool, ClientName="bench-worker", GenerateSecret=True,
                                   AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
                                   AllowedOAuthScopes=["https://api.example.com/read", "https://api.example.com/write"])["UserPoolClient"]
basic = base64.b64encode(f"{worker['ClientId']}:{worker['ClientSecret']}".encode()).decode()
print(spa, result["AuthenticationResult"]["RefreshToken"], result["AuthenticationResult"]["AccessToken"], basic)
PY
)
echo "== refresh-token grants at /oauth2/token (wrk -t2 -c16)"
wrk -t2 -c16 -d"$DURATION" --latency -s scripts/refresh.lua "http://127.0.0.1:$pool_port/oauth2/token" -- "$client" "$refresh" \
  | grep -E "Requests/sec|p50" | tee "$work/refresh.txt"
awk -v capacity="$capacity" '/Requests\/sec/ {printf "refresh grants sign %.0f tokens/s: %.2f of the two-core signing rate (%s/s)\n", $2 * 2, $2 * 2 / capacity, capacity}' "$work/refresh.txt"
echo "== client_credentials grants at /oauth2/token (one RS256 token each; wrk -t2 -c16)"
wrk -t2 -c16 -d"$DURATION" --latency -s scripts/client-credentials.lua "http://127.0.0.1:$pool_port/oauth2/token" -- "$basic" \
  | grep -E "Requests/sec|p50" | tee "$work/credentials.txt"
awk -v capacity="$capacity" '/Requests\/sec/ {printf "client_credentials grants: %.2f of the two-core signing rate (%s/s)\n", $2 / capacity, capacity}' "$work/credentials.txt"
echo "== GetUser on the JSON API (token verification plus revocation checks; wrk -t2 -c16)"
wrk -t2 -c16 -d"$DURATION" -s scripts/getuser.lua "http://127.0.0.1:$pool_port/" -- "$access" | grep -E "Requests/sec|p50"
echo "== token issue with and without a warm trigger (serve --trigger; scripts/bench_triggers.py)"
GATEHOUSE_BIN="$bin/gatehouse" "${PYTHON:-.venv/bin/python}" scripts/bench_triggers.py 300
