#!/usr/bin/env bash
# Golden command-line tests (issue 14), in the manner of zstd's tests/cli-tests: each
# tests/cli/PROGRAM/CASE.args holds one command line (words as bash would split them; $TMP is
# a scratch directory); running `build/bin/PROGRAM ARGS` there must print exactly CASE.stdout
# and CASE.stderr and exit with CASE.exit. Paths under the scratch directory are written as
# <TMP>. To regenerate after an intended change, run with SDCB_CLI_UPDATE=1 and review the diff:
#   SDCB_CLI_UPDATE=1 SDCB_BIN=build/bin tests/cli/run_cases.sh sdcadm-install
set -uo pipefail
program=$1
dir="$(cd "$(dirname "$0")" && pwd)/$program"
bin="$(cd "${SDCB_BIN:?set SDCB_BIN to build/bin}" && pwd)/$program"
[[ -x "$bin" ]] || { echo "FAIL: no $bin (build first)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdcb-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failed=0
for args_file in "$dir"/*.args; do
  case=${args_file%.args}
  read -r -a words < <(sed "s|\$TMP|$TMP|g" "$args_file")
  (cd "$TMP" && "$bin" "${words[@]}") >"$TMP/out" 2>"$TMP/err"
  echo $? >"$TMP/exit"
  sed -i "s|$TMP|<TMP>|g" "$TMP/out" "$TMP/err"
  if [[ "${SDCB_CLI_UPDATE:-}" == 1 ]]; then
    cp "$TMP/out" "$case.stdout"; cp "$TMP/err" "$case.stderr"; cp "$TMP/exit" "$case.exit"
    continue
  fi
  for part in stdout:out stderr:err exit:exit; do
    if ! diff -u "$case.${part%%:*}" "$TMP/${part##*:}" >"$TMP/diff"; then
      echo "FAIL: $program $(cat "$args_file") (${part%%:*} differs from $(basename "$case").${part%%:*}):" >&2
      cat "$TMP/diff" >&2
      failed=1
    fi
  done
done
[[ $failed == 0 ]] && echo "ok: $(ls "$dir"/*.args | wc -l) $program command lines as recorded"
exit $failed
