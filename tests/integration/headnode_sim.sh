#!/usr/bin/env bash
# The simulated headnode (tests/lib/headnode.bash): make_headnode builds the tree, the DC
# IMGAPI with the older release, and a state that fake-sdcadm reads; checked here field by
# field against the sample catalog it came from.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"

CAT="$TEST_DIR/catalog"
"$SDCB_BIN/sample-catalog" -o "$CAT" --scale 8M -q
start=$(date +%s.%N)
make_headnode "$TEST_DIR/hn" "$CAT"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "make_headnode took ${elapsed}s"
HN=$TEST_DIR/hn

# --- Tree, config, exports ------------------------------------------------------------------
for d in usbkey/images usbkey/extra/agents usbkey/os usbkey/extra/gz-tools mnt/usbkey var/sdcadm \
         var/run var/log var/fake-sdcadm imgapi-data; do
  [[ -d "$HN/$d" ]] || fail "missing $d"
done
[[ "$FAKE_SDCADM_ROOT" == "$HN" && "$HN_STATE" == "$HN/var/fake-sdcadm/state.json" ]] || fail "exports"
[[ "$HN_CHANNEL" == dev && -x "$HN_SDCADM" ]] || fail "HN_CHANNEL / HN_SDCADM"
grep -qx "imgapi_domain=${HN_IMGAPI_URL#http://}" "$HN/usbkey/config" || fail "imgapi_domain in usbkey/config"
grep -qx "datacenter_name=sim-1" "$HN/usbkey/config" || fail "datacenter_name"
grep -qx "dns_domain=example.com" "$HN/usbkey/config" || fail "dns_domain"
pass "tree, usbkey/config and exports"

# --- State: one instance per service, each on an image older than the channel's newest ----
# check_state CHANNEL SDCADM_VERSION: every service on an image older than the channel's newest
# for it, or on that newest when the catalog has nothing older.
check_state() {
node -e '
  const [catDir, statePath, channel, sdcadmVersion] = process.argv.slice(1);
  const cat = require(catDir + "/catalog.json"), st = require(statePath);
  const fail = (m) => { console.error(m); process.exit(1); };
  const byUuid = new Map();
  for (const [name, list] of Object.entries(cat.artifacts)) for (const i of list) byUuid.set(i.uuid, {...i, name});
  let vms = 0, agents = 0;
  for (const svc of st.services) {
    const insts = st.instances.filter((i) => i.service === svc.name);
    if (insts.length !== 1) fail(`${svc.name}: ${insts.length} instances`);
    const inst = insts[0], img = byUuid.get(inst.image);
    if (!img) fail(`${svc.name}: image ${inst.image} not in the catalog`);
    const names = cat.services[svc.name];
    if (!names.includes(img.name)) fail(`${svc.name}: image name ${img.name} not in ${names}`);
    if (inst.version !== img.version) fail(`${svc.name}: version ${inst.version} != ${img.version}`);
    // The newest on the channel across all the names of the service (what sdcadm would pick).
    const newest = names.flatMap((n) => cat.artifacts[n] || []).filter((i) => i.channels.includes(channel))
      .sort((a, b) => (a.published_at < b.published_at ? -1 : 1)).pop();
    const olderExists = names.flatMap((n) => cat.artifacts[n] || []).some((i) => i.published_at < newest.published_at);
    if (!(img.published_at < newest.published_at) && (olderExists || img.uuid !== newest.uuid)) {
      fail(`${svc.name}: ${img.version} is not older than ${newest.version}`);
    }
    if (svc.type === "vm") {
      vms++;
      if (svc.params.image_uuid !== inst.image) fail(`${svc.name}: params.image_uuid`);
      if (inst.alias !== svc.name + "0" || inst.zonename !== inst.instance || inst.state !== "running") fail(`${svc.name}: vm fields`);
    } else {
      agents++;
    }
    if (inst.hostname !== "headnode" || inst.server_ip !== "10.0.0.1") fail(`${svc.name}: server fields`);
  }
  const zoneServices = Object.entries(cat.services).filter(([s, n]) => cat.artifacts[n[0]][0].kind === "zone").length;
  if (vms !== zoneServices) fail(`${vms} vm services, catalog has ${zoneServices}`);
  if (agents < 10) fail(`only ${agents} agents`);
  const sdcadm = cat.artifacts.sdcadm.find((i) => i.uuid === st.sdcadm.image);
  if (!sdcadm || sdcadm.version !== st.sdcadm.version || sdcadm.buildstamp !== st.sdcadm.buildstamp) fail("sdcadm");
  if (st.sdcadm.version !== sdcadmVersion) fail(`sdcadm ${st.sdcadm.version}: expected ${sdcadmVersion}`);
  if (st.platforms.installed.length !== 1 || st.platforms.default !== st.platforms.installed[0]) fail("platforms");
  if (!st.agentsshar.image || !st.gz_tools.image) fail("agentsshar / gz_tools");
  console.log(`${vms} vm services, ${agents} agents`);
' "$CAT" "$HN_STATE" "$1" "$2" || fail "state.json ($1)"
}
check_state dev 1.40.0

