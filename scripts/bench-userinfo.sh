#!/usr/bin/env bash
# Load run for GET /userinfo: wrk -t2 -c32 on loopback with a different valid token on every
# request (token cache off, attribute cache warm), next to a bare Hummingbird route in the same run.
# Needs wrk (apt-get install wrk) and the Python peers (Tests/Interop/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
TOKENS="${TOKENS:-60000}"
USERS="${USERS:-100}"
LOG_LEVEL="${LOG_LEVEL:-warning}"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"

moto_port="$(free_port)"
python3 -m moto.server -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$moto_port/moto-api/"
python3 scripts/bench_setup.py "http://127.0.0.1:$moto_port" "$work" "$TOKENS" "$USERS"

api_port="$(free_port)"
env -i PATH="$PATH" HOME="$HOME" $(cat "$work/env") GATEHOUSE_TOKEN_CACHE_SIZE=0 \
  AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret LOG_LEVEL="$LOG_LEVEL" \
  "$bin/gatehouse" serve --port "$api_port" >"$work/serve.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$api_port/healthz"

bare_port="$(free_port)"
"$bin/gatehouse-bench" bare-server "$bare_port" >/dev/null 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$bare_port/"

# Warm the attribute cache: one request per user.
head -n "$USERS" "$work/tokens.txt" | while read -r token; do
  curl -s -o /dev/null -w '' -H "Authorization: Bearer $token" "http://127.0.0.1:$api_port/userinfo"
done
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -n1 "$work/tokens.txt")" "http://127.0.0.1:$api_port/userinfo")"
[ "$status" = 200 ] || { echo "warm-up request answered $status" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "== bare Hummingbird route (GET /)"
wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$bare_port/" | grep -E "Requests/sec|Latency|99%"
echo "== GET /userinfo, distinct token per request, LOG_LEVEL=$LOG_LEVEL"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "http://127.0.0.1:$api_port/userinfo" -- "$work/tokens.txt" \
  | grep -E "Requests/sec|Latency|99%|p50|requests in"
