#!/usr/bin/env bash
# sdcadm-install apply on DCs shaped like real ones, against a simulated headnode as strict as
# the real sdcadm (issue 11; docs/sdcadm-contract.md): an old rabbitmq and a portolan (locked
# in sdcadm up), a dapi (no procedure), two napi (a service change would be dropped), a mixed
# manatee (no per-instance changes), compute nodes that are not set up, not running, or do not
# answer Ur, an agent row without an instance uuid, and a headnode that boots "latest"
# (platform install without -y does nothing). Each apply must finish with the DC where the
# plan said it would be, and what it cannot do must be in the plan.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
cd "$TEST_DIR" || fail "cd"
make_bundle b.sdc
BUNDLE_ID=$(jsonf inspect.json 'b.index.bundle_id')

# target SVC: the bundle's image uuid for SVC.
target() { jsonf inspect.json "b.index.artifacts.find((x) => (x.services || []).includes('$1')).uuid"; }
# images SVC: the sorted images of SVC's instances in the fake's state.
images() { st "s.instances.filter((i) => i.service === '$1').map((i) => i.image).sort().join(',')"; }
# argv_of WORDS: the argv (space-joined) of the fake's logged run that starts with WORDS.
argv_of() { st "(s.log.find((l) => l.argv.join(' ').startsWith('$1')) || {argv: []}).argv.join(' ')"; }
# set_state JS: run JS on the fake's state `s` and save it.
set_state() {
  node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p, "utf8"));
    new Function("s", process.argv[2])(s); fs.writeFileSync(p, JSON.stringify(s, null, 2) + "\n");' "$HN_STATE" "$1" \
    || fail "set_state $1"
}

# --- DC A: every shape at once --------------------------------------------------------------------
make_headnode "$TEST_DIR/hn-a" "$TEST_DIR/catalog"
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
headnode_instance napi "$(st 's.instances.find((i) => i.service === "napi").image')" add
headnode_instance manatee "$(target manatee)" add   # mixed: one old, one at the target
cn_new=$(headnode_server cn-new unsetup)
cn_down=$(headnode_server cn-down stopped --agents)
cn1=$(headnode_server cn1 running --agents)
headnode_agent_without_instance vm-agent cn1
set_state 's.servers.find((x) => x.headnode).boot_platform = "latest"'
old_rabbitmq=$(images rabbitmq)
old_dapi=$(images dapi)
cn_down_agent=$(st "s.instances.find((i) => i.hostname === 'cn-down' && i.service === 'cn-agent').image")

expect_exit 0 inst plan b.sdc
cp last.out plan-a.txt
expect_in plan-a.txt "held back (their images are imported; the instances stay as they are):" "plan: a held-back block"
expect_in plan-a.txt "    \"rabbitmq\" (1 instance) to image $(target rabbitmq)" "plan: rabbitmq held back"
expect_in plan-a.txt "pass --include-rabbitmq to update it" "plan: how to include rabbitmq"
expect_in plan-a.txt "    \"dapi\" (1 instance) to image $(target dapi)" "plan: dapi held back"
expect_in plan-a.txt "sdcadm has no procedure to update \"dapi\"" "plan: why dapi"
expect_in plan-a.txt "(one change per instance: sdcadm drops a service change for napi when it has 2 instances" "plan: napi split"
expect_in plan-a.txt "servers: 4 servers in CNAPI; agents and gz-tools on 2 servers: headnode cn1" "plan: where agents go"
expect_in plan-a.txt "    left out: cn-new ($cn_new): not set up" "plan: the unsetup CN"
expect_in plan-a.txt "    left out: cn-down ($cn_down): not running (CNAPI status \"unknown\")" "plan: the stopped CN"
expect_in plan-a.txt "sdcadm platform assign" "plan: the platform's next step"
pass "plan: held-back services, split services and left-out servers, each with the reason"

expect_exit 0 inst b.sdc -y
cp last.out apply-a.txt
expect_in apply-a.txt "Bundle $BUNDLE_ID applied." "apply on DC A finished"
for svc in napi manatee portolan vmapi imgapi sapi moray binder; do
  want=$(st "s.instances.filter((i) => i.service === '$svc').map(() => '$(target "$svc")').join(',')")
  check_eq "$(images "$svc")" "$want" "$svc on the bundle's image"
