#!/usr/bin/env bash
# Golden command-line tests (issue 14), in the manner of zstd's tests/cli-tests. Each case is
# tests/cli/PROGRAM/CASE.args: one command line for build/bin/PROGRAM, read as bash words
# (quotes work; $TMP and the variables a set-up exports are expanded). Run in a scratch
# directory, it must print exactly CASE.stdout and CASE.stderr and exit with CASE.exit.
#
# Optional files of a case:
#   CASE.setup  bash sourced first, in the case's own subshell after tests/lib/harness.sh (so
#               start_server, make_headnode after sourcing tests/lib/headnode.bash, and the
#               like work, and every server it starts is stopped after the case). $TMP is the
#               case's scratch directory; the set-up's output goes to a log shown on failure.
#   CASE.sed    extra sed expressions (one per line) applied to stdout and stderr, for values
#               that change from run to run and the rules below do not catch (durations, ...).
#
# Normalised in every output: the scratch directory (<TMP>), uuids (<UUID>), ISO-8601 times
# (<TIME>) and local ports (127.0.0.1:<PORT>): normalised, not skipped.
#
# To regenerate after an intended change, run with SDCB_CLI_UPDATE=1 and review the diff:
#   SDCB_CLI_UPDATE=1 SDCB_BIN=build/bin tests/cli/run_cases.sh sdcadm-install
# SDCB_CLI_CASE=REGEX runs only the cases whose name matches.
set -uo pipefail
program=$1
here="$(cd "$(dirname "$0")" && pwd)"
dir="$here/$program"
export SDCB_SOURCE=${SDCB_SOURCE:-$(cd "$here/../.." && pwd)}
SDCB_BIN="$(cd "${SDCB_BIN:?set SDCB_BIN to build/bin}" && pwd)"
export SDCB_BIN
bin="$SDCB_BIN/$program"
[[ -x "$bin" ]] || { echo "FAIL: no $bin (build first)" >&2; exit 1; }
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-cli.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

# run_case CASE: runs one case in a subshell; leaves out, err, exit (and setup.log) in $ROOT.
run_case() (
  local case=$1
  TMP=$(mktemp -d "$ROOT/case.XXXXXX")
  echo "$TMP" >"$ROOT/tmp"
  if [[ -f "$case.setup" ]]; then
    # shellcheck source=../lib/harness.sh
    source "$SDCB_SOURCE/tests/lib/harness.sh"  # set -e: a failing set-up ends the subshell
    cd "$TMP"
    # shellcheck disable=SC1090
    source "$case.setup" >"$ROOT/setup.log" 2>&1
    set +e
  fi
  local words
  eval "words=($(<"$case.args"))"
  (cd "$TMP" && "$bin" "${words[@]}") >"$ROOT/out" 2>"$ROOT/err" </dev/null
  echo $? >"$ROOT/exit"
)

normalise() {  # FILE CASE
  local tmp
  tmp=$(cat "$ROOT/tmp")
  sed -i -E -e "s|$tmp|<TMP>|g" \
    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<UUID>/g' \
    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/<TIME>/g' \
    -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:<PORT>/g' "$1"
  if [[ -f "$2.sed" ]]; then sed -i -E -f "$2.sed" "$1"; fi
}

failed=0
count=0
for args_file in "$dir"/*.args; do
  case=${args_file%.args}
  name=$(basename "$case")
  [[ -n "${SDCB_CLI_CASE:-}" && ! "$name" =~ ${SDCB_CLI_CASE} ]] && continue
  count=$((count + 1))
  rm -f "$ROOT/exit" "$ROOT/setup.log"
  run_case "$case"
  if [[ ! -f "$ROOT/exit" ]]; then
    echo "FAIL: $program $name: its set-up failed:" >&2
    cat "$ROOT/setup.log" >&2
    failed=1
    continue
  fi
  normalise "$ROOT/out" "$case"
  normalise "$ROOT/err" "$case"
  if [[ "${SDCB_CLI_UPDATE:-}" == 1 ]]; then
    cp "$ROOT/out" "$case.stdout"; cp "$ROOT/err" "$case.stderr"; cp "$ROOT/exit" "$case.exit"
    continue
  fi
  for part in stdout:out stderr:err exit:exit; do
    if ! diff -u "$case.${part%%:*}" "$ROOT/${part##*:}" >"$ROOT/diff"; then
      echo "FAIL: $program $(cat "$args_file") (${part%%:*} differs from $name.${part%%:*}):" >&2
      cat "$ROOT/diff" >&2
      [[ -f "$ROOT/setup.log" ]] && { echo "(set-up log:)" >&2; cat "$ROOT/setup.log" >&2; }
      failed=1
    fi
  done
done
[[ $failed == 0 ]] && echo "ok: $count $program command lines as recorded"
exit $failed
