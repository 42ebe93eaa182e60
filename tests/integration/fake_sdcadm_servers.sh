#!/usr/bin/env bash
# The simulated DC's compute nodes (tests/lib/headnode.bash headnode_server) and every
# fake-sdcadm command that depends on them, with sdcadm 1.39.0's refusal texts and exit
# statuses: a DC with a running CN, a stopped CN, an unsetup CN and a CN whose ur times out.
# fake-sdc-server lookup, update-agents, update-gz-tools, platform install's "latest" guard,
# check-health's ur errors, insts without instance, self-update's reinstall and channel.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/lib/headnode.bash"
source "$SDCB_SOURCE/tests/lib/headnode_state.bash"

CAT="$TEST_DIR/catalog"
"$SDCB_BIN/sample-catalog" -o "$CAT" --scale 8M -q
make_headnode "$TEST_DIR/hn" "$CAT"
HN=$FAKE_SDCADM_ROOT
SDCADM=$HN_SDCADM

check_eq() { [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"; }
err_has() { grep -qF -- "$1" "$TEST_DIR/last.err" || { cat "$TEST_DIR/last.err" >&2; fail "$2: stderr lacks: $1"; }; }
out_has() { grep -qF -- "$1" "$TEST_DIR/last.out" || { cat "$TEST_DIR/last.out" >&2; fail "$2: stdout lacks: $1"; }; }
out_lacks() { ! grep -qF -- "$1" "$TEST_DIR/last.out" || fail "$2: stdout has: $1"; }
runs_of() { st "s.log.filter((l) => l.argv.join(' ').startsWith('$1')).length"; }

HN_UUID=$(st 's.servers.find((x) => x.headnode).uuid')
CN1=$(headnode_server cn1 running --agents)
CN2=$(headnode_server cn2 stopped --agents)
CN3=$(headnode_server cn3 unsetup)
CN4=$(headnode_server cn4 running --agents --ur-timeout)
root_of() { echo "$HN/var/fake-sdcadm/servers/$1"; }
[[ -f "$(root_of "$CN1")/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid" ]] || fail "--agents: cn1's files"
[[ ! -e "$(root_of "$CN3")" ]] || fail "an unsetup server has no agents"
check_eq "$(st "s.servers.find((x) => x.hostname === 'cn2').status + ' ' + s.servers.find((x) => x.hostname === 'cn3').setup")" \
  "unknown false" "stopped and unsetup servers"
check_eq "$(st "s.instances.filter((i) => i.hostname === 'cn1').length")" \
  "$(st "s.instances.filter((i) => i.type === 'agent' && i.hostname === 'headnode').length")" "--agents: the headnode's agents"
expect_exit 1 node "$SDCB_SOURCE/tests/lib/headnode_server.js" "$HN" add cn5 unsetup --agents
pass "headnode_server: running, stopped, unsetup, ur timeout, agents"

# --- fake-sdc-server lookup ---------------------------------------------------------------------
SDC_SERVER=$HN_SDC_SERVER
sorted() { printf '%s\n' "$@" | sort; }
expect_exit 0 "$SDC_SERVER" lookup
check_eq "$(cat "$TEST_DIR/last.out")" "$(sorted "$HN_UUID" "$CN1" "$CN2" "$CN3" "$CN4")" "lookup: every server, by uuid"
expect_exit 0 "$SDC_SERVER" lookup setup=true
check_eq "$(cat "$TEST_DIR/last.out")" "$(sorted "$HN_UUID" "$CN1" "$CN2" "$CN4")" "lookup setup=true"
expect_exit 0 "$SDC_SERVER" lookup -H setup=true status!=running
check_eq "$(cat "$TEST_DIR/last.out")" "cn2" "lookup -H: the stopped one"
expect_exit 0 "$SDC_SERVER" lookup -j hostname=cn3
node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const s = l[0];
  if (l.length !== 1 || s.uuid !== process.argv[2] || s.setup !== false || s.status !== "running" ||
      s.headnode !== false || s.datacenter !== "sim-1" || !s.boot_platform) process.exit(1);' \
  "$TEST_DIR/last.out" "$CN3" || fail "lookup -j: CNAPI's fields"
expect_exit 0 "$SDC_SERVER" lookup -c 'hostname=~^cn[12]$'
check_eq "$(cat "$TEST_DIR/last.out")" "$(sorted "$CN1" "$CN2" | paste -sd,)" "lookup -c: comma-joined, no newline"
expect_exit 0 "$SDC_SERVER" lookup -1 setup=false
check_eq "$(cat "$TEST_DIR/last.out")" "$CN3" "lookup -1"
expect_exit 1 "$SDC_SERVER" lookup -1 setup=true
check_eq "$(cat "$TEST_DIR/last.err")" "Error: requested unique lookup (-1) but found 4 matching servers" "lookup -1 refused"
expect_exit 1 "$SDC_SERVER" lookup setup
check_eq "$(cat "$TEST_DIR/last.err")" 'Error: invalid filter: "setup" (see "Filters" in "sdc-server lookup -h")' "bad filter"
expect_exit 1 "$SDC_SERVER" lookup -x
check_eq "$(cat "$TEST_DIR/last.err")" 'Error: unknown option: "-x"' "unknown option"
expect_exit 1 "$SDC_SERVER" lookup -j -H
check_eq "$(cat "$TEST_DIR/last.err")" "Error: --json and --hostname are mutually exclusive" "-j -H"
expect_exit 2 "$SDC_SERVER"
out_has "Sub-commands:" "no sub-command: usage"
expect_exit 1 "$SDC_SERVER" frob
out_has "    lookup [-h1jHc] [field=val ...]" "unknown sub-command: usage"
check_eq "$(cat "$TEST_DIR/last.err")" "Error: unknown command: frob" "unknown sub-command"
expect_exit 1 env -u FAKE_SDCADM_ROOT "$SDC_SERVER" lookup
err_has "FAKE_SDCADM_ROOT" "no root"
pass "fake-sdc-server lookup: filters, -j, -H, -c, -1, refusals, usage"

# --- update-agents -------------------------------------------------------------------------------
# A bootstrap following the installer contract (docs/simulated-headnode.md): moves vm-agent.
VMA=$(newest vm-agent)
import_img "$VMA"
BOOT=agents-20250301T000000Z-0123456789ab.sh
cat >"$HN/usbkey/extra/agents/$BOOT" <<EOF
#!/bin/bash
root=\$AGENTS_BOOTSTRAP_ROOT
echo run >>"\$root/var/tmp/boot.runs"
mkdir -p "\$root/opt/smartdc/agents/lib/node_modules/vm-agent"
echo $VMA >"\$root/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid"
EOF
agent_image() { st "s.instances.find((i) => i.service === 'vm-agent' && i.hostname === '$1').image"; }
VMA_OLD=$(agent_image headnode)
ua() { expect_exit "$1" "$SDCADM" experimental update-agents "/usbkey/extra/agents/$BOOT" -y "${@:2}"; }
before=$(cat "$HN_STATE")
ua 1
check_eq "$(cat "$TEST_DIR/last.err")" \
  "sdcadm experimental update-agents: error: either --all option or explicitly specifying SERVER(s) is required" "no servers"
ua 1 --all cn1
err_has 'cannot specify "--all" and explicit servers: cn1' "--all and servers"
ua 1 cn1 cn3
err_has "sdcadm experimental update-agents: error: 1 of 2 selected servers are not setup: cn3" "explicit unsetup server"
out_has "Warning: server $CN3 (cn3) is not setup, skipping" "unsetup warning"
out_lacks "This update will make the following changes" "refused before the plan"
ua 1 nosuch cn3
err_has "1 of 2 selected servers were not found in CNAPI: nosuch" "unknown server first"
out_has "Warning: server nosuch does not exist, skipping" "missing warning"
check_eq "$(cat "$HN_STATE")" "$before" "refusals change nothing"
[[ ! -e "$HN/var/tmp/boot.runs" ]] || fail "refusals run nothing"

# --all: the headnode and cn1 are updated, cn3 (unsetup), cn2 (down) and cn4 (ur) are failures.
ua 1 --all
out_has "Warning: server $CN3 (cn3) is not setup, skipping" "--all: unsetup"
out_has "Warning: server $CN2 (cn2) did not reply to Ur broadcast, skipping" "--all: stopped"
out_has "Warning: server $CN4 (cn4) did not reply to Ur broadcast, skipping" "--all: ur timeout"
out_has "    Update GZ agents on 2 (of 5) servers using" "--all: the plan"
out_has "Server $HN_UUID (headnode): updated" "--all: headnode"
out_has "Server $CN1 (cn1): updated" "--all: cn1"
out_has "Updated agents on 2/5 servers (3 failures, 0 excluded) (" "--all: the summary"
err_has "sdcadm experimental update-agents: error: multiple (3) errors" "--all: MultiError"
err_has "    error: server $CN3 (cn3) is not setup" "--all: error line"
err_has "    error: server $CN4 (cn4) did not reply to Ur broadcast" "--all: ur error line"
check_eq "$(agent_image headnode) $(agent_image cn1)" "$VMA $VMA" "--all: what ran stays done"
check_eq "$(agent_image cn2) $(agent_image cn4)" "$VMA_OLD $VMA_OLD" "--all: the others unchanged"
[[ ! -e "$(root_of "$CN2")/var/tmp/boot.runs" ]] || fail "nothing ran on the stopped server"
check_eq "$(runs_of "experimental update-agents")" 0 "a failed run is not logged"
# -x: cn2 and cn3 excluded; cn3 is still a failure (the setup check comes first).
ua 1 --all -x cn2,cn3
out_has "Info: server $CN2 (cn2) was excluded on cmdline, skipping" "-x"
out_has "Updated agents on 2/5 servers (2 failures, 2 excluded) (" "-x: the summary"
out_has "Server $CN1 (cn1): already updated" "-x: already updated"
# The running servers, named: success.
ua 0 headnode "$CN1"
out_has "Updated agents on 2/5 servers (0 failures, 0 excluded) (" "explicit running servers"
check_eq "$(runs_of "experimental update-agents")" 1 "success logged"
ua 1 cn4
err_has "multiple (1) errors" "cn4 named: its ur"
pass "update-agents: --all failures, explicit refusals, ur broadcast, -x, summary, MultiError"

# --- update-gz-tools -----------------------------------------------------------------------------
GZ=$(newest gz-tools)
import_img "$GZ"
cp "$CAT/$GZ.imgfile" "$HN/var/tmp/gz.tgz"
GZ_OLD=$(cat "$HN/opt/smartdc/etc/gz-tools.image")
gz() { expect_exit "$1" "$SDCADM" experimental update-gz-tools /var/tmp/gz.tgz -C dev "${@:2}"; }
before=$(cat "$HN_STATE")
gz 1
check_eq "$(tail -2 "$TEST_DIR/last.err")" "sdcadm experimental update-gz-tools: error: The following servers are not running:
    $CN2 (cn2)" "a stopped server refuses it"
gz 1 -s cn3
err_has "The following servers are not setup:" "-s unsetup"
gz 1 -s nosuch
err_has 'error: Cannot find server "nosuch"' "-s unknown"
gz 1 -s headnode -S headnode
err_has "No servers matching criteria were found: setup; including headnode; excluding headnode" "empty"
check_eq "$(cat "$HN_STATE")" "$before" "refused: state unchanged"
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$GZ_OLD" "refused: gz-tools unchanged"
# -S cn2: cn4 does not answer ur: the headnode's part is done, then the command fails.
gz 1 -S cn2
out_has "Could not find 1 servers (ur did not respond to discovery): $CN4" "ur discovery"
err_has "could not find all nodes" "ur discovery error"
check_eq "$(cat "$HN/opt/smartdc/etc/gz-tools.image")" "$GZ" "the headnode's gz-tools were updated"
check_eq "$(st s.gz_tools.image)" "$GZ" "state: the headnode's gz-tools"
check_eq "$(st "s.servers.find((x) => x.hostname === 'cn1').gz_tools")" "$GZ_OLD" "cn1's cn_tools unchanged"
gz 0 -S cn2,cn4
out_has "Starting cn_tools update on 2 servers" "cn_tools"
check_eq "$(st "s.servers.filter((x) => x.gz_tools === '$GZ').map((x) => x.hostname).sort().join(',')")" "cn1,headnode" "cn_tools recorded"
gz 0 -s headnode,"$CN1"
check_eq "$(runs_of "experimental update-gz-tools")" 2 "gz-tools runs logged"
pass "update-gz-tools: not running, not setup, unknown, empty, ur discovery, -s, -S, cn_tools"

# --- platform install with a headnode booting "latest" ---------------------------------------------
PLAT=$(newest platform)
plat_file=$(node -e 'const c = require(process.argv[1] + "/catalog.json");
  console.log(c.artifacts.platform.find((i) => i.uuid === process.argv[2]).file_name)' "$CAT" "$PLAT")
stamp=${plat_file%.tgz}; stamp=${stamp##*-}
cp "$CAT/$PLAT.imgfile" "$HN/var/tmp/$plat_file"
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.servers.find((x) => x.headnode).boot_platform = "latest"; fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
installed=$(st 's.platforms.installed.join(",")')
expect_exit 0 "$SDCADM" platform install "/var/tmp/$plat_file"
check_eq "$(cat "$TEST_DIR/last.out")" "
Headnode configuration is using a symlink to latest Platform Image. Please run

sdcadm platform assign $installed $HN_UUID

before to continue, in order to prevent further issues.

Aborting platform install" "the real lines"
[[ ! -e "$HN/usbkey/os/$stamp" ]] || fail "aborted: nothing installed"
check_eq "$(st 's.platforms.installed.join(",")')" "$installed" "aborted: state unchanged"
expect_exit 0 "$SDCADM" platform install -y -C dev "/var/tmp/$plat_file"
out_has "Installation complete" "-y installs"
[[ -d "$HN/usbkey/os/$stamp" ]] || fail "-y: /usbkey/os/$stamp"
check_eq "$(st 's.platforms.installed.join(",")')" "$installed,$stamp" "-y: installed"
check_eq "$(st s.platforms.default)" "$installed" "the default boot platform is not \"latest\": unchanged"
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  s.platforms.default = "latest"; fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
expect_exit 0 "$SDCADM" platform install -y "/var/tmp/$plat_file"
out_has "Updating default boot platform to '$stamp'" "setDefaultBootPlatform"
check_eq "$(st s.platforms.default)" "$stamp" "a \"latest\" default boot platform moves to the newest"
pass "platform install: the headnode \"latest\" guard, -y, the default boot platform"

# --- check-health -----------------------------------------------------------------------------------
expect_exit 1 "$SDCADM" check-health -j
check_eq "$(cat "$TEST_DIR/last.err")" "" "-j: the error is not shown"
node -e 'const rows = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const [hn, cn1, cn2, cn4] = process.argv.slice(2);
  const bad = (m) => { console.error(m); process.exit(1); };
  for (const r of rows.filter((x) => x.hostname === "cn2" || x.hostname === "cn4")) {
    const server = r.hostname === "cn2" ? cn2 : cn4;
    if ("healthy" in r) bad("a ur error row with healthy: " + JSON.stringify(r));
    if (r.health_errors.length !== 1 || r.health_errors[0].message !== "timeout for host " + server) bad(JSON.stringify(r));
  }
  if (!rows.some((x) => x.hostname === "cn4")) bad("no cn4 rows");
  if (!rows.filter((x) => x.hostname === "cn1").every((x) => x.healthy === true)) bad("cn1 rows");
  if (!rows.filter((x) => x.hostname === "headnode").every((x) => x.healthy === true)) bad("headnode rows");
  if (rows.some((x) => ["cabase", "cainstsvc", "agents_core"].includes(x.service))) bad("skipped services listed");
  const g = rows.find((x) => x.type === "global");
  if (!g || g.instance !== hn || g.alias !== "global") bad("global row");' \
  "$TEST_DIR/last.out" "$HN_UUID" "$CN1" "$CN2" "$CN4" || fail "check-health -j rows"
expect_exit 1 "$SDCADM" check-health vm-agent
err_has "sdcadm check-health: error: Some instances appear unhealthy" "table: the error"
grep -qE "^[0-9a-f-]{36}  vm-agent +cn4 +- +-$" "$TEST_DIR/last.out" || fail "table: \"-\" for no healthy"
out_has "   Error: timeout for host $CN4" "table: the error block"
pass "check-health: ur errors without healthy, global row, skipped agents, exit 1"

# --- insts -j: an agent row without instance ----------------------------------------------------------
headnode_agent_without_instance vm-agent cn1
expect_exit 0 "$SDCADM" insts -j svc=vm-agent
node -e 'const rows = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const cn1 = rows.filter((r) => r.hostname === "cn1");
  if (cn1.length !== 1 || "instance" in cn1[0] || !cn1[0].image || !cn1[0].version) process.exit(1);
  if (!rows.filter((r) => r.hostname !== "cn1").every((r) => r.instance)) process.exit(1);' \
  "$TEST_DIR/last.out" || fail "insts -j: no instance for cn1's vm-agent"
expect_exit 0 "$SDCADM" insts vm-agent
grep -qE "^- +vm-agent +cn1 " "$TEST_DIR/last.out" || fail "insts table: \"-\""
pass "insts -j: agent rows without instance"

# --- self-update: reinstall by UUID, the channel ---------------------------------------------------------
CUR=$(st s.sdcadm.image)
CUR_VERSION=$(st s.sdcadm.version)
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" "$CUR"
out_has "Using channel dev" "the channel from the sdc application"
out_has "Update to sdcadm $CUR_VERSION" "the current image is reinstalled"
check_eq "$(st s.sdcadm.image)" "$CUR" "same image"
node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p));
  delete s.sdc_app.metadata.update_channel; fs.writeFileSync(p, JSON.stringify(s, null, 2));' "$HN_STATE"
expect_exit 1 "$SDCADM" self-update -S "$HN_IMGAPI_URL" "$CUR"
err_has "sdcadm self-update: error: imgapi client error (ResourceNotFound): /channels does not exist" "no channel anywhere"
expect_exit 0 "$SDCADM" self-update -S "$HN_IMGAPI_URL" -C dev "$CUR"
out_has "Using channel dev" "-C"
pass "self-update: reinstall by UUID, channel from the sdc application, /channels"
