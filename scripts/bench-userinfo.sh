#!/usr/bin/env bash
# Load run for GET /userinfo: wrk -t2 -c32 on loopback with a different valid token on every
# request (token cache off, attribute cache warm), next to a bare Hummingbird route in the same run.
# Needs wrk (apt-get install wrk) and the Python peers (scripts/setup-test-env.sh puts them in .venv/).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
TOKENS="${TOKENS:-60000}"
USERS="${USERS:-100}"
LOG_LEVEL="${LOG_LEVEL:-warning}"
work="$(mktemp -d)"
python="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"
# Every process started is listed in $work/pids (a subshell's array would be lost to the trap).
cleanup() {
  [ -f "$work/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
  rm -rf "$work"
}
trap cleanup EXIT
started() { echo "$1" >>"$work/pids"; }

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"

moto_port="$(free_port)"
"$python" -m moto.server -H 127.0.0.1 -p "$moto_port" >/dev/null 2>&1 &
started $!
wait_http "http://127.0.0.1:$moto_port/moto-api/"
"$python" scripts/bench_setup.py "http://127.0.0.1:$moto_port" "$work" "$TOKENS" "$USERS"

# Starts gatehouse serve with extra settings; prints its port. Runs in a command substitution,
# so the PID goes to $work/pids for the cleanup.
start_api() {
  local port
  port="$(free_port)"
  env -i PATH="$PATH" HOME="$HOME" $(cat "$work/env") AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret "$@" \
    "$bin/gatehouse" serve --port "$port" >>"$work/serve.log" 2>&1 &
  started $!
  echo $! >"$work/pid-$port"
  wait_http "http://127.0.0.1:$port/healthz"
  echo "$port"
}
api_port="$(start_api GATEHOUSE_TOKEN_CACHE_SIZE=0 LOG_LEVEL="$LOG_LEVEL")"

bare_port="$(free_port)"
"$bin/gatehouse-bench" bare-server "$bare_port" >/dev/null 2>&1 &
started $!
wait_http "http://127.0.0.1:$bare_port/"

# Warms a server's attribute cache (one request per user) and checks it answers 200.
warm() {
  head -n "$USERS" "$work/tokens.txt" | while read -r token; do
    curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$1/userinfo"
  done
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(head -n1 "$work/tokens.txt")" "http://127.0.0.1:$1/userinfo")"
  [ "$status" = 200 ] || { echo "warm-up request answered $status" >&2; cat "$work/serve.log" >&2; exit 1; }
}
warm "$api_port"

echo "== bare Hummingbird route (GET /)"
wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$bare_port/" | grep -E "Requests/sec|Latency|50%|99%"
echo "== bare Hummingbird route (GET /userinfo → ok), the same wrk script and requests as the /userinfo runs"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "http://127.0.0.1:$bare_port/userinfo" -- "$work/tokens.txt" \
  | grep -E "Requests/sec|p50"
echo "== GET /userinfo, distinct token per request (token cache off), LOG_LEVEL=$LOG_LEVEL"
# PROFILE=FILE also samples the server's stacks during this run (perf record, cpu-clock, which
# works where hardware counters do not); `perf report -i FILE --no-children` reads them.
if [ -n "${PROFILE:-}" ]; then
  perf record -q -e cpu-clock -F "${PROFILE_HZ:-499}" --call-graph "${PROFILE_STACKS:-dwarf,16384}" -o "$PROFILE" \
    -p "$(cat "$work/pid-$api_port")" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
  profiler=$!
fi
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "http://127.0.0.1:$api_port/userinfo" -- "$work/tokens.txt" \
  | grep -E "Requests/sec|p50|requests in"
[ -n "${PROFILE:-}" ] && wait "$profiler"

logged_port="$(start_api GATEHOUSE_TOKEN_CACHE_SIZE=0 LOG_LEVEL=info)"
warm "$logged_port"
echo "== the same with an access-log line per request (LOG_LEVEL=info, to a file)"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "http://127.0.0.1:$logged_port/userinfo" -- "$work/tokens.txt" \
  | grep -E "Requests/sec|p50"

cached_port="$(start_api LOG_LEVEL="$LOG_LEVEL")"
warm "$cached_port"
head -n "$USERS" "$work/tokens.txt" >"$work/repeated.txt"
echo "== GET /userinfo, the same $USERS tokens over and over (token cache on, as an SPA sends them)"
wrk -t2 -c32 -d"$DURATION" --latency -s scripts/userinfo.lua "http://127.0.0.1:$cached_port/userinfo" -- "$work/repeated.txt" \
  | grep -E "Requests/sec|p50"
