#!/usr/bin/env bash
# sdcadm-install with a delta bundle (docs/bundle-format.md §3a) on a bare headnode root with a
# DC-mode IMGAPI. The delta bundle is made from a full `build --all` bundle by the test-only
# tool make-delta-bundle (the builder's own deltas are another part of issue 16): one service
# image is rewritten as a patch against an older image of the same name from the catalog.
#   * the base nowhere: verify and stage refuse with exit 48 before anything is written;
#   * the base in the DC IMGAPI (the simulator's server): stage downloads it, rebuilds the
#     file byte for byte the full bundle's, leaves no temp file; a re-run reads no payload;
#   * the base in /usbkey/images (IMGAPI lacking it): rebuilt from there; a local base of the
#     right size but other content is not used (exit 48, nothing staged);
#   * import takes the rebuilt file into IMGAPI with the full bundle's sha1.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle full.sdc
HN="$TEST_DIR/hn"
make_root "$HN"

# The image to ship as a delta: a gzip service image of the bundle with an older image of the
# same name in the catalog (the DC's base).
node -e '
  const fs = require("fs");
  const arts = JSON.parse(fs.readFileSync("inspect.json", "utf8")).index.artifacts;
  const cat = fs.readdirSync("catalog").filter(f => f.endsWith(".imgmanifest"))
    .map(f => JSON.parse(fs.readFileSync("catalog/" + f, "utf8")));
  for (const a of arts) {
    if (a.role !== "service-image") continue;
    const m = cat.find(c => c.uuid === a.uuid);
    if (!m || m.files[0].compression !== "gzip") continue;
    const older = cat.filter(c => c.name === m.name && c.uuid !== m.uuid && c.files[0].compression === "gzip" &&
                                  c.published_at < m.published_at)
                     .sort((x, y) => (x.published_at < y.published_at ? 1 : -1));
    if (older.length) { console.log(a.uuid + " " + older[0].uuid + " " + m.name + " " + older[0].version); process.exit(0); }
  }
  process.exit(1);' >pick.txt || fail "no service image with an older version in the catalog"
read -r IMG BASE NAME BASE_VERSION <pick.txt
# --recompress: the image is recompressed with pigz -6 first, as buildimage compresses service
# images, whatever the catalog's payload mode wrote.
"$SDCB_BIN/make-delta-bundle" --in full.sdc --out d.sdc --key "$KEYS/alice.pem" --image "$IMG" \
  --base-file "catalog/$BASE.imgfile" --base-uuid "$BASE" --recompress --file-out new.imgfile >delta.json 2>delta.err || { cat delta.err >&2; fail "make-delta-bundle"; }
# (The point here is the installer's handling; patch sizes are the builder's concern and
# bench/delta_bundle.sh's, and tests/integration/delta_apply.sh runs the builder's own deltas.)
"$BIN" inspect -j d.sdc >d_inspect.json || fail "inspect d.sdc"
check_eq "$(jsonf d_inspect.json 'b.index.format_version')" 2 "a delta bundle is format version 2"
FULL_SHA1=$(sha1_of new.imgfile)
pass "delta bundle: $NAME $IMG against $BASE_VERSION ($BASE), $(jsonf delta.json 'b.patch_size') bytes of patch"

# --- the base nowhere: refused before anything is written -------------------------------------
expect_exit 48 "$INST" --root "$HN" verify d.sdc
expect_in last.err "ask for a full bundle (sdcadm-bundle build --no-delta)" "verify says what to do"
expect_exit 48 "$INST" --root "$HN" stage d.sdc
expect_in last.err "this bundle is a delta against images this DC does not have; ask for a full bundle (sdcadm-bundle build --no-delta)" "stage says what to do"
expect_in last.err "($IMG) needs base image $BASE with SHA-1 $(sha1_of "catalog/$BASE.imgfile")" "names the image and its base"
check_eq "$(staged_files "$HN" | wc -l)" 0 "nothing staged"
check_eq "$(temp_files "$HN")" 0 "no temp file"
pass "base missing: verify and stage refuse (exit 48), nothing written"

