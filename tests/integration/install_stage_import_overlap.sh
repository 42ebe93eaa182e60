#!/usr/bin/env bash
# sdcadm-install stage --import (what apply's stage step does): one pass that stages the
# bundle and imports its images, each uploaded as soon as its own bytes have verified and
# activated only once the whole bundle has (installer/stream_import.hpp).
#   * the builder writes origins before the images built on them;
#   * a fresh DC: every image active, none unactivated, everything staged; a re-run reads
#     no payload and imports nothing;
#   * a byte flipped in the last chunk: images were uploaded during the pass, and all of
#     them are deleted: nothing imported, nothing staged, no temp file;
#   * IMGAPI refusing an upload mid-pass: exit 7, the staged files kept, no image left
#     unactivated; the re-run imports everything;
#   * kill -9 mid-pass: unactivated images stay behind; the re-run removes them and finishes;
#   * `stage - --import` is refused (exit 2): the import reads the signed manifests again.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle b.sdc
HN="$TEST_DIR/hn"
make_root "$HN"
nimg=$(bundle_images | grep -c .)
nstaged=$(jsonf inspect.json 'b.index.members.length - 1')  # every member but changelog.json

# uploads_seen: AddImageFile requests the DC IMGAPI has answered so far (its request log).
uploads_seen() { grep -c '"method":"PUT".*/file' "$TEST_DIR/dc.log" || true; }

# --- origins first in the bundle --------------------------------------------------------------
mkdir x && zstd -q -d <b.sdc | tar -x -C x
zstd -q -d <b.sdc | tar -t >members.txt
node -e '
  const fs = require("fs");
  const order = fs.readFileSync("members.txt", "utf8").split("\n").filter(Boolean);
  const pos = n => order.indexOf(n);
  let chains = 0;
  for (const m of order.filter(n => n.endsWith(".imgmanifest"))) {
    const o = JSON.parse(fs.readFileSync("x/" + m, "utf8")).origin;
    if (!o || pos("images/" + o + ".imgmanifest") < 0) continue;
    chains++;
    if (pos("images/" + o + ".imgfile") > pos(m)) { console.error(m + " comes before its origin " + o); process.exit(1); }
  }
  if (chains === 0) { console.error("no image of the bundle is built on another: the check proves nothing"); process.exit(1); }' ||
  fail "the bundle does not list origins first"
rm -rf x
pass "the bundle lists every origin before the images built on it"

# --- one pass on a fresh DC -------------------------------------------------------------------
expect_exit 0 "$INST" --root "$HN" stage b.sdc --import -j --concurrency 3
cp last.out one.json
check_eq "$(jsonf one.json 'b.written')" "$nstaged" "one pass: everything staged"
check_eq "$(jsonf one.json 'b.import.images.filter(i => i.when === "during-stage" && i.outcome === "imported").length')" \
  "$nimg" "one pass: every image imported during the pass"
check_eq "$(dc_count active)" "$nimg" "one pass: all active"
check_eq "$(dc_count unactivated)" 0 "one pass: none unactivated"
check_eq "$(temp_files "$HN")" 0 "one pass: no temp file"
expect_exit 0 "$INST" --root "$HN" stage b.sdc --import
expect_in last.out "everything was in place" "re-run reads no payload"
expect_in last.out "imported 0 image(s)" "re-run imports nothing"
expect_in last.out "$nimg already active" "re-run finds every image active"
expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(jsonf last.out 'b.images.every(i => i.outcome === "already-active")')" true "import after: nothing to do"
pass "stage --import: $nimg images active after one pass; a re-run reads and imports nothing"

