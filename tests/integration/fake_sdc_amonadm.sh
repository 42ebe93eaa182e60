#!/usr/bin/env bash
# fake-sdc-amonadm (tools/fake_sdcadm/amon.hpp) on a simulated headnode: the probes
# make_headnode leaves, `update` idempotent, what makes the probe set stale (an sdc zone on
# a new image, an instance created or removed) and what does not (a reprovision by `sdcadm
# up`), the real refusals (no sdc zone, no amon, a probed role without instances), the fault
# knob and the command log. Real sdcadm has no alarm command: fake-sdcadm refuses it too.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"
source "$SDCB_SOURCE/tests/lib/headnode_state.bash"

CAT="$TEST_DIR/catalog"
"$SDCB_BIN/sample-catalog" -o "$CAT" --scale 8M -q
make_headnode "$TEST_DIR/hn" "$CAT"
HN=$FAKE_SDCADM_ROOT
AMONADM=$HN_SDC_AMONADM

# edit_state JS: runs JS on the state `s` and writes it back.
edit_state() {
  node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p, "utf8"));
    new Function("s", process.argv[2])(s); fs.writeFileSync(p, JSON.stringify(s, null, 2) + "\n");' "$HN_STATE" "$1"
}
check_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"; }
counts() { tail -3 "$TEST_DIR/last.out" | tr '\n' ',' ; }
inst_of() { st "s.instances.filter((i) => i.service === '$1' && i.type === 'vm').map((i) => i.instance).join(' ')"; }

# --- make_headnode: one probe per (role instance, probe file entry), as setup's update left them
# sdc-sdc probes/sdc: cnapi 3, imgapi 4, manatee 8, sdc 6, ufds 3, vmapi 5, workflow 1, and
# common's "zone up" for each of the 7 roles.
[[ -L "$AMONADM" ]] || fail "make_headnode: no sdc-amonadm link"
check_eq "$(st 's.amon.probes.length')" 37 "probes after make_headnode"
check_eq "$(st 's.amon.probegroups.map((g) => g.name).sort().join(",")')" "cnapi,imgapi,manatee,sdc,ufds,vmapi,workflow" "probe groups"
check_eq "$(st 's.log.length')" 0 "make_headnode's update is the DC's past"
expect_exit 0 "$AMONADM" probes
check_eq "$(head -1 "$TEST_DIR/last.out")" "ROLE               MACHINE  PROBE    NAME" "probes header"
check_eq "$(($(wc -l <"$TEST_DIR/last.out") - 1))" 37 "probes rows"
VMAPI0=$(inst_of vmapi)
expect_exit 0 "$AMONADM" probes -H -r vmapi
check_eq "$(wc -l <"$TEST_DIR/last.out")" 6 "probes -r vmapi"
grep -q "^vmapi              ${VMAPI0:0:7}  [0-9a-f]\{7\}  vmapi log fatal$" "$TEST_DIR/last.out" || fail "probes row format"
expect_exit 0 "$AMONADM" probes -H -m "${VMAPI0:0:8}"
check_eq "$(wc -l <"$TEST_DIR/last.out")" 6 "probes -m (a substring of the agent)"
pass "make_headnode: 37 probes in 7 groups, listed as sdc-amonadm probes does"

# --- update is idempotent: everything unchanged
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 0 probes,updated 0 probes,dropped 0 probes," "update on a fresh DC"
check_eq "$(grep -c ' is unchanged$' "$TEST_DIR/last.out")" 37 "every probe unchanged"
check_eq "$(st 's.log.map((l) => l.argv.join(" ")).join(",")')" "sdc-amonadm update" "update logged"
grep -q "^end [0-9]* [0-9]* 0 sdc-amonadm update$" "$HN/var/fake-sdcadm/commands.log" || fail "command log"
pass "update with nothing stale: 37 unchanged, logged"

# --- sdcadm up reprovisions: same instance uuids, the probes stay right
VMAPI_NEW=$(newest vmapi)
import_img "$VMAPI_NEW"
expect_exit 0 "$HN_SDCADM" up -y <<<"[{\"service\": \"vmapi\", \"image\": \"$VMAPI_NEW\"}]"
check_eq "$(inst_of vmapi)" "$VMAPI0" "up keeps the instance uuid"
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 0 probes,updated 0 probes,dropped 0 probes," "after up vmapi"
pass "a reprovision by sdcadm up leaves the probes right (their agent is the instance uuid)"

