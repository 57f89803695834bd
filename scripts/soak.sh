#!/usr/bin/env bash
# Soak run: GET /userinfo with bearer tokens under wrk (64 connections) against `gatehouse serve`
# and its local pool, for SOAK_SECONDS (default 600) in INTERVAL-second slices (default 10),
# sampling the server's RSS and open descriptors after each slice. Prints one line per slice
# and a summary: errors (non-2xx and socket errors; must be 0), RSS growth after the first
# minute (warm-up), and the throughput curve. Loopback only; stops by itself.
# Needs wrk and the Python peers (scripts/setup-test-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK_SECONDS="${SOAK_SECONDS:-600}"
INTERVAL="${INTERVAL:-10}"
TOKENS="${TOKENS:-200}"
python="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"
work="$(mktemp -d)"
cleanup() {
  [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

swift build -c release --product gatehouse >/dev/null
bin="$(swift build -c release --show-bin-path)"
api="$(free_port)"
pool="$(free_port)"
app="$(free_port)"
LOG_LEVEL=warning "$bin/gatehouse" serve --port "$api" --pool-port "$pool" --app-port "$app" --data-dir "$work/state" \
  >"$work/serve.log" 2>&1 &
echo $! >"$work/pid"
pid="$(cat "$work/pid")"
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$api/healthz" && break; sleep 0.1; done

# Distinct access tokens of the demo user, minted through the pool's cognito-idp API.
"$python" - "$pool" "$work" "$TOKENS" <<'PY'
import json, sys, boto3
port, work, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
demo = json.load(open(f"{work}/state/demo-user.json"))
idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                   aws_access_key_id="local", aws_secret_access_key="local")
pool_id = idp.list_user_pools(MaxResults=1)["UserPools"][0]["Id"]
spa = next(c["ClientId"] for c in idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
           if c["ClientName"] == "gatehouse-spa")
with open(f"{work}/tokens.txt", "w") as out:
    for _ in range(count):
        result = idp.initiate_auth(ClientId=spa, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": demo["username"], "PASSWORD": demo["password"]})
        out.write(result["AuthenticationResult"]["AccessToken"] + "\n")
PY

sample() {
  local rss fds
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  echo "$rss $fds"
}

echo "slice  elapsed_s  requests_per_s  errors  rss_kib  open_fds"
slices=$((SOAK_SECONDS / INTERVAL))
errors_total=0
for slice in $(seq 1 "$slices"); do
  out=$(wrk -t2 -c64 -d"${INTERVAL}s" -s scripts/userinfo.lua "http://127.0.0.1:$api/userinfo" -- "$work/tokens.txt")
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  non2xx=$(echo "$out" | awk -F'non-2xx ' '/non-2xx/ {print $2+0}')
  socket=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4+$6+$8+$10}')
  errors=$(( ${non2xx:-0} + ${socket:-0} ))
  errors_total=$((errors_total + errors))
  read -r rss fds < <(sample)
  echo "$slice $((slice * INTERVAL)) $rate $errors $rss $fds" | tee -a "$work/samples"
done

awk -v interval="$INTERVAL" -v errors="$errors_total" '
  { rate[NR] = $3; rss[NR] = $5; fds[NR] = $6 }
  END {
    warm = int(60 / interval) + 1; if (warm > NR) warm = 1
    growth = (rss[NR] - rss[warm]) * 100 / rss[warm]
    min = max = rate[1]; sum = 0
    for (i = 1; i <= NR; i++) { sum += rate[i]; if (rate[i] < min) min = rate[i]; if (rate[i] > max) max = rate[i] }
    printf "summary: %d errors; RSS %d KiB after warm-up (slice %d) -> %d KiB at the end (%+.1f%%); open fds %d -> %d; req/s mean %.0f, min %.0f, max %.0f\n",
      errors, rss[warm], warm, rss[NR], growth, fds[warm], fds[NR], sum / NR, min, max
  }' "$work/samples"