# older_than_newest SVC...: these services run an image older than $HN_CHANNEL's newest.
older_than_newest() {
  local svc
  for svc in "$@"; do
    node -e '
      const [statePath, catDir, svc, channel] = process.argv.slice(1);
      const st = require(statePath), cat = require(catDir + "/catalog.json");
      const inst = st.instances.find((i) => i.service === svc);
      const all = cat.services[svc].flatMap((n) => cat.artifacts[n] || []);
      const img = all.find((i) => i.uuid === inst.image);
      const newest = all.filter((i) => i.channels.includes(channel)).sort((a, b) => (a.published_at < b.published_at ? -1 : 1)).pop();
      process.exit(img.published_at < newest.published_at ? 0 : 1);' "$HN_STATE" "$CAT" "$svc" "$HN_CHANNEL" \
      || fail "$svc is not older than the $HN_CHANNEL newest"
  done
}
older_than_newest sapi imgapi manatee binder moray mahi vmapi cnapi ufds vm-agent cn-agent
[[ "$(readlink "$HN/usbkey/extra/agents/latest")" == agentsshar-* || -e "$HN/usbkey/extra/agents/latest" ]] \
  || fail "agents latest link"
pass "state: one instance per service on an older image"

# --- The DC IMGAPI has each instance's image (and its origins) active ------------------------
"$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" -j list >"$TEST_DIR/dc-images.json"
node -e '
  const [statePath, listPath, catDir] = process.argv.slice(1);
  const st = require(statePath), list = require(listPath);
  const active = new Map(list.filter((i) => i.state === "active").map((i) => [i.uuid, i]));
  for (const inst of st.instances) {
    const img = active.get(inst.image);
    if (!img) { console.error(`image ${inst.image} of ${inst.service} not active in the DC`); process.exit(1); }
    if (img.origin && !active.has(img.origin)) { console.error(`origin ${img.origin} missing`); process.exit(1); }
  }
  if (!active.has(st.sdcadm.image)) { console.error("sdcadm image missing"); process.exit(1); }
' "$HN_STATE" "$TEST_DIR/dc-images.json" "$CAT" || fail "DC IMGAPI content"
pass "DC IMGAPI: every instance's image active, origins present"

# --- agentsshar, agents and gz-tools as update-agents / update-gz-tools leave them ---------------
node -e '
  const fs = require("fs"), crypto = require("crypto");
  const [hn, listPath] = process.argv.slice(1);
  const st = require(hn + "/var/fake-sdcadm/state.json"), list = require(listPath);
  const fail = (m) => { console.error(m); process.exit(1); };
  const active = new Set(list.filter((i) => i.state === "active").map((i) => i.uuid));
  for (const k of ["agentsshar", "gz_tools"]) if (!active.has(st[k].image)) fail(`${k} image not active in the DC`);
  const latest = fs.readlinkSync(hn + "/usbkey/extra/agents/latest");
  if (latest !== `agents-${st.agentsshar.image}.sh`) fail(`latest -> ${latest}`);
  const gz = fs.readFileSync(hn + "/opt/smartdc/etc/gz-tools.image", "utf8").trim();
  if (gz !== st.gz_tools.image) fail(`gz-tools.image ${gz} != ${st.gz_tools.image}`);
  const lib = hn + "/opt/smartdc/agents/lib/node_modules/";
  for (const i of st.instances.filter((x) => x.type === "agent")) {
    if (fs.readFileSync(lib + i.service + "/image_uuid", "utf8").trim() !== i.image) fail(`${i.service} image_uuid`);
  }
  const sha1 = crypto.createHash("sha1").update(fs.readFileSync(hn + "/usbkey/extra/agents/" + latest)).digest("hex");
  if (fs.readFileSync(hn + "/opt/smartdc/agents/etc/agentsshar.sha1", "utf8").trim() !== sha1) fail("agentsshar.sha1");
  if (st.log.length !== 0) fail("make_headnode left runs in the log");