# --- the sdc zone on a new image: its probe files are new; every probe is rewritten once
SDC_NEW=$(newest sdc)
import_img "$SDC_NEW"
expect_exit 0 "$HN_SDCADM" up -y <<<"[{\"service\": \"sdc\", \"image\": \"$SDC_NEW\"}]"
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 0 probes,updated 37 probes,dropped 0 probes," "after up sdc"
check_eq "$(grep -c ' has been updated$' "$TEST_DIR/last.out")" 37 "updated lines"
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 0 probes,updated 0 probes,dropped 0 probes," "update again"
check_eq "$(st "s.amon.probes.every((p) => p.sdc_image === '$SDC_NEW')")" true "probes from the new sdc image"
pass "sdc zone updated by fake-sdcadm up alone: stale (37 updated), then clean"

# --- an instance created: its probes are missing; removed: its probes are dropped
headnode_instance vmapi "$VMAPI_NEW" add
VMAPI1=$(st "s.instances.filter((i) => i.service === 'vmapi').map((i) => i.instance).find((u) => u !== '$VMAPI0')")
expect_exit 0 "$AMONADM" probes -H -m "$VMAPI1"
check_eq "$(wc -l <"$TEST_DIR/last.out")" 0 "no probes for the new instance yet"
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 6 probes,updated 0 probes,dropped 0 probes," "after a new vmapi instance"
expect_exit 0 "$AMONADM" probes -H -m "$VMAPI1"
check_eq "$(wc -l <"$TEST_DIR/last.out")" 6 "the new instance's probes"
edit_state "s.instances = s.instances.filter((i) => i.instance !== '$VMAPI1')"
expect_exit 0 "$AMONADM" update
check_eq "$(counts)" "added 0 probes,updated 0 probes,dropped 6 probes," "after removing it"
check_eq "$(st 's.amon.probes.length')" 37 "back to 37"
pass "a created instance gets its 6 probes, a removed one loses them"

# --- the real refusals
cp "$HN_STATE" "$TEST_DIR/state.good"
edit_state "s.instances = s.instances.filter((i) => i.service !== 'workflow')"
expect_exit 1 "$AMONADM" update
check_eq "$(cat "$TEST_DIR/last.err")" 'sdc-amonadm: error: role "workflow" not a valid role' "a probed role without instances"
cp "$TEST_DIR/state.good" "$HN_STATE"
edit_state "s.instances = s.instances.filter((i) => i.service !== 'amon')"
expect_exit 1 "$AMONADM" update
check_eq "$(cat "$TEST_DIR/last.err")" "sdc-amonadm: error: getaddrinfo ENOTFOUND amon.sim-1.example.com" "no amon"
expect_exit 1 "$AMONADM" probes
cp "$TEST_DIR/state.good" "$HN_STATE"
edit_state "s.instances = s.instances.filter((i) => i.service !== 'sdc')"
expect_exit 1 "$AMONADM" update
check_eq "$(cat "$TEST_DIR/last.err")" "error: sdc-amonadm: unable to find a 'sdc' core zone on this node" "no sdc zone"
cp "$TEST_DIR/state.good" "$HN_STATE"
edit_state "s.amon.probes[0].agent = 7"
expect_exit 1 "$HN_SDCADM" insts
grep -qF 'amon.probes[0]: "agent" is missing or not a string' "$TEST_DIR/last.err" || fail "a bad amon section"
cp "$TEST_DIR/state.good" "$HN_STATE"
expect_exit 1 "$AMONADM" update -m foo
expect_exit 1 "$AMONADM" frobnicate
grep -qF 'sdc-amonadm: error: unknown command: "frobnicate"' "$TEST_DIR/last.err" || fail "unknown command"
# sdcadm itself has no alarm command (sdcadm 1.39.0 lib/cli/index.js): the fake refuses it too.
expect_exit 1 "$HN_SDCADM" alarm config update
pass "refusals: a role without instances, no amon, no sdc zone, a bad state, unknown commands"

# --- the fault knob: exit 1, nothing changes; a state-file knob with once clears itself
before=$(st 'JSON.stringify(s.amon)')
FAKE_SDCADM_FAIL=amonadm-update expect_exit 1 "$AMONADM" update
grep -qF "simulated failure (fake-sdcadm fault knob)" "$TEST_DIR/last.err" || fail "fault text"
check_eq "$(st 'JSON.stringify(s.amon)')" "$before" "a fault changes nothing"
grep -q "^end [0-9]* [0-9]* 1 sdc-amonadm update$" "$HN/var/fake-sdcadm/commands.log" || fail "command log: failed run"
edit_state 's.fail = {command: "amonadm-update", once: true}'
expect_exit 1 "$AMONADM" update
expect_exit 0 "$AMONADM" update
pass "fault knob (environment, state once) and the command log"
