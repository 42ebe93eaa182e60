#!/usr/bin/env bash
# Trimmed builds (--inventory: what the DC already has stays out, the trim basis is recorded)
# and split volumes (--split-size: parts no larger than asked, their concatenation is the
# unsplit bundle, verify/inspect/changelog take the parts, a damaged or missing part is
# named before anything is joined).
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"

make_catalog "$TEST_DIR/catalog"
start_server up "$TEST_DIR/catalog"
cd "$TEST_DIR"
INV="$SDCB_SOURCE/docs/examples/inventory.json"

# --- trim ---------------------------------------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --cache-dir cache -o full.sdc -j
cp last.out full.json
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --inventory "$INV" --cache-dir cache -o trim.sdc -j
cp last.out trim.json
expect_exit 0 "$BIN" inspect -j trim.sdc
cp last.out trim-inspect.json
check_eq "$(jsonf trim-inspect.json 'b.index.trim.datacenter')" us-east-1 "trim datacenter"
check_eq "$(jsonf trim-inspect.json 'b.index.trim.inventory_sha256')" "$(sha256sum <"$INV" | cut -d' ' -f1)" "trim digest = sha256 of the inventory file"
full=$(jsonf full.json 'b.artifacts')
trimmed=$(jsonf trim.json 'b.artifacts')
(( trimmed > 0 && trimmed < full )) || fail "trimmed bundle has $trimmed of $full artifacts"
(( $(jsonf trim.json 'b.trimmed.length') > 0 )) || fail "no trim notes"
# Nothing the DC has active in its IMGAPI is in the bundle.
node -e '
  const fs = require("fs");
  const inv = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const have = new Set(inv.images.map(i => i.uuid));
  const arts = JSON.parse(fs.readFileSync("trim-inspect.json", "utf8")).index.artifacts;
  const bad = arts.filter(a => have.has(a.uuid));
  if (bad.length) { console.error("bundled although active in the DC: " + bad.map(a => a.uuid)); process.exit(1); }
  if (arts.some(a => a.role === "service-image" && a.name === "sapi")) { console.error("sapi is current in the DC"); process.exit(1); }' "$INV" ||
  fail "trimmed bundle carries what the DC has"
expect_exit 0 "$BIN" inspect trim.sdc
expect_in last.out "trim basis: inventory of us-east-1" "inspect shows the trim basis"
expect_exit 0 "$BIN" build -S "$up_URL" -C release --all --inventory "$INV" --cache-dir cache -n
expect_in last.out "trimmed (" "dry run lists trimmed entries"
expect_exit 0 "$BIN" verify trim.sdc
pass "--inventory leaves out what the DC has ($trimmed of $full artifacts kept)"

