#!/usr/bin/env bash
# What the plan says is what apply does (issue 12 items 5-7): a one-screen summary first
# (images, services, instances, agents, sdcadm, gz-tools, platform, bytes, the steps in
# order; plan -j has the same steps), the version each instance runs now; the import count
# of the plan, of the step and of its progress agree when the DC IMGAPI has some images
# already; a resumed run reports the steps done earlier in run order; a bundle that only
# brings older images says it only stages and imports, and does exactly that.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/install_apply_helpers.bash"
setup_dc

# --- item 7: summary first, then the break-out with versions -----------------------------------------
expect_exit 0 inst plan b.sdc -j
cp last.out plan.json
expect_exit 0 inst plan b.sdc
cp last.out plan.txt
summary_end=$(grep -n '^details:$' plan.txt | cut -d: -f1)
[[ -n "$summary_end" && "$summary_end" -le 24 ]] || fail "the summary ends by line 24 (details: at ${summary_end:-none})"
check_eq "$(sed -n 3p plan.txt)" "summary:" "the summary comes right after the header"
n_imports=$(jsonf plan.json 'b.imports.length')
import_bytes=$(jsonf plan.json 'b.imports.reduce((t, i) => t + i.size, 0)')
grep -qE "^    images:    import $n_imports images \([0-9.]+ [KMG]?i?B\) into the DC IMGAPI$" plan.txt || fail "summary: images"
n_svcs=$(jsonf plan.json 'b.services.filter((s) => s.type !== "agent" && s.changes && !s.held).length')
n_insts=$(jsonf plan.json 'b.services.filter((s) => s.type !== "agent" && s.changes && !s.held)
  .reduce((t, s) => t + s.groups.filter((g) => g.kind !== "already").reduce((u, g) => u + g.count, 0), 0)')
expect_in plan.txt "    services:  update $n_svcs services ($n_insts instances)" "summary: services and instances"
n_agents=$(jsonf plan.json 'b.services.filter((s) => s.type === "agent" && s.changes).length')
n_servers=$(jsonf plan.json 'b.servers.targets.length')
expect_in plan.txt "    agents:    update $n_agents agent services on $n_servers server" "summary: agents"
expect_in plan.txt "    platform:  install $(jsonf plan.json 'b.platform.target.version')" "summary: platform"
expect_in plan.txt "    sdcadm:    self-update to $(jsonf plan.json 'b.sdcadm.target.version')" "summary: sdcadm"
expect_in plan.txt "    steps:     $(jsonf plan.json 'b.steps.join(", ")')" "summary: the steps, as plan -j has them"
check_eq "$(jsonf plan.json 'b.steps.slice(0, 3).join(",") + " " + b.steps[b.steps.length - 1]')" \
  "stage,import,seed-agents platform-install" "plan -j: steps in run order"
# Each instance's current version, not only its image uuid.
old_imgapi=$(st 's.instances.find((i) => i.service === "imgapi").image')
old_version=$(jsonf plan.json 'b.services.find((s) => s.service === "imgapi").groups[0].from_version')
[[ -n "$old_version" ]] || fail "plan -j: no from_version for imgapi"
grep -qxF "    1 instance will be updated from image $old_imgapi ($old_version)" plan.txt || fail "imgapi: the version it runs now"
check_eq "$(jsonf plan.json 'b.services.every((s) => s.groups.every((g) => g.kind === "already" || g.from_version.length > 0))')" \
  true "every moving group has its version"
pass "plan: a one-screen summary, then the break-out with the versions instances run now"

# --- item 6: the import count agrees; a resumed run reports in order ---------------------------------------
# The DC IMGAPI has two of the bundle's images already (a run that stopped mid-import).
for u in $(jsonf inspect.json 'b.index.artifacts.filter((a) => a.role === "agent").slice(0, 2).map((a) => a.uuid).join(" ")'); do
  "$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" import -m "$HN_CATALOG/$u.imgmanifest" -f "$HN_CATALOG/$u.imgfile" \
    --skip-owner-check --no-progress >/dev/null || fail "pre-import $u"
done
expect_exit 0 inst plan b.sdc -j
n_imports=$(jsonf last.out 'b.imports.length')
check_eq "$(jsonf plan.json 'b.imports.length - 2')" "$n_imports" "the plan imports two images fewer"
FAKE_SDCADM_FAIL=up:moray expect_exit 42 inst b.sdc -y
expect_in last.out "--- import: import $n_imports images into the DC IMGAPI" "the import step says the plan's count"
expect_in last.err "import $n_imports image(s)" "the import progress says the plan's count"
grep -q "import $((n_imports + 2)) image(s)" last.err && fail "the progress counts the images already active"
expect_exit 0 inst b.sdc -y
grep -o -- '^--- [a-z-]*' last.out | sed 's/^--- //' | uniq >order.txt  # a step's "--- NAME: checked:" line follows its own
check_eq "$(head -4 order.txt | tr '\n' ' ')" "stage import seed-agents sdcadm-self-update " "resumed: the skipped steps in run order"
check_eq "$(tail -1 order.txt)" "platform-install" "resumed: platform-install last"
grep -n . order.txt | grep -q "update-agents" || fail "resumed: update-agents reported"
[[ $(grep -n '^up-sapi$' order.txt | cut -d: -f1) -lt $(grep -n '^up-moray$' order.txt | cut -d: -f1) ]] || fail "up-sapi before up-moray"
check_final_state
pass "the import count of plan, step and progress agree; a resumed run reports its steps in order"

# --- item 5: a bundle of an older assets only: stage and import, said exactly --------------------------------
dc_assets=$(st 's.instances.find((i) => i.service === "assets").image')
curl -sf "$HN_IMGAPI_URL/images?name=assets" >dc-assets.json || fail "list the DC's assets images"
# The DC's older assets image (what it ran before b.sdc), deleted from its IMGAPI as an operator
# cleaning up would: a bundle of it is older than what runs and brings an image to import.
old_assets=$(jsonf dc-assets.json '(b.find((m) => m.uuid !== "'"$dc_assets"'") || {uuid: ""}).uuid')
[[ -n "$old_assets" ]] || fail "the DC IMGAPI has no older assets image"
curl -sf -X DELETE "$HN_IMGAPI_URL/images/$old_assets" >/dev/null || fail "delete $old_assets from the DC IMGAPI"
"$BIN" build -S "$up_URL" "assets@$old_assets" --sequence $((SOURCE_DATE_EPOCH + 100)) --cache-dir "$TEST_DIR/cache" \
  -o a.sdc --no-progress --key "$KEYS/alice.pem" --expires-in 3650 >a.out 2>&1 || { cat a.out >&2; fail "build a.sdc"; }
expect_exit 0 inst plan a.sdc -j
n_a=$(jsonf last.out 'b.imports.length')
check_eq "$(jsonf last.out 'b.changes + " " + (b.imports.length > 0) + " " + b.steps.join(",")')" "false true stage,import" "plan -j of a.sdc"
expect_exit 0 inst plan a.sdc
grep -q "^Nothing to do" last.out && fail "the plan says nothing to do while it imports"
expect_in last.out "Nothing else to do: the DC already runs what this bundle offers (or newer); apply only stages the bundle and imports its $n_a image" \
  "the plan says exactly what apply does"
before=$(st 's.log.length')
expect_exit 0 inst a.sdc -y
expect_in last.out "apply only stages the bundle and imports its $n_a image" "apply shows the same plan"
check_eq "$(grep -o -- '^--- [a-z-]*' last.out | uniq | tr '\n' ' ')" "--- stage --- import " "apply ran stage and import only"
expect_in last.out "staged and its images imported; nothing else changed." "apply's last line"
check_eq "$(st 's.log.length')" "$before" "no sdcadm command ran"
check_eq "$(curl -sf "$HN_IMGAPI_URL/images/$old_assets" | jsonf /dev/stdin 'b.state')" active "the older assets image is in IMGAPI"
check_eq "$(st 's.instances.find((i) => i.service === "assets").image')" "$dc_assets" "assets still runs the newer image"
pass "a bundle with only an older assets: plan and apply say stage and import, and do only that"