' "$HN" "$TEST_DIR/dc-images.json" || fail "agentsshar / agents / gz-tools on the headnode"
[[ -f "$HN/usbkey/extra/joysetup/cn_tools.tar.gz" && -f "$HN/mnt/usbkey/tools.tar.gz" ]] || fail "gz-tools' USB key files"
pass "agentsshar (agents-<uuid>.sh), the agents' image_uuid files and gz-tools.image as sdcadm leaves them"


# --- fake-sdcadm works against it ------------------------------------------------------------
"$HN_SDCADM" insts -j >"$TEST_DIR/insts.json" || fail "insts -j"
node -e '
  const a = require(process.argv[1]), st = require(process.argv[2]);
  if (a.length !== st.instances.length) process.exit(1);' "$TEST_DIR/insts.json" "$HN_STATE" || fail "insts -j count"
"$HN_SDCADM" svcs -j >"$TEST_DIR/svcs.json" || fail "svcs -j"
node -e 'const s = require(process.argv[1]); if (!s.every((x) => x.insts === 1)) process.exit(1);' \
  "$TEST_DIR/svcs.json" || fail "svcs -j insts"
"$HN_SDCADM" check-health -j >"$TEST_DIR/health.json" || fail "check-health on a fresh headnode"
node -e 'const h = require(process.argv[1]); if (!h.every((r) => r.healthy === true)) process.exit(1);' \
  "$TEST_DIR/health.json" || fail "check-health rows"
"$HN_SDCADM" --version | grep -qx "sdcadm 1.40.0 (master-20250128T.*)" || fail "--version"
pass "fake-sdcadm insts, svcs, check-health, --version on the simulated headnode"

# --- headnode_instance: another instance, or a service moved, on any valid image --------------
hi() { node "$SDCB_SOURCE/tests/lib/headnode_instance.js" "$CAT" "$HN" "$@"; }
cnapi_any=$(node -e 'console.log(require(process.argv[1] + "/catalog.json").artifacts.cnapi[0].uuid)' "$CAT")
rc=0; hi napi "$cnapi_any" add 2>"$TEST_DIR/hi.err" || rc=$?
[[ $rc -ne 0 ]] && grep -q "not one of napi's names" "$TEST_DIR/hi.err" || fail "headnode_instance: wrong name refused"
rc=0; hi cnapi 00000000-0000-4000-8000-000000000000 add 2>"$TEST_DIR/hi.err" || rc=$?
[[ $rc -ne 0 ]] && grep -q "is not in the catalog" "$TEST_DIR/hi.err" || fail "headnode_instance: unknown image refused"
rc=0; hi cnapi "$cnapi_any" swap 2>"$TEST_DIR/hi.err" || rc=$?
[[ $rc -ne 0 ]] || fail "headnode_instance: bad verb refused"
headnode_instance cnapi "$cnapi_any" add
headnode_instance cnapi "$cnapi_any" add
check_eq "$("$HN_SDCADM" insts -j | node -e 'const a = JSON.parse(require("fs").readFileSync(0));
  console.log(a.filter((i) => i.service === "cnapi").map((i) => i.alias).sort().join(","))')" "cnapi0,cnapi1,cnapi2" "added instances' aliases"
curl -sf -o /dev/null "$HN_IMGAPI_URL/images/$cnapi_any" || fail "headnode_instance imported the image"
headnode_instance cnapi "$cnapi_any" move
check_eq "$(node -e 'const s = require(process.argv[1]); const i = s.instances.filter((x) => x.service === "cnapi");
  const svc = s.services.find((x) => x.name === "cnapi");
  console.log(i.every((x) => x.image === process.argv[2]) && svc.params.image_uuid === process.argv[2])' "$HN_STATE" "$cnapi_any")" \
  true "move: every instance and params.image_uuid"
pass "headnode_instance: add, move, refusals"

# --- Another channel: release (several services have nothing older there) --------------------
make_headnode "$TEST_DIR/hn2" "$CAT" release
[[ "$FAKE_SDCADM_ROOT" == "$TEST_DIR/hn2" && "$HN_CHANNEL" == release ]] || fail "hn2 exports"
check_state release 1.39.1 0
"$HN_SDCADM" --version | grep -qx "sdcadm 1.39.1 (release-20250116-.*)" || fail "hn2 --version"
older_than_newest imgapi manatee binder moray mahi ufds vm-agent cn-agent
pass "make_headnode on the release channel"