done
check_eq "$(images rabbitmq)" "$old_rabbitmq" "rabbitmq held back"
check_eq "$(images dapi)" "$old_dapi" "dapi held back"
# The update spec: portolan with --force-data-path, no rabbitmq, no dapi.
up=$(argv_of "up -y")
[[ "$up" == *--force-data-path* ]] || fail "sdcadm up without --force-data-path: $up"
[[ "$up" == *--force-rabbitmq* ]] && fail "sdcadm up with --force-rabbitmq: $up"
# update-agents names the headnode and cn1 (never --all); update-gz-tools skips cn-down.
agents=$(argv_of "experimental update-agents")
[[ "$agents" == *--all* ]] && fail "update-agents with --all: $agents"
[[ "$agents" == *"$cn1"* && "$agents" != *"$cn_down"* && "$agents" != *"$cn_new"* ]] || fail "update-agents servers: $agents"
check_eq "$(argv_of "experimental update-gz-tools" | grep -o -- "-S [^ ]*")" "-S $cn_down" "update-gz-tools -S the stopped CN"
[[ "$(argv_of "experimental update-gz-tools")" == *"-C dev"* ]] || fail "update-gz-tools without -C"
check_eq "$(argv_of "platform install" | grep -o -- " -y -C dev")" " -y -C dev" "platform install -y -C"
stamp=$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "platform").version.match(/\d{8}T\d{6}Z/)[0]')
[[ -d "$HN/usbkey/os/$stamp" ]] || fail "platform $stamp not installed on a headnode booting latest"
check_eq "$(st "s.instances.find((i) => i.hostname === 'cn1' && i.service === 'cn-agent').image")" \
  "$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "agent" && a.name === "cn-agent").uuid')" "cn1's agents updated"
check_eq "$(st "s.instances.find((i) => i.hostname === 'cn-down' && i.service === 'cn-agent').image")" "$cn_down_agent" \
  "cn-down's agents left as they were"
pass "apply: the DC as the plan said; sdcadm got the flags and servers it needs"

# cn-down comes back: the same bundle again updates its agents (the finished journal reopens
# the agent steps), and only those steps run.
set_state 's.servers.find((x) => x.hostname === "cn-down").status = "running"'
before=$(st 's.log.length')
expect_exit 0 inst b.sdc -y
expect_in last.out "but its plan has more to do now" "apply says the finished bundle has more to do"
check_eq "$(st "s.instances.find((i) => i.hostname === 'cn-down' && i.service === 'cn-agent').image")" \
  "$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "agent" && a.name === "cn-agent").uuid')" "cn-down's agents now"
check_eq "$(st "s.log.slice($before).map((l) => l.argv.slice(0, 2).join(' ')).join(',')")" \
  "experimental update-agents,experimental update,experimental update-other" "only the agent steps ran again"
expect_exit 0 inst b.sdc -y
expect_in last.out "nothing to do. Up-to-date." "and then the bundle is done"
pass "a server back in service: the same bundle finishes the job there"

# --- DC B: --include-rabbitmq ------------------------------------------------------------------------
make_headnode "$TEST_DIR/hn-b" "$TEST_DIR/catalog"
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
echo '[{"service": "rabbitmq"}, {"service": "portolan"}]' >rp.json
expect_exit 0 inst b.sdc -y -f rp.json --include-rabbitmq
check_eq "$(images rabbitmq)" "$(target rabbitmq)" "rabbitmq updated with --include-rabbitmq"
up=$(argv_of "up -y")
[[ "$up" == *--force-rabbitmq* && "$up" == *--force-data-path* ]] || fail "sdcadm up flags: $up"
pass "apply --include-rabbitmq: sdcadm up --force-rabbitmq"

# --- DC C: a running CN that does not answer Ur ------------------------------------------------------
make_headnode "$TEST_DIR/hn-c" "$TEST_DIR/catalog"
HN=$FAKE_SDCADM_ROOT
trust_dc "$HN"
headnode_server cn-slow running --agents --ur-timeout >/dev/null
slow_agent=$(st "s.instances.find((i) => i.hostname === 'cn-slow' && i.service === 'cn-agent').image")
expect_exit 43 inst b.sdc -y
expect_in last.err "on cn-slow" "check-health names the silent CN"
expect_in last.err "--exclude-servers HOSTNAME" "check-health says how to go on without it"
check_eq "$(st 's.log.length')" 0 "nothing ran"
expect_exit 0 inst b.sdc -y --exclude-servers cn-slow
check_eq "$(st "s.instances.find((i) => i.hostname === 'cn-slow' && i.service === 'cn-agent').image")" "$slow_agent" \
  "cn-slow's agents left as they were"
expect_exit 2 inst plan b.sdc --exclude-servers cn-nowhere
expect_in last.err "--exclude-servers names no server CNAPI knows: cn-nowhere" "an unknown server"
pass "a CN that does not answer Ur stops the run, naming it; --exclude-servers goes on without it"
