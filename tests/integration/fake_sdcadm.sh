#!/usr/bin/env bash
# fake-sdcadm (tools/fake_sdcadm) on a simulated headnode (tests/lib/headnode.bash): every
# command, every refusal the real sdcadm makes, the sdcadm lock held by another process
# (this program's own --hold-lock and a Python fcntl holder), reprovFailLock.json, and the
# fault knob (state file with "once", environment).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"

CAT="$TEST_DIR/catalog"
"$SDCB_BIN/sample-catalog" -o "$CAT" --scale 8M -q
make_headnode "$TEST_DIR/hn" "$CAT"
HN=$FAKE_SDCADM_ROOT
SDCADM=$HN_SDCADM

# newest NAME: uuid of the newest image called NAME on the dev channel.
newest() {
  node -e 'const l = require(process.argv[1] + "/catalog.json").artifacts[process.argv[2]]
    .filter((i) => i.channels.includes("dev")); console.log(l[l.length - 1].uuid);' "$CAT" "$1"
}
# import_img UUID: imports UUID and any origin the DC lacks (origins first).
import_img() {
  local origin
  origin=$(mf "$1" 'm.origin || ""')
  [[ -z "$origin" ]] || import_img "$origin"
  local rc=0
  "$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" import -m "$CAT/$1.imgmanifest" -f "$CAT/$1.imgfile" \
    --skip-owner-check --no-progress >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 0 || $rc -eq 11 ]] || fail "import $1 (exit $rc)"
}
# mf UUID EXPR: a JavaScript expression over the catalog manifest `m` of UUID.
mf() {
  node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(new Function("m", "return (" + process.argv[2] + ")")(m));' "$CAT/$1.imgmanifest" "$2"
}
# st EXPR: a JavaScript expression over the state `s`.
st() {
  node -e 'const s = require(process.argv[1]);
    const v = new Function("s", "return (" + process.argv[2] + ")")(s);
    process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));' "$HN_STATE" "$1"
}
check_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"; }
err_has() { grep -qF -- "$1" "$TEST_DIR/last.err" || { cat "$TEST_DIR/last.err" >&2; fail "$2: stderr lacks: $1"; }; }
out_has() { grep -qF -- "$1" "$TEST_DIR/last.out" || { cat "$TEST_DIR/last.out" >&2; fail "$2: stdout lacks: $1"; }; }
up() { expect_exit "$1" "$SDCADM" up -y <<<"$2"; }
state_sans_fail() { st 'JSON.stringify({...s, fail: null})'; }

IMGAPI_NEW=$(newest imgapi)
CNAPI_NEW=$(newest cnapi)
import_img "$IMGAPI_NEW"
import_img "$CNAPI_NEW"
IMGAPI_OLD=$(st 's.instances.find((i) => i.service === "imgapi").image')

# --- No root, --version, read commands -------------------------------------------------------
expect_exit 1 env -u FAKE_SDCADM_ROOT "$SDCADM" insts
err_has "sdcadm instances: error: FAKE_SDCADM_ROOT is not set" "no root"
expect_exit 0 "$SDCADM" --version
check_eq "$(cat "$TEST_DIR/last.out")" "sdcadm $(st s.sdcadm.version) ($(st s.sdcadm.buildstamp))" "--version"
expect_exit 0 "$SDCADM" insts type=agent svc=vm-agent
check_eq "$(wc -l <"$TEST_DIR/last.out")" 2 "insts table: header + vm-agent"
out_has "INSTANCE" "insts table header"
expect_exit 0 "$SDCADM" svcs
out_has "$(st 's.services.find((x) => x.name === "imgapi").uuid')" "svcs table"
expect_exit 1 "$SDCADM" insts type=zone
err_has "invalid instance type filter" "bad insts filter"
pass "root, --version, insts, svcs"

