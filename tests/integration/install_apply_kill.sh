#!/usr/bin/env bash
# kill -9 of sdcadm-install during each sdcadm step, on the simulated headnode: sdcadm is a
# wrapper that runs fake-sdcadm and then kills the installer (its parent) when the command
# is the chosen one, so the step's command has run but the journal still says "started".
# Each re-run resumes and is killed at the next step; the last one finishes. Every step's
# command ran once, the killed ones at most twice, and the DC ends on the bundle's targets.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc
JOURNAL="$HN/var/sdcadm/install/journal/$BUNDLE_ID.json"

cat >killer.sh <<KILLER
#!/usr/bin/env bash
"$HN_SDCADM" "\$@"
rc=\$?
if [[ -n "\${KILL_AT:-}" && "\$*" == "\$KILL_AT"* ]]; then kill -9 \$PPID; fi
exit \$rc
KILLER
chmod +x killer.sh
export SDCADM_PROG=$TEST_DIR/killer.sh

steps=("self-update" "experimental update-agents" "experimental update-other" "experimental update-gz-tools"
       "up -y" "platform install")
for at in "${steps[@]}"; do
  KILL_AT=$at expect_exit 137 inst b.sdc -y
  check_eq "$(jsonf "$JOURNAL" 'b.steps[b.steps.length - 1].state')" started "kill during \"$at\": journal says started"
done
expect_exit 0 inst b.sdc -y
expect_in last.out "Bundle $BUNDLE_ID applied." "the last re-run finishes"
# A killed step runs again only when the re-run's plan still has work for it (sdcadm had
# finished it here, so mostly not); nothing runs more than twice.
for at in "self-update" "experimental update-agents" "experimental update-other" "experimental update-gz-tools" "platform install"; do
  n=$(runs "$at")
  [[ $n -ge 1 && $n -le 2 ]] || fail "\"$at\" ran $n times"
done
n=$(runs "up -y")
[[ $n -ge 5 && $n -le 6 ]] || fail "sdcadm up ran $n times (5 up steps, one killed)"
check_final_state
before=$(st 's.log.length')
expect_exit 0 inst b.sdc -y
check_eq "$(st 's.log.length')" "$before" "after the kills, a second install changes nothing"
pass "kill -9 during each step: resumed, nothing finished repeated, the bundle's targets"
