#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP to `sdcadm-install apply` (issue 12 item 1, docs/exit-codes.md
# code 12), on the simulated headnode: at stage (waiting for the sdcadm lock, and while the
# pass uploads images to a DC IMGAPI slowed by its latency fault), and during a (slowed)
# sdcadm step. Each time: exit 12, no temp file, no
# image left unactivated, the run recorded as interrupted in the history. During an sdcadm
# step the first signal waits for the command (and says so), a second leaves it running,
# journaled, and the re-run waits for it. The last re-run ends on the bundle's targets.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_interrupt_helpers.bash"
setup_dc

# restart_dc_imgapi [FAULT...]: the DC IMGAPI again over the same data, with these faults.
restart_dc_imgapi() {
  kill "$dcimgapi_PID" 2>/dev/null || true; wait "$dcimgapi_PID" 2>/dev/null || true
  local args=() f
  for f in "$@"; do args+=(--fault "$f"); done
  start_server dcimgapi --mode dc --data "$HN/imgapi-data" "${args[@]}"
  sed -i "s|^imgapi_domain=.*|imgapi_domain=${dcimgapi_URL#http://}|" "$HN/usbkey/config"
  HN_IMGAPI_URL=$dcimgapi_URL
}

# interrupted SIGNAL STEP WHAT: the background run ended with 12, said so, and is recorded.
interrupted() {
  wait_inst
  [[ $INST_RC -eq 12 ]] || { cat "$TEST_DIR/bg.out" "$TEST_DIR/bg.err" >&2; fail "$3: exit $INST_RC, expected 12"; }
  grep -q "stopped by $1" "$TEST_DIR/bg.err" || { cat "$TEST_DIR/bg.err" >&2; fail "$3: no \"stopped by $1\""; }
  grep -q "sdcadm-install: error: .*run sdcadm-install again" "$TEST_DIR/bg.err" || fail "$3: the error says what to do"
  check_eq "$(last_run_end)" "interrupted 12" "$3: history run-end"
  # Its receipt says so, without an inventory (docs/receipt.md §2).
  check_eq "$(inst receipt --last -o - | tar -xOf - receipt.json | jq -r '.outcome + " " + (.exit_code|tostring) + " " + (.inventory == null|tostring)')" \
    "interrupted 12 true" "$3: the run's receipt"
  check_nothing_half_written "$3"
}

# 1. At stage: the stage step waits for the sdcadm lock, which a running sdcadm holds.
restart_dc_imgapi
before=$(find "$HN/usbkey" -type f | sort | sha1sum)
"$HN_SDCADM" --hold-lock 60 >/dev/null 2>&1 &
holder=$!
LOCK_WAIT=60 start_inst b.sdc -y
wait_for_step stage || fail "stage never started"
sleep 0.3
kill -INT "$INST_PID"
interrupted SIGINT stage "SIGINT at stage"
kill "$holder" || true; wait "$holder" 2>/dev/null || true
check_eq "$(step_results stage)" "interrupted" "SIGINT at stage: the stage step is recorded interrupted"
check_eq "$(find "$HN/usbkey" -type f | sort | sha1sum)" "$before" "SIGINT at stage: nothing was staged"

# 2. At stage while its images go into IMGAPI (the pass uploads each image as soon as it has
#    verified: installer/stream_import.hpp), each upload slowed by 400 ms: SIGTERM while images
#    go in. The uploads are cut and every image the run made is deleted.
restart_dc_imgapi "latency=400,method=PUT,path=/images/*/file"
start_inst b.sdc -y
wait_for_step stage || fail "stage never started"
for _ in $(seq 1 300); do
  curl -sf "$HN_IMGAPI_URL/images?state=unactivated" >"$TEST_DIR/unact.json" || true
  [[ -s "$TEST_DIR/unact.json" && "$(jsonf "$TEST_DIR/unact.json" 'b.length')" -gt 0 ]] && break
  sleep 0.05
