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
# CPU time (user + system, clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# load PID PROFILE_FILE WRK_ARGS...: runs wrk against PID's server; prints wrk's lines plus the
# server's and wrk's CPU per answered request (the server's is steadier than req/s when wrk
# shares the cores). With PROFILE set, also samples the server into PROFILE_FILE (`-`: not this
# run) with perf record (cpu-clock, which works where hardware counters do not); `perf report
# -i FILE --no-children` reads it. SWITCHES=1 counts the server's context switches (and
# SWITCHES_EVENTS) per request.
load() {
  local pid="$1" profile="$2" before after out requests profiler="" counter=""
  shift 2
  if [ -n "${PROFILE:-}" ] && [ "$profile" != - ]; then
    # PROFILE_STACKS=none samples without stacks (self time only, and the least overhead).
    local stacks=(--call-graph "${PROFILE_STACKS:-dwarf,16384}")
    [ "${PROFILE_STACKS:-}" = none ] && stacks=()
    perf record -q -e cpu-clock -F "${PROFILE_HZ:-499}" "${stacks[@]}" -o "$profile" \
      -p "$pid" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
    profiler=$!
  fi
  if [ -n "${SWITCHES:-}" ]; then
    perf stat -e context-switches${SWITCHES_EVENTS:+,$SWITCHES_EVENTS} -p "$pid" -o "$work/switches" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
    counter=$!
  fi
  before="$(cpu_ticks "$pid")"
  # `times` in the same subshell: its last line is the CPU its children (wrk) used.
  out="$(wrk -t2 -c32 -d"$DURATION" --latency "$@"; times)"
  after="$(cpu_ticks "$pid")"
  [ -n "$profiler" ] && wait "$profiler"
  [ -n "$counter" ] && wait "$counter"
  echo "$out" | grep -E "Requests/sec|p50|requests in"
  requests="$(echo "$out" | awk '/requests in/ { print $1 }')"
  wrk_seconds="$(echo "$out" | tail -n1 | awk '{ for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } print s }')"
  awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" -v w="$wrk_seconds" \
    'BEGIN { printf "CPU per request: server %.1f us, wrk %.1f us\n", t / hz * 1e6 / n, w * 1e6 / n }'
  if [ -n "${SWITCHES:-}" ]; then
    awk -v n="$requests" '$1 ~ /^[0-9,]+$/ { gsub(",", "", $1); printf "server %s per request: %.2f\n", $2, $1 / n }' "$work/switches"
  fi
}
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
    "${server_bin:-$bin/gatehouse}" serve --port "$port" >>"$work/serve.log" 2>&1 &
  started $!
  echo $! >"$work/pid-$port"
  wait_http "http://127.0.0.1:$port/healthz"
  echo "$port"
}
api_port="$(start_api GATEHOUSE_TOKEN_CACHE_SIZE=0 LOG_LEVEL="$LOG_LEVEL")"

bare_port="$(free_port)"
"$bin/gatehouse-bench" bare-server "$bare_port" ${BARE_EXECUTOR:-} >/dev/null 2>&1 &
bare_pid=$!
started $bare_pid
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

if [ -z "${QUICK:-}" ]; then
  echo "== bare Hummingbird route (GET /)"
  wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$bare_port/" | grep -E "Requests/sec|Latency|50%|99%"
fi
echo "== bare Hummingbird route (GET /userinfo → ok), the same wrk script and requests as the /userinfo runs"
load "$bare_pid" "${PROFILE:-}.bare" -s scripts/userinfo.lua "http://127.0.0.1:$bare_port/userinfo" -- "$work/tokens.txt"
echo "== GET /userinfo, distinct token per request (token cache off), LOG_LEVEL=$LOG_LEVEL"
load "$(cat "$work/pid-$api_port")" "${PROFILE:-}" -s scripts/userinfo.lua "http://127.0.0.1:$api_port/userinfo" -- "$work/tokens.txt"

# EDGE=1 also loads the API's /healthz with the same requests: the server's routing and edge
# without a token to verify (what the edge costs over the bare route).
if [ -n "${EDGE:-}" ]; then
  echo "== GET /healthz on the API, the same requests (edge and routing, no verification)"
  WRK_PATH=/healthz load "$(cat "$work/pid-$api_port")" - -s scripts/userinfo.lua "http://127.0.0.1:$api_port/healthz" -- "$work/tokens.txt"
fi

# BASELINE_BIN=PATH also loads another build of gatehouse (say, main's before a change) in the
# same run, after this one, so the two compare on the same machine state.
if [ -n "${BASELINE_BIN:-}" ]; then
  baseline_port="$(server_bin="$BASELINE_BIN" start_api GATEHOUSE_TOKEN_CACHE_SIZE=0 LOG_LEVEL="$LOG_LEVEL")"
  warm "$baseline_port"
  echo "== the same on $BASELINE_BIN"
  load "$(cat "$work/pid-$baseline_port")" "${PROFILE:-}.baseline" -s scripts/userinfo.lua "http://127.0.0.1:$baseline_port/userinfo" -- "$work/tokens.txt"
fi

# QUICK=1 stops here (the figures the issue's ratio needs).
[ -n "${QUICK:-}" ] && exit 0

logged_port="$(start_api GATEHOUSE_TOKEN_CACHE_SIZE=0 LOG_LEVEL=info)"
warm "$logged_port"
echo "== the same with an access-log line per request (LOG_LEVEL=info, to a file)"
load "$(cat "$work/pid-$logged_port")" - -s scripts/userinfo.lua "http://127.0.0.1:$logged_port/userinfo" -- "$work/tokens.txt"

cached_port="$(start_api LOG_LEVEL="$LOG_LEVEL")"
warm "$cached_port"
head -n "$USERS" "$work/tokens.txt" >"$work/repeated.txt"
echo "== GET /userinfo, the same $USERS tokens over and over (token cache on, as an SPA sends them)"
load "$(cat "$work/pid-$cached_port")" - -s scripts/userinfo.lua "http://127.0.0.1:$cached_port/userinfo" -- "$work/repeated.txt"
