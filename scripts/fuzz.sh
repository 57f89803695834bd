#!/usr/bin/env bash
# Fuzzes one parser that takes bytes from outside with libFuzzer (and AddressSanitizer):
#   scripts/fuzz.sh --list              the targets
#   scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-FLAGS…]
#                                       fuzz TARGET for SECONDS, starting from Fuzz/corpus/TARGET
# The build goes to .build-fuzz/ (instrumented, release; the first one takes minutes). New inputs go to .build-fuzz/corpus/TARGET
# (not committed; copy small, interesting ones into Fuzz/corpus/TARGET). A crash, leak or timeout
# stops the run with a non-zero status and leaves its input in .build-fuzz/artifacts/TARGET/;
# add it to Fuzz/corpus/TARGET, where every test run replays it (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Swift code is instrumented for libFuzzer (inline 8-bit counters, PC table, comparisons) and
# ASan; libFuzzer comes without its own main (`-sanitize=fuzzer` would bring one that clashes
# with the executable's), and gatehouse-fuzz's main hands over with LLVMFuzzerRunDriver.
# -enable-testing: the upstream-answer target drives the proxy's internal connection handler.
flags=(
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -DFUZZING
  -Xswiftc -enable-testing
)
build() {
  local runtime
  runtime=$(ls "$(dirname "$(readlink -f "$(command -v swiftc)")")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -n 1)
  swift build -c release --product gatehouse-fuzz --scratch-path .build-fuzz "${flags[@]}" \
    -Xlinker "$runtime" -Xlinker -lstdc++ >&2
  echo "$(swift build -c release --scratch-path .build-fuzz --show-bin-path "${flags[@]}")/gatehouse-fuzz"
}

if [ "${1:-}" = "--list" ]; then
  "$(build | tail -n 1)" --list
  exit 0
fi
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS | --list}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS | --list}"
shift 2
binary="$(build | tail -n 1)"
corpus=".build-fuzz/corpus/$target"
artifacts=".build-fuzz/artifacts/$target/"
mkdir -p "$corpus" "$artifacts"
# ASan's leak check (one known leak of a dependency suppressed: Fuzz/lsan.supp), a 10 s limit per input, 4 KiB inputs (64 KiB for events).
max_len=4096
[ "$target" = "gateway-event" ] && max_len=65536
# A target's dictionary of tokens, when it has one (Fuzz/dict/TARGET.dict).
dictionary=()
[ -f "Fuzz/dict/$target.dict" ] && dictionary=("-dict=Fuzz/dict/$target.dict")
ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp" "$binary" "$target" "$corpus" "Fuzz/corpus/$target" \
  -max_total_time="$seconds" -timeout=10 -max_len="$max_len" -artifact_prefix="$artifacts" -print_final_stats=1 "${dictionary[@]}" "$@"
