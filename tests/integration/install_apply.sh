#!/usr/bin/env bash
# sdcadm-install plan / apply / history / inventory on the simulated headnode: from an
# older release to the bundle's (the DC's final state equals the bundle's targets), the
# plan's break-out and its forced form, -f limits, a second install that finds nothing to
# do, the history, and an inventory the builder reads.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc

# --- inventory of the fresh DC: its agentsshar and gz-tools, then a build trimmed by it ----------
# The simulated DC's older shar is latest -> agents-<uuid>.sh (update-agents' name for a shar it
# fetched) and its gz-tools were installed from the tarball (/opt/smartdc/etc/gz-tools.image).
old_shar=$(st 's.agentsshar.image')
old_gz=$(st 's.gz_tools.image')
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-$old_shar.sh" "latest: update-agents' name"
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$old_gz" "gz-tools.image of the installed gz-tools"
expect_exit 0 inst inventory -o fresh.json
check_eq "$(jsonf fresh.json 'b.agentsshar && b.agentsshar.uuid')" "$old_shar" "inventory: the DC's agentsshar"
check_eq "$(jsonf fresh.json 'b.gz_tools && b.gz_tools.uuid + " " + b.gz_tools.version')" \
  "$old_gz $(st 's.gz_tools.version')" "inventory: the DC's gz-tools"
# Built a minute after b.sdc (a later sequence), so it can be installed after it.
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 60)) "$BIN" build -S "$up_URL" --all --inventory fresh.json --cache-dir "$TEST_DIR/cache" -o t.sdc --no-progress \
  --key "$KEYS/alice.pem" --expires-in 3650 >trim.json 2>trim.err || { cat trim.err >&2; fail "trimmed build"; }
"$BIN" inspect t.sdc >t-inspect.txt || fail "inspect t.sdc"
for name in agentsshar gz-tools; do
  grep -q "^  $name: " t-inspect.txt || fail "the trimmed bundle has no $name changelog"
  grep -q "^  $name: (new)" t-inspect.txt && fail "$name is \"(new)\" for a DC that has one"
done
grep -qF "  agentsshar: $(st 's.agentsshar.version') -> " t-inspect.txt || fail "agentsshar changelog from the DC's shar"
pass "inventory names the DC's agentsshar and gz-tools; a trimmed build starts from them"

# --- plan: the break-out, nothing changed -----------------------------------------------------
old_imgapi=$(st 's.instances.find((i) => i.service === "imgapi").image')
new_imgapi=$(jsonf inspect.json 'b.index.artifacts.find((a) => (a.services || []).includes("imgapi")).uuid')
expect_exit 0 inst plan b.sdc
cp last.out plan.txt
expect_in plan.txt "Plan for bundle $BUNDLE_ID:" "plan header"
grep -qF "update \"imgapi\" service (1 instance) to image $new_imgapi (" plan.txt || fail "imgapi target line"
old_imgapi_version=$(st 's.instances.find((i) => i.service === "imgapi").version')
grep -qxF "    1 instance will be updated from image $old_imgapi ($old_imgapi_version)" plan.txt || fail "imgapi break-out line"
stamp=$(grep -o "update agents from the bundle's 11 agent images (bootstrap [0-9TZ]*-[0-9a-f]*)" plan.txt | sed 's/.*bootstrap \(.*\))/\1/')
[[ -n "$stamp" ]] || fail "the plan updates the agents from the bundle's 11 agent images"
grep -qxF "    /usbkey/extra/agents/agents-$stamp.sh" plan.txt || fail "the plan names the bootstrap"
expect_in plan.txt "note: the bundle's agentsshar $(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "agentsshar").version') is staged but not run" \
  "the plan says the shar is not run"
grep -qF "update \"cn-agent\" service (1 instance) to image " plan.txt || fail "an agent's own block in the plan"
expect_in plan.txt "update agents with sdcadm experimental update:" "dockerlogger and firewall-logger-agent via experimental update"
expect_in plan.txt "cabase, cainstsvc: sdcadm cannot update these agents" "legacy agents are named as left alone"
expect_in plan.txt "[dry-run] nothing was changed" "plan is a dry run"
check_eq "$(st 's.log.length')" 0 "plan ran no mutating sdcadm command"
[[ -z "$(find "$HN/var/sdcadm/install" -type f ! -name 'dc-key.p[eu][mb]' 2>/dev/null)" ]] ||
  fail "plan wrote under /var/sdcadm/install (beyond the DC key trust init made)"
