#!/usr/bin/env bash
# Runs every test, setting up first what is missing (scripts/setup-test-env.sh: Debian packages,
# and the Python peers in the project's .venv/, never the system's site-packages): the Swift
# suites, the fuzz targets' corpora, the browser client's unit tests (node), then the interop
# checks against real third-party peers (moto's server, boto3, cryptography, authlib, a Lambda
# Runtime API emulator, headless Chromium, nginx, Caddy). Arguments go to pytest (e.g.
# `scripts/test.sh -k browser`).
#
# Every stage runs even when one before it failed; the script fails at the end, naming the
# stages that did, so one broken Swift test does not hide the state of the rest.
set -uo pipefail
cd "$(dirname "$0")/.."

python=$(scripts/setup-test-env.sh | tail -n 1) || { echo "test.sh: setting up the test environment failed" >&2; exit 1; }

failed=()
stage() {
  local name="$1" started=$SECONDS
  shift
  echo "== $name"
  if ! "$@"; then
    echo "== $name: FAILED" >&2
    failed+=("$name")
  fi
  echo "== $name: $((SECONDS - started)) s"
}

# The fuzz targets' seed corpora and crash regressions, replayed through a normal build.
replay_fuzz_corpora() {
  local fuzz targets target status=0
  fuzz="$(swift build --show-bin-path)/gatehouse-fuzz"
  targets="$("$fuzz" --list)" || return 1
  for target in $targets; do "$fuzz" "$target" "Fuzz/corpus/$target" || status=1; done
  return $status
}

stage "swift build" swift build --build-tests
stage "swift test" swift test --skip-build
stage "fuzz corpora" replay_fuzz_corpora
stage "browser client (node)" node --test Web/tests/
# The interop checks start the built `gatehouse` and `gatehouse-lambda` binaries.
stage "interop (pytest)" "$python" -m pytest Tests/Interop -q "$@"

if [ ${#failed[@]} -gt 0 ]; then
  echo "test.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "test.sh: every stage passed"
