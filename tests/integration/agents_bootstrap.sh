#!/usr/bin/env bash
# Issue 6: agents from agent images instead of the agentsshar. A bundle built from the
# sample catalog is seeded on a simulated headnode (tests/lib/headnode.bash) (`sdcadm-install seed-agents`), then the
# generated bootstrap runs with bash in sandbox roots (AGENTS_BOOTSTRAP_ROOT):
#   (a) headnode mode: images from /usbkey/images, IMGAPI down;
#   (b) compute-node mode: an empty sandbox, images from the DC IMGAPI.
# The installed tree (node_modules/<name>/image_uuid of the 11 agents, apm from the
# agents_core stand-in) and the update-agents markers are checked; a re-run changes
# nothing. Faults each exit with their code and install nothing. --media writes a USB-key
# tree (lower-case, no links, images in agent-images/) idempotently. Issue 11: the node's
# /lib/sdc/config.sh names the IMGAPI (the baked-in domain is the fallback), an agent at a
# newer image is left alone, the shar's cleanup-apm, AGENTSSHAR_UNPACK_DIR in the first 512
# bytes.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"
source "$SDCB_SOURCE/tests/lib/headnode.bash"

cd "$TEST_DIR"
make_bundle b.sdc 2M
HN="$TEST_DIR/hn"
# A simulated headnode on the DC's older release, its agentsshar behind latest.
make_headnode "$HN" "$TEST_DIR/catalog"
trust_dc "$HN"
dc_URL=$HN_IMGAPI_URL
shar_before=$(readlink "$HN/usbkey/extra/agents/latest")
[[ $shar_before == agents-*.sh ]] || fail "the simulated headnode has no agentsshar behind latest"
images_before=$(dc_count active)
AGENTS=(agents_core cn-agent vm-agent net-agent config-agent amon-agent amon-relay firewaller
        hagfish-watcher smartlogin cmon-agent)

# --- the bundle carries the 11 agent images -----------------------------------------------------
jsonf inspect.json 'b.index.artifacts.filter(a => a.role === "agent").map(a => a.name).join("\n")' >agent_roles.txt
for a in "${AGENTS[@]}"; do grep -qx -- "$a" agent_roles.txt || fail "build --all lacks agent image $a"; done
n_agent_images=$(grep -c . agent_roles.txt)
pass "bundle: the 11 agents with role agent ($n_agent_images agent images in all)"

# --- seed-agents ---------------------------------------------------------------------------------
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc -j --no-progress
cp last.out seed.json
stamp=$(jsonf seed.json 'b.set.stamp')
[[ $stamp =~ ^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$ ]] || fail "stamp shape: $stamp"
SCRIPT="$HN/usbkey/extra/agents/agents-$stamp.sh"
[[ -x "$SCRIPT" ]] || fail "bootstrap not written (0755) at $SCRIPT"
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-$stamp.sh" "latest points at the bootstrap"
check_eq "$(jsonf "$HN/usbkey/extra/agents/agents-$stamp.json" 'b.agents.length + " " + b.agents[0].name')" \
  "11 agents_core" "the agent set file: 11 agents, agents_core first"
# The older release shares no agent image with the bundle (dev's newest are all newer).
check_eq "$(dc_count active)" "$((images_before + n_agent_images))" "only the agent images imported into the DC IMGAPI"
[[ -f "$HN/usbkey/extra/agents/$shar_before" ]] || fail "the previous agentsshar was removed"
for a in $(jsonf seed.json 'b.set.agents.map(a => a.uuid).join(" ")'); do
  grep -q "$a" "$SCRIPT" || fail "agent $a not baked into the script"
done
if command -v shellcheck >/dev/null; then
  shellcheck -s bash "$SCRIPT" || fail "shellcheck of the bootstrap"
  mkdir core && tar -xzf "$HN/usbkey/images/$(jsonf seed.json 'b.set.agents[0].uuid').imgfile" -C core
  shellcheck -s bash core/agents_core/bootstrap/bootstrap.sh core/agents_core/bootstrap/apm || fail "shellcheck of the stand-ins"
