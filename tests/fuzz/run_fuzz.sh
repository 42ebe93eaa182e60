#!/bin/bash
# Runs the libFuzzer target for a bounded number of inputs, seeded with real bundles
# written by make-test-bundle (a small one and one with several chunks), so mutations
# start from valid frames, headers and seek tables. Usage: run_fuzz.sh FUZZER RUNS
set -euo pipefail
fuzzer=$1
runs=${2:-20000}
work=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/in"
printf '{"artifacts":[]}\n' > "$work/in/changelog.json"
printf '{"v":2}\n' > "$work/in/manifest"
head -c 1500000 /dev/zero | tr '\0' 'z' > "$work/in/image"
# The seed writer is not under test here (and may be built with the fuzz sanitizers).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
"$SDCB_BIN/make-test-bundle" write -o "$work/corpus/small.sdc" \
  changelog.json="$work/in/changelog.json" >/dev/null
"$SDCB_BIN/make-test-bundle" write -o "$work/corpus/chunks.sdc" --chunk-size 1048576 \
  changelog.json="$work/in/changelog.json" images/a.imgmanifest="$work/in/manifest" \
  images/a.imgfile="$work/in/image" >/dev/null
ASAN_OPTIONS=detect_leaks=1 "$fuzzer" -runs="$runs" -max_len=200000 -timeout=20 -rss_limit_mb=1024 "$work/corpus"