# --- split ---------------------------------------------------------------------------------
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir cache -o whole.sdc
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir cache -o split.sdc --split-size 1M -j
cp last.out split.json
[[ ! -e split.sdc ]] || fail "the single file stays after splitting"
[[ -f split.sdc.parts.json ]] || fail "no parts list"
check_eq "$(jsonf split.json 'b.bundle')" split.sdc.parts.json "summary names the parts list"
parts=(split.sdc.0*)
(( ${#parts[@]} >= 3 )) || fail "expected at least 3 parts, got ${#parts[@]}"
check_eq "$(jsonf split.json 'b.parts.length')" "${#parts[@]}" "summary lists the parts"
for p in "${parts[@]}"; do
  (( $(stat -c %s "$p") <= 1048576 )) || fail "$p is larger than the split size"
done
cat split.sdc.0* | cmp - whole.sdc || fail "cat of the parts differs from the unsplit bundle"
check_eq "$(jsonf split.sdc.parts.json 'b.bundle_size')" "$(stat -c %s whole.sdc)" "parts list bundle_size"
for arg in split.sdc.parts.json split.sdc split.sdc.001; do
  expect_exit 0 "$BIN" verify "$arg"
  expect_exit 0 "$BIN" inspect "$arg"
done
expect_exit 0 "$BIN" changelog split.sdc.parts.json imgapi
expect_in last.out "imgapi: (new)" "changelog on parts"
cat split.sdc.0* | "$BIN" verify - >/dev/null 2>&1 || fail "verify - of the joined parts"
pass "split into ${#parts[@]} parts <= 1 MiB; cat == unsplit; verify, inspect, changelog take parts"

# A flipped byte in part 2: named before anything is joined.
cp split.sdc.002 part2.bak
printf '\x00' | dd of=split.sdc.002 bs=1 seek=1000 conv=notrunc status=none
cmp -s split.sdc.002 part2.bak && printf '\x01' | dd of=split.sdc.002 bs=1 seek=1000 conv=notrunc status=none
expect_exit 26 "$BIN" verify split.sdc.parts.json
expect_in last.err "part 2 of ${#parts[@]} (split.sdc.002)" "bad part named"
expect_exit 26 "$BIN" verify split.sdc.001
expect_in last.err "split.sdc.002" "bad part named from the first part"
expect_exit 26 "$BIN" verify -j split.sdc
check_eq "$(jsonf last.out 'b.ok + " " + b.exit_code')" "false 26" "verify -j reports the failure"
cp part2.bak split.sdc.002
# A missing last part.
mv "${parts[-1]}" last-part.bak
expect_exit 21 "$BIN" verify split.sdc.parts.json
expect_in last.err "${parts[-1]}" "missing part named"
mv last-part.bak "${parts[-1]}"
expect_exit 0 "$BIN" verify split.sdc.parts.json
pass "a flipped byte in part 2 (exit 26) and a missing part (exit 21) are named"

# Splitting to an odd size and to the largest allowed size (one part).
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir cache -o odd.sdc --split-size 777K
cat odd.sdc.0* | cmp - whole.sdc || fail "777K parts do not join to the bundle"
expect_exit 0 "$BIN" build -S "$up_URL" --all --cache-dir cache -o one.sdc --split-size 4294967295
check_eq "$(ls one.sdc.0* | wc -l)" 1 "one part when the bundle is smaller than the split size"
cmp one.sdc.001 whole.sdc || fail "a single part is the bundle"
pass "odd split sizes and the 4 GiB - 1 maximum"

# --- identical files are stored once -------------------------------------------------------
# A new imgapi image whose file is byte-for-byte the newest sapi's: one file member for both.
cp -r catalog twins
node -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const sapi = JSON.parse(fs.readFileSync(dir + "/catalog.json", "utf8")).artifacts.sapi
    .filter(a => a.channels.includes("dev")).pop();
  const m = JSON.parse(fs.readFileSync(dir + "/" + sapi.uuid + ".imgmanifest", "utf8"));
  m.uuid = "99999999-0000-4000-8000-000000000001";
  m.name = "imgapi";
  m.version = "master-20991231T000000Z-gdeadbee";
  m.published_at = "2099-12-31T00:00:00.000Z";
  m.channels = ["dev"];
  fs.writeFileSync(dir + "/" + m.uuid + ".imgmanifest", JSON.stringify(m, null, 2));
  fs.copyFileSync(dir + "/" + sapi.uuid + ".imgfile", dir + "/" + m.uuid + ".imgfile");' twins
start_server twins "$TEST_DIR/twins"
expect_exit 0 "$BIN" build -S "$twins_URL" sapi imgapi --cache-dir cache -o twins.sdc -j
check_eq "$(jsonf last.out 'b.downloaded.files + b.cached.files')" \
  "$(($(jsonf last.out 'b.artifacts') - 1))" "the shared file is fetched once"
expect_exit 0 "$BIN" inspect -j twins.sdc
cp last.out twins.json
check_eq "$(jsonf twins.json 'new Set(b.index.artifacts.filter(a => a.name === "imgapi" || a.name === "sapi").map(a => a.file)).size')" 1 "imgapi and sapi name one file member"
check_eq "$(jsonf twins.json 'b.index.members.filter(m => m.name.endsWith(".imgfile")).length')" \
  "$(($(jsonf twins.json 'b.index.artifacts.length') - 1))" "one .imgfile member fewer than artifacts"
check_eq "$(jsonf twins.json 'b.index.artifacts.find(a => a.name === "imgapi").stage_as')" \
  /usbkey/images/99999999-0000-4000-8000-000000000001.imgfile "stage_as keeps the image's own uuid"
expect_exit 0 "$BIN" verify twins.sdc
expect_exit 0 "$BIN" inspect twins.sdc
expect_in last.out "file shared with images/" "inspect shows the shared file"
pass "identical files are downloaded and stored once"
