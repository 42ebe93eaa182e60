#!/usr/bin/env bash
# sdcadm-install apply when things go wrong on the simulated headnode: reprovFailLock.json
# (refused, exit 41, what to do), the sdcadm lock held by another process (waits with a
# message, then exit 40), fake-sdcadm failing at a chosen step (stop, the journal says
# where, the re-run resumes), and kill -9 during each step (the re-run finishes without
# repeating finished steps; the DC ends on the bundle's targets).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
JOURNAL="$HN/var/sdcadm/install/journal/$BUNDLE_ID.json"

# --- reprovFailLock.json ----------------------------------------------------------------------------
echo '{"reason": "vmadm reprovision of sapi0 failed"}' >"$HN/var/sdcadm/reprovFailLock.json"
expect_exit 41 inst b.sdc -y
expect_in last.err "vmadm reprovision of sapi0 failed" "reprov lock: the reason"
expect_in last.err "remove \"$HN/var/sdcadm/reprovFailLock.json\"" "reprov lock: what to do"
check_eq "$(staged_files "$HN" | grep -c imgfile || true)" 0 "reprov lock: nothing staged"
rm "$HN/var/sdcadm/reprovFailLock.json"
pass "reprovFailLock.json: refused with exit 41 and the fix"

# --- the sdcadm lock held by another process -------------------------------------------------------
"$HN_SDCADM" --hold-lock 4 >holder.out &
holder=$!
for _ in $(seq 100); do grep -q locked holder.out && break; sleep 0.05; done
LOCK_WAIT=1.5 expect_exit 40 inst b.sdc -y
expect_in last.err "Waiting for sdcadm lock" "lock held: waiting message"
expect_in last.err "sdcadm lock is held by process $holder" "lock held: names the holder"
wait "$holder"
check_eq "$(st 's.log.length')" 0 "lock held: no sdcadm command ran"
pass "sdcadm lock held: waits, says so, exit 40"

# --- fake-sdcadm fails at a chosen step ----------------------------------------------------------
FAKE_SDCADM_FAIL=up:moray expect_exit 42 inst b.sdc -y
expect_in last.err "step up-moray failed" "failing step: named"
expect_in last.err "$JOURNAL" "failing step: the journal is named"
check_eq "$(jsonf "$JOURNAL" 'b.steps.find((s) => s.state !== "done").name')" up-moray "journal: stopped at up-moray"
check_eq "$(jsonf "$JOURNAL" 'b.steps.find((s) => s.name === "up-moray").state')" failed "journal: up-moray failed"
agents_runs=$(runs "experimental update-agents")
expect_exit 0 inst b.sdc -y
expect_in last.out "Resuming bundle $BUNDLE_ID (stopped at up-moray)" "re-run resumes"
expect_in last.out "--- stage: done in an earlier run, skipped" "re-run skips finished steps"
grep -q -- "--- up-sapi: sdcadm up" last.out && fail "re-run repeated up-sapi"
# The re-run's plan is rebuilt from the DC, where sapi is on its target now: the step is not in
# it, but the journal has it done, and the operator is told so rather than seeing it vanish.
expect_in last.out "--- up-sapi: done in an earlier run, skipped" "re-run reports up-sapi, done earlier"
expect_in last.out "--- up-services: done in an earlier run, skipped" "re-run reports up-services, done earlier"
check_eq "$(runs "experimental update-agents")" "$agents_runs" "update-agents not repeated"
check_final_state
expect_exit 0 inst history
expect_in last.out ": failed" "history: the failed run"
expect_in last.out "up-moray: failed" "history: the failed step"
pass "a failing sdcadm step stops the run; the re-run resumes and finishes"
