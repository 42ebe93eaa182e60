#!/usr/bin/env bash
# The demo, the whole story on one machine (everything on 127.0.0.1, cleaned up at the end):
#  1. the connected side: a sample Triton catalog served as an updates server
#  2. the release team's keys and a 2-of-3 trust root
#  3. an air-gapped DC on an older release: the simulated headnode (DC IMGAPI, /usbkey,
#     fake-sdcadm; docs/simulated-headnode.md) and three compute nodes: one running, one
#     down, one racked but not set up
#  4. the operator installs the DC's trust root (and the DC makes its own receipt key)
#  5. the DC's inventory, carried to the connected side
#  6. a bundle trimmed to what that DC lacks, signed by two of the three keys
#  7. back in the DC: verify the bundle, then the plan (what sdcadm cannot do in this DC is
#     held back with the reason; the servers left out are named)
#  8. install: stage, import, self-update sdcadm, agents, gz-tools, services, amon probes,
#     platform; each step's outcome checked against the DC before it counts as done
#  9. a second install finds nothing to do
# 10. the history, what the DC runs now, and every step's post-step check asked again
# 11. cn3 is set up and gets its agents from the agent images (no agentsshar)
# 12. the install's signed receipt, carried out and verified on the connected side
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null

# The simulated headnode comes from the test library (make_headnode); the harness gives it a
# scratch directory ($TEST_DIR) and starts the servers. Our trap replaces the harness's (which
# keeps a failed test's directory): the demo stops its servers and keeps nothing, pass or fail.
export SDCB_SOURCE=$PWD SDCB_BIN=$PWD/build/bin
source tests/lib/harness.sh
source tests/lib/headnode.bash
cleanup() {
  local pid
  for pid in "${_harness_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TEST_DIR"
}
trap cleanup EXIT

bin=$SDCB_BIN
work=$TEST_DIR
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }   # the command a reader would type

step "1. the connected side: sample Triton catalog (64 MiB, seed 1) and an updates server"
"$bin/sample-catalog" -o "$work/catalog" --scale 64M --seed 1
start_server updates "$work/catalog"
updates=$updates_URL
echo "updates server: $updates"
"$bin/imgapi-cli" -S "$updates" channels

step "2. the release team's keys and trust root: 2 of 3 signatures required"
for k in alice bob carol; do "$bin/sdcadm-bundle" key generate -o "$work/$k.pem"; done
"$bin/sdcadm-bundle" trust init --signer "$work/alice.pub" --signer "$work/bob.pub" \
  --signer "$work/carol.pub" --threshold 2 --key "$work/alice.pem" --key "$work/bob.pem" \
  -o "$work/root.json"
"$bin/sdcadm-bundle" trust show "$work/root.json"

step "3. an air-gapped DC on an older release (simulated headnode, dev channel), three compute nodes"
make_headnode "$work/hn" "$work/catalog" dev
HN=$FAKE_SDCADM_ROOT
headnode_server cn1 running --agents >/dev/null       # in service
headnode_server cn2 stopped --agents >/dev/null       # down for repair (CNAPI status "unknown")
cn3=$(headnode_server cn3 unsetup)                    # racked, not set up yet
echo "headnode root: $HN   DC IMGAPI: $HN_IMGAPI_URL"
show "sdc-server lookup -j"
"$HN_SDC_SERVER" lookup -j | node -e 'require("readline").createInterface({input: process.stdin})
  .on("line", (l) => { const s = JSON.parse(l);
    console.log(`  ${s.hostname.padEnd(9)} setup=${s.setup} status=${s.status}${s.headnode ? " (headnode)" : ""}`); });'
show "sdcadm --version"
"$HN_SDCADM" --version
show "sdcadm insts"
"$HN_SDCADM" insts

# The operator's command on this headnode: every path under $HN, fake-sdcadm as sdcadm.
sdcadm_install() { "$bin/sdcadm-install" --root "$HN" --sdcadm "$HN_SDCADM" --sdc-server "$HN_SDC_SERVER" "$@"; }

