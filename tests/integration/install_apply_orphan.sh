#!/usr/bin/env bash
# An sdcadm command a killed installer leaves running (issue 12 items 2, 3), on the
# simulated headnode:
#   1. kill -9 during a slowed `update-agents`, then an immediate re-run: it neither starts
#      a second update-agents alongside (the fake's own command log of start and end times
#      shows no overlap) nor goes on: with a short --lock-wait it refuses with exit 40 naming
#      the pid and the command; with a longer one it waits, then finds the step's outcome in
#      the DC and records it as done without running it again;
#   2. a kill between a step's command and its journal update (the fake SIGKILLs its parent
#      right after `platform install` succeeded): the re-run no longer needs the step, and
#      still records it as done (history shows it, once).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_interrupt_helpers.bash"
setup_dc

# overlaps WORDS: pairs of runs of WORDS in the command log whose [start, end] overlap.
overlaps() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    const runs = {};
    for (const l of lines) {
      const m = l.match(/^(start|end) (\d+) (\d+) (\S+) (.*)$/);
      if (!m || !m[5].startsWith(process.argv[2])) continue;
      runs[m[2]] = runs[m[2]] || {};
      runs[m[2]][m[1]] = Number(m[3]);
    }
    const r = Object.entries(runs).map(([pid, t]) => ({pid, s: t.start, e: t.end === undefined ? Infinity : t.end}));
    const bad = [];
    for (const a of r) for (const b of r) if (a.pid < b.pid && a.s < b.e && b.s < a.e) bad.push(a.pid + "/" + b.pid);
    process.stdout.write(r.length + " " + bad.join(","));' "$(commands_log)" "$1"
}

# 1. kill -9 while update-agents runs (slowed to 6 s).
export FAKE_SDCADM_SLOW="experimental update-agents=6"
mark_log
start_inst b.sdc -y
wait_for_command "experimental update-agents" 120 || fail "update-agents never started"
kill -9 "$INST_PID"
wait_inst
check_eq "$INST_RC" 137 "kill -9 during update-agents"
unset FAKE_SDCADM_SLOW
child=$(jsonf "$(journal)" 'b.steps.find((s) => s.name === "update-agents").child.pid')
kill -0 "$child" 2>/dev/null || fail "the update-agents child (pid $child) did not outlive the installer"
[[ -n "$(jsonf "$(journal)" 'b.steps.find((s) => s.name === "update-agents").child.start')" ]] \
  || fail "the journal has no start time for the child"
LOCK_WAIT=1 expect_exit 40 inst b.sdc -y
expect_in last.err "sdcadm-install: error: step update-agents's command \`sdcadm experimental update-agents" \
  "the refusal names the step and the command"
expect_in last.err "(pid $child)" "the refusal names the pid"
expect_in last.err "--lock-wait" "the refusal says how to wait"
kill -0 "$child" 2>/dev/null || fail "the refusing re-run outlived the child: the test proves nothing"
LOCK_WAIT=60 expect_exit 0 inst b.sdc -y
expect_in last.out "Waiting for step update-agents's command" "the second re-run waits for the child"
expect_in last.out "Bundle $BUNDLE_ID applied." "the second re-run finishes"
read -r n bad <<<"$(overlaps "experimental update-agents")"
[[ -z "$bad" ]] || fail "update-agents runs overlapped (pids $bad)"
check_eq "$(step_results update-agents)" "done" "update-agents: recorded done once (checked on resume)"
[[ $n -ge 1 ]] || fail "no update-agents in the command log"
check_final_state
pass "kill -9 during update-agents: the re-run refuses (40) or waits for the child, never overlaps"

# 2. Killed between the command and the journal: a fresh DC, the fake kills the installer
#    right after `platform install` succeeded.
make_headnode "$TEST_DIR/hn2" "$TEST_DIR/catalog"
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
export FAKE_SDCADM_KILL_PARENT="platform install"
expect_exit 137 inst b.sdc -y
unset FAKE_SDCADM_KILL_PARENT
check_eq "$(jsonf "$(journal)" 'b.steps.find((s) => s.name === "platform-install").state')" started \
  "killed after platform install: the journal says started"
expect_exit 0 inst b.sdc -y
expect_in last.out "platform-install: interrupted in an earlier run; the DC shows its outcome, recorded as done" \
  "the re-run says what it found"
check_eq "$(step_results platform-install)" "done" "platform-install: recorded done (checked on resume)"
check_eq "$(jsonf "$(journal)" 'b.steps.find((s) => s.name === "platform-install").state')" done \
  "the journal has platform-install done"
"$INST" --root "$HN" history >"$TEST_DIR/history.txt" || fail "history"
grep -q "platform-install: done" "$TEST_DIR/history.txt" || { cat "$TEST_DIR/history.txt" >&2; fail "history does not show platform-install done"; }
n=$(grep -c "^start [0-9]* [0-9]* - platform install" "$(commands_log)")
check_eq "$n" 1 "platform install ran once"
check_final_state
pass "killed between a step's command and its journal update: the re-run records the step as done"
