#!/usr/bin/env bash
# Cookie sessions under load: GET /userinfo by session cookie (many sessions, warm caches) next to
# GET /userinfo by bearer token with the same sessions' access tokens (token cache on), both with
# scripts/userinfo.lua in one run; then a full login's median, with and without bcrypt's share.
# Needs wrk (apt-get install wrk) and the Python peers (scripts/setup-test-env.sh puts them in .venv/).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
SESSIONS="${SESSIONS:-400}"
LOGINS="${LOGINS:-30}"
work="$(mktemp -d)"
python="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"
cleanup() {
  [ -f "$work/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"

api_port="$(free_port)"
app_port="$(free_port)"
env -i PATH="$PATH" HOME="$HOME" LOG_LEVEL=warning "$bin/gatehouse" serve --port "$api_port" --pool-port "$(free_port)" \
  --app-port "$app_port" --data-dir "$work/state" >"$work/serve.log" 2>&1 &
echo $! >>"$work/pids"
api="http://127.0.0.1:$api_port"
origin="http://127.0.0.1:$app_port"
wait_http "$api/healthz"

echo "== $SESSIONS sessions through the hosted login form, then $LOGINS timed logins"
"$python" scripts/bench_sessions.py "$api" "$origin" "$work/state" "$work" "$SESSIONS" "$LOGINS"
"$bin/gatehouse-bench" bcrypt 20

# Warm both paths once per session (token verification and attribute caches), checking for 200s.
while read -r cookie; do
  curl -s -o /dev/null -H "Cookie: __Host-gatehouse=$cookie" -H "X-CSRF: 1" "$api/userinfo"
done <"$work/cookies.txt"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -n1 "$work/tokens.txt")" "$api/userinfo")"
[ "$status" = 200 ] || { echo "bearer warm-up answered $status" >&2; exit 1; }

echo "== GET /userinfo by bearer token, the $SESSIONS sessions' access tokens (token cache on)"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "$api/userinfo" -- "$work/tokens.txt" | grep -E "Requests/sec|p50"
echo "== GET /userinfo by session cookie, $SESSIONS sessions"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "$api/userinfo" -- "$work/cookies.txt" cookie | grep -E "Requests/sec|p50"
