#!/usr/bin/env bash
# `sdcadm-bundle serve BUNDLE`: a bundle as a read-only updates-server mirror. The served
# images are enough for a resolver: building again from the mirror picks the same images;
# files come out with upstream's bytes; split parts serve too; bad bundles are refused at
# start with the reader's exit codes. (sdc-clients drives it in
# tests/conformance/sdc_clients_bundle.test.js.)
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
CLI="$SDCB_BIN/imgapi-cli"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --cache-dir cache -o rel.sdc >/dev/null
"$BIN" inspect -j rel.sdc >rel.json || fail "inspect rel.sdc"

# --- start: the summary line names the bundle and its default channel -------------------
start_server mirror rel.sdc
grep -q "listening on http://127.0.0.1:.* (mode private, bundle rel.sdc ([0-9a-f-]*), [0-9]* images, channels .*release(default)" \
  mirror.log || fail "summary line: $(cat mirror.log)"
images=$(jsonf rel.json 'new Set(b.index.artifacts.filter(a => a.manifest).map(a => a.uuid)).size')
grep -q ", $images images," mirror.log || fail "image count $images: $(cat mirror.log)"
pass "serve BUNDLE starts at once and says what it serves"

# --- a resolver sees the same release: build again from the mirror ----------------------
expect_exit 0 "$BIN" build -S "$mirror_URL" --all --cache-dir cache2 -o again.sdc
"$BIN" inspect -j again.sdc >again.json || fail "inspect again.sdc"
targets='JSON.stringify(b.index.artifacts.map(a => a.role + " " + a.uuid).sort())'
check_eq "$(jsonf again.json "$targets")" "$(jsonf rel.json "$targets")" \
  "a build from the mirror (default channel) picks the same artifacts"
check_eq "$(jsonf again.json 'b.index.channel')" release "the mirror's default channel"
pass "building from the mirror reproduces the release"

# --- files: upstream's bytes --------------------------------------------------------------
uuid=$(jsonf rel.json 'b.index.artifacts.find(a => a.role === "service-image" && a.file).uuid')
expect_exit 0 "$CLI" -S "$mirror_URL" get-file "$uuid" -o served.file
expect_exit 0 "$CLI" -S "$up_URL" -C '*' get-file "$uuid" -o upstream.file
cmp -s served.file upstream.file || fail "served bytes differ from upstream's"
pass "image files are upstream's bytes"

# --- split parts: the part list or the name beside the parts ---------------------------
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --cache-dir cache -o split.sdc \
  --split-size 1M
start_server parts split.sdc.parts.json
expect_exit 0 "$CLI" -S "$parts_URL" get-file "$uuid" -o parts.file
cmp -s parts.file upstream.file || fail "bytes served from split parts differ"
start_server beside split.sdc
expect_exit 0 "$CLI" -S "$beside_URL" get "$uuid"
pass "split bundles serve from their parts"

# --- bad bundles are refused at start with the reader's exit codes ----------------------
serve_once() { "$BIN" serve "$@" --listen 127.0.0.1:0; }
head -c 100000 rel.sdc >short.sdc
expect_exit 21 serve_once short.sdc
expect_exit 10 serve_once missing.sdc
: >empty.sdc
expect_exit 21 serve_once empty.sdc
expect_in last.err "empty.sdc" "the error names the file"
pass "a truncated, missing or empty bundle is refused before listening"