expect_exit 0 inst apply -n b.sdc
cmp -s last.out plan.txt || fail "apply -n prints what plan prints"
pass "plan: break-out per service, changes nothing"

# --- avail: what the bundle offers against what runs ----------------------------------------------
expect_exit 0 inst avail b.sdc imgapi sapi -c -j
check_eq "$(jsonf last.out 'b.services.map((s) => s.service + ":" + s.offer).join(",")')" "imgapi:newer,sapi:newer" "avail -j"
check_eq "$(jsonf last.out 'b.services[0].current[0].image')" "$old_imgapi" "avail: what runs now"
expect_exit 0 inst avail b.sdc imgapi
expect_in last.out "imgapi               newer" "avail text"
pass "avail"

# --- -f SPEC.json limits the plan ----------------------------------------------------------------
echo '[{"service": "imgapi"}, {"service": "sapi"}]' >spec.json
expect_exit 0 inst plan b.sdc -f spec.json -j
check_eq "$(jsonf last.out 'b.services.map((s) => s.service).join(",")')" "imgapi,sapi" "-f keeps the named services"
check_eq "$(jsonf last.out 'b.sdcadm === null && b.agentsshar === null && b.platform === null')" true "-f drops the rest"
echo '{"service": "imgapi", "colour": "red"}' >bad.json
expect_exit 2 inst plan b.sdc -f bad.json
expect_in last.err "invalid extra fields" "-f: sdcadm's unknown-key message"
echo '{"service": "imgapi", "image": "00000000-0000-4000-8000-000000000000"}' >other.json
expect_exit 2 inst plan b.sdc -f other.json
expect_in last.err "can only install what the bundle carries" "-f: an image the bundle lacks"
pass "-f SPEC.json: limits, refusals"

# --- apply without a terminal needs -y ---------------------------------------------------------
expect_exit 2 inst b.sdc </dev/null
expect_in last.err "pass -y" "no terminal: -y needed"
check_eq "$(st 's.log.length')" 0 "nothing ran without confirmation"

