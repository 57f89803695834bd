#!/usr/bin/env bash
# Load run of the reverse proxy (issue 23): one fast upstream (`gatehouse-bench bare-server`)
# loaded four ways in one run with the same wrk settings (-t2 -c32): directly; through nginx
# `proxy_pass` (keepalive to the upstream, one worker per core); through Gatehouse with the
# session cookie; through Gatehouse with a bearer token. Prints req/s, latency and CPU per
# request (the server side: nginx's processes, or Gatehouse's), then the 64 MiB transfer rate
# each way through each. Target: the cookie path at >= 0.60 of nginx's req/s, p99 < 10 ms.
# Needs wrk, curl and nginx (apt-get install wrk curl nginx-light) and the Python peers
# (scripts/setup-test-env.sh puts them in .venv/).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
SIZE=$((64 * 1024 * 1024))
work="$(mktemp -d)"
python="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"
cleanup() {
  [ -f "$work/pids" ] && while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
  rm -rf "$work"
}
trap cleanup EXIT
started() { echo "$1" >>"$work/pids"; }
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
# CPU time (user + system, clock ticks) of the processes PIDS… so far.
cpu_ticks() { local total=0; for pid in "$@"; do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$total"; }

# load NAME "PIDS" URL [wrk header args…]
load() {
  local name="$1" pids="$2" url="$3" before after out requests
  shift 3
  before="$(cpu_ticks $pids)"
  out="$(wrk -t2 -c32 -d"$DURATION" --latency "$@" "$url")"
  after="$(cpu_ticks $pids)"
  requests="$(echo "$out" | awk '/requests in/ { print $1 }')"
  echo "== $name"
  echo "$out" | grep -E "Requests/sec|50%|99%|Non-2xx|requests in"
  awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "server CPU per request: %.1f us\n", t / hz * 1e6 / n }'
}
# rate NAME URL [curl args…]: MiB/s of a 64 MiB download and upload.
rate() {
  local name="$1" base="$2" down up
  shift 2
  down="$(curl -s -o /dev/null -w '%{speed_download}' "$@" "$base/bytes/$SIZE")"
  # No "Expect: 100-continue": a server that does not answer it would cost curl's one-second wait.
  up="$(curl -s -o /dev/null -w '%{speed_upload}' -X PUT -H 'Expect:' -T "$work/64m" "$@" "$base/sink")"
  awk -v n="$name" -v d="$down" -v u="$up" 'BEGIN { printf "%-28s download %7.0f MiB/s   upload %7.0f MiB/s\n", n, d / 1048576, u / 1048576 }'
}

swift build -c release --product gatehouse >/dev/null
swift build -c release --product gatehouse-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"
head -c "$SIZE" /dev/zero >"$work/64m"

bare_port="$(free_port)"
"$bin/gatehouse-bench" bare-server "$bare_port" >/dev/null 2>&1 &
bare_pid=$!
started $bare_pid
wait_http "http://127.0.0.1:$bare_port/"

nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
events { worker_connections 4096; }
http {
  access_log off;
  upstream bare { server 127.0.0.1:$bare_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location /api/ {
      proxy_pass http://bare/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      client_max_body_size 0;
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g "daemon off; pid $work/nginx/nginx.pid;" &
nginx_master=$!
started $nginx_master
wait_http "http://127.0.0.1:$nginx_port/api/"
nginx_pids="$nginx_master $(pgrep -P "$nginx_master" | tr '\n' ' ')"

api_port="$(free_port)"
pool_port="$(free_port)"
app_port="$(free_port)"
env -i PATH="$PATH" HOME="$HOME" LOG_LEVEL=warning "$bin/gatehouse" serve --port "$api_port" --pool-port "$pool_port" \
  --app-port "$app_port" --data-dir "$work/state" --upstream "/api/=http://127.0.0.1:$bare_port/" >"$work/serve.log" 2>&1 &
gatehouse_pid=$!
started $gatehouse_pid
wait_http "http://127.0.0.1:$api_port/healthz"
"$python" scripts/bench_proxy_setup.py "http://127.0.0.1:$api_port" "http://127.0.0.1:$pool_port" "http://127.0.0.1:$app_port" \
  "$work/state" "$work"
cookie=(-H "Cookie: __Host-gatehouse=$(cat "$work/cookie.txt")" -H "X-CSRF: 1")
bearer=(-H "Authorization: Bearer $(cat "$work/bearer.txt")")
[ "$(curl -s -o /dev/null -w '%{http_code}' "${cookie[@]}" "http://127.0.0.1:$api_port/api/userinfo")" = 200 ] || { echo "cookie path refused" >&2; cat "$work/serve.log" >&2; exit 1; }

load "upstream directly" "$bare_pid" "http://127.0.0.1:$bare_port/userinfo"
load "nginx proxy_pass (2 workers, keepalive)" "$nginx_pids" "http://127.0.0.1:$nginx_port/api/userinfo"
load "Gatehouse, session cookie" "$gatehouse_pid" "http://127.0.0.1:$api_port/api/userinfo" "${cookie[@]}"
load "Gatehouse, bearer token" "$gatehouse_pid" "http://127.0.0.1:$api_port/api/userinfo" "${bearer[@]}"

echo "== 64 MiB transfers (curl, one at a time)"
rate "upstream directly" "http://127.0.0.1:$bare_port"
rate "nginx" "http://127.0.0.1:$nginx_port/api"
rate "Gatehouse, session cookie" "http://127.0.0.1:$api_port/api" "${cookie[@]}"
rate "Gatehouse, bearer token" "http://127.0.0.1:$api_port/api" "${bearer[@]}"
