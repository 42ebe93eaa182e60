#!/usr/bin/env bash
# fake-sdcadm (tools/fake_sdcadm) on a simulated headnode (tests/lib/headnode.bash): every
# command, every refusal the real sdcadm makes, the sdcadm lock held by another process
# (this program's own --hold-lock and a Python fcntl holder), reprovFailLock.json, and the
# fault knob (state file with "once", environment).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"
source "$SDCB_SOURCE/tests/lib/headnode_state.bash"

CAT="$TEST_DIR/catalog"
"$SDCB_BIN/sample-catalog" -o "$CAT" --scale 8M -q
make_headnode "$TEST_DIR/hn" "$CAT"
HN=$FAKE_SDCADM_ROOT
SDCADM=$HN_SDCADM

# mf UUID EXPR: a JavaScript expression over the catalog manifest `m` of UUID.
mf() {
  node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(new Function("m", "return (" + process.argv[2] + ")")(m));' "$CAT/$1.imgmanifest" "$2"
}
check_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"; }
err_has() { grep -qF -- "$1" "$TEST_DIR/last.err" || { cat "$TEST_DIR/last.err" >&2; fail "$2: stderr lacks: $1"; }; }
out_has() { grep -qF -- "$1" "$TEST_DIR/last.out" || { cat "$TEST_DIR/last.out" >&2; fail "$2: stdout lacks: $1"; }; }
up() { expect_exit "$1" "$SDCADM" up -y <<<"$2"; }
state_sans_fail() { st 'JSON.stringify({...s, fail: null})'; }
# runs_of WORDS: how many logged runs start with WORDS.
runs_of() { st "s.log.filter((l) => l.argv.join(' ').startsWith('$1')).length"; }

IMGAPI_NEW=$(newest imgapi)
CNAPI_NEW=$(newest cnapi)
import_img "$IMGAPI_NEW"
import_img "$CNAPI_NEW"
IMGAPI_OLD=$(st 's.instances.find((i) => i.service === "imgapi").image')

# --- No root, --version, read commands -------------------------------------------------------
expect_exit 1 env -u FAKE_SDCADM_ROOT "$SDCADM" insts
err_has "sdcadm insts: error: FAKE_SDCADM_ROOT is not set" "no root"
expect_exit 0 "$SDCADM" --version
check_eq "$(cat "$TEST_DIR/last.out")" "sdcadm $(st s.sdcadm.version) ($(st s.sdcadm.buildstamp))" "--version"
expect_exit 0 "$SDCADM" insts type=agent svc=vm-agent
check_eq "$(wc -l <"$TEST_DIR/last.out")" 2 "insts table: header + vm-agent"
out_has "INSTANCE" "insts table header"
expect_exit 0 "$SDCADM" svcs
out_has "$(st 's.services.find((x) => x.name === "imgapi").uuid')" "svcs table"
expect_exit 1 "$SDCADM" insts type=zone
err_has "sdcadm insts: error: invalid instance type: zone" "bad insts filter"
expect_exit 1 "$SDCADM" insts foo=bar
err_has 'unknown filter "foo"' "unknown insts filter"
pass "root, --version, insts, svcs"

# --- up: the real refusals, each leaving the state as it was ----------------------------------
before=$(cat "$HN_STATE")
up 1 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\", \"foo\": 1, \"bar\": 2}"
err_has "sdcadm up: error: invalid extra fields \"foo\", \"bar\" in {\"service\":\"imgapi\"" "extra keys"
up 1 '{"service": "imgapi", "image": "not-a-uuid"}'
err_has 'sdcadm up: error: unknown image "not-a-uuid" from {"service":"imgapi","image":"not-a-uuid","type":"update-service"}' "non-UUID image"
up 1 "{\"service\": \"imgapi\", \"image\": \"$CNAPI_NEW\"}"
err_has "is invalid for service imgapi, valid images must have name \"imgapi\" (update change: {\"service\":\"imgapi\",\"image\":\"$CNAPI_NEW\",\"type\":\"update-service\"})" "name mismatch"
up 1 '{"service": "imgapi", "image": "00000000-1111-4222-8333-444444444444"}'
err_has 'unknown image "00000000-1111-4222-8333-444444444444" from {"service":"imgapi","image":"00000000-1111-4222-8333-444444444444","type":"update-service"} (not in the DC IMGAPI; the real sdcadm would look it up on the updates server' "missing image"
up 1 '{"service": "nosuch", "image": "00000000-1111-4222-8333-444444444444"}'
err_has 'sdcadm up: error: unknown service "nosuch" from {"service":"nosuch","image":"00000000-1111-4222-8333-444444444444","type":"update-service"}' "unknown service"
up 1 '{"service": "imgapi", "version": "master-20250113T115341Z-g17cee3d"}'
err_has 'unknown image "master-20250113T115341Z-g17cee3d" from' "version: unknown offline"
err_has "needs the updates server" "version needs the updates server"
up 1 '[{"service": "imgapi", "image": 5}, {"frob": 1}]'
err_has "sdcadm up: error: multiple (2) errors" "MultiError"
err_has "    error (Validation): \"image\" in {\"service\":\"imgapi\",\"image\":5} (string) is required" "MultiError: first"
err_has '    error (Validation): invalid change: {"frob":1}' "MultiError: second"
up 1 '{"type": "delete-service", "service": "imgapi"}'
err_has "do not support the following changes" "delete-service"
up 1 '"imgapi"'
err_has "must be a JSON object or array" "spec not an object"
up 1 '{"service": "imgapi", '
err_has "invalid JSON" "malformed spec"
up 1 "[{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}, {\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}]"
err_has 'conflict: cannot make multiple changes to the same service: {"type":"update-service","service":"imgapi"} and {"type":"update-service","service":"imgapi"}' "two changes for one service"
expect_exit 1 "$SDCADM" up -y --all
err_has "--all needs the updates server" "--all"
expect_exit 1 "$SDCADM" up -y --bogus
err_has "sdcadm up: error:" "unknown option"
# Without -y and with no terminal to ask on (setsid: no controlling terminal).
expect_exit 1 setsid -w "$SDCADM" up <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
err_has "no terminal (/dev/tty); pass -y" "no -y, no tty"
check_eq "$(cat "$HN_STATE")" "$before" "refusals leave the state untouched"
pass "up: unknown keys, non-UUID, wrong name, missing image, offline-only forms, no -y"