# --- the base in the DC IMGAPI ----------------------------------------------------------------
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  // Its origin is not in this DC IMGAPI (it would refuse the import): the base stands alone.
  for (const k of ["state", "files", "channels", "icon", "origin"]) delete m[k];
  process.stdout.write(JSON.stringify(m));' "catalog/$BASE.imgmanifest" >base.json
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @base.json \
  "$dc_URL/images/$BASE?action=import&skip_owner_check=true" >/dev/null || fail "import the base"
curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@catalog/$BASE.imgfile" \
  "$dc_URL/images/$BASE/file?compression=gzip" >/dev/null || fail "add the base's file"
curl -sf -X POST "$dc_URL/images/$BASE?action=activate" >/dev/null || fail "activate the base"
expect_exit 0 "$INST" --root "$HN" verify d.sdc -j
check_eq "$(jsonf last.out 'b.deltas.length === 1 && b.deltas[0].includes("delta against '"$BASE_VERSION"'") && b.deltas[0].includes("from the DC IMGAPI")')" \
  true "verify names the delta and its base"
expect_exit 0 "$INST" --root "$HN" stage d.sdc -j
cp last.out stage.json
check_eq "$(jsonf stage.json 'b.rebuilt')" 1 "one image rebuilt"
check_eq "$(sha1_of "$HN/usbkey/images/$IMG.imgfile")" "$FULL_SHA1" "the rebuilt file is the full file's"
cmp -s "$HN/usbkey/images/$IMG.imgfile" new.imgfile || fail "rebuilt file differs"
check_eq "$(temp_files "$HN")" 0 "no temp file after stage"
expect_exit 0 "$INST" --root "$HN" stage d.sdc -j
check_eq "$(jsonf last.out 'b.written + "," + b.payload_read + "," + b.rebuilt')" "0,false,0" "re-run reads no payload"
pass "base in the DC IMGAPI: downloaded, image rebuilt byte for byte, re-run reads nothing"

expect_exit 0 "$INST" --root "$HN" import d.sdc -j
curl -sf "$dc_URL/images/$IMG" >img.json || fail "get $IMG"
check_eq "$(jsonf img.json 'b.state + " " + b.files[0].sha1')" "active $FULL_SHA1" "imported with the full bundle's sha1"
pass "import: the rebuilt image is active with the full file's sha1"

# --- the base in /usbkey/images, the DC IMGAPI without it -------------------------------------
rm -f "$HN/usbkey/images/$IMG.imgfile"
curl -sf -X DELETE "$dc_URL/images/$BASE" || fail "delete the base from IMGAPI"
cp "catalog/$BASE.imgfile" "$HN/usbkey/images/$BASE.imgfile"
expect_exit 0 "$INST" --root "$HN" stage d.sdc -j
check_eq "$(jsonf last.out 'b.rebuilt')" 1 "rebuilt from /usbkey/images"
check_eq "$(sha1_of "$HN/usbkey/images/$IMG.imgfile")" "$FULL_SHA1" "the rebuilt file is the full file's"
check_eq "$(temp_files "$HN")" 0 "no temp file"
# A local base of the right size but other content is not the base.
rm -f "$HN/usbkey/images/$IMG.imgfile"
printf 'X' | dd of="$HN/usbkey/images/$BASE.imgfile" bs=1 seek=100 conv=notrunc status=none
before=$(staged_files "$HN" | md5sum)
expect_exit 48 "$INST" --root "$HN" stage d.sdc
check_eq "$(staged_files "$HN" | md5sum)" "$before" "nothing staged with a changed base"
check_eq "$(temp_files "$HN")" 0 "no temp file"
pass "base in /usbkey/images: rebuilt from it; a changed local base refused (exit 48)"
