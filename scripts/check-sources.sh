#!/usr/bin/env bash
# Source checks (run by .ci/run): every platform C module (Glibc, Musl, Darwin, …) imported or
# named only inside its own `#if canImport(…)` branch, with a Darwin branch beside every Linux
# one; the Lambda bootstrap's targets free of full Foundation (SQLite, the pool, GRDB); and every public declaration of our library modules documented with `///` (read from
# the symbol graphs SwiftPM dumps). Prints each problem and fails when there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
status=0
"$python" scripts/check_sources.py platform Sources Tests Benchmarks Fuzz || status=1
graphs="$(mktemp -d)"
trap 'rm -rf "$graphs"' EXIT
if swift package describe --type json >"$graphs/package.json" 2>"$graphs/describe.log"; then
  "$python" scripts/check_sources.py lambda "$graphs/package.json" || status=1
else
  cat "$graphs/describe.log" >&2
  status=1
fi
# The dump exits non-zero when the test targets were not built (it fails on their aggregate
# modules): what counts is that each of our modules' graphs was written, which docs checks.
swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members >"$graphs/log" 2>&1
folder="$(sed -n 's/^Files written to //p' "$graphs/log" | tail -n 1)"
[ -d "$folder" ] || folder="$(find .build -type d -name symbolgraph | head -n 1)"
if [ -d "$folder" ]; then
  # shellcheck disable=SC2046
  "$python" scripts/check_sources.py docs "$folder" $(ls Sources) || status=1
else
  grep -E "error" "$graphs/log" >&2
  status=1
fi
exit $status
