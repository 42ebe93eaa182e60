#!/usr/bin/env bash
# Post-step verification (issue 13 part 1) on one simulated headnode: for each step kind a
# fake sdcadm that exits 0 without doing the step (FAKE_SDCADM_NOOP, docs/simulated-headnode.md)
# is caught by the step's post-step check with exit 46 naming the check and what it saw, the
# journal keeps the step failed with that evidence, and the re-run without the knob goes on;
# a step finished by hand between two runs is found done by the re-run's re-check and not
# run again, a done step undone by hand is found and run again; `sdcadm-install check` passes on the applied DC and fails (46) naming an instance
# moved back by hand.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
# An up-services instance's release image, for moving it back by hand at the end.
moved_svc=vmapi
old_vmapi=$(st "s.instances.find((i) => i.service === '$moved_svc').image")
# A compute node that is not set up: update-agents leaves it out, and its check says so.
headnode_server cn-new unsetup >/dev/null
JOURNAL="$HN/var/sdcadm/install/journal/$BUNDLE_ID.json"
jstep() { jsonf "$JOURNAL" "(b.steps.find((s) => s.name === '$1') || {})$2"; }

# caught KNOB STEP CHECK: apply with FAKE_SDCADM_NOOP=KNOB stops at STEP with exit 46, naming the
# check; the journal has STEP failed with the check's evidence.
caught() {
  local knob=$1 step=$2 check=$3
  FAKE_SDCADM_NOOP=$knob expect_exit 46 inst b.sdc -y
  expect_in last.err "step $step failed: $step: post-step check \"$check\" failed" "$knob: exit 46 names $step's check"
  check_eq "$(jstep "$step" '.state')" failed "$knob: the journal has $step failed"
  check_eq "$(jstep "$step" '.evidence.check')" "$check" "$knob: the journal keeps the check's evidence"
  expect_in last.err "$JOURNAL" "$knob: the journal is named"
}

# --- sdcadm self-update that installs nothing -----------------------------------------------------
caught self-update sdcadm-self-update sdcadm
expect_in last.err "sdcadm --version reports" "self-update: the evidence (sdcadm --version)"
check_eq "$(jstep sdcadm-self-update '.evidence.expected.version')" "$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "sdcadm").version')" \
  "self-update: the evidence holds the bundle's version"
pass "self-update exiting 0 without installing: exit 46, check sdcadm"

# --- update-agents that skips every server --------------------------------------------------------
caught update-agents update-agents agents
expect_in last.out "--- sdcadm-self-update: checked: sdcadm --version:" "the re-run did self-update and checked it"
expect_in last.err "not on the target (sdcadm insts -j)" "update-agents: the evidence"
pass "update-agents skipping every server: exit 46, check agents"

# --- experimental update that drops its changes ---------------------------------------------------
caught update update-agents-experimental instances
expect_in last.out "--- update-agents: checked: " "the re-run did update-agents and checked it"
check_eq "$(jstep update-agents '.evidence.servers_left_out.map((l) => l.server + ": " + l.why).join()')" \
  "cn-new: not set up" "update-agents: the evidence names the server the plan leaves out"
expect_in last.out "not checked: 1 server the plan leaves out" "update-agents: and says so"
pass "experimental update dropping its changes: exit 46, check instances"

