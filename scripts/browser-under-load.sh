#!/usr/bin/env bash
# The headless-browser tests RUNS times in a row (default 20) while two busy loops keep both cores
# busy: the flakiness check of the first-hour issue. Prints one line a run and the tally; exits
# non-zero if any run failed. The busy loops stop with the script (and after an hour at most).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-20}"
# Every browser test file by default (storage mode, cookie mode, the hosted account pages).
TESTS="${TESTS:-Tests/Interop/test_browser.py Tests/Interop/test_browser_cookie.py Tests/Interop/test_browser_accounts.py}"
python=$(scripts/setup-test-env.sh | tail -n 1)
swift build --build-tests >/dev/null
timeout 3600 "$python" -c "while True: pass" & busy1=$!
timeout 3600 "$python" -c "while True: pass" & busy2=$!
trap 'kill "$busy1" "$busy2" 2>/dev/null || true' EXIT
passed=0
for run in $(seq 1 "$RUNS"); do
  if "$python" -m pytest $TESTS -q -p no:cacheprovider >"/tmp/browser-under-load-$run.log" 2>&1; then
    passed=$((passed + 1))
    echo "run $run: $(tail -n 1 "/tmp/browser-under-load-$run.log")"
  else
    echo "run $run FAILED (log: /tmp/browser-under-load-$run.log)"
  fi
done
echo "$passed passed, $((RUNS - passed)) failed"
[ "$passed" -eq "$RUNS" ]