fi
# cn-agent's mock backend reads only a shar's first 512 bytes for AGENTSSHAR_UNPACK_DIR.
head -c 512 "$SCRIPT" | grep -q AGENTSSHAR_UNPACK_DIR || fail "AGENTSSHAR_UNPACK_DIR not in the first 512 bytes"
before=$(stat -c %Y "$SCRIPT")
sleep 1
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc -j --no-progress
check_eq "$(jsonf last.out 'b.written + " " + b.latest_moved + " " + b.set.stamp')" "false false $stamp" "re-run writes nothing"
check_eq "$(stat -c %Y "$SCRIPT")" "$before" "re-run leaves the bootstrap untouched"
# --no-latest leaves the link where it was.
ln -sfn agents-older.sh "$HN/usbkey/extra/agents/latest"
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc -j --no-progress --no-latest
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-older.sh" "--no-latest keeps latest"
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc -j --no-progress
check_eq "$(jsonf last.out 'b.latest_moved')" true "latest moved back"
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "agents-$stamp.sh" "latest points at the bootstrap again"
pass "seed-agents: bootstrap agents-$stamp.sh + set, latest moved, 11 images in IMGAPI; re-run idempotent"

# listing SANDBOX: every file and link under the sandbox with size and mtime (a re-run must keep it).
listing() {
  find "$1" -printf '%p %s %T@ %y\n' | sort
}

