#!/usr/bin/env bash
# Runs every test: the Swift suites, the browser client's unit tests (node), then the interop
# checks against real third-party peers (moto's server, boto3, cryptography, authlib, a Lambda
# Runtime API emulator, headless Chromium). Install the peers first:
#   apt-get install chromium chromium-driver nodejs
#   python3 -m pip install -r Tests/Interop/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build
node --test Web/tests/
# The interop checks start the built `gatehouse` and `gatehouse-lambda` binaries.
python3 -m pytest Tests/Interop -q
