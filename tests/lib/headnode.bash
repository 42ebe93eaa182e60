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
#   HN/usbkey/extra/agents/ with its "latest" link, makes HN/usbkey/os/STAMP/ for each
#   installed platform (as `sdcadm platform install` leaves it), and exports:
#     FAKE_SDCADM_ROOT=HN          fake-sdcadm's root
#     HN_IMGAPI_URL=http://127.0.0.1:PORT   the DC IMGAPI
#     HN_SDCADM=$SDCB_BIN/fake-sdcadm       what to pass as the installer's --sdcadm
#     HN_STATE=HN/var/fake-sdcadm/state.json
#     HN_CHANNEL=CHANNEL
make_headnode() {
  local hn=$1 catalog=$2 channel=${3:-dev}
  [[ -f "$catalog/catalog.json" ]] || fail "make_headnode: $catalog has no catalog.json (not a sample catalog)"
  mkdir -p "$hn"/usbkey/{images,extra/agents,os,extra/gz-tools} "$hn/mnt/usbkey" \
    "$hn"/var/{sdcadm,run,log,fake-sdcadm} "$hn/imgapi-data"
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
  _headnode_platforms "$hn"
  export FAKE_SDCADM_ROOT=$hn HN_IMGAPI_URL=$url HN_SDCADM=$SDCB_BIN/fake-sdcadm
  export HN_STATE=$hn/var/fake-sdcadm/state.json HN_CHANNEL=$channel
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
