# The simulated headnode (docs/simulated-headnode.md). Source after tests/lib/harness.sh:
#   source "$SDCB_SOURCE/tests/lib/harness.sh"
#   source "$SDCB_SOURCE/tests/lib/headnode.bash"
#   make_headnode "$TEST_DIR/hn" "$CATALOG_DIR" [CHANNEL]
#
# make_headnode HN CATALOG_DIR [CHANNEL]   (CHANNEL defaults to dev, the updates server's
#   default channel, which is also what sdcadm-bundle build uses without -C)
#   CATALOG_DIR is a sample catalog (build/bin/sample-catalog -o DIR --scale 8M -q). Builds
#   the root-prefixed tree under HN, starts the DC-mode IMGAPI on HN/imgapi-data (server
#   "dcimgapi", stopped with the test), imports into it the DC's older release (per service,
#   an image older than CHANNEL's newest where the catalog has one, else the newest;
#   tests/lib/headnode_seed.js says how it is chosen; on dev every service is older),
#   writes HN/usbkey/config and HN/var/fake-sdcadm/state.json (one instance per service on
#   that image, agents on the headnode), puts the older agentsshar in
#   HN/usbkey/extra/agents/ with its "latest" link (agents-<uuid>.sh, as update-agents names
#   a shar it fetched) and the agents' image_uuid files under HN/opt/smartdc/agents (with
#   agentsshar.sha1/.post), installs the older gz-tools from its tarball (which leaves
#   HN/opt/smartdc/etc/gz-tools.image), makes HN/usbkey/os/STAMP/ for each installed
#   platform (as `sdcadm platform install` leaves it), and exports:
#     FAKE_SDCADM_ROOT=HN          fake-sdcadm's root
#     HN_IMGAPI_URL=http://127.0.0.1:PORT   the DC IMGAPI
#     HN_SDCADM=$SDCB_BIN/fake-sdcadm       what to pass as the installer's --sdcadm
#     HN_STATE=HN/var/fake-sdcadm/state.json
#     HN_CHANNEL=CHANNEL
#     HN_CATALOG=CATALOG_DIR       (for headnode_instance)
#     HN_SDC_SERVER=$SDCB_BIN/fake-sdc-server   what to pass as the installer's --sdc-server
#     HN_SDC_AMONADM=HN/opt/smartdc/bin/sdc-amonadm   the headnode's sdc-amonadm (a link to
#                                  fake-sdc-amonadm; the installer's default --sdc-amonadm)
#   and, when the DC has amon and sdc zones, the probes `sdc-amonadm update` leaves (as
#   headnode setup runs it, sdc-headnode scripts/headnode.sh:985).
make_headnode() {
  local hn=$1 catalog=$2 channel=${3:-dev}
  [[ -f "$catalog/catalog.json" ]] || fail "make_headnode: $catalog has no catalog.json (not a sample catalog)"
  mkdir -p "$hn"/usbkey/{images,extra/agents,os,extra/gz-tools} "$hn/mnt/usbkey" \
    "$hn"/var/{sdcadm,run,log,fake-sdcadm,tmp} "$hn/imgapi-data"
  start_server dcimgapi --mode dc --data "$hn/imgapi-data"
  # shellcheck disable=SC2154  # set by start_server
  local url=$dcimgapi_URL
  cat >"$hn/usbkey/config" <<CONFIG
#
# Simulated headnode (tests/lib/headnode.bash): the keys the installer and fake-sdcadm read.
#
datacenter_name=sim-1
dns_domain=example.com
admin_ip=10.0.0.1
imgapi_domain=${url#http://}
CONFIG
  local uuids
  uuids=$(node "$SDCB_SOURCE/tests/lib/headnode_seed.js" "$catalog" "$channel" "$hn") \
    || fail "make_headnode: choosing the older release failed"
  local u
  for u in $uuids; do
    "$SDCB_BIN/imgapi-cli" -S "$url" import -m "$catalog/$u.imgmanifest" -f "$catalog/$u.imgfile" \
      --skip-owner-check --no-progress >/dev/null || fail "make_headnode: importing image $u"
  done
  _headnode_agentsshar "$hn" "$catalog"
  _headnode_agents "$hn"
  _headnode_gz_tools "$hn" "$catalog"
  _headnode_platforms "$hn"
  _headnode_amon "$hn"
  export FAKE_SDCADM_ROOT=$hn HN_IMGAPI_URL=$url HN_SDCADM=$SDCB_BIN/fake-sdcadm
  export HN_STATE=$hn/var/fake-sdcadm/state.json HN_CHANNEL=$channel HN_CATALOG=$catalog
  export HN_SDC_SERVER=$SDCB_BIN/fake-sdc-server HN_SDC_AMONADM=$hn/opt/smartdc/bin/sdc-amonadm
}

# headnode_instance SERVICE IMAGE_UUID add|move: after make_headnode, a DC that is not one
# instance per service on one release (tests/lib/headnode_instance.js): `add` gives SERVICE
# one more instance on IMAGE_UUID (as `sdcadm create` would), `move` puts all its instances
# on it (as `sdcadm up SERVICE@IMAGE_UUID` would). Any image of the catalog with one of the
# service's names, older or newer than the bundle's; it and its origins are imported into
# the DC IMGAPI when missing.
headnode_instance() {
  local service=$1 image=$2 how=$3 uuids u
  uuids=$(node "$SDCB_SOURCE/tests/lib/headnode_instance.js" "$HN_CATALOG" "$FAKE_SDCADM_ROOT" \
    "$service" "$image" "$how") || fail "headnode_instance $service $image $how"
  for u in $uuids; do
    curl -sf -o /dev/null "$HN_IMGAPI_URL/images/$u" && continue
    "$SDCB_BIN/imgapi-cli" -S "$HN_IMGAPI_URL" import -m "$HN_CATALOG/$u.imgmanifest" \
      -f "$HN_CATALOG/$u.imgfile" --skip-owner-check --no-progress >/dev/null \
      || fail "headnode_instance: importing image $u"
  done
}

# headnode_server HOSTNAME running|stopped|unsetup [--ur-timeout] [--agents]: after
# make_headnode, adds a compute node to the DC's CNAPI servers (tests/lib/headnode_server.js)
# and prints its uuid. running: set up, status "running"; stopped: set up, status "unknown"
# (down); unsetup: not set up, status "running" (never has agents). --ur-timeout: its ur
# agent does not answer (update-agents: "did not reply to Ur broadcast"; check-health: ur
# errors; update-gz-tools: "could not find all nodes"). --agents: one agent instance per
# agent service of the headnode, on the headnode's images, and their files under
# $HN/var/fake-sdcadm/servers/<uuid>/opt/smartdc/agents/ (image_uuid per agent,
# agentsshar.sha1/.post of the latest shar). Without --agents a set-up server has no
# /opt/smartdc/agents/lib: update-agents fails there with exit 50, as the real one would.
headnode_server() {
  node "$SDCB_SOURCE/tests/lib/headnode_server.js" "$FAKE_SDCADM_ROOT" add "$@" || fail "headnode_server $*"
}

# headnode_agent_without_instance SERVICE HOSTNAME: the agent row of SERVICE on HOSTNAME
# loses its "instance" (CNAPI reports no uuid for an agent without
# /opt/smartdc/agents/etc/<agent>; sdcadm insts -j then has no "instance" for it).
headnode_agent_without_instance() {
  node "$SDCB_SOURCE/tests/lib/headnode_server.js" "$FAKE_SDCADM_ROOT" no-instance "$1" "$2" \
    || fail "headnode_agent_without_instance $*"
}

# The DC's agentsshar on the USB key, as update-agents leaves it: the file and "latest".
_headnode_agentsshar() {
  local hn=$1 catalog=$2
  local uuid file
  read -r uuid file < <(node -e '
    const s = require(process.argv[1]).agentsshar;
    if (s.image) console.log(s.image + " " + s.file);' "$hn/var/fake-sdcadm/state.json")
  [[ -n "${uuid:-}" ]] || return 0
  cp "$catalog/$uuid.imgfile" "$hn/usbkey/extra/agents/$file"
  ln -sfn "$file" "$hn/usbkey/extra/agents/latest"
}

# The headnode's installed agents as the shar leaves them: per agent instance on the
# headnode /opt/smartdc/agents/lib/node_modules/<agent>/image_uuid, and the files
# update-agents' install script writes after a run (agentsshar.sha1 of the latest shar,
# agentsshar.post: what `find .../node_modules/*/ -name image_uuid -maxdepth 1 -print -exec
# cat {} \;` printed), so that update-agents with the same shar has nothing to do.
_headnode_agents() {
  local hn=$1
  node -e '
    const [hn, lib] = process.argv.slice(1);
    const s = require(hn + "/var/fake-sdcadm/state.json");
    const agents = s.instances.filter((i) => i.type === "agent" && i.hostname === "headnode");
    require(lib).writeAgentFiles(hn, agents, hn + "/usbkey/extra/agents/latest");' \
    "$hn" "$SDCB_SOURCE/tests/lib/headnode_agent_files.js" || fail "make_headnode: the headnode's agents"
}

# The DC's gz-tools, installed the way `sdcadm experimental update-gz-tools UUID` does it
# (download to /var/tmp/gz-tools-<uuid>.tgz, install, delete): fake-sdcadm runs the real
# steps on the tarball, which leaves /opt/smartdc/etc/gz-tools.image, the USB key's scripts
# and tools; the run is then taken out of the state's log (the DC's past, not a test's).
_headnode_gz_tools() {
  local hn=$1 catalog=$2
  local uuid
  uuid=$(node -e 'const g = require(process.argv[1]).gz_tools; if (g.image) console.log(g.image);' \
    "$hn/var/fake-sdcadm/state.json")
  [[ -n "$uuid" ]] || return 0
  cp "$catalog/$uuid.imgfile" "$hn/var/tmp/gz-tools-$uuid.tgz"
  FAKE_SDCADM_ROOT=$hn "$SDCB_BIN/fake-sdcadm" experimental update-gz-tools "/var/tmp/gz-tools-$uuid.tgz" \
    >"$hn/var/tmp/gz-tools-install.log" 2>&1 || { cat "$hn/var/tmp/gz-tools-install.log" >&2; fail "make_headnode: installing gz-tools $uuid"; }
  rm -f "$hn/var/tmp/gz-tools-$uuid.tgz" "$hn/var/tmp/gz-tools-install.log"
  node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p, "utf8"));
    s.log = []; fs.writeFileSync(p, JSON.stringify(s, null, 2) + "\n");' "$hn/var/fake-sdcadm/state.json"
}