done
[[ "$(jsonf "$TEST_DIR/unact.json" 'b.length')" -gt 0 ]] || fail "no upload started during the stage pass"
kill -TERM "$INST_PID"
interrupted SIGTERM stage "SIGTERM at stage's uploads"
check_eq "$(step_results stage)" "interrupted interrupted" "SIGTERM at stage's uploads: the stage step is recorded interrupted"
check_eq "$(step_results import)" "" "SIGTERM at stage's uploads: the import step never ran"
restart_dc_imgapi

# 3. During a slowed sdcadm step: the first SIGINT waits for the command, which finishes;
#    the step is recorded done, the run stops before the next one.
export FAKE_SDCADM_SLOW="experimental update-agents=3"
mark_log
start_inst b.sdc -y
wait_for_command "experimental update-agents" 120 || fail "update-agents never started"
sleep 0.3
kill -INT "$INST_PID"
sleep 0.5
kill -0 "$INST_PID" 2>/dev/null || fail "the first SIGINT during update-agents did not wait for it"
interrupted SIGINT update-agents "SIGINT during update-agents"
grep -q "waiting for step update-agents (sdcadm experimental update-agents .*pid [0-9]*) to finish" "$TEST_DIR/bg.out" \
  || { cat "$TEST_DIR/bg.out" >&2; fail "the first SIGINT does not say it waits for the step"; }
grep -q "Press Ctrl-C again to leave it running" "$TEST_DIR/bg.out" || fail "the first SIGINT does not say what a second does"
check_eq "$(step_results update-agents)" "done" "SIGINT during update-agents: the step finished and is recorded done"
grep -q "^end [0-9]* [0-9]* 0 experimental update-agents" "$(commands_log)" || fail "update-agents did not finish"
unset FAKE_SDCADM_SLOW

# 4. Twice during a slowed sdcadm step (SIGTERM, then SIGHUP): exit 12 at once, the
#    command left running and journaled; a re-run waits for it, then finishes.
# 12 s: long enough that the re-run below still finds it running on a loaded machine.
export FAKE_SDCADM_SLOW="experimental update-gz-tools=12"
mark_log
start_inst b.sdc -y
wait_for_command "experimental update-gz-tools" 120 || fail "update-gz-tools never started"
sleep 0.3
kill -TERM "$INST_PID"
sleep 0.3
kill -HUP "$INST_PID"
t0=$(date +%s%N)
interrupted SIGHUP update-gz-tools "SIGTERM then SIGHUP during update-gz-tools"
(( ($(date +%s%N) - t0) / 1000000 < 2500 )) || fail "the second signal did not exit at once"
grep -q "left running" "$TEST_DIR/bg.err" || fail "the second signal does not say the command was left running"
child=$(jsonf "$(journal)" 'JSON.stringify(b.steps.find((s) => s.name === "update-gz-tools").child)')
[[ "$child" == *'"left_running":true'* && "$child" == *'experimental update-gz-tools'* ]] \
  || fail "the journal does not record the command left running: $child"
pid=$(jsonf "$(journal)" 'b.steps.find((s) => s.name === "update-gz-tools").child.pid')
kill -0 "$pid" 2>/dev/null || fail "the command left running (pid $pid) is not running"
unset FAKE_SDCADM_SLOW
LOCK_WAIT=120 expect_exit 0 inst b.sdc -y   # the left command may need more than 10 s on a loaded machine
expect_in last.out "Waiting for step update-gz-tools's command \`sdcadm experimental update-gz-tools" "the re-run waits for it"
expect_in last.out "Bundle $BUNDLE_ID applied." "the re-run finishes"
n=$(tail -n +$((LOG_MARK + 1)) "$(commands_log)" | grep -c "^start [0-9]* [0-9]* - experimental update-gz-tools")
check_eq "$n" 1 "update-gz-tools ran once (the re-run found its outcome in the DC)"
check_eq "$(step_results update-gz-tools)" "interrupted done" "update-gz-tools: interrupted, then done (checked on resume)"
check_final_state
check_nothing_half_written "after the re-runs"
pass "SIGINT/SIGTERM/SIGHUP at stage, at its uploads and at sdcadm steps: exit 12, nothing half-written, recorded; the re-run finishes"
