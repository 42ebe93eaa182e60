#!/usr/bin/env bash
# The fuzz stage (CI runs it after scripts/test.sh, see .ci/run): builds every libFuzzer
# target (tests/fuzz/) with Debian's clang under ASan and UBSan into build-fuzz/, then runs
# each from its seed corpus for SECONDS (default 45), as many at once as there are cores.
# Any crash, leak or sanitizer report fails the stage. Longer runs: docs/fuzzing.md.
# Usage: scripts/fuzz.sh [SECONDS] [extra ctest arguments, e.g. -R fuzz.inventory]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
shift || true
scripts/setup.sh   # clang and libclang-rt-dev (libFuzzer) are among its packages
t0=$(date +%s)
# -O1 with line tables only: the instrumented build is the stage's main cost (2 cores), and
# sanitizer reports need file:line, not full debug info. Asserts stay on (no NDEBUG).
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DSDCB_FUZZ=ON -DSDCB_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_targets
t1=$(date +%s)
(cd build-fuzz && ctest -L fuzz -j"$(nproc)" --output-on-failure "$@")
t2=$(date +%s)
echo "fuzz stage: build $((t1 - t0)) s, runs $((t2 - t1)) s (${seconds} s per target, $(nproc) at once)"
