#!/usr/bin/env bash
# Issue 12 items 8-10 on `sdcadm-install stage` / `import` / `seed-agents`: what `stage`
# wrote under /usbkey is checked against the signed index again before import sends it to
# IMGAPI. An attacker with write access to /usbkey changes one staged image file (same
# size) and writes its new SHA-1 into the staged manifest, or changes the manifest's origin:
# import refuses with exit 8 (integrity), names the file and the field, says to re-stage,
# and nothing of that image reaches IMGAPI. Re-staging puts the bundle's bytes back. And a
# directory the installer writes under that is a symlink is refused (exit 47) with nothing
# written into the link's target.
source "${SDCB_SOURCE:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/harness.sh"  # runnable by hand too
source "$SDCB_SOURCE/tests/integration/build_helpers.bash"
source "$SDCB_SOURCE/tests/integration/install_helpers.bash"

cd "$TEST_DIR"
make_bundle b.sdc
HN="$TEST_DIR/hn"
make_root "$HN"
expect_exit 0 "$INST" --root "$HN" stage b.sdc

# A service image (not an origin: its manifest names one) and its staged pair.
U=$(jsonf inspect.json 'b.index.artifacts.find(a => a.role === "service-image" && a.name === "imgapi").uuid')
FILE="$HN/usbkey/images/$U.imgfile"
MANIFEST="$HN/usbkey/images/$U.imgmanifest"
SIGNED_SHA1=$(jsonf "$MANIFEST" 'b.files[0].sha1')
ORIGIN=$(jsonf "$MANIFEST" 'b.origin')
[[ -n "$ORIGIN" && "$ORIGIN" != undefined ]] || fail "the chosen image has no origin: the test proves nothing"
cp "$FILE" file.orig
cp "$MANIFEST" manifest.orig

# set_manifest EXPR: rewrites the staged manifest with EXPR applied to it (`b`).
set_manifest() {
  node -e 'const fs = require("fs"); const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    new Function("b", process.argv[2])(b); fs.writeFileSync(process.argv[1], JSON.stringify(b));' "$MANIFEST" "$1"
}
# in_dc UUID: the image's state in the DC IMGAPI, "absent" when it has none.
in_dc() {
  local out
  out=$(curl -s "$dc_URL/images/$1")
  node -e 'const b = JSON.parse(process.argv[1]); process.stdout.write(b.state || "absent")' "$out"
}

# --- the attack of the issue: the file changed (same size), its new SHA-1 in the manifest ---------------
size=$(stat -c %s "$FILE")
printf '\x5a\x5a\x5a\x5a' | dd of="$FILE" bs=1 seek=$((size / 2)) conv=notrunc status=none
check_eq "$(stat -c %s "$FILE")" "$size" "same size after the change"
FORGED_SHA1=$(sha1_of "$FILE")
set_manifest "b.files[0].sha1 = '$FORGED_SHA1'"
expect_exit 8 "$INST" --root "$HN" import b.sdc
expect_in last.err "staged manifest $MANIFEST" "manifest sha1: the file is named"
expect_in last.err "files[0].sha1 is $FORGED_SHA1 (the signed bundle says $SIGNED_SHA1)" "manifest sha1: what changed"
expect_in last.err "sdcadm-install stage BUNDLE" "manifest sha1: what to do"
check_eq "$(dc_count all)" 0 "manifest sha1: nothing reached IMGAPI"
pass "a staged file changed with its new SHA-1 in the staged manifest: import refused (exit 8), nothing imported"

# --- the file alone changed (manifest as signed): refused before its upload ---------------------------
cp manifest.orig "$MANIFEST"
expect_exit 8 "$INST" --root "$HN" import b.sdc --concurrency 1
expect_in last.err "staged file $FILE" "file: named"
expect_in last.err "same size, other content" "file: what differs"
expect_in last.err "sdcadm-install stage BUNDLE" "file: what to do"
check_eq "$(in_dc "$U")" absent "file: the image is not in IMGAPI"
check_eq "$(dc_count unactivated)" 0 "file: nothing left unactivated"
pass "a staged file changed after stage (same size): import refused (exit 8), the image never reached IMGAPI"

# --- the manifest's origin changed --------------------------------------------------------------------
cp file.orig "$FILE"
set_manifest "b.origin = '00000000-1111-4222-8333-444444444444'"
expect_exit 8 "$INST" --root "$HN" import b.sdc
expect_in last.err "origin is 00000000-1111-4222-8333-444444444444 (the signed bundle says $ORIGIN)" "origin: what changed"
check_eq "$(in_dc "$U")" absent "origin: the image is not in IMGAPI"
pass "a staged manifest with another origin: import refused (exit 8)"

# --- re-staging writes the bundle's bytes back; import then succeeds --------------------------------------
printf '\x5a' | dd of="$FILE" bs=1 seek=7 conv=notrunc status=none
expect_exit 0 "$INST" --root "$HN" stage b.sdc -j
check_eq "$(jsonf last.out 'b.written')" 2 "re-stage rewrote the changed file and manifest"
cmp -s "$FILE" file.orig || fail "re-stage: the file is not the bundle's"
cmp -s "$MANIFEST" manifest.orig || fail "re-stage: the manifest is not the bundle's"
expect_exit 0 "$INST" --root "$HN" import b.sdc -j
check_eq "$(in_dc "$U")" active "after re-stage: imported"
check_eq "$(curl -s "$dc_URL/images/$U" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).files[0].sha1)')" \
  "$SIGNED_SHA1" "IMGAPI has the signed SHA-1"
pass "re-staging restores the signed bytes; import then succeeds with the signed SHA-1"

# --- directory symlinks under the root: refused, nothing written into the link's target ---------------------
# (stage here; install_apply_tamper.sh does it with apply on a whole headnode)
for d in usbkey/images usbkey/extra/platforms usbkey var/sdcadm/install; do
  rm -rf "$HN/usbkey/images"/* "$HN/usbkey/extra"/* "$HN/var/sdcadm/install"
  mkdir -p "$HN/usbkey/images" "$HN/usbkey/extra/agents" "$HN/var/sdcadm"
  target="$TEST_DIR/elsewhere-${d//\//-}"
  mkdir -p "$target"
  [[ "$d" == usbkey ]] && cp -a "$HN/usbkey/." "$target/"   # the config moves with it
  before=$(find "$target" | sort | sha1sum)
  mv "$HN/$d" "$HN/$d.real" 2>/dev/null || true
  ln -s "$target" "$HN/$d"
  expect_exit 47 "$INST" --root "$HN" stage b.sdc
  expect_in last.err "$HN/$d is a symbolic link" "$d: the link is named"
  expect_in last.err "run the command again" "$d: what to do"
  check_eq "$(find "$target" | sort | sha1sum)" "$before" "$d: nothing written into the link's target"
  rm "$HN/$d"
  if [[ -e "$HN/$d.real" ]]; then mv "$HN/$d.real" "$HN/$d"; else mkdir -p "$HN/$d"; fi
done
expect_exit 0 "$INST" --root "$HN" stage b.sdc
pass "symlinked /usbkey/images, /usbkey/extra/platforms, /usbkey, /var/sdcadm/install: exit 47, nothing written through them"
