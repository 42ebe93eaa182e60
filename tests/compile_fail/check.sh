#!/usr/bin/env bash
# Compiles each CASE of verified_only.cpp (-fsyntax-only, the project's include path):
# CASE 0 must compile, every other case must fail with its expected diagnostic, so a
# failure for an unrelated reason (a typo, a missing header) does not count as proof.
# Usage: check.sh CXX SOURCE_DIR
set -uo pipefail
export LC_ALL=C  # ASCII quotes in GCC's diagnostics
cxx=$1
src=$2
file=$src/tests/compile_fail/verified_only.cpp
flags=(-std=c++17 -fsyntax-only -I"$src")

# case number -> an extended regex the diagnostic must match (why it is refused)
declare -A expect=(
  [1]="no matching function for call to 'stage_bundle\\(std::string"
  [2]="'installer::VerifiedBundle::VerifiedBundle\\(.*' is private"
  [3]="no matching function for call to 'stage_bundle\\(.*StreamReader"
  [4]="'installer::VerifiedStream::VerifiedStream\\(.*' is private"
  [5]="reference of type 'const installer::VerifiedBundle&' from expression of type 'installer::StagePlan'"
  [6]="reference of type 'const installer::VerifiedBundle&' from expression of type 'const manifest::BundleIndex'"
  [7]="reference of type 'const installer::VerifiedBundle&' from expression of type 'const bundles::SeekableReader'"
  [8]="reference of type 'const installer::VerifiedBundle&' from expression of type 'const manifest::BundleIndex'"
  [9]="cannot derive from 'final' base 'installer::VerifiedBundle'"
  [10]="no matching function for call to 'installer::VerifiedBundle::VerifiedBundle\\(<brace-enclosed"
)

fail=0
out=$("$cxx" "${flags[@]}" -DCASE=0 "$file" 2>&1)
if [[ $? -ne 0 ]]; then
  echo "FAIL: CASE 0 (the checked path) does not compile:"
  echo "$out" | head -30
  exit 1
fi
echo "ok: CASE 0 (check_bundle -> stage_bundle / plan_import / agent_set_of / install_installer) compiles"
for n in $(printf '%s\n' "${!expect[@]}" | sort -n); do
  out=$("$cxx" "${flags[@]}" -DCASE="$n" "$file" 2>&1)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    echo "FAIL: CASE $n compiles: an unchecked bundle reaches a writer"
    fail=1
  elif ! grep -qE -- "${expect[$n]}" <<<"$out"; then
    echo "FAIL: CASE $n fails, but not with \"${expect[$n]}\":"
    echo "$out" | grep -E 'error' | head -5
    fail=1
  else
    echo "ok: CASE $n refused: $(grep -m1 -E 'error' <<<"$out" | sed 's/^[^:]*:[0-9]*:[0-9]*: //')"
  fi
done
exit $fail