# The headnode's sdc-amonadm, a link as sdc-headnode makes it (Makefile:81, to
# tools/lib/wrap.sh) but to fake-sdc-amonadm, and the DC's Amon probes as headnode setup
# leaves them: it runs `sdc-amonadm update` once (scripts/headnode.sh:985; the sdc zone's
# cron then runs it hourly, sdc-sdc boot/setup.sh:47). The run is the DC's past: it leaves
# the state's log and the command log.
_headnode_amon() {
  local hn=$1
  mkdir -p "$hn/opt/smartdc/bin"
  ln -sfn "$SDCB_BIN/fake-sdc-amonadm" "$hn/opt/smartdc/bin/sdc-amonadm"
  node -e 'const s = require(process.argv[1]);
    const has = (svc) => s.instances.some((i) => i.type === "vm" && i.service === svc);
    process.exit(has("amon") && has("sdc") ? 0 : 1);' "$hn/var/fake-sdcadm/state.json" || return 0
  FAKE_SDCADM_ROOT=$hn "$hn/opt/smartdc/bin/sdc-amonadm" update >"$hn/var/tmp/amonadm.log" 2>&1 \
    || { cat "$hn/var/tmp/amonadm.log" >&2; fail "make_headnode: sdc-amonadm update"; }
  rm -f "$hn/var/tmp/amonadm.log"
  sed -i '/ sdc-amonadm update$/d' "$hn/var/fake-sdcadm/commands.log"
  node -e 'const fs = require("fs"), p = process.argv[1], s = JSON.parse(fs.readFileSync(p, "utf8"));
    s.log = []; fs.writeFileSync(p, JSON.stringify(s, null, 2) + "\n");' "$hn/var/fake-sdcadm/state.json"
}

# The DC's installed platforms on the USB key, as `sdcadm platform install` leaves them:
# /usbkey/os/<stamp>/ (what sdcadm-install inventory and plan read).
_headnode_platforms() {
  local hn=$1 stamp
  for stamp in $(node -e '
    const p = require(process.argv[1]).platforms;
    console.log(((p && p.installed) || []).join("\n"));' "$hn/var/fake-sdcadm/state.json"); do
    mkdir -p "$hn/usbkey/os/$stamp"
  done
}
