#!/usr/bin/env bash
# Lambda bootstrap figures on this machine: cold start (exec to first response posted, JWKS fetch
# and AdminGetUser included), peak RSS, zip size, warm invocation latency; for the API, and for
# the authorizer (GATEHOUSE_LAMBDA_HANDLER=authorizer) with a bearer token and with a session
# cookie read from DynamoDB (moto's server; needs the Python peers: scripts/setup-test-env.sh).
# The packaged (release, static stdlib, stripped) bootstrap runs against the Runtime API emulator
# of Tests/Interop; JWKS and AdminGetUser come from `gatehouse serve`'s local pool on loopback.
#   COLD=20 WARM=2000 scripts/bench-lambda.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/package-lambda.sh
swift build -c release --product gatehouse
"${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}" scripts/bench_lambda.py \
  --bootstrap .build/lambda/bootstrap \
  --gatehouse "$(swift build -c release --show-bin-path)/gatehouse" \
  --cold "${COLD:-20}" --warm "${WARM:-2000}"
# The authorizer's own time per warm event, without the emulator's round trip.
swift build -c release --product gatehouse-bench
"$(swift build -c release --show-bin-path)/gatehouse-bench" authorizer "${WARM:-2000}"