# --- up: the real refusals, each leaving the state as it was ----------------------------------
before=$(cat "$HN_STATE")
up 1 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\", \"foo\": 1, \"bar\": 2}"
err_has "sdcadm update: error: invalid extra fields \"foo\", \"bar\" in {\"service\":\"imgapi\"" "extra keys"
up 1 '{"service": "imgapi", "image": "not-a-uuid"}'
err_has 'invalid image "not-a-uuid"' "non-UUID image"
up 1 "{\"service\": \"imgapi\", \"image\": \"$CNAPI_NEW\"}"
err_has "is invalid for service imgapi, valid images must have name \"imgapi\"" "name mismatch"
up 1 '{"service": "imgapi", "image": "00000000-1111-4222-8333-444444444444"}'
err_has "is not in the DC IMGAPI; the real sdcadm would look it up on the updates server" "missing image"
up 1 '{"service": "nosuch", "image": "00000000-1111-4222-8333-444444444444"}'
err_has 'unknown service "nosuch"' "unknown service"
up 1 '{"service": "imgapi", "version": "master-20250113T115341Z-g17cee3d"}'
err_has "needs the updates server" "version needs the updates server"
up 1 '[{"service": "imgapi", "image": 5}, {"frob": 1}]'
err_has "first of 2 errors: \"image\" in {\"service\":\"imgapi\",\"image\":5} (string) is required" "MultiError"
up 1 '{"type": "delete-service", "service": "imgapi"}'
err_has "do not support the following changes" "delete-service"
up 1 '"imgapi"'
err_has "must be a JSON object or array" "spec not an object"
up 1 '{"service": "imgapi", '
err_has "invalid JSON" "malformed spec"
up 1 "[{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}, {\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}]"
err_has "conflicting changes" "two changes for one service"
expect_exit 1 "$SDCADM" up -y --all
err_has "--all needs the updates server" "--all"
expect_exit 1 "$SDCADM" up -y --bogus
err_has "sdcadm update: error:" "unknown option"
# Without -y and with no terminal to ask on (setsid: no controlling terminal).
expect_exit 1 setsid -w "$SDCADM" up <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
err_has "no terminal (/dev/tty); pass -y" "no -y, no tty"
check_eq "$(cat "$HN_STATE")" "$before" "refusals leave the state untouched"
pass "up: unknown keys, non-UUID, wrong name, missing image, offline-only forms, no -y"

# Agent services are skipped (only `sdcadm experimental update` updates agents).
up 0 "{\"service\": \"vm-agent\", \"image\": \"$(newest vm-agent)\"}"
out_has "Up-to-date." "agent service skipped"
check_eq "$(st 's.instances.find((i) => i.service === "vm-agent").image')" \
  "$(node -e 'console.log(JSON.parse(process.argv[1]).instances.find((i) => i.service === "vm-agent").image)' "$before")" \
  "agent unchanged"
pass "up: agent services skipped"

# --- up: a real update ----------------------------------------------------------------------------
expect_exit 0 "$SDCADM" up -y -n <<<"{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has "[dry-run] done" "dry run"
check_eq "$(st 's.instances.find((i) => i.service === "imgapi").image')" "$IMGAPI_OLD" "dry run changes nothing"
up 0 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
out_has 'Finding candidate update images for the "imgapi" service.' "up progress"
out_has "This update will make the following changes:" "plan"
out_has "    update \"imgapi\" service to image $IMGAPI_NEW" "plan line"
out_has '(imgapi0) on server' "plan instance"
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

# --- reprovFailLock.json ----------------------------------------------------------------------------
echo '{"reason": "vmadm reprovision failed"}' >"$HN/var/sdcadm/reprovFailLock.json"
up 1 "{\"service\": \"imgapi\", \"image\": \"$IMGAPI_NEW\"}"
err_has "Update is locked because of an earlier core zone reprovision failure" "reprovFailLock"
err_has 'remove "/var/sdcadm/reprovFailLock.json" to continue.' "reprovFailLock remedy"
rm "$HN/var/sdcadm/reprovFailLock.json"
pass "up refuses while reprovFailLock.json exists"

# --- The sdcadm lock held by another process ---------------------------------------------------------
"$SDCADM" --hold-lock 3 >"$TEST_DIR/holder.out" &
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
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); print("locked", flush=True); time.sleep(3)' \
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
expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" "$SDCADM_NEW"
err_has "pass -C CHANNEL" "DC IMGAPI has no channels: -C needed"
expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$IMGAPI_NEW"
err_has "is not an sdcadm image" "self-update with another image"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$SDCADM_CUR"
out_has 'Already up-to-date (using "dev" update channel).' "self-update to the current"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --latest
out_has "Skipping available major sdcadm update, version 2.0.0" "major skipped"
out_has "Updated to sdcadm 1.40.0 ($(mf "$SDCADM_NEW" m.tags.buildstamp)" "self-update --latest"
check_eq "$(st s.sdcadm.image)" "$SDCADM_NEW" "sdcadm image in state"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev --allow-major-update "$MAJOR"
check_eq "$(st s.sdcadm.version)" 2.0.0 "major update allowed"
pass "self-update: -S/-C, name check, up to date, --latest, major guard"