# --- apply ------------------------------------------------------------------------------------
expect_exit 0 inst b.sdc -y
cp last.out apply.txt
expect_in apply.txt "Bundle $BUNDLE_ID applied." "apply finished"
check_final_state
# Triton's order: agents, update-other, gz-tools, the services, sapi, moray, binder, manatee, the amon
# probes (alarm-config), platform.
order=$(node -e 'const s = require(process.argv[1]);
  console.log(s.log.map((l) => l.argv.slice(0, 2).join(" ")).join(","));' "$HN_STATE")
check_eq "$order" "self-update -S,experimental update-agents,experimental update,experimental update-other,experimental update-gz-tools,up -y,up -y,up -y,up -y,up -y,sdc-amonadm update,platform install" "documented order"
# update-agents ran the bootstrap made from the agent images (issue 6): latest names it, and the
# headnode's agents are the bundle's images, installed by the bootstrap itself.
check_eq "$(node -e 'const s = require(process.argv[1]); console.log(s.log.find((l) => l.argv[1] === "update-agents").argv[2])' "$HN_STATE")" \
  "/usbkey/extra/agents/agents-$stamp.sh" "update-agents ran with the bootstrap"
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-$stamp.sh" "latest after apply: the bootstrap"
[[ -f "$HN/usbkey/extra/agents/agents-$stamp.json" ]] || fail "the agent set file beside the bootstrap"
check_eq "$(cat "$HN/opt/smartdc/agents/lib/node_modules/cn-agent/image_uuid")" \
  "$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "agent" && a.name === "cn-agent").uuid')" \
  "the headnode's cn-agent is the bundle's image"
expect_in apply.txt "--- seed-agents: write the agents bootstrap /usbkey/extra/agents/agents-$stamp.sh" "apply: the seed-agents step"
pass "apply: older release -> the bundle's targets, in Triton's order, agents from their images"

# --- second install: nothing to do --------------------------------------------------------------
before=$(st 's.log.length')
expect_exit 0 inst b.sdc -y
expect_in last.out "nothing to do. Up-to-date." "second install is up to date"
check_eq "$(st 's.log.length')" "$before" "second install ran no sdcadm command"
expect_exit 0 inst plan b.sdc
expect_in last.out "this bundle was applied completely" "plan says applied"
pass "second install finds nothing to do"

# --- forced same-image in the plan ----------------------------------------------------------------
expect_exit 0 inst plan b.sdc --force
grep -qxF "    1 instance forced same-image update at image $new_imgapi" last.out || fail "forced same-image line"
pass "plan --force: same-image shown as forced"

# --- gz-tools and agents are not run again -----------------------------------------------------
# update-gz-tools left the bundle's gz-tools.image behind; another bundle with the same targets
# (the trimmed one) finds gz-tools, agents and everything else installed and runs nothing.
new_gz=$(jsonf inspect.json 'b.index.artifacts.find((a) => a.role === "gz-tools").uuid')
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$new_gz" "gz-tools.image after apply"
check_eq "$(st 's.gz_tools.image')" "$new_gz" "fake-sdcadm's gz-tools after apply"
[[ -f "$HN/usbkey/extra/joysetup/cn_tools.tar.gz" && -d "$HN/mnt/usbkey/scripts" ]] || fail "update-gz-tools' USB key files"
expect_exit 0 inst plan t.sdc -j
check_eq "$(jsonf last.out 'b.gz_tools.run + " " + b.agent_set.run + " " + b.changes')" "false false false" "plan of t.sdc"
before=$(st 's.log.length')
expect_exit 0 inst t.sdc -y
check_eq "$(st 's.log.length')" "$before" "the trimmed bundle ran no sdcadm command"
check_eq "$(runs "experimental update-gz-tools")" 1 "update-gz-tools ran once"
expect_exit 0 inst history -j
check_eq "$(jsonf last.out 'b.filter((r) => r.event === "step" && r.step === "update-gz-tools").length')" 1 \
  "history: one update-gz-tools step over both bundles"
pass "a second bundle runs neither update-gz-tools nor update-agents"

# --- history ------------------------------------------------------------------------------------
expect_exit 0 inst history
expect_in last.out "bundle $BUNDLE_ID (dev) by $(id -un): ok" "history: the run"
expect_in last.out "    up-manatee: done" "history: a step"
expect_in last.out "bundle $BUNDLE_ID (dev) by $(id -un): up-to-date" "history: the second run"
expect_exit 0 inst history -j
check_eq "$(jsonf last.out 'b.filter((r) => r.event === "run-start").length')" 3 "history -j: three runs"
check_eq "$(jsonf last.out 'b[0].bundle_digest.length === 64 && Array.isArray(b[0].signers) && b[0].plan.changes')" true \
  "history -j: digest, signers, plan"
pass "history"

# --- inventory: the builder's input ----------------------------------------------------------------
expect_exit 0 inst inventory -o dc.json
check_eq "$(jsonf dc.json 'b.format + " " + b.datacenter + " " + (b.sdcadm.version.length > 0)')" "sdcadm-inventory sim-1 true" "inventory header"
check_eq "$(jsonf dc.json 'b.services.find((s) => s.name === "imgapi").instances[0].image')" "$new_imgapi" "inventory: imgapi's image"
# latest names the bootstrap, not a shar: the inventory has no agentsshar (its agents are listed
# per agent), and the bundle's gz-tools.
check_eq "$(jsonf dc.json '(b.agentsshar || null) + " " + b.gz_tools.uuid')" "null $new_gz" \
  "inventory after apply: no agentsshar behind latest, the bundle's gz-tools"
# The DC now runs the bundle's release: a build trimmed by its inventory has nothing to carry.
rc=0
"$BIN" build -S "$up_URL" --all --inventory dc.json -n >trim.out 2>trim.err || rc=$?
[[ $rc -ne 0 ]] || fail "build --inventory of an up-to-date DC should find nothing to bundle"
expect_in trim.err "the DC has everything it needs" "build --inventory reads the inventory"
pass "inventory: read by sdcadm-bundle build --inventory"