# --- update-gz-tools that installs nothing; then the operator runs it by hand ---------------------
caught update-gz-tools update-gz-tools gz-tools
expect_in last.err "/opt/smartdc/etc/gz-tools.image names" "gz-tools: the evidence names the file"
cmd=$(jstep update-gz-tools '.child.command')
[[ "$cmd" == "sdcadm experimental update-gz-tools "* ]] || fail "the journal has the step's command: $cmd"
# shellcheck disable=SC2086  # the recorded command's words
"$HN_SDCADM" ${cmd#sdcadm } >by-hand.out 2>&1 || { cat by-hand.out >&2; fail "update-gz-tools by hand"; }
gz_runs=$(runs "experimental update-gz-tools")
pass "update-gz-tools installing nothing: exit 46, check gz-tools"

# --- sdcadm up that drops its changes; the re-run finds gz-tools done by hand --------------------
caught up up-services instances
up_count=$(jstep up-services '.evidence.instances.length')
expect_in last.err "not on the target (sdcadm insts -j): " "up: the evidence says what the instances run"
expect_in last.out "--- update-gz-tools: its post-step check failed in an earlier run; the DC shows its outcome now" \
  "re-run: the step done by hand is found done"
expect_in last.out "recorded as done, not run again" "re-run: and not run again"
check_eq "$(runs "experimental update-gz-tools")" "$gz_runs" "re-run: update-gz-tools did not run again"
check_eq "$(jstep update-gz-tools '.state')" done "re-run: the journal has update-gz-tools done"
check_eq "$(jstep update-gz-tools '.evidence.image')" "$(jstep update-gz-tools '.evidence.expected')" \
  "re-run: with the evidence of the image now installed"
expect_exit 0 inst history -j
check_eq "$(jsonf last.out 'b.filter((r) => r.step === "update-gz-tools" && r.checked_on_resume && r.result === "done").length')" 1 \
  "history: update-gz-tools done, checked on resume"
pass "sdcadm up dropping its changes: exit 46, check instances; a step finished by hand is not run again"

# --- platform install that aborts -----------------------------------------------------------------
caught platform-install platform-install platform
expect_in last.out "Aborting platform install" "platform: sdcadm's own words are shown"
expect_in last.err "does not exist: the platform is not installed" "platform: the evidence"
expect_in last.out "--- up-services: checked: " "the re-run did up-services and checked it"
expect_in last.out "imgapi /ping 200" "up-services: imgapi answered its /ping"
expect_in last.out "no address known for /ping:" "up-services: the services without an address are named"
pass "platform install aborting: exit 46, check platform"

# --- the knob removed: the run completes; a done step the DC no longer shows runs again ---------------
# Between the two runs an instance up-services moved goes back by hand: the journal has the step
# done, but the re-run checks it again and runs it again rather than skipping it.
headnode_instance "$moved_svc" "$old_vmapi" move
expect_exit 0 inst b.sdc -y
expect_in last.out "--- up-services: done in an earlier run, but the DC no longer shows its outcome" \
  "re-run: the done step that no longer shows is found"
expect_in last.out "--- up-services: sdcadm up: " "re-run: and runs again"
(( up_count > 1 )) || fail "up-services moved $up_count instances"
check_eq "$(jstep up-services '.evidence.instances.length')" "$up_count" \
  "re-run: up-services' evidence still covers every instance it moved, not only the one moved again"
expect_in last.out "--- platform-install: checked: " "platform-install checked"
expect_in last.out "sdcadm platform assign " "the operator is told the assign step"
expect_in last.out " --all" "the assign step is for all servers"
check_final_state
check_eq "$(jsonf "$JOURNAL" 'b.state')" finished "the journal is finished"
check_eq "$(jsonf "$JOURNAL" 'b.steps.filter((s) => s.evidence).map((s) => s.evidence.check).join(",")')" \
  "images,sdcadm,agents,instances,gz-tools,instances,instances,instances,instances,instances,amon-probes,platform" \
  "every step with a check has its evidence in the journal"
pass "the re-run without the knob completes; every checked step has evidence"

# --- check on the healthy DC ------------------------------------------------------------------------
expect_exit 0 inst check
expect_in last.out "pass  up-services (instances): " "check: up-services passes"
expect_in last.out "pass  import (images): " "check: the images pass"
expect_in last.out "pass  platform-install (platform): " "check: the platform passes"
expect_in last.out "-     update-other: no post-step check" "check: steps without a check are listed"
expect_in last.out "pass  alarm-config (amon-probes): " "check: the amon probes pass"
expect_in last.out "All 12 checks pass" "check: the summary"
expect_exit 0 inst check -j
check_eq "$(jsonf last.out 'b.ok + " " + b.checks.filter((c) => c.result === "pass").length + " " + b.bundle_id')" \
  "true 12 $BUNDLE_ID" "check -j: 12 checks pass, the bundle named"
expect_exit 0 inst check b.sdc
expect_in last.out "pass  services (instances): " "check BUNDLE: the services pass"
expect_in last.out "pass  agents (agents): " "check BUNDLE: the agents pass"
pass "check on the applied DC: every check passes (journal and bundle)"

# --- a service that does not answer its /ping ----------------------------------------------------------
# /usbkey/config gives cnapi an address where nothing listens: the instances are where they should
# be, but their service does not answer.
cp "$HN/usbkey/config" config.orig
echo "cnapi_domain=127.0.0.1:9" >>"$HN/usbkey/config"
expect_exit 46 inst check
expect_in last.out "FAIL  up-services (instances): " "ping: up-services fails"
expect_in last.out "the instances moved but their services do not answer: cnapi did not answer GET http://127.0.0.1:9/ping" \
  "ping: the service and its address are named"
expect_exit 46 inst check -j
check_eq "$(jsonf last.out 'b.checks.find((c) => c.step === "up-services").evidence.services.ping.map((p) => p.service + " " + p.status).join()')" \
  "cnapi 0,imgapi 200" "ping: the evidence has both answers"
cp config.orig "$HN/usbkey/config"
pass "check when a service does not answer its /ping: exit 46 naming it"

# --- an instance moved back by hand ------------------------------------------------------------------
headnode_instance "$moved_svc" "$old_vmapi" move
expect_exit 46 inst check
expect_in last.out "FAIL  up-services (instances): " "check: up-services fails"
expect_in last.out "vmapi0 (" "check: the moved instance is named"
expect_in last.out "runs $old_vmapi, not " "check: with what it runs"
expect_in last.err "1 of 12 checks failed: up-services (instances)" "check: the error names the check"
expect_exit 46 inst check -j
check_eq "$(jsonf last.out 'b.ok + " " + b.exit_code + " " + b.checks.filter((c) => c.result === "fail").map((c) => c.step).join(",")')" \
  "false 46 up-services" "check -j: up-services failed"
expect_exit 46 inst check b.sdc
expect_in last.out "FAIL  services (instances): " "check BUNDLE: the services fail"
pass "check after an instance moved back by hand: exit 46 naming it"

# --- an image gone from the DC IMGAPI -----------------------------------------------------------------
gz_image=$(jstep update-gz-tools '.evidence.expected')
curl -sf -X DELETE "$HN_IMGAPI_URL/images/$gz_image" >/dev/null || fail "delete $gz_image from the DC IMGAPI"
expect_exit 46 inst check
expect_in last.out "FAIL  import (images): " "check: the images fail"
expect_in last.out "($gz_image) is not in the DC IMGAPI" "check: the missing image is named"
expect_in last.err "2 of 12 checks failed: import (images), up-services (instances)" "check: both failing checks named"
pass "check after an image is deleted from the DC IMGAPI: exit 46 naming it"
