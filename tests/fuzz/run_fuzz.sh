#!/bin/bash
# Runs one libFuzzer target for a bounded time from its seed corpus in the repo.
# Usage: run_fuzz.sh FUZZER CORPUS_DIR SECONDS [MAX_LEN]
# The corpus is copied to a scratch directory, so new inputs never dirty the checkout. Any
# crash, leak, timeout or sanitizer report fails the run; the input that caused it is kept
# (its path is printed) to be replayed with `FUZZER FILE`.
# The seed is fixed (SDCB_FUZZ_SEED, default 1) so that a CI run explores the same inputs as
# the run that was checked before landing, only further on a faster machine; set
# SDCB_FUZZ_SEED=0 for a random seed (docs/fuzzing.md: longer runs).
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3 max_len=${4:-65536}
work=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-fuzz-XXXXXX")
mkdir -p "$work/corpus"
cp -r "$corpus"/. "$work/corpus/"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
rc=0
"$fuzzer" -seed="${SDCB_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1 || rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$work/log" || true
if ((rc != 0)); then
  tail -60 "$work/log"
  echo "FAIL: $(basename "$fuzzer") exited $rc; input and log kept in $work" >&2
  exit 1
fi
rm -rf "$work"
