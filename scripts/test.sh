#!/usr/bin/env bash
# Runs every test: the Swift suites, then the interop checks against real third-party peers
# (moto's server, boto3, cryptography). Install the Python peers first:
#   python3 -m pip install -r Tests/Interop/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build
# The interop checks start the built `gatehouse` binary.
python3 -m pytest Tests/Interop -q