# --- update-agents, update-gz-tools, update-other, platform install -------------------------------
SHAR=$(newest agentsshar)
import_img "$SHAR"
import_img "$(newest vm-agent)"
shar_file=$(node -e 'const c = require(process.argv[1] + "/catalog.json");
  console.log(c.artifacts.agentsshar.find((i) => i.uuid === process.argv[2]).file_name)' "$CAT" "$SHAR")
cp "$CAT/$SHAR.imgfile" "$HN/var/$shar_file"
expect_exit 1 "$SDCADM" experimental update-agents "/var/$shar_file" -y
err_has "must specify either --all or a list of servers" "update-agents needs --all"
expect_exit 1 "$SDCADM" experimental update-agents /var/nope.sh --all -y
err_has "does not exist" "update-agents missing file"
expect_exit 0 "$SDCADM" experimental update-agents "/var/$shar_file" --all -y
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "$shar_file" "latest link moved"
cmp -s "$HN/usbkey/extra/agents/$shar_file" "$CAT/$SHAR.imgfile" || fail "shar copied to /usbkey/extra/agents"
check_eq "$(st s.agentsshar.image)" "$SHAR" "agentsshar recorded"
check_eq "$(st 's.instances.find((i) => i.service === "vm-agent").image')" "$(newest vm-agent)" "vm-agent moved"
GZ=$(newest gz-tools)
import_img "$GZ"
cp "$CAT/$GZ.imgfile" "$HN/usbkey/extra/gz-tools/gz-tools.tgz"
expect_exit 0 "$SDCADM" experimental update-gz-tools /usbkey/extra/gz-tools/gz-tools.tgz
check_eq "$(st s.gz_tools.image)" "$GZ" "gz-tools recorded"
expect_exit 1 "$SDCADM" experimental update-gz-tools --latest
err_has "needs the updates server" "gz-tools --latest offline"
PLAT=$(newest platform)
plat_file=$(node -e 'const c = require(process.argv[1] + "/catalog.json");
  console.log(c.artifacts.platform.find((i) => i.uuid === process.argv[2]).file_name)' "$CAT" "$PLAT")
cp "$CAT/$PLAT.imgfile" "$HN/usbkey/os/$plat_file"
cp "$CAT/$PLAT.imgfile" "$HN/usbkey/os/platform-badname.tgz"
expect_exit 1 "$SDCADM" platform install /usbkey/os/platform-badname.tgz
err_has "expected platform-<branch>-<YYYYMMDDTHHMMSSZ>.tgz" "platform bad name"
expect_exit 0 "$SDCADM" platform install "/usbkey/os/$plat_file"
stamp=${plat_file%.tgz}; stamp=${stamp##*-}
check_eq "$(st 's.platforms.installed[s.platforms.installed.length - 1]')" "$stamp" "platform installed"
check_eq "$(st s.platforms.default)" "$stamp" "platform default"
expect_exit 0 "$SDCADM" platform install "/usbkey/os/$plat_file"
out_has "already installed" "platform again"
check_eq "$(st 's.log.map((l) => l.argv.slice(0, 2).join(" ")).filter((a) => a === "experimental update-other").length')" 1 "update-other logged"
pass "update-agents, update-gz-tools, update-other, platform install"

# --- check-health --------------------------------------------------------------------------------------
expect_exit 0 "$SDCADM" check-health
out_has "HEALTHY" "health table"
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.unhealthy = [s.instances.find((i) => i.service === "sapi").instance];
  fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
expect_exit 1 "$SDCADM" check-health -j
err_has "Some instances appear unhealthy" "unhealthy"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).filter((x) => !x.healthy);
  if (r.length !== 1 || r[0].service !== "sapi" || !r[0].health_errors[0].message) process.exit(1)' \
  "$TEST_DIR/last.out" || fail "unhealthy rows"
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