# fresh_dc [SERVER ARGS...]: an empty DC IMGAPI and nothing staged.
fresh_dc() {
  stop_dc
  rm -rf "$HN/imgapi-data" "$HN/usbkey/images"/* "$HN/usbkey/extra"/* "$HN/var/sdcadm/install"
  : >"$TEST_DIR/dc.log"
  start_dc "$HN" "$@"
}

# --- a byte flipped in the last chunk: nothing imported, nothing staged --------------------------
# The last data frame ends where the seek table starts (docs/bundle-format.md §4: a skippable
# frame of 8 header bytes, 24 per entry, and a 16-byte footer "count, version, SDCSEEK1").
cp b.sdc bad.sdc
node -e '
  const fs = require("fs"), f = process.argv[1], b = fs.readFileSync(f);
  if (b.toString("latin1", b.length - 8) !== "SDCSEEK1") throw new Error("no seek table footer");
  const count = b.readUInt32LE(b.length - 16), table = 8 + count * 24 + 16;
  const last = Number(b.readBigUInt64LE(b.length - 16 - 24));  // the last entry: its compressed size
  b[b.length - table - Math.floor(last / 2)] ^= 0x5a;
  fs.writeFileSync(f, b);' bad.sdc
fresh_dc
rc=0; "$INST" --root "$HN" stage bad.sdc --import >last.out 2>last.err || rc=$?
(( rc >= 20 && rc <= 26 )) || { cat last.err; fail "tampered last chunk: exit $rc"; }
(( $(uploads_seen) > 0 )) || fail "no image was uploaded during the pass: the test proves nothing"
check_eq "$(dc_count all)" 0 "tampered last chunk: nothing left in IMGAPI"
check_eq "$(staged_files "$HN" | wc -l)" 0 "tampered last chunk: nothing staged"
check_eq "$(temp_files "$HN")" 0 "tampered last chunk: no temp file"
pass "a byte flipped in the last chunk: $(uploads_seen) uploads made during the pass, all deleted (exit $rc)"

# --- IMGAPI refusing an upload mid-pass --------------------------------------------------------
fresh_dc --fault 'status=503,method=PUT,path=/images/*/file,nth=4,count=1000'
expect_exit 7 "$INST" --root "$HN" stage b.sdc --import --attempts 2
expect_in last.err "importing image" "the failing image is named"
expect_in last.err "image(s) imported while staging are active" "what the pass did import is said"
expect_in last.err "run the same command again" "what to do"
check_eq "$(dc_count unactivated)" 0 "upload refused: none unactivated"
check_eq "$(staged_files "$HN" | wc -l)" "$nstaged" "upload refused: the verified bundle is staged"
stop_dc
start_dc "$HN"
expect_exit 0 "$INST" --root "$HN" stage b.sdc --import -j
check_eq "$(dc_count active)" "$nimg" "re-run after a refused upload: all active"
check_eq "$(dc_count unactivated)" 0 "re-run after a refused upload: none unactivated"
pass "IMGAPI refusing uploads mid-pass: exit 7, staged kept, nothing unactivated; the re-run finishes"

# --- kill -9 mid-pass: the re-run removes the unactivated images and finishes ---------------------
fresh_dc --fault 'latency=1500,method=POST,path=/images/*'
"$INST" --root "$HN" stage b.sdc --import --no-progress >/dev/null 2>&1 &
victim=$!
for _ in $(seq 1 200); do [[ $(dc_count unactivated) -ge 2 ]] && break; sleep 0.1; done
kill -9 $victim; wait $victim 2>/dev/null || true
sleep 2  # requests the killed run had sent finish on the server (1.5 s of latency each)
stop_dc
start_dc "$HN"
left=$(dc_count unactivated)
(( left >= 1 )) || fail "the killed pass left no unactivated image: the test proves nothing"
check_eq "$(dc_count active)" 0 "killed mid-pass: nothing activated"
expect_exit 0 "$INST" --root "$HN" stage b.sdc --import -j
check_eq "$(jsonf last.out 'b.import.leftovers_removed')" "$left" "re-run removed every leftover"
check_eq "$(dc_count active)" "$nimg" "after kill -9 and re-run: all active"
check_eq "$(dc_count unactivated)" 0 "after kill -9 and re-run: none unactivated"
check_eq "$(temp_files "$HN")" 0 "after kill -9 and re-run: no temp file"
pass "kill -9 mid-pass: $left unactivated image(s) left; the re-run removes them and finishes"

# --- a pipe cannot be imported in the pass ------------------------------------------------------
expect_exit 2 "$INST" --root "$HN" stage - --import <b.sdc
expect_in last.err "name the bundle file" "stage - --import says what to do"
pass "stage - --import: exit 2, says to name the file"
