#!/usr/bin/env bash
# Scale-out figures: GET /userinfo by session cookie with the DynamoDB store (moto's server on
# loopback) next to the SQLite store, DynamoDB calls per request and their own time (from the
# client's counters at /metrics), and the revocation check's cost on bearer /userinfo (off, on
# with a 10 s cache, on without a cache) against a pool over loopback HTTP.
# Needs wrk and the Python peers (scripts/setup-test-env.sh).   DURATION=10s scripts/bench-scale-out.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product gatehouse >/dev/null
python="${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}"
"$python" scripts/bench_scale_out.py --gatehouse "$(swift build -c release --show-bin-path)/gatehouse" \
  --duration "${DURATION:-10s}" --sessions "${SESSIONS:-100}"