# check_installed SANDBOX WHAT: the 11 agents at their uuids, apm, markers coherent.
check_installed() {
  local sb=$1 what=$2 name uuid
  for name in "${AGENTS[@]}"; do
    uuid=$(jsonf seed.json "b.set.agents.find(a => a.name === '$name').uuid")
    check_eq "$(head -n1 "$sb/opt/smartdc/agents/lib/node_modules/$name/image_uuid" 2>/dev/null)" "$uuid" "$what: $name installed"
  done
  [[ -x "$sb/opt/smartdc/agents/bin/apm" ]] || fail "$what: apm not bootstrapped"
  check_eq "$(cat "$sb/opt/smartdc/agents/etc/agentsshar.sha1")" "$(sha1_of "$SCRIPT")" "$what: agentsshar.sha1"
  # update-agents' listing as the node itself computes it (its own /opt paths).
  (cd "$TEST_DIR/$sb" && find ./opt/smartdc/agents/lib/node_modules/*/ -maxdepth 1 -name image_uuid -print \
    -exec cat {} \;) | sed 's|^\./opt/|/opt/|' >post.want
  grep -q "^/opt/smartdc/agents/lib/node_modules/cn-agent/image_uuid\$" post.want || fail "post.want shape"
  cmp -s post.want "$sb/opt/smartdc/agents/etc/agentsshar.post" || fail "$what: agentsshar.post is not update-agents' listing"
  [[ ! -e "$sb/var/tmp/agents" ]] || fail "$what: unpack dir left behind"
}

# nothing_installed SANDBOX WHAT
nothing_installed() {
  [[ ! -e "$1/opt/smartdc/agents" ]] || fail "$2: something was installed: $(find "$1/opt" | head -3)"
  [[ ! -e "$1/var/tmp/agents" ]] || fail "$2: unpack dir left behind"
}

# run_bootstrap CODE SANDBOX [ENV...]: the script as agentsetup.sh runs it.
run_bootstrap() {
  local code=$1 sb=$2; shift 2
  mkdir -p "$sb/var/tmp"
  expect_exit "$code" env AGENTS_BOOTSTRAP_ROOT="$sb" "$@" bash "$SCRIPT"
}

# headnode_sandbox SB: a headnode's /usbkey/images with the agent images (first boot).
headnode_sandbox() {
  mkdir -p "$1/usbkey/images"
  cp "$HN"/usbkey/images/*.img* "$1/usbkey/images/"
}

# --- (a) headnode mode, IMGAPI down ---------------------------------------------------------------
DOWN=http://127.0.0.1:9   # nothing listens on the discard port
headnode_sandbox hn1
run_bootstrap 0 hn1 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
check_installed hn1 "headnode mode"
grep -q downloading last.err && fail "headnode mode downloaded something"
listing hn1 >hn1.before
sleep 1
run_bootstrap 0 hn1 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
listing hn1 >hn1.after
cmp -s hn1.before hn1.after || { diff hn1.before hn1.after >&2; fail "headnode re-run changed the tree"; }
pass "bootstrap, headnode mode: 11 agents from /usbkey/images with IMGAPI down, markers; re-run changes nothing"

# --- (b) compute-node mode from the DC IMGAPI -----------------------------------------------------
run_bootstrap 0 cn1 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
check_installed cn1 "compute-node mode"
check_eq "$(grep -c downloading last.err)" 11 "compute node downloads the 11 images"
listing cn1 >cn1.before
sleep 1
run_bootstrap 0 cn1 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
listing cn1 >cn1.after
cmp -s cn1.before cn1.after || { diff cn1.before cn1.after >&2; fail "compute-node re-run changed the tree"; }
# The baked-in imgapi_domain is /usbkey/config's: the same IMGAPI without the override,
# used when the node has no /lib/sdc/config.sh.
run_bootstrap 0 cn2
check_installed cn2 "compute-node mode, baked-in imgapi_domain"
expect_in last.err "IMGAPI $dc_URL (imgapi_domain baked in at seed time: no $TEST_DIR/cn2/lib/sdc/config.sh)" \
  "the baked-in domain is named as the fallback"
pass "bootstrap, compute-node mode: 11 agents from the DC IMGAPI; re-run changes nothing"

# --- the node's own imgapi_domain (/lib/sdc/config.sh), the baked one only as a fallback ----------
# config_sh SANDBOX DOMAIN: a config.sh written like the platform's (load_sdc_config reads an
# unset $1, the file tests $1 at the top level: neither may break a nounset caller).
config_sh() {
  mkdir -p "$1/lib/sdc"
  cat >"$1/lib/sdc/config.sh" <<CONFIG
function load_sdc_config {
    prefix=\$1
    [[ -z \${prefix} ]] && prefix="CONFIG_"
    eval "\${prefix}imgapi_domain=$2"
}
if [[ \$1 == "-json" ]]; then
    exit 3
fi
CONFIG
}
# The generated script (baked: the DC IMGAPI) on a node whose config names another host:
# it uses the node's, so with nothing there it fails (53) naming that host.
config_sh cn9 127.0.0.1:9
run_bootstrap 53 cn9
nothing_installed cn9 "config.sh names a dead IMGAPI"
expect_in last.err "IMGAPI http://127.0.0.1:9 (imgapi_domain from $TEST_DIR/cn9/lib/sdc/config.sh)" "config.sh's domain used"
expect_in last.err "downloading http://127.0.0.1:9/images/" "downloads from the node's own IMGAPI"
# A script baked with a dead domain on a node whose config names the DC IMGAPI: installs.
sed 's|^IMGAPI_DOMAIN=".*"$|IMGAPI_DOMAIN="127.0.0.1:9"|' "$SCRIPT" >dead-domain.sh
grep -q '^IMGAPI_DOMAIN="127.0.0.1:9"$' dead-domain.sh || fail "dead-domain.sh"
config_sh cn10 "${dc_URL#http://}"
mkdir -p cn10/var/tmp
expect_exit 0 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/cn10" bash dead-domain.sh
check_eq "$(ls cn10/opt/smartdc/agents/lib/node_modules | wc -l)" 11 "installed from the config's IMGAPI"
expect_in last.err "downloading $dc_URL/images/" "config.sh's IMGAPI, not the baked one"
# A config.sh that gives no imgapi_domain, or not a host[:port]: the baked one, and why.
config_sh cn11 ""
run_bootstrap 0 cn11
expect_in last.err "(imgapi_domain baked in at seed time: load_sdc_config of $TEST_DIR/cn11/lib/sdc/config.sh gives no CONFIG_imgapi_domain)" "empty config domain"
config_sh cn12 "'imgapi.example.com/evil path'"
run_bootstrap 0 cn12
expect_in last.err "gives CONFIG_imgapi_domain 'imgapi.example.com/evil path', not a host[:port])" "bad config domain"
pass "imgapi_domain from the node's /lib/sdc/config.sh (load_sdc_config), the baked-in one as the fallback"

# --- AGENTSSHAR_UNPACK_ONLY ------------------------------------------------------------------------
mkdir -p unpack
run_bootstrap 0 cn3 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL AGENTSSHAR_UNPACK_ONLY=true AGENTSSHAR_UNPACK_DIR="$TEST_DIR/unpack"
check_eq "$(find unpack/agents -name '*.tgz' | wc -l)" 11 "unpack only: the 11 tarballs in AGENTSSHAR_UNPACK_DIR/agents"
# cn-agent's mock backend runs it with only these two variables in its environment.
mkdir -p unpack2
expect_exit 0 env -i AGENTSSHAR_UNPACK_DIR="$TEST_DIR/unpack2" AGENTSSHAR_UNPACK_ONLY=true \
  AGENTS_BOOTSTRAP_IMGAPI_URL="$dc_URL" /bin/bash "$SCRIPT"
check_eq "$(find unpack2/agents -name '*.tgz' | wc -l)" 11 "unpack only with the mock backend's environment"
nothing_installed cn3 "unpack only"
pass "AGENTSSHAR_UNPACK_ONLY: unpacked dir left, nothing installed"

# --- faults: exit code, nothing installed ----------------------------------------------------------
cn_uuid=$(jsonf seed.json "b.set.agents.find(a => a.name === 'cn-agent').uuid")
# Missing image, headnode without IMGAPI.
headnode_sandbox hn2
rm hn2/usbkey/images/"$cn_uuid".imgfile
run_bootstrap 52 hn2 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
nothing_installed hn2 "missing image"
expect_in last.err "cn-agent: image $cn_uuid is neither" "missing image names the agent"
# IMGAPI down on a compute node.
run_bootstrap 53 cn4 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
nothing_installed cn4 "IMGAPI down"
# A tampered image on the key is not used; with no IMGAPI that is a missing image.
headnode_sandbox hn3
printf 'X' | dd of=hn3/usbkey/images/"$cn_uuid".imgfile bs=1 seek=100 conv=notrunc status=none
run_bootstrap 52 hn3 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
nothing_installed hn3 "tampered image on the key"

# A DC IMGAPI that serves a tampered (same size) and then a truncated cn-agent file (its own
# sha1 matches what it stores, so it serves them): agents_core first, then cn-agent.
core_uuid=$(jsonf seed.json "b.set.agents.find(a => a.name === 'agents_core').uuid")
# serve_cn_agent NAME FILE: a DC IMGAPI (server NAME) holding agents_core and FILE as cn-agent.
serve_cn_agent() {
  start_server "$1" --mode dc --data "$TEST_DIR/$1-data" --log-file "$TEST_DIR/$1.log"
  local url_var="${1}_URL"
  "$SDCB_BIN/imgapi-cli" -S "${!url_var}" import -m "$HN/usbkey/images/$core_uuid.imgmanifest" \
    -f "$HN/usbkey/images/$core_uuid.imgfile" --skip-owner-check --no-progress >/dev/null || fail "import agents_core"
  node -e '
    const fs = require("fs"), crypto = require("crypto");
    const m = JSON.parse(fs.readFileSync(process.argv[1], "utf8")), f = fs.readFileSync(process.argv[2]);
    m.files[0].size = f.length; m.files[0].sha1 = crypto.createHash("sha1").update(f).digest("hex");
    fs.writeFileSync(process.argv[3], JSON.stringify(m));' "$HN/usbkey/images/$cn_uuid.imgmanifest" "$2" "$1.imgmanifest"
  "$SDCB_BIN/imgapi-cli" -S "${!url_var}" import -m "$1.imgmanifest" -f "$2" --skip-owner-check --no-progress \
    >/dev/null || fail "import the bad cn-agent"
}
cp "$HN/usbkey/images/$cn_uuid.imgfile" tampered.tgz
printf 'X' | dd of=tampered.tgz bs=1 seek=100 conv=notrunc status=none
serve_cn_agent tampered tampered.tgz
run_bootstrap 55 cn5 AGENTS_BOOTSTRAP_IMGAPI_URL=$tampered_URL
nothing_installed cn5 "tampered download"
expect_in last.err "cn-agent: image $cn_uuid from" "tampered download names the agent"
head -c 1000 "$HN/usbkey/images/$cn_uuid.imgfile" >partial.tgz
serve_cn_agent partial partial.tgz
run_bootstrap 55 cn6 AGENTS_BOOTSTRAP_IMGAPI_URL=$partial_URL
nothing_installed cn6 "partial download"
# apm failing (agents_core already at its uuid, so not bootstrapped again): 60, no markers.
mkdir -p cn7/opt/smartdc/agents/bin cn7/opt/smartdc/agents/lib/node_modules/agents_core
echo "$core_uuid" >cn7/opt/smartdc/agents/lib/node_modules/agents_core/image_uuid
printf '#!/bin/bash\necho "apm: broken" >&2\nexit 1\n' >cn7/opt/smartdc/agents/bin/apm
chmod +x cn7/opt/smartdc/agents/bin/apm
run_bootstrap 60 cn7 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
expect_in last.err "cn-agent: apm install" "install failure names the agent"
[[ ! -e cn7/opt/smartdc/agents/etc/agentsshar.sha1 ]] || fail "markers written after a failed install"
[[ ! -e cn7/var/tmp/agents ]] || fail "unpack dir left after a failed install"
# Arguments are refused (agentsetup.sh passes none).
mkdir -p cn8
expect_exit 1 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/cn8" AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL bash "$SCRIPT" extra-argument
nothing_installed cn8 "arguments"
pass "faults: missing image 52, IMGAPI down 53, tampered key file 52, tampered/partial download 55, apm failing 60, arguments 1; nothing installed"

# --- an agent already at a newer image is left alone (never downgraded) --------------------------
# A cn-agent image published after the set's, in the DC IMGAPI (same file, another uuid).
newer_uuid=00000000-2222-4333-8444-555555555555
node -e '
  const fs = require("fs"), [src, uuid, out] = process.argv.slice(1), m = JSON.parse(fs.readFileSync(src, "utf8"));
  m.uuid = uuid; m.published_at = "2099-01-01T00:00:00.000Z"; m.version = m.version + "-newer";
  fs.writeFileSync(out, JSON.stringify(m));' "$HN/usbkey/images/$cn_uuid.imgmanifest" "$newer_uuid" newer.imgmanifest
"$SDCB_BIN/imgapi-cli" -S "$dc_URL" import -m newer.imgmanifest -f "$HN/usbkey/images/$cn_uuid.imgfile" \
  --skip-owner-check --no-progress >/dev/null || fail "import the newer cn-agent"
old_vm=$(head -n1 "$HN/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid")
vm_uuid=$(jsonf seed.json "b.set.agents.find(a => a.name === 'vm-agent').uuid")
[[ $old_vm != "$vm_uuid" ]] || fail "the headnode's vm-agent is already the bundle's"
# installed NODE AGENT UUID: AGENT's image_uuid on NODE.
installed() {
  mkdir -p "$1/opt/smartdc/agents/lib/node_modules/$2"
  echo "$3" >"$1/opt/smartdc/agents/lib/node_modules/$2/image_uuid"
}
installed cn13 cn-agent "$newer_uuid"
installed cn13 vm-agent "$old_vm"        # an older image IMGAPI has: replaced
installed cn13 net-agent 00000000-9999-4999-8999-999999999999   # one IMGAPI lacks: replaced
run_bootstrap 0 cn13 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
check_eq "$(head -n1 cn13/opt/smartdc/agents/lib/node_modules/cn-agent/image_uuid)" "$newer_uuid" "the newer cn-agent is kept"
check_eq "$(head -n1 cn13/opt/smartdc/agents/lib/node_modules/vm-agent/image_uuid)" "$vm_uuid" "an older vm-agent is replaced"
expect_in last.err "cn-agent: installed image $newer_uuid (published 2099-01-01T00:00:00.000Z) is not older than $cn_uuid" "the log says why"
expect_in last.err "left as it is (this bootstrap never downgrades an agent)" "never downgrades"
expect_in last.err "net-agent: installed image 00000000-9999-4999-8999-999999999999 is not in the DC IMGAPI: counted as older" "unknown image"
grep -q "downloading $dc_URL/images/$cn_uuid/file" last.err && fail "the kept cn-agent was downloaded"
grep -qx "$newer_uuid" cn13/opt/smartdc/agents/etc/agentsshar.post || fail "agentsshar.post lists the kept image"
listing cn13 >cn13.before
sleep 1
run_bootstrap 0 cn13 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
listing cn13 >cn13.after
cmp -s cn13.before cn13.after || { diff cn13.before cn13.after >&2; fail "re-run with a kept agent changed the tree"; }
# IMGAPI that does not answer: the bootstrap cannot tell, so it stops before anything (53).
headnode_sandbox hn7
installed hn7 cn-agent "$newer_uuid"
run_bootstrap 53 hn7 AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN
expect_in last.err "cn-agent: cannot tell whether the installed image $newer_uuid is newer than $cn_uuid" "no answer named"
check_eq "$(ls hn7/opt/smartdc/agents/lib/node_modules)" "cn-agent" "nothing installed when IMGAPI gives no answer"
pass "an agent at a newer image is left alone (logged); older or unknown ones are replaced; no IMGAPI answer: 53"

# --- the shar's cleanup-apm: rabbit-era provisioner and heartbeater go, through apm --------------
installed cn14 agents_core "$core_uuid"   # so the node's own apm is used
installed cn14 provisioner 00000000-aaaa-4aaa-8aaa-aaaaaaaaaaaa
installed cn14 heartbeater 00000000-bbbb-4bbb-8bbb-bbbbbbbbbbbb
mkdir -p cn14/opt/smartdc/agents/bin
tar -xzf "$HN/usbkey/images/$core_uuid.imgfile" -O agents_core/bootstrap/apm >cn14/opt/smartdc/agents/bin/apm.stand-in
cat >cn14/opt/smartdc/agents/bin/apm <<'APM'
#!/bin/bash
# apm with uninstall, logging every call; install is the sample catalog's stand-in.
here=$(cd "$(dirname "$0")" && pwd)
echo "$*" >>"$here/../apm.calls"
if [[ $1 == uninstall ]]; then rm -rf "$here/../lib/node_modules/$2"; exit 0; fi
exec bash "$here/apm.stand-in" "$@"
APM
chmod +x cn14/opt/smartdc/agents/bin/apm
run_bootstrap 0 cn14 AGENTS_BOOTSTRAP_IMGAPI_URL=$dc_URL
[[ ! -e cn14/opt/smartdc/agents/lib/node_modules/provisioner && ! -e cn14/opt/smartdc/agents/lib/node_modules/heartbeater ]] \
  || fail "cleanup-apm left provisioner or heartbeater"
check_eq "$(head -n2 cn14/opt/smartdc/agents/apm.calls)" "$(printf 'uninstall provisioner\nuninstall heartbeater')" \
  "cleanup-apm first, through apm uninstall"
check_eq "$(grep -c '^install ' cn14/opt/smartdc/agents/apm.calls)" 10 "then the 10 other agents"
expect_in last.err "removing provisioner, an agent from the rabbit era (the shar's cleanup-apm)" "cleanup-apm logged"
pass "the shar's cleanup-apm: provisioner and heartbeater uninstalled with apm before the agents are installed"

# Wrong image_uuid inside a tarball whose size and sha1 the set vouches for (a bad build):
# a cn-agent tarball holding another uuid, baked into a copy of the script.
mkdir -p evil/cn-agent
echo "00000000-1111-4222-8333-444444444444" >evil/cn-agent/image_uuid
(cd evil && tar -czf ../evil.tgz cn-agent)
old_line=$(grep "^cn-agent $cn_uuid " "$SCRIPT")
read -r _ _ old_size old_sha1 _ <<<"$old_line"
new_size=$(wc -c <evil.tgz)
new_sha1=$(sha1_of evil.tgz)
sed "s/^cn-agent $cn_uuid $old_size $old_sha1 /cn-agent $cn_uuid $new_size $new_sha1 /" "$SCRIPT" >evil.sh
headnode_sandbox hn4
cp evil.tgz hn4/usbkey/images/"$cn_uuid".imgfile
mkdir -p hn4/var/tmp
expect_exit 56 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/hn4" AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN bash evil.sh
nothing_installed hn4 "wrong image_uuid"
expect_in last.err "holds image_uuid '00000000-1111-4222-8333-444444444444'" "wrong image_uuid named"
pass "fault: wrong image_uuid inside the tarball exits 56, nothing installed"

# A bzip2 agent image (cn-agent recompressed, as config-agent was once published) installs.
gzip -dc "$HN/usbkey/images/$cn_uuid.imgfile" | bzip2 -c >cn.tar.bz2
sed "s/^cn-agent $cn_uuid $old_size $old_sha1 gzip /cn-agent $cn_uuid $(wc -c <cn.tar.bz2) $(sha1_of cn.tar.bz2) bzip2 /" \
  "$SCRIPT" >bz.sh
grep -q "^cn-agent $cn_uuid [0-9]* [0-9a-f]* bzip2 [0-9T:.Z-]*\$" bz.sh || fail "bzip2 line not in the test script"
headnode_sandbox hn6
cp cn.tar.bz2 hn6/usbkey/images/"$cn_uuid".imgfile
mkdir -p hn6/var/tmp
expect_exit 0 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/hn6" AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN bash bz.sh
check_eq "$(head -n1 hn6/opt/smartdc/agents/lib/node_modules/cn-agent/image_uuid)" "$cn_uuid" "bzip2 agent installed"
# Unpacked, it is named as cn-agent names a bzip2 download (.tar.bz2), so the mock backend
# untars it with -j.
headnode_sandbox hn8
cp cn.tar.bz2 hn8/usbkey/images/"$cn_uuid".imgfile
mkdir -p unpack3
expect_exit 0 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/hn8" AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN AGENTSSHAR_UNPACK_ONLY=true \
  AGENTSSHAR_UNPACK_DIR="$TEST_DIR/unpack3" bash bz.sh
[[ -f unpack3/agents/cn-agent-$cn_uuid.tar.bz2 ]] || fail "bzip2 image not unpacked as .tar.bz2: $(ls unpack3/agents)"
check_eq "$(find unpack3/agents -name '*.tgz' | wc -l)" 10 "the gzip ones stay .tgz"
pass "a bzip2 agent image is checked and installed (unpacked as .tar.bz2)"

# --- --media ---------------------------------------------------------------------------------------
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc --media "$TEST_DIR/key" -j --no-progress
check_eq "$(jsonf last.out 'b.images_written + " " + b.script_written')" "11 true" "media: 11 images and the script"
check_eq "$(find key/agent-images -type f -name '*.imgfile' | wc -l) $(find key/agent-images -type f -name '*.imgmanifest' | wc -l)" "11 11" "media images in agent-images/"
# Nothing in images/: the first boot's imgadm install would stop on an agent image.
[[ ! -e key/images ]] || check_eq "$(find key/images -type f | wc -l)" 0 "no agent image in the key's images/"
check_eq "$(find key -type l | wc -l)" 0 "media has no links"
check_eq "$(find key | grep -c '[A-Z]' || true)" 0 "media names are lower-case"
mscript=$(ls key/ur-scripts/agents-*.sh)
[[ -x $mscript ]] || fail "media script not executable"
cmp -s "$mscript" "$SCRIPT" || fail "media script differs from the headnode bootstrap"
listing key >key.before
sleep 1
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc --media "$TEST_DIR/key" -j --no-progress
check_eq "$(jsonf last.out 'b.images_written + " " + b.images_already + " " + b.script_written + " " + b.stale_removed')" "0 11 false 0" "media re-run"
listing key >key.after
cmp -s key.before key.after || fail "media re-run changed the tree"
# Agent images an earlier version left in the key's images/ are removed; other images stay.
mkdir -p key4/images
cp "$HN/usbkey/images/$cn_uuid".img* key4/images/
echo '{}' >key4/images/00000000-0000-4000-8000-000000000001.imgmanifest
expect_exit 0 "$INST" --root "$HN" seed-agents b.sdc --media "$TEST_DIR/key4" -j --no-progress
check_eq "$(jsonf last.out 'b.stale_removed')" 2 "media: cn-agent's old images/ files removed"
check_eq "$(ls key4/images)" "00000000-0000-4000-8000-000000000001.imgmanifest" "media: other images/ files kept"
# Too small a key: refused before writing; a link in the tree: refused.
expect_exit 5 env SDCB_TEST_FREE_BYTES=1000000 "$INST" --root "$HN" seed-agents b.sdc --media "$TEST_DIR/key2" --no-progress
check_eq "$(find key2 -type f | wc -l)" 0 "media: nothing written when the key is too small"
mkdir -p key3/images && ln -s /tmp key3/ur-scripts
expect_exit 4 "$INST" --root "$HN" seed-agents b.sdc --media "$TEST_DIR/key3" --no-progress
expect_in last.err "is a symbolic link" "media refuses links"
# A fresh headnode boots from the media: the bootstrap installs from /mnt/usbkey/images.
mkdir -p hn5/mnt
cp -R key hn5/mnt/usbkey
expect_exit 0 env AGENTS_BOOTSTRAP_ROOT="$TEST_DIR/hn5" AGENTS_BOOTSTRAP_IMGAPI_URL=$DOWN bash "hn5/mnt/usbkey/ur-scripts/$(basename "$mscript")"
check_eq "$(ls hn5/opt/smartdc/agents/lib/node_modules | wc -l)" 11 "first boot from media installs the 11 agents"
expect_in last.err "cn-agent: $TEST_DIR/hn5/mnt/usbkey/agent-images/$cn_uuid.imgfile" "first boot: images from the key's agent-images/"
pass "--media: agent-images + ur-scripts, lower-case, no links, re-run idempotent, stale images/ removed, first boot installs from it"

# --- the builder's flags: agent images instead of the agentsshar, or none -------------------------
build_variant() {
  "$BIN" build -S "$up_URL" --all --cache-dir "$TEST_DIR/cache" -o "$1" --no-progress -j \
    --key "$KEYS/alice.pem" --expires-in 3650 "${@:2}" >/dev/null 2>"$TEST_DIR/$1.err" || { cat "$TEST_DIR/$1.err" >&2; fail "build $*"; }
  "$BIN" inspect -j "$1" >"$1.json" || fail "inspect $1"
}
roles() { jsonf "$1" '["agent", "agentsshar"].map(r => b.index.artifacts.filter(a => a.role === r).length).join(" ")'; }
check_eq "$(roles inspect.json)" "$n_agent_images 1" "build --all: agent images beside the agentsshar"
build_variant noshar.sdc --no-agentsshar
check_eq "$(roles noshar.sdc.json)" "$n_agent_images 0" "build --all --no-agentsshar: agent images instead of the agentsshar"
build_variant noagents.sdc --no-agent-images
check_eq "$(roles noagents.sdc.json)" "0 1" "build --all --no-agent-images: the agentsshar only"
expect_exit 10 "$INST" --root "$HN" seed-agents noagents.sdc --no-progress
expect_in last.err "carries no agent images" "seed-agents on a bundle without agent images"
"$BIN" build -S "$up_URL" agents_core vm-agent --cache-dir "$TEST_DIR/cache" -o partial.sdc --no-progress \
  --key "$KEYS/alice.pem" --expires-in 3650 >/dev/null 2>partial.err || { cat partial.err >&2; fail "build partial"; }
staged_before=$(find "$HN/usbkey" -type f | sort | md5sum)
expect_exit 10 "$INST" --root "$HN" seed-agents partial.sdc --no-progress
expect_in last.err "lacks the agent images of cn-agent" "seed-agents on a bundle with some agents names the missing ones"
check_eq "$(find "$HN/usbkey" -type f | sort | md5sum)" "$staged_before" "a partial set stages nothing"
pass "builder: agent images beside / instead of the agentsshar; seed-agents refuses a bundle without them, or without all 11 (10)"

# --- seed-agents with the DC IMGAPI down: exit 6, latest untouched ----------------------------------
ln -sfn "$shar_before" "$HN/usbkey/extra/agents/latest"
kill "$dcimgapi_PID"
wait "$dcimgapi_PID" 2>/dev/null || true
expect_exit 6 "$INST" --root "$HN" seed-agents b.sdc --no-progress
check_eq "$(readlink "$HN/usbkey/extra/agents/latest")" "$shar_before" "IMGAPI down: latest untouched"
pass "seed-agents with the DC IMGAPI down: exit 6, latest untouched"
