#!/usr/bin/env bash
# Builds the Lambda bootstrap for provided.al2023 and zips it:
#   release build of gatehouse-lambda with the Swift standard library linked statically,
#   stripped, named `bootstrap`, checked to need nothing newer than Amazon Linux 2023 has
#   (glibc 2.34, GLIBCXX_3.4.29, CXXABI_1.3.13), zipped.
# Output: .build/lambda/bootstrap and .build/lambda/bootstrap.zip (deploy/template.yaml's CodeUri).
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_GLIBC=${MAX_GLIBC:-2.34}
MAX_GLIBCXX=${MAX_GLIBCXX:-3.4.29}
MAX_CXXABI=${MAX_CXXABI:-1.3.13}
OUT=.build/lambda

swift build -c release --product gatehouse-lambda --static-swift-stdlib
BIN="$(swift build -c release --show-bin-path)/gatehouse-lambda"
mkdir -p "$OUT"
rm -f "$OUT/bootstrap" "$OUT/bootstrap.zip"
cp "$BIN" "$OUT/bootstrap"
strip "$OUT/bootstrap"
chmod 755 "$OUT/bootstrap"

# Version `a` is newer than `b`.
newer() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -1)" = "$1" ]; }

fail=0
symbols=$(objdump -T "$OUT/bootstrap")
for family in GLIBC GLIBCXX CXXABI; do
  case $family in
    GLIBC) limit=$MAX_GLIBC ;;
    GLIBCXX) limit=$MAX_GLIBCXX ;;
    CXXABI) limit=$MAX_CXXABI ;;
  esac
  needed=$(grep -oE "\b${family}_[0-9.]+\b" <<<"$symbols" | sed "s/^${family}_//" | sort -uV || true)
  newest=$(tail -1 <<<"$needed")
  for version in $needed; do
    if newer "$version" "$limit"; then
      echo "package-lambda: the binary needs ${family}_${version}, newer than provided.al2023's ${family}_${limit}:" >&2
      grep -E "\b${family}_${version}\b" <<<"$symbols" | awk '{print "    " $NF}' >&2
      fail=1
    fi
  done
  echo "package-lambda: newest ${family} version needed: ${newest:-none} (limit ${limit})"
done
if [ $fail -ne 0 ]; then
  cat >&2 <<'TEXT'
package-lambda: this bootstrap would fail to start on Lambda ("version `GLIBC_…' not found").
  Symbols above come from the build machine's newer C library. Either route them to an older
  symbol version (see Sources/CGatehouseCompat for how hypot is handled), or build on Amazon
  Linux 2023 or with the Swift static Linux SDK (docs/deploy.md).
TEXT
  exit 1
fi

# Shared libraries the binary loads must all exist on provided.al2023 (the AL2023 minimal image:
# glibc, libstdc++/libgcc from GCC 11, and zlib, which async-http-client's decompression uses).
allowed='^(libc|libm|libdl|libpthread|librt|libutil|libstdc\+\+|libgcc_s|libz|ld-linux-x86-64|ld-linux-aarch64)\.so'
while read -r library; do
  if ! grep -qE "$allowed" <<<"$library"; then
    echo "package-lambda: the binary needs $library, which provided.al2023 does not have" >&2
    exit 1
  fi
done < <(objdump -p "$OUT/bootstrap" | awk '/NEEDED/ {print $2}')

(cd "$OUT" && zip -q -X -9 bootstrap.zip bootstrap)
echo "package-lambda: $OUT/bootstrap.zip: $(stat -c %s "$OUT/bootstrap.zip") bytes zipped, $(stat -c %s "$OUT/bootstrap") bytes unzipped"
