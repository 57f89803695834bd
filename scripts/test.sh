#!/usr/bin/env bash
# Runs every test, setting up first what is missing (scripts/setup-test-env.sh: Debian packages,
# and the Python peers in the project's .venv/, never the system's site-packages): the Swift
# suites, the browser client's unit tests (node), then the interop checks against real
# third-party peers (moto's server, boto3, cryptography, authlib, a Lambda Runtime API emulator,
# headless Chromium). Arguments go to pytest (e.g. `scripts/test.sh -k browser`).
set -euo pipefail
cd "$(dirname "$0")/.."

python=$(scripts/setup-test-env.sh | tail -n 1)

swift build --build-tests
swift test --skip-build
# The fuzz targets' seed corpora and crash regressions, replayed through a normal build.
fuzz="$(swift build --show-bin-path)/gatehouse-fuzz"
fuzz_targets="$("$fuzz" --list)"
for target in $fuzz_targets; do "$fuzz" "$target" "Fuzz/corpus/$target"; done
node --test Web/tests/
# The interop checks start the built `gatehouse` and `gatehouse-lambda` binaries.
"$python" -m pytest Tests/Interop -q "$@"
