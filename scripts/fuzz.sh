#!/usr/bin/env bash
# Fuzzes one parser that takes bytes from outside with libFuzzer (and AddressSanitizer):
#   scripts/fuzz.sh --list              the targets
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-FLAGS…]
#                                       fuzz TARGET for SECONDS, starting from Fuzz/corpus/TARGET
#   scripts/fuzz.sh all SECONDS [LIBFUZZER-FLAGS…]
#                                       every target in turn, SECONDS each
# The build is a release build in .build-fuzz/ (the first one takes many minutes).
# FUZZ_CONFIGURATION=debug FUZZ_SCRATCH_PATH=.build (what .ci/run sets) builds in the folder of
# the ordinary debug build instead: only our own targets are compiled again, not the
# dependencies, for runs of seconds (a debug build runs each input several times slower).
# New inputs go to .build-fuzz/corpus/TARGET (not committed; copy small, interesting ones into
# Fuzz/corpus/TARGET). A crash, leak or timeout stops the run with a non-zero status and leaves its
# input in .build-fuzz/artifacts/TARGET/; add it to Fuzz/corpus/TARGET, where every test run
# replays it (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# GATEHOUSE_FUZZ=1 has Package.swift instrument our own Swift code for libFuzzer (inline 8-bit
# counters, PC table, comparisons) and ASan, with -enable-testing (the upstream-answer target
# drives the proxy's internal connection handler). libFuzzer comes without its own main
# (`-sanitize=fuzzer` would bring one that clashes with the executable's), and gatehouse-fuzz's
# main hands over with LLVMFuzzerRunDriver.
export GATEHOUSE_FUZZ=1
options=(-c "${FUZZ_CONFIGURATION:-release}" --scratch-path "${FUZZ_SCRATCH_PATH:-.build-fuzz}")
build() {
  local runtime
  runtime=$(ls "$(dirname "$(readlink -f "$(command -v swiftc)")")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -n 1)
  swift build "${options[@]}" --product gatehouse-fuzz -Xlinker "$runtime" -Xlinker -lstdc++ >&2
  echo "$(swift build "${options[@]}" --show-bin-path)/gatehouse-fuzz"
}

# fuzz BINARY TARGET SECONDS [LIBFUZZER-FLAGS…]
fuzz() {
  local binary="$1" target="$2" seconds="$3" corpus artifacts max_len dictionary=()
  shift 3
  corpus=".build-fuzz/corpus/$target"
  artifacts=".build-fuzz/artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  # ASan's leak check (known leaks of dependencies suppressed: Fuzz/lsan.supp), a 10 s limit per
  # input, 4 KiB inputs (64 KiB for events).
  max_len=4096
  [ "$target" = "gateway-event" ] && max_len=65536
  # A target's dictionary of tokens, when it has one (Fuzz/dict/TARGET.dict).
  [ -f "Fuzz/dict/$target.dict" ] && dictionary=("-dict=Fuzz/dict/$target.dict")
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp" \
    "$binary" "$target" "$corpus" "Fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 \
    -max_len="$max_len" -artifact_prefix="$artifacts" -print_final_stats=1 "${dictionary[@]}" "$@"
}

# Every target in turn, from one build: a line each, the end of the output of any that failed.
fuzz_all() {
  local binary="$1" seconds="$2" log target status=0
  shift 2
  log="$(mktemp)"
  for target in $("$binary" --list); do
    if fuzz "$binary" "$target" "$seconds" "$@" >"$log" 2>&1; then
      echo "$target: $(grep -E '^stat::number_of_executed_units' "$log")"
    else
      echo "$target: FAILED"
      tail -n 60 "$log"
      status=1
    fi
  done
  rm -f "$log"
  return $status
}

if [ "${1:-}" = "--list" ]; then
  "$(build | tail -n 1)" --list
  exit 0
fi
target="${1:?usage: scripts/fuzz.sh TARGET|all SECONDS | --list}"
seconds="${2:?usage: scripts/fuzz.sh TARGET|all SECONDS | --list}"
shift 2
binary="$(build | tail -n 1)"
if [ "$target" = all ]; then
  fuzz_all "$binary" "$seconds" "$@"
else
  fuzz "$binary" "$target" "$seconds" "$@"
fi