# Agent services given as arguments are left out of `up` (lib/cli/index.js:332-337; not
# looked up: this image is not even in the DC IMGAPI yet).
expect_exit 0 "$SDCADM" up -y "vm-agent@$(newest vm-agent)" </dev/null
out_has "Up-to-date." "agent service skipped"
check_eq "$(st 's.instances.find((i) => i.service === "vm-agent").image')" \
  "$(node -e 'console.log(JSON.parse(process.argv[1]).instances.find((i) => i.service === "vm-agent").image)' "$before")" \
  "agent unchanged"
pass "up: agent services as arguments skipped"

# --- up: a real update ----------------------------------------------------------------------------
expect_exit 0 "$SDCADM" up -y -n <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has "[dry-run] done" "dry run"
check_eq "$(st 's.instances.find((i) => i.service === "imgapi").image')" "$IMGAPI_OLD" "dry run changes nothing"
up 0 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has "Using channel $HN_CHANNEL" "up: the sdc application's update_channel"
out_has "This update will make the following changes:" "plan"
out_has "    update \"imgapi\" service to image $IMGAPI_NEW" "plan line"
out_has "Updated successfully (elapsed" "up success"
check_eq "$(st 's.instances.find((i) => i.service === "imgapi").image')" "$IMGAPI_NEW" "imgapi moved"
check_eq "$(st 's.services.find((x) => x.name === "imgapi").params.image_uuid')" "$IMGAPI_NEW" "SAPI params"
check_eq "$(st 's.instances.find((i) => i.service === "imgapi").version')" \
  "$(mf "$IMGAPI_NEW" m.version)" "version from the manifest"
