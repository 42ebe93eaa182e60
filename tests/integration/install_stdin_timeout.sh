#!/usr/bin/env bash
# `verify -` and `stage -` on a pipe that stalls (its writer alive but silent) end with
# exit 13 and "no data on standard input for N s" after --stdin-timeout, write nothing,
# and release the installer lock that `stage -` took; a pipe that keeps flowing is not
# cut by the timeout. Before the timeout existed both waited forever.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle b.sdc
HN="$TEST_DIR/hn"
make_root "$HN"

# A FIFO held open for writing by this shell: the reader never sees end of input, as when
# the program feeding the pipe hangs. `timeout 60` keeps a regression from hanging ctest.
stalled_pipe() {  # stalled_pipe NAME BYTES: the first BYTES of b.sdc, then silence
  mkfifo "$1"
  exec 7<>"$1"
  # In the background: a FIFO takes 64 KiB before its reader starts.
  if (($2 > 0)); then head -c "$2" b.sdc >&7 & fi
}

# run_timed CODE CMD...: expect_exit, and the seconds it took in $elapsed.
run_timed() {
  local t0=$SECONDS
  expect_exit "$@"
  elapsed=$((SECONDS - t0))
}

# --- verify - with nothing on the pipe ----------------------------------------------------
stalled_pipe empty.fifo 0
run_timed 13 timeout 60 "$INST" --root "$HN" --stdin-timeout 2 verify - <empty.fifo
exec 7>&-
expect_in last.err "sdcadm-install: error: no data on standard input for 2 s" "verify - message"
expect_in last.err "--stdin-timeout" "the message names the flag"
((elapsed <= 10)) || fail "verify - took ${elapsed} s to give up after a 2 s timeout"
pass "verify - on a silent pipe: exit 13 after ${elapsed} s"

# --- stage - stalls inside the payload: lock held, then released ----------------------------
stalled_pipe part.fifo 300000
"$INST" --root "$HN" --stdin-timeout 3 stage - <part.fifo >stage.out 2>stage.err &
stage_pid=$!
sleep 1
expect_exit 40 "$INST" --root "$HN" --lock-wait 0 stage b.sdc
pass "the stalled stage - holds the installer lock"
rc=0
t0=$SECONDS
wait "$stage_pid" || rc=$?
exec 7>&-
check_eq "$rc" 13 "stage - exit code ($(cat stage.err))"
expect_in stage.err "no data on standard input for 3 s" "stage - message"
check_eq "$(staged_files "$HN" | wc -l)" 0 "nothing staged from the stalled pipe"
check_eq "$(temp_files "$HN")" 0 "no temp file left"
expect_exit 0 "$INST" --root "$HN" --lock-wait 0 stage b.sdc
pass "stage - stalled mid-payload: exit 13 about $((SECONDS - t0 + 1)) s after the lock test, lock released, nothing written"

# --- a pipe that is slow but flowing is not cut ---------------------------------------------
mkfifo slow.fifo
{ head -c 200000 b.sdc; sleep 2; tail -c +200001 b.sdc; } >slow.fifo &
expect_exit 0 timeout 60 "$INST" --root "$HN" --stdin-timeout 4 verify - <slow.fifo
pass "a pipe pausing 2 s under a 4 s timeout still verifies"

# The option is checked like the others.
expect_exit 2 "$INST" --root "$HN" --stdin-timeout -1 verify - </dev/null
pass "--stdin-timeout rejects negative values"
