#!/usr/bin/env bash
# The installer's log (issue 14 item 5, docs/logs.md): /var/log/sdcadm/sdcadm-install.log
# beside sdcadm's logs, named in --help; every failure (a trust refusal, a held lock, a
# conflict) is recorded with its exit code and command, and so is the trust verdict; a log
# that cannot be written is one warning and the run goes on. And the inventory records the
# DC's update channel, which `sdcadm-bundle build --inventory` checks (issue 14 item 4).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc   # b.sdc: dev; the headnode's sdcadm has update_channel=dev
LOG="$HN/var/log/sdcadm/sdcadm-install.log"

expect_exit 0 "$INST" --help
expect_in last.out "/var/log/sdcadm/sdcadm-install.log" "--help names the log"

# --- the inventory records the DC's channel; the builder checks it --------------------------------
expect_exit 0 inst inventory -o dc.json
check_eq "$(jsonf dc.json 'b.update_channel')" dev "the inventory's update_channel"
[[ -f "$LOG" ]] || fail "no log at $LOG"
[[ ! -e "$HN/var/log/sdcadm-install.log" ]] || fail "the old log path is still written"
expect_exit 38 "$BIN" build -S "$up_URL" --all -C release --inventory dc.json --cache-dir "$TEST_DIR/cache" --unsigned -n
expect_in last.err "the inventory says the DC sim-1 is on channel dev" "build refuses another channel"
expect_exit 0 "$BIN" build -S "$up_URL" --all --inventory dc.json --cache-dir "$TEST_DIR/cache" --unsigned -n -j
check_eq "$(jsonf last.out 'b.source.channel')" dev "a trimmed build resolves in the DC's channel"
pass "the inventory records update_channel; build refuses another -C (38) and defaults to it"

# --- failures are recorded with their exit code and command ---------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" imgapi --cache-dir "$TEST_DIR/cache" -o unsigned.sdc --unsigned --no-progress
expect_exit 30 inst plan unsigned.sdc
grep '"level":50' "$LOG" | grep '"exit_code":30' | grep -q '"command":"plan"' ||
  fail "the trust refusal (30) is not in the log: $(tail -3 "$LOG")"
expect_exit 0 inst plan b.sdc
grep -q '"msg":"bundle '"$BUNDLE_ID"' trusted: signed by ' "$LOG" || fail "the trust verdict is not in the log"
"$HN_SDCADM" --hold-lock 4 >holder.out &
holder=$!
for _ in $(seq 100); do grep -q locked holder.out && break; sleep 0.05; done
LOCK_WAIT=1 expect_exit 40 inst b.sdc -y
wait "$holder"
grep '"exit_code":40' "$LOG" | grep -q '"command":"apply"' || fail "the held lock (40) is not in the log"
grep '"exit_code":40' "$LOG" | grep -q "sdcadm lock is held by process $holder" || fail "the log lacks the message"
pass "trust refusal (30), held lock (40) and the trust verdict are in the log"

# --- a log that cannot be written: one warning, the run goes on -----------------------------------
mv "$LOG" "$TEST_DIR/log.bak"
rmdir "$HN/var/log/sdcadm"
printf 'not a directory\n' >"$HN/var/log/sdcadm"
expect_exit 0 inst plan b.sdc
check_eq "$(grep -c "cannot open log file $LOG" last.err)" 1 "one warning for an unwritable log"
expect_exit 30 inst plan unsigned.sdc
check_eq "$(grep -c "cannot open log file" last.err)" 1 "one warning, also when a failure is recorded"
expect_in last.err "sdcadm-install: error: " "the refusal still reaches stderr"
rm "$HN/var/log/sdcadm"
pass "an unwritable log: one warning on stderr, the command runs"