plan=$(ls "$HN"/var/sdcadm/updates/*/plan.json | tail -1)
node -e 'const p = require(process.argv[1]); if (p.v !== 1 || p.changes[0].image.uuid !== process.argv[2]) process.exit(1)' \
  "$plan" "$IMGAPI_NEW" || fail "plan.json"
up 0 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has "Up-to-date." "same image again"
expect_exit 0 "$SDCADM" up -y --force-same-image imgapi@"$IMGAPI_NEW"
out_has "Updated successfully" "--force-same-image with svc@uuid"
up 0 "{\"instance\": \"imgapi0\", \"image\": \"$IMGAPI_OLD\"}"
out_has "    update instance \"" "instance form"
check_eq "$(st 's.instances.find((i) => i.service === "imgapi").image')" "$IMGAPI_OLD" "downgrade by uuid accepted"
check_eq "$(st 's.log.filter((l) => l.argv[0] === "up").length')" 5 "log: successful up runs"
pass "up: update, dry run, up-to-date, --force-same-image, instance form, plan.json, log"

# --- up: the rabbitmq / portolan locks and coordinatePlan's procedures -----------------------------
# (sdcadm lib/sdcadm.js:2322-2365, lib/procedures/index.js:100-1100; texts as the real planner's)
svc_image() { st "s.instances.find((i) => i.service === '$1').image"; }
images_of() { st "s.instances.filter((i) => i.service === '$1').map((i) => i.image).join(' ')"; }
spec_of() { local out="" s; for s in "$@"; do out+="${out:+, }{\"service\": \"${s%%=*}\", \"image\": \"${s#*=}\"}"; done; echo "[$out]"; }
RABBITMQ_OLD=$(svc_image rabbitmq); PORTOLAN_OLD=$(svc_image portolan); NAPI_OLD=$(svc_image napi)
RABBITMQ_NEW=$(newest rabbitmq); PORTOLAN_NEW=$(newest portolan); DAPI_NEW=$(newest dapi)
NAPI_NEW=$(newest napi); VMAPI_NEW=$(newest vmapi); MANATEE_NEW=$(newest sdc-postgres)
for u in "$RABBITMQ_NEW" "$PORTOLAN_NEW" "$DAPI_NEW" "$NAPI_NEW" "$VMAPI_NEW" "$MANATEE_NEW"; do import_img "$u"; done
[[ "$RABBITMQ_OLD" != "$RABBITMQ_NEW" && "$PORTOLAN_OLD" != "$PORTOLAN_NEW" && "$NAPI_OLD" != "$NAPI_NEW" ]] \
  || fail "make_headnode gave rabbitmq, portolan or napi its newest image: nothing to update"
headnode_instance napi "$NAPI_OLD" add   # a second napi: UpdateStatelessServices takes one only
LOCKED=$(spec_of "portolan=$PORTOLAN_NEW" "rabbitmq=$RABBITMQ_NEW" "napi=$NAPI_NEW" "vmapi=$VMAPI_NEW")
up 0 "$(spec_of "rabbitmq=$RABBITMQ_OLD")"
out_has "Up-to-date." "a no-op rabbitmq change is dropped before the lock"
before=$(cat "$HN_STATE")
up 1 "$LOCKED"
err_has 'sdcadm up: error: rabbitmq updates are locked: {"type":"update-service","service":"rabbitmq"} (use --force-rabbitmq flag)' "rabbitmq locked"
expect_exit 1 "$SDCADM" up -y --force-rabbitmq <<<"$LOCKED"
err_has 'sdcadm up: error: portolan updates are locked: {"type":"update-service","service":"portolan"} (use --force-data-path flag)' "portolan locked"
expect_exit 1 "$SDCADM" experimental update -y <<<"$(spec_of "rabbitmq=$RABBITMQ_NEW")"
err_has 'sdcadm experimental update: error: rabbitmq updates are locked' "experimental update: rabbitmq locked"
up 1 "{\"instance\": \"manatee0\", \"image\": \"$MANATEE_NEW\"}"
err_has "sdcadm up: error: Individual update of manatee instances is not allowed" "manatee instance refused"
expect_exit 1 "$SDCADM" up -y --force-rabbitmq --force-data-path <<<"$(spec_of "dapi=$DAPI_NEW" "vmapi=$VMAPI_NEW")"
err_has "sdcadm up: error: do not support the following changes:" "dapi refused"
err_has "    {\"type\":\"update-service\",\"service\":\"dapi\",\"image\":\"$DAPI_NEW\"}" "dapi refused: the change"
up 1 "$(spec_of "napi=$NAPI_NEW")"
err_has "    {\"type\":\"update-service\",\"service\":\"napi\",\"image\":\"$NAPI_NEW\"}" "two napi alone: refused"
check_eq "$(cat "$HN_STATE")" "$before" "locks and procedure refusals leave the state untouched"
# Both flags: accepted; napi (two instances, not HA-ready) is dropped without a word next
# to vmapi, exit 0, and its instances stay where they are.
expect_exit 0 "$SDCADM" up -y --force-rabbitmq --force-data-path -C staging <<<"$LOCKED"
out_has "Using channel staging" "-C names the channel"
out_has "    update \"rabbitmq\" service to image $RABBITMQ_NEW" "plan: rabbitmq"
grep -q '"napi" service' "$TEST_DIR/last.out" && fail "napi is in the plan"
check_eq "$(images_of rabbitmq) $(images_of portolan) $(images_of vmapi)" "$RABBITMQ_NEW $PORTOLAN_NEW $VMAPI_NEW" "forced: moved"
check_eq "$(images_of napi)" "$NAPI_OLD $NAPI_OLD" "napi silently left alone"
expect_exit 0 "$SDCADM" experimental update --force-rabbitmq -C dev -y <<<"$(spec_of "rabbitmq=$RABBITMQ_OLD")"
check_eq "$(images_of rabbitmq)" "$RABBITMQ_OLD" "experimental update --force-rabbitmq"
up 0 "$(spec_of "manatee=$MANATEE_NEW")"
out_has "    update \"manatee\" service to image $MANATEE_NEW" "plan: UpdateManateeV2"
check_eq "$(images_of manatee)" "$MANATEE_NEW" "manatee as a whole service"
pass "up: rabbitmq/portolan locks and their flags, -C, manatee, dapi refused, two napi dropped"

# --- reprovFailLock.json ----------------------------------------------------------------------------
echo '{"reason": "vmadm reprovision failed"}' >"$HN/var/sdcadm/reprovFailLock.json"
up 1 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
err_has "Update is locked because of an earlier core zone reprovision failure" "reprovFailLock"
err_has 'remove "/var/sdcadm/reprovFailLock.json" to continue.' "reprovFailLock remedy"
rm "$HN/var/sdcadm/reprovFailLock.json"
pass "up refuses while reprovFailLock.json exists"

# --- The sdcadm lock held by another process ---------------------------------------------------------
# The holders hold long enough that a loaded CI machine still finds them holding on the second
# attempt (3 s was too short under load: the second `up` found the lock free).
"$SDCADM" --hold-lock 8 >"$TEST_DIR/holder.out" &
holder=$!
for _ in $(seq 100); do grep -q locked "$TEST_DIR/holder.out" && break; sleep 0.05; done
FAKE_SDCADM_LOCK_WAIT_MS=1500 expect_exit 1 "$SDCADM" up -y <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
err_has "sdcadm lock is held by another process ($HN/var/run/sdcadm.lock)" "lock held: error"
out_has "Waiting for sdcadm lock" "lock held: waiting message"
expect_exit 0 "$SDCADM" insts -j   # read commands take no lock
expect_exit 0 "$SDCADM" up -y <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has "Waiting for sdcadm lock" "waits for the holder"
out_has "Updated successfully" "runs once the holder is gone"
wait "$holder"
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(6)' \
  "$HN/var/run/sdcadm.lock" >"$TEST_DIR/py.out" &
holder=$!
for _ in $(seq 100); do grep -q locked "$TEST_DIR/py.out" && break; sleep 0.05; done
FAKE_SDCADM_LOCK_WAIT_MS=1000 expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --latest
err_has "sdcadm lock is held" "self-update takes the lock (python holder)"
FAKE_SDCADM_LOCK_WAIT_MS=1000 expect_exit 0 "$SDCADM" experimental update-other
wait "$holder"
pass "sdcadm lock: wait message, bounded wait, fcntl interop, unlocked commands"

# --- self-update -----------------------------------------------------------------------------------
SDCADM_NEW=$(newest sdcadm)   # 1.40.0 with the later buildstamp on dev
SDCADM_CUR=$(st s.sdcadm.image)
import_img "$SDCADM_NEW"
MAJOR=$(node -e 'console.log(require(process.argv[1] + "/catalog.json").artifacts.sdcadm.find((i) => i.version === "2.0.0").uuid)' "$CAT")
import_img "$MAJOR"
expect_exit 1 "$SDCADM" self-update "$SDCADM_NEW"
err_has "needs the updates server" "self-update without -S"
expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$IMGAPI_NEW"
err_has "is not an sdcadm image" "self-update with another image"
# A UUID is installed whatever its version: the current one again (the real one reinstalls).
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$SDCADM_CUR"
out_has "Using channel dev" "self-update: the channel"
out_has "Update to sdcadm $(st s.sdcadm.version) (" "self-update to the current: reinstalled"
out_has "Updated to sdcadm $(st s.sdcadm.version) (" "self-update to the current: done"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --latest
out_has "Skipping available major sdcadm update, version 2.0.0" "major skipped"
out_has "Updated to sdcadm 1.40.0 ($(mf "$SDCADM_NEW" m.tags.buildstamp)" "self-update --latest"
check_eq "$(st s.sdcadm.image)" "$SDCADM_NEW" "sdcadm image in state"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --latest
out_has 'Already up-to-date (using "dev" update channel).' "--latest when up to date"
expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$MAJOR"
out_has "Skipping sdcadm self-update to version 2.0.0(use --allow-major-update to allow)" "major UUID: the real line"
err_has "Major sdcadm version update requires --allow-major-update option" "major UUID refused"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --allow-major-update "$MAJOR"
check_eq "$(st s.sdcadm.version)" 2.0.0 "major update allowed"
pass "self-update: -S/-C, name check, reinstall by UUID, --latest, up to date, major guards"

# --- update-agents, update-gz-tools, update-other, platform install -------------------------------
SHAR=$(newest agentsshar)
import_img "$SHAR"
import_img "$(newest vm-agent)"
shar_file=$(node -e 'const c = require(process.argv[1] + "/catalog.json");
  console.log(c.artifacts.agentsshar.find((i) => i.uuid === process.argv[2]).file_name)' "$CAT" "$SHAR")
cp "$CAT/$SHAR.imgfile" "$HN/var/$shar_file"
expect_exit 1 "$SDCADM" experimental update-agents "/var/$shar_file" -y
err_has "either --all option or explicitly specifying SERVER(s) is required" "update-agents needs --all"
expect_exit 1 "$SDCADM" experimental update-agents /var/nope.sh --all -y
err_has "is not a UUID or an existing file" "update-agents missing file"
expect_exit 0 "$SDCADM" experimental update-agents "/var/$shar_file" --all -y
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "$shar_file" "latest link moved"
cmp -s "$HN/usbkey/extra/agents/$shar_file" "$CAT/$SHAR.imgfile" || fail "shar copied to /usbkey/extra/agents"
check_eq "$(st s.agentsshar.image)" "$SHAR" "agentsshar recorded"
check_eq "$(st 's.instances.find((i) => i.service === "vm-agent").image')" "$(newest vm-agent)" "vm-agent moved"
GZ=$(newest gz-tools)
import_img "$GZ"
cp "$CAT/$GZ.imgfile" "$HN/usbkey/extra/gz-tools/gz-tools.tgz"
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$(st s.gz_tools.image)" "make_headnode installed the older gz-tools"
expect_exit 0 "$SDCADM" experimental update-gz-tools /usbkey/extra/gz-tools/gz-tools.tgz
out_has "Updated gz-tools successfully" "gz-tools update"
# From the tarball's own content: tools.tar.gz's etc/gz-tools.image, the key's files.
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$GZ" "gz-tools.image from tools.tar.gz"
check_eq "$(st s.gz_tools.image)" "$GZ" "gz-tools recorded"
check_eq "$(st s.gz_tools.version)" "$(mf "$GZ" m.version)" "gz-tools version from the DC IMGAPI"
for f in mnt/usbkey/tools.tar.gz mnt/usbkey/scripts/agentsetup.sh usbkey/scripts/joysetup.sh \
         usbkey/tools.tar.gz usbkey/default/README usbkey/extra/joysetup/cn_tools.tar.gz usbkey/extra/joysetup/agentsetup.sh; do
  [[ -f "$HN/$f" ]] || fail "update-gz-tools left no $f"
done
[[ ! -e "$HN/var/tmp/gz-tools" ]] || fail "update-gz-tools left /var/tmp/gz-tools"
# A FILE is installed again (the real "already installed" shortcut is for UUIDs only).
expect_exit 0 "$SDCADM" experimental update-gz-tools /usbkey/extra/gz-tools/gz-tools.tgz
out_has "UUID of latest installed gz-tools image is:" "gz-tools: says what is installed"
check_eq "$(runs_of "experimental update-gz-tools")" 2 "gz-tools FILE installed twice"
# A tarball without tools.tar.gz, and one that is not a tarball: refused, nothing changes.
mkdir -p "$TEST_DIR/badgz/gz-tools/scripts" "$TEST_DIR/badgz/gz-tools/default"
touch "$TEST_DIR/badgz/gz-tools/cn_tools.tar.gz"
tar -czf "$HN/var/tmp/bad-gz.tgz" -C "$TEST_DIR/badgz" gz-tools
head -c 1000 /dev/urandom >"$HN/var/tmp/junk-gz.tgz"
before=$(st 'JSON.stringify(s)')
expect_exit 1 "$SDCADM" experimental update-gz-tools /var/tmp/bad-gz.tgz
err_has "The provided file does not include the '/tools.tar.gz' file" "gz-tools without tools.tar.gz"
expect_exit 1 "$SDCADM" experimental update-gz-tools /var/tmp/junk-gz.tgz
err_has "decompressing gz-tools tarball /var/tmp/junk-gz.tgz: tar xzof" "gz-tools not a tarball"
check_eq "$(st 'JSON.stringify(s)')" "$before" "refused gz-tools: state unchanged"
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$GZ" "refused gz-tools: gz-tools.image unchanged"
expect_exit 1 "$SDCADM" experimental update-gz-tools --latest
err_has "needs the updates server" "gz-tools --latest offline"
PLAT=$(newest platform)
plat_file=$(node -e 'const c = require(process.argv[1] + "/catalog.json");
  console.log(c.artifacts.platform.find((i) => i.uuid === process.argv[2]).file_name)' "$CAT" "$PLAT")
cp "$CAT/$PLAT.imgfile" "$HN/usbkey/os/$plat_file"
cp "$CAT/$PLAT.imgfile" "$HN/usbkey/os/platform-badname.tgz"
expect_exit 1 "$SDCADM" platform install /usbkey/os/platform-badname.tgz
err_has "sdcadm platform install: error: Platform setup failed" "platform bad name"
check_eq "$(tail -1 "$TEST_DIR/last.err")" "sdcadm platform install: error: Platform setup failed" "platform bad name: the error"
grep -qx "Invalid platform version format: PLATFORM-BADNAME" "$TEST_DIR/last.err" || fail "install-platform.sh's line"
expect_exit 0 "$SDCADM" platform install "/usbkey/os/$plat_file"
stamp=${plat_file%.tgz}; stamp=${stamp##*-}
check_eq "$(st 's.platforms.installed[s.platforms.installed.length - 1]')" "$stamp" "platform installed"
check_eq "$(st s.platforms.default)" "$(st s.platforms.installed[0])" "the default boot platform stays (it is not \"latest\")"
[[ -d "$HN/usbkey/os/$stamp" ]] || fail "platform unpacked on the USB key copy"
expect_exit 0 "$SDCADM" platform install "/usbkey/os/$plat_file"
out_has "==> Adding to list of available platforms" "platform again: the script skips the unpacking"
out_has "Installation complete" "platform again"
check_eq "$(st 's.log.map((l) => l.argv.slice(0, 2).join(" ")).filter((a) => a === "experimental update-other").length')" 1 "update-other logged"
pass "update-agents, update-gz-tools, update-other, platform install"

# --- update-agents with an agents installer that is not an agentsshar image (issue 6) ----------------
# A hand-written bootstrap following the contract: writes each agent's image_uuid under
# $AGENTS_BOOTSTRAP_ROOT and records the IMGAPI its node's /lib/sdc/config.sh names (it is
# given no URL, as on a real node). Servers: the headnode
# (root = HN) and a compute node cn1 (root = HN/var/fake-sdcadm/servers/<uuid>) with vm-agent
# and cn-agent.
VMA=$(newest vm-agent); CNA=$(newest cn-agent)
import_img "$CNA"
CN1=$(headnode_server cn1 running --agents)
CN1_ROOT=$HN/var/fake-sdcadm/servers/$CN1
HN_UUID=$(st 's.servers.find((x) => x.headnode).uuid')
write_bootstrap() {  # write_bootstrap FILE EXIT: the stand-in, ending with EXIT
  cat >"$1" <<EOF
#!/bin/bash
root=\${AGENTS_BOOTSTRAP_ROOT:-}
[[ -z "\${AGENTS_BOOTSTRAP_IMGAPI_URL:-}" ]] || exit 41
. "\$root/lib/sdc/config.sh" && load_sdc_config || exit 42
echo "http://\$CONFIG_imgapi_domain" >>"\$root/var/tmp/boot.runs"
[[ $2 -eq 0 ]] || { echo "bootstrap failing on purpose" >&2; exit $2; }
for a in vm-agent=$VMA cn-agent=$CNA; do
  mkdir -p "\$root/opt/smartdc/agents/lib/node_modules/\${a%%=*}"
  echo "\${a#*=}" >"\$root/opt/smartdc/agents/lib/node_modules/\${a%%=*}/image_uuid"
done
EOF
}
BOOT=agents-20250301T000000Z-0123456789ab.sh
write_bootstrap "$HN/usbkey/extra/agents/$BOOT" 0
expect_exit 1 "$SDCADM" experimental update-agents "/usbkey/extra/agents/$BOOT" nosuchserver -y
err_has "1 of 1 selected servers were not found in CNAPI: nosuchserver" "update-agents: unknown server"
expect_exit 0 "$SDCADM" experimental update-agents "/usbkey/extra/agents/$BOOT" --all -y
out_has "Update GZ agents on 2 (of 2) servers using" "bootstrap: plan line"
out_has "Server $CN1 (cn1): updated" "bootstrap ran on cn1"
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "$BOOT" "bootstrap: latest moved"
for r in "$HN" "$CN1_ROOT"; do
  check_eq "$(cat "$r/var/tmp/boot.runs")" "$HN_IMGAPI_URL" "bootstrap env on $r"
  check_eq "$(cat "$r/opt/smartdc/agents/etc/agentsshar.sha1")" "$(sha1_of "$HN/usbkey/extra/agents/$BOOT")" "agentsshar.sha1 on $r"
  grep -qx "/opt/smartdc/agents/lib/node_modules/cn-agent/image_uuid" "$r/opt/smartdc/agents/etc/agentsshar.post" \
    || fail "agentsshar.post on $r"
done
check_eq "$(st "s.instances.filter((i) => ['vm-agent', 'cn-agent'].includes(i.service)).map((i) => i.image + ' ' + i.version).sort().join(',')")" \
  "$(printf '%s\n' "$CNA $(mf "$CNA" m.version)" "$CNA $(mf "$CNA" m.version)" "$VMA $(mf "$VMA" m.version)" "$VMA $(mf "$VMA" m.version)" | sort | paste -sd,)" \
  "agents read back from image_uuid, versions from the DC IMGAPI"
check_eq "$(st 's.agentsshar.file + " " + s.agentsshar.image')" "$BOOT null" "state: the installer, no image"
# Same installer, nothing changed since: the install script skips the server.
expect_exit 0 "$SDCADM" experimental update-agents "/usbkey/extra/agents/$BOOT" cn1 -y
out_has "Server $CN1 (cn1): already updated" "second run skipped"
check_eq "$(wc -l <"$CN1_ROOT/var/tmp/boot.runs")" 1 "bootstrap not run again"
# A failing installer (exit 55): update-agents fails naming the server and the code; no log entry.
write_bootstrap "$HN/var/tmp/agents-fail.sh" 55
runs=$(runs_of "experimental update-agents")
expect_exit 1 "$SDCADM" experimental update-agents /var/tmp/agents-fail.sh --all -y
err_has "sdcadm experimental update-agents: error: multiple (2) errors" "failing bootstrap: sdcadm's MultiError"
err_has "    error (Update): Installing agentsshar failed on server $HN_UUID (headnode): exit status 60: the installer exited 55" "failing bootstrap: the headnode"
err_has "    error (Update): Installing agentsshar failed on server $CN1 (cn1): exit status 60" "failing bootstrap: cn1"
out_has "Updated agents on 0/2 servers (2 failures, 0 excluded)" "failing bootstrap: the summary"
out_has "Server $CN1 (cn1): error (Installing agentsshar failed on server $CN1 (cn1): exit status 60: the installer exited 55" "cn1's error"
check_eq "$(runs_of "experimental update-agents")" "$runs" "a failed update-agents is not logged"
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-fail.sh" "latest moved before the servers ran (as the real one)"
[[ -f "$HN/usbkey/extra/agents/agents-fail.sh" ]] || fail "a local installer is copied to /usbkey/extra/agents"
grep -q "bootstrap failing on purpose" "$CN1_ROOT/var/tmp/agents-fail.sh_install.log" || fail "installer log on the server"
# A server without /opt/smartdc/agents/lib: exit 50, as the download script.
rm -rf "$CN1_ROOT/opt/smartdc/agents"
expect_exit 1 "$SDCADM" experimental update-agents "/usbkey/extra/agents/$BOOT" cn1 -y
err_has "Downloading agentsshar failed on server $CN1 (cn1): exit status 50" "no agents lib"
ln -sfn "$BOOT" "$HN/usbkey/extra/agents/latest"
pass "update-agents with a bootstrap installer: runs it per server, reads the agents back, skips, fails"

# --- experimental update: agents and dockerlogger ------------------------------------------------------
# The installer's spec for what the agentsshar does not install (dockerlogger via
# UpdateDockerlogger, firewall-logger-agent via UpdateAgentV1); cabase is outside
# UpdateAgentV1's list and refused as coordinatePlan refuses it.
DL=$(newest dockerlogger); FLA=$(newest firewall-logger-agent); CAB=$(newest cabase)
for u in "$DL" "$FLA" "$CAB"; do import_img "$u"; done
xup() { expect_exit "$1" "$SDCADM" experimental update -y "${@:3}" <<<"$2"; }
SPEC="[{\"service\": \"dockerlogger\", \"image\": \"$DL\"}, {\"service\": \"firewall-logger-agent\", \"image\": \"$FLA\"}]"
before=$(st 'JSON.stringify(s)')
xup 1 "[{\"service\": \"firewall-logger-agent\", \"image\": \"$FLA\"}, {\"service\": \"cabase\", \"image\": \"$CAB\"}]"
err_has "sdcadm experimental update: error: do not support the following changes:" "cabase refused"
err_has "    {\"type\":\"update-service\",\"service\":\"cabase\",\"image\":\"$CAB\"}" "cabase refused: the change"
xup 1 "{\"service\": \"dockerlogger\", \"image\": \"$FLA\"}"
err_has "is invalid for service dockerlogger, valid images must have name \"dockerlogger\"" "name mismatch"
xup 1 '{"service": "dockerlogger", "image": "00000000-1111-4222-8333-444444444444"}'
err_has "(not in the DC IMGAPI; " "missing image"
xup 1 "$SPEC" -s nosuch,cn1
err_has 'unknown servers "nosuch"' "unknown server"
xup 1 "$SPEC" -j 0
err_has "-j/--concurrency must be a positive integer" "-j 0"
expect_exit 0 "$SDCADM" experimental update -y -n <<<"$SPEC"
out_has "    update \"dockerlogger\" service to image $DL " "plan: UpdateDockerlogger's summary"
out_has "    update \"firewall-logger-agent\" service to image $FLA" "plan: UpdateAgentV1's summary"
out_has "        (firewall-logger-agent@$(mf "$FLA" m.version))" "plan: image label"
out_has "[dry-run] done" "dry run"
[[ ! -e "$HN/usbkey/extra/dockerlogger" ]] || fail "dry run: no dockerlogger staged"
FAKE_SDCADM_FAIL=update:firewall-logger-agent xup 1 "$SPEC"
err_has "error updating agent firewall-logger-agent on server" "fault knob update:SVC"
err_has "simulated failure (fake-sdcadm fault knob)" "fault knob text"
check_eq "$(st 'JSON.stringify(s)')" "$before" "refusals, fault and dry run: state unchanged"
expect_exit 0 "$SDCADM" up -y "dockerlogger@$DL" "firewall-logger-agent@$FLA" </dev/null
out_has "Up-to-date." "up skips agent arguments"
check_eq "$(st 'JSON.stringify(s.instances)')" "$(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1]).instances))' "$before")" \
  "up: agents unchanged"
xup 0 "$SPEC"
out_has "Starting dockerlogger update on 2 servers" "dockerlogger progress (headnode and cn1)"
out_has "Agent firewall-logger-agent successfully updated on server" "agent progress"
out_has "Updated successfully (elapsed" "experimental update success"
check_eq "$(st 's.instances.find((i) => i.service === "dockerlogger").image')" "$DL" "dockerlogger moved"
cmp -s "$HN/usbkey/extra/dockerlogger/dockerlogger-$DL.sh" "$CAT/$DL.imgfile" || fail "dockerlogger installer in the assets dir"
check_eq "$(st 's.instances.find((i) => i.service === "firewall-logger-agent").version')" "$(mf "$FLA" m.version)" "firewall-logger-agent moved"
check_eq "$(st 's.services.find((v) => v.name === "firewall-logger-agent").params.image_uuid')" "$FLA" "SAPI image bumped"
check_eq "$(runs_of "experimental update -y")" 1 "experimental update logged once"
xup 0 "$SPEC"
out_has "Up-to-date." "again: up to date"
# -s: only cn1's vm-agent moves (to an older image, given by argument).
VMA_OLD=$(node -e 'const l = require(process.argv[1] + "/catalog.json").artifacts["vm-agent"]
  .filter((i) => i.channels.includes("dev")); console.log(l[l.length - 2].uuid);' "$CAT")
import_img "$VMA_OLD"
expect_exit 0 "$SDCADM" experimental update -y -s cn1 "vm-agent@$VMA_OLD" </dev/null
out_has "    update instances of service \"vm-agent\" to image $VMA_OLD" "plan: update-instances"
check_eq "$(st "s.instances.filter((i) => i.service === 'vm-agent').map((i) => i.hostname + '=' + i.image).sort().join(',')")" \
  "cn1=$VMA_OLD,headnode=$VMA" "-s cn1: only cn1's vm-agent"
pass "experimental update: agents and dockerlogger, cabase refused, image checks, -s, -j, -n, fault knob, log"

# --- check-health --------------------------------------------------------------------------------------
expect_exit 0 "$SDCADM" check-health
out_has "HEALTHY" "health table"
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.unhealthy = [s.instances.find((i) => i.service === "sapi").instance];
  fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
expect_exit 1 "$SDCADM" check-health -j
check_eq "$(cat "$TEST_DIR/last.err")" "" "check-health -j: the error is not shown (showErr false)"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).filter((x) => !x.healthy);
  if (r.length !== 1 || r[0].service !== "sapi" || !r[0].health_errors[0].message) process.exit(1)' \
  "$TEST_DIR/last.out" || fail "unhealthy rows"
expect_exit 1 "$SDCADM" check-health
err_has "sdcadm check-health: error: Some instances appear unhealthy" "unhealthy"
expect_exit 0 "$SDCADM" check-health imgapi
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.unhealthy = []; fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
pass "check-health"

# --- Fault knob ---------------------------------------------------------------------------------------
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.fail = {command: "up", service: "imgapi", once: true}; fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
before=$(state_sans_fail)
up 0 "{\"service\": \"cnapi\", \"image\": \"$CNAPI_NEW\"}"   # another service: the knob does not fire
before=$(state_sans_fail)
up 1 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_OLD\"}"
err_has "simulated failure (fake-sdcadm fault knob)" "up fault"
check_eq "$(state_sans_fail)" "$before" "fault: state unchanged"
check_eq "$(st s.fail)" "null" "once: knob cleared"
up 0 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_OLD\"}"
out_has "Updated successfully" "re-run after a once-fault"
FAKE_SDCADM_FAIL=platform-install expect_exit 1 "$SDCADM" platform install "/usbkey/os/$plat_file"
FAKE_SDCADM_FAIL=bogus expect_exit 1 "$SDCADM" experimental update-other
err_has 'unknown fault command "bogus"' "bad env knob"
before=$(state_sans_fail)
FAKE_SDCADM_FAIL=update-agents expect_exit 1 "$SDCADM" experimental update-agents "/var/$shar_file" --all -y
FAKE_SDCADM_FAIL=update-gz-tools expect_exit 1 "$SDCADM" experimental update-gz-tools /usbkey/extra/gz-tools/gz-tools.tgz
FAKE_SDCADM_FAIL=update-other expect_exit 1 "$SDCADM" experimental update-other
FAKE_SDCADM_FAIL=self-update expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --allow-major-update "$MAJOR"
check_eq "$(state_sans_fail)" "$before" "env faults: state unchanged"
FAKE_SDCADM_FAIL=check-health:imgapi expect_exit 1 "$SDCADM" check-health -j
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).filter((x) => !x.healthy);
  if (r.length !== 1 || r[0].service !== "imgapi") process.exit(1)' "$TEST_DIR/last.out" || fail "health fault"
pass "fault knob: state with once, environment, every command"