step "4. the operator installs the DC's trust root (carried in on the USB key, checked by hand)"
sdcadm_install trust init "$work/root.json"

step "5. the DC's inventory, carried out to the connected side"
sdcadm_install inventory -o "$work/DC.json"
node -e 'const d = require(process.argv[1]);
  console.log(`DC.json: datacenter ${d.datacenter} on channel ${d.update_channel}, ${d.services.length} services, ` +
    `${d.images.length} images in IMGAPI, sdcadm ${d.sdcadm.version}`);' "$work/DC.json"

step "6. a bundle of the dev channel trimmed to what this DC lacks, signed by alice and bob"
# Today at 00:00 UTC: the same inputs give the same bytes all day (and the bundle's 90-day
# expiry counts from today).
export SOURCE_DATE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
"$bin/sdcadm-bundle" build -S "$updates" --all --inventory "$work/DC.json" \
  --key "$work/alice.pem" --key "$work/bob.pem" --cache-dir "$work/cache" -o "$work/dc.sdc"
"$bin/sdcadm-bundle" inspect "$work/dc.sdc"

step "7. in the DC: verify the bundle against the DC's trust root, then the plan"
sdcadm_install verify "$work/dc.sdc"
sdcadm_install plan "$work/dc.sdc"

step "8. install: stage, import, self-update sdcadm, agents, gz-tools, services, amon probes, platform"
sdcadm_install apply "$work/dc.sdc" -y

step "9. the same bundle again: nothing to do"
sdcadm_install apply "$work/dc.sdc" -y

step "10. the history, what the DC runs now, and each step's outcome checked again"
sdcadm_install history
show "sdcadm --version"
"$HN_SDCADM" --version
show "sdcadm insts"
"$HN_SDCADM" insts
# The same post-step checks apply ran after each step, asked again of the DC now.
sdcadm_install check

step "11. cn3 is set up: it gets its agents without the agentsshar (docs/agents.md)"
# CNAPI's server-setup runs stock agentsetup.sh, which fetches /usbkey/extra/agents/latest and
# runs it with bash. latest now names the bootstrap apply made from the agent images; here it
# runs in cn3's simulated root and downloads every agent from the DC IMGAPI.
show "ls -l /usbkey/extra/agents/latest"
ls -l "$HN/usbkey/extra/agents/latest" | sed 's/.* latest/latest/'
cn=$HN/var/fake-sdcadm/servers/$cn3
mkdir -p "$cn"
AGENTS_BOOTSTRAP_ROOT=$cn AGENTS_BOOTSTRAP_IMGAPI_URL=$HN_IMGAPI_URL bash "$HN/usbkey/extra/agents/latest" 2>&1 |
  tail -n 3
show "agents installed on the new node"
for f in "$cn"/opt/smartdc/agents/lib/node_modules/*/image_uuid; do
  printf '  %-16s %s\n' "$(basename "$(dirname "$f")")" "$(cat "$f")"
done

step "12. the install's receipt, signed by the DC's key, carried out and verified on the connected side"
# Every apply writes one (docs/receipt.md); the install of step 8 is the first. The DC's
# public key goes out once (over a channel the release side trusts), the receipts on the stick.
sdcadm_install receipt list
install_run=$(sdcadm_install receipt list -j | node -e 'let t = ""; process.stdin.on("data", (d) => t += d)
  .on("end", () => console.log(JSON.parse(t).receipts[0].run))')
sdcadm_install trust dc-key -o "$work/DC.pub"
sdcadm_install receipt "$install_run" -o "$work/install.receipt"
show "sdcadm-bundle receipt verify install.receipt --dc-key DC.pub"
"$bin/sdcadm-bundle" receipt verify "$work/install.receipt" --dc-key "$work/DC.pub"

step "done: catalog, updates server, keys, trust root, DC inventory, trimmed signed bundle, verify, plan, install, re-install, history, a new node's agents from their images, the signed install receipt checked on the connected side"
