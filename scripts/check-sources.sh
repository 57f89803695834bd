#!/usr/bin/env bash
# Source checks (run by .ci/run): every platform C module (Glibc, Musl, Darwin, …) imported or
# named only inside its own `#if canImport(…)` branch, with a Darwin branch beside every Linux
# one; and every public declaration of our library modules documented with `///` (read from
# the symbol graphs SwiftPM dumps). Prints each problem and fails when there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
status=0
"$python" scripts/check_sources.py platform Sources Tests Benchmarks Fuzz || status=1
graphs="$(mktemp -d)"
trap 'rm -rf "$graphs"' EXIT
if swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members >"$graphs/log" 2>&1; then
  folder="$(sed -n 's/^Files written to //p' "$graphs/log" | tail -n 1)"
  [ -d "$folder" ] || folder="$(find .build -type d -name symbolgraph | head -n 1)"
  "$python" scripts/check_sources.py docs "$folder" || status=1
else
  cat "$graphs/log" >&2
  status=1
fi
exit $status
