#!/usr/bin/env bash
# `sdcadm-bundle build -n` as the front end of builder::resolve: over the sample catalog every
# entry of sdcadm's service map resolves on dev (the default) and release, sdcadm by semver;
# resolve errors leave with their exit codes (usage 2, not_found 10, unknown_channel 50,
# origin_loop 51) and a message that names the problem.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog" 256K
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"

# --- everything resolves --------------------------------------------------------------------
for ch in dev release; do
  expect_exit 0 "$BIN" build -S "$up_URL" -C "$ch" --all -n -j --cache-dir cache
  cp last.out "plan-$ch.json"
  check_eq "$(jsonf "plan-$ch.json" 'b.source.channel')" "$ch" "$ch: channel"
  check_eq "$(jsonf "plan-$ch.json" 'b.skipped.length')" 0 "$ch: nothing skipped"
  # 47 services and agents of imgNamesFromSvcName + agentsshar, gz-tools, platform, sdcadm.
  check_eq "$(jsonf "plan-$ch.json" 'b.artifacts.filter(a => a.role !== "origin").length')" 51 \
    "$ch: one target per map entry"
  check_eq "$(jsonf "plan-$ch.json" 'new Set(b.artifacts.map(a => a.uuid)).size === b.artifacts.length')" \
    true "$ch: each image once"
  check_eq "$(jsonf "plan-$ch.json" 'b.artifacts.find(a => a.role === "sdcadm").version')" 1.40.0 \
    "$ch: sdcadm by semver (not the later-published 1.39.1 hotfix)"
  check_eq "$(jsonf "plan-$ch.json" 'b.artifacts.some(a => a.role === "origin" && a.name === "minimal-64-lts")')" \
    true "$ch: origin chains down to the base image"
done
expect_exit 0 "$BIN" build -S "$up_URL" imgapi -n -j --cache-dir cache
check_eq "$(jsonf last.out 'b.source.channel')" dev "the server's default channel"

# --- errors and their exit codes ------------------------------------------------------------
expect_exit 50 "$BIN" build -S "$up_URL" -C nightly imgapi -n --cache-dir cache
expect_in last.err "channel nightly does not exist on $up_URL; it has: experimental, dev, staging, release, support" \
  "unknown channel"
expect_exit 2 "$BIN" build -S "$up_URL" imgpai -n --cache-dir cache
expect_in last.err 'unknown service "imgpai"' "unknown service"
expect_exit 2 "$BIN" build -S "$up_URL" sdc-postgres -n --cache-dir cache
expect_in last.err "did you mean manatee?" "image name hint"
expect_exit 10 "$BIN" build -S "$up_URL" -C experimental imgapi -n --cache-dir cache
expect_in last.err "no image named imgapi on channel experimental" "no image on the channel"
expect_exit 10 "$BIN" build -S "$up_URL" imgapi@deadbeef-0000-4000-8000-000000000000 -n --cache-dir cache
expect_in last.err "has no image deadbeef-0000-4000-8000-000000000000" "unknown pinned uuid"

# --- a catalog whose origins loop, and one missing an origin --------------------------------
# minimal-64-lts 23.4.0 <- triton-origin-x86_64-23.4.0 <- imgapi's newest release build: make
# the base point back at the origin.
base=$(jsonf catalog/catalog.json "b.artifacts['minimal-64-lts'].find(i => i.version === '23.4.0').uuid")
origin=$(jsonf catalog/catalog.json "b.artifacts['triton-origin-x86_64-23.4.0'][0].uuid")
[[ -n "$base" && -n "$origin" ]] || fail "base or origin not found in catalog.json"
cp -r "$TEST_DIR/catalog" "$TEST_DIR/loop"
node -e '
  const fs = require("fs");
  const f = process.argv[1], m = JSON.parse(fs.readFileSync(f, "utf8"));
  m.origin = process.argv[2];
  fs.writeFileSync(f, JSON.stringify(m, null, 2) + "\n");' "$TEST_DIR/loop/$base.imgmanifest" "$origin"
start_server loop "$TEST_DIR/loop"
expect_exit 51 "$BIN" build -S "$loop_URL" -C release imgapi -n --cache-dir cache
expect_in last.err "origin loop on the updates server: $origin -> $base -> $origin" "loop named"

cp -r "$TEST_DIR/catalog" "$TEST_DIR/orphan"
rm "$TEST_DIR/orphan/$base.imgmanifest" "$TEST_DIR/orphan/$base.imgfile"
start_server orphan "$TEST_DIR/orphan"
expect_exit 10 "$BIN" build -S "$orphan_URL" -C release imgapi -n --cache-dir cache
expect_in last.err "has origin $base, which the updates server does not have" "missing origin named"

pass
